"""What the Connect tier runs, read from the planned stacks (pure; no Kafka client, no processes).

From a plan (the recording of the offline engine): every connector as Strimzi would hand it to
Connect (``KafkaConnector`` objects, and the connectors Strimzi derives from a ``KafkaMirrorMaker2``),
a Connect cluster with its user and a FileStream source and sink, and a MirrorMaker 2 mirror with
its two users.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from messaging_platform_tools.offline.engine import Recording

from .connect import STRIMZI_MIRROR_MAKER_2_DEFAULTS

STRIMZI = "kubernetes:kafka.strimzi.io/v1"
KAFKA_TOPIC = f"{STRIMZI}:KafkaTopic"
KAFKA_USER = f"{STRIMZI}:KafkaUser"
KAFKA_CONNECT = f"{STRIMZI}:KafkaConnect"
KAFKA_CONNECTOR = f"{STRIMZI}:KafkaConnector"
KAFKA_MIRROR_MAKER_2 = f"{STRIMZI}:KafkaMirrorMaker2"
CLUSTER_LABEL = "strimzi.io/cluster"
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
MIRROR_PACKAGE = "org.apache.kafka.connect.mirror"
MIRROR_SOURCE = f"{MIRROR_PACKAGE}.MirrorSourceConnector"
MIRROR_CHECKPOINT = f"{MIRROR_PACKAGE}.MirrorCheckpointConnector"
DEFAULT_REPLICATION_POLICY = f"{MIRROR_PACKAGE}.DefaultReplicationPolicy"
STORAGE_KEYS = ("config.storage.topic", "offset.storage.topic", "status.storage.topic")
# Connection settings of a MirrorMaker 2 side, replaced by the test broker's real ones.
_CONNECTION_KEYS = ("bootstrap.servers", "security.protocol", "sasl.", "ssl.")


@dataclass(frozen=True)
class Connector:
    """A connector as the worker receives it: a name, a class and its config (all strings)."""

    origin: str
    name: str
    connector_class: str
    config: dict[str, str]

    def rest_config(self) -> dict[str, str]:
        """``PUT /connectors/{name}/config`` body."""
        return {"connector.class": self.connector_class, "name": self.name, **self.config}


@dataclass(frozen=True)
class TopicSpec:
    """A topic as the Topic Operator creates it on the one-node test broker (one replica)."""

    partitions: int = 1
    config: Mapping[str, str] = field(default_factory=dict)


def config_value(value: Any) -> str:
    """A config value of a Strimzi resource as the operator hands it to Kafka (JSON scalars as text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _strings(config: Mapping[str, Any] | None) -> dict[str, str]:
    return {k: config_value(v) for k, v in (config or {}).items()}


def kafka_connector(origin: str, obj: Mapping[str, Any]) -> Connector:
    """What Strimzi's operator sends to Connect for a ``KafkaConnector``: ``spec.config`` with the
    class and ``tasks.max`` from their own fields.

    Ref: strimzi/strimzi-kafka-operator @ 1.2.0, cluster-operator ``AbstractConnectOperator``
    (``createConnectorConfig``: ``connector.class`` from ``spec.class``, ``tasks.max`` from ``spec.tasksMax``)."""
    spec = obj["spec"]
    config = _strings(spec.get("config"))
    if spec.get("tasksMax") is not None:
        config["tasks.max"] = str(spec["tasksMax"])
    name = obj["metadata"]["name"]
    return Connector(f"{origin}: KafkaConnector {name}", name, spec["class"], config)


def _mirror_cluster(prefix: str, cluster: Mapping[str, Any]) -> dict[str, str]:
    """A side of a KafkaMirrorMaker2 as connector config under ``prefix``: alias, bootstrap, protocol
    and mechanism (credentials are Strimzi's config-provider placeholders in a pod; left out here)."""
    tls = cluster.get("tls") is not None
    config = {f"{prefix}alias": cluster["alias"], f"{prefix}bootstrap.servers": cluster["bootstrapServers"]}
    protocol = "SSL" if tls else "PLAINTEXT"
    auth = (cluster.get("authentication") or {}).get("type")
    mechanisms = {"scram-sha-512": "SCRAM-SHA-512", "scram-sha-256": "SCRAM-SHA-256", "plain": "PLAIN"}
    if auth in mechanisms:
        protocol = "SASL_SSL" if tls else "SASL_PLAINTEXT"
        config[f"{prefix}sasl.mechanism"] = mechanisms[auth]
    config[f"{prefix}security.protocol"] = protocol
    config.update({f"{prefix}{k}": v for k, v in _strings(cluster.get("config")).items()})
    return config


def mirror_maker_2_connectors(origin: str, obj: Mapping[str, Any]) -> list[Connector]:
    """The connectors Strimzi creates for a ``KafkaMirrorMaker2``: per mirror, a MirrorSourceConnector
    and a MirrorCheckpointConnector where the mirror declares them, named ``<source>-><target>.<Class>``.

    Ref: strimzi/strimzi-kafka-operator @ 1.2.0, cluster-operator ``KafkaMirrorMaker2Connectors``
    (``generateConnectorDefinitions``, ``prepareMirrorMaker2ConnectorConfig``)."""
    spec = obj["spec"]
    target = spec["target"]
    result = []
    for mirror in spec["mirrors"]:
        for field_name, kind in (
            ("sourceConnector", "MirrorSourceConnector"),
            ("checkpointConnector", "MirrorCheckpointConnector"),
        ):
            connector = mirror.get(field_name)
            if connector is None:
                continue
            config = {
                **_mirror_cluster("target.cluster.", target),
                **_mirror_cluster("source.cluster.", mirror["source"]),
                **_strings(connector.get("config")),
            }
            for key, config_key in (
                ("topicsPattern", "topics"),
                ("topicsExcludePattern", "topics.exclude"),
                ("groupsPattern", "groups"),
                ("groupsExcludePattern", "groups.exclude"),
            ):
                if mirror.get(key) is not None:
                    config[config_key] = mirror[key]
            if connector.get("tasksMax") is not None:
                config["tasks.max"] = str(connector["tasksMax"])
            name = f"{mirror['source']['alias']}->{target['alias']}.{kind}"
            where = f"{origin}: KafkaMirrorMaker2 {obj['metadata']['name']}"
            result.append(Connector(where, name, f"{MIRROR_PACKAGE}.{kind}", config))
    return result


def planned_connectors(plans: Mapping[str, Recording]) -> list[Connector]:
    """Every connector of every planned stack."""
    found: list[Connector] = []
    for stack, recording in sorted(plans.items()):
        found += [kafka_connector(stack, r.inputs) for r in recording.of_type(KAFKA_CONNECTOR)]
        for r in recording.of_type(KAFKA_MIRROR_MAKER_2):
            found += mirror_maker_2_connectors(stack, r.inputs)
    return found


def planned_topics(recording: Recording) -> dict[str, TopicSpec]:
    """The plan's KafkaTopics by Kafka name, as the Topic Operator would create them on the one-node
    test broker: one replica, so ``min.insync.replicas`` 1 (else every ``acks=all`` write fails)."""
    topics = {}
    for r in recording.of_type(KAFKA_TOPIC):
        obj = r.inputs
        name = obj["spec"].get("topicName") or obj["metadata"]["name"]
        config = {**_strings(obj["spec"].get("config")), "min.insync.replicas": "1"}
        topics[name] = TopicSpec(int(obj["spec"].get("partitions", 1)), config)
    return topics


def _users(recording: Recording) -> dict[str, Mapping[str, Any]]:
    return {r.inputs["metadata"]["name"]: r.inputs for r in recording.of_type(KAFKA_USER)}


def _user_name(authentication: Mapping[str, Any] | None) -> str | None:
    """The KafkaUser a Strimzi client authenticates as: the SCRAM user name, or the user whose
    certificate Secret (named after the user by the User Operator) it mounts."""
    auth = authentication or {}
    return auth.get("username") or (auth.get("certificateAndKey") or {}).get("secretName")


# ---------------------------------------------------------------------------------------------
# A Connect cluster, its user, and a FileStream source and sink meeting on one topic
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectSetup:
    """A Connect cluster to run: its user, its worker config, the topics the Topic Operator makes
    for it, and a FileStream source and sink that meet on one topic."""

    origin: str
    kafka_user: Mapping[str, Any]
    worker_config: dict[str, str]
    source: Connector
    sink: Connector
    topics: dict[str, TopicSpec]

    @property
    def topic(self) -> str:
        return self.source.config["topic"]


def planned_connect_setup(origin: str, recording: Recording) -> ConnectSetup | None:
    """The plan's first Connect cluster whose KafkaUser is planned (named by ``spec.authentication``)
    and that runs a FileStream source and a FileStream sink on one topic; None if there is none.

    The worker config is the resource's: ``spec.groupId``, the storage topics, ``spec.config``. Topics
    the plan declares (internal ones too) are created first, as the Topic Operator would."""
    users = _users(recording)
    topics = planned_topics(recording)
    connectors = [r.inputs for r in recording.of_type(KAFKA_CONNECTOR)]
    for cluster in (r.inputs for r in recording.of_type(KAFKA_CONNECT)):
        spec = cluster["spec"]
        user_name = _user_name(spec.get("authentication"))
        if user_name not in users:
            continue
        mine = [
            kafka_connector(origin, c)
            for c in connectors
            if c["metadata"].get("labels", {}).get(CLUSTER_LABEL) == cluster["metadata"]["name"]
        ]
        sources = [c for c in mine if c.connector_class == FILE_SOURCE]
        sinks = [c for c in mine if c.connector_class == FILE_SINK]
        pair = next(
            ((s, k) for s in sources for k in sinks if s.config.get("topic") in k.config.get("topics", "").split(",")),
            None,
        )
        if pair is None:
            continue
        worker_config = {
            "group.id": spec["groupId"],
            "config.storage.topic": spec["configStorageTopic"],
            "offset.storage.topic": spec["offsetStorageTopic"],
            "status.storage.topic": spec["statusStorageTopic"],
            **_strings(spec.get("config")),
        }
        needed = {pair[0].config["topic"], *(worker_config[k] for k in STORAGE_KEYS)}
        return ConnectSetup(
            f"{origin}: KafkaConnect {cluster['metadata']['name']}",
            users[user_name],
            worker_config,
            *pair,
            topics={name: spec for name, spec in topics.items() if name in needed},
        )
    return None


# ---------------------------------------------------------------------------------------------
# A MirrorMaker 2 mirror and its two users
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MirrorSetup:
    """A mirror to run: the user on each side, the Connect cluster on the target, the connectors
    (their config without connection settings: those come from the logins), the source topics it
    mirrors and the consumer groups it checkpoints."""

    origin: str
    stack: str
    source_user: Mapping[str, Any]
    target_user: Mapping[str, Any]
    worker_config: dict[str, str]
    connectors: list[Connector]
    source_alias: str
    source_topics: list[str]
    groups: list[str]
    topics: dict[str, TopicSpec]
    """The source topics as the plan declares them (created on the broker before the mirror runs)."""

    def remote_topic(self, topic: str) -> str:
        """The mirrored topic's name on the target (DefaultReplicationPolicy, separator ``.``)."""
        return f"{self.source_alias}.{topic}"

    def connector_configs(self, source: Mapping[str, str], target: Mapping[str, str]) -> list[dict[str, str]]:
        """Each connector's REST config with ``source``/``target`` as the two sides' client settings."""
        result = []
        for connector in self.connectors:
            kept = {
                k: v
                for k, v in connector.rest_config().items()
                if not any(
                    k.startswith(f"{side}.cluster.{c}") for side in ("source", "target") for c in _CONNECTION_KEYS
                )
            }
            result.append(
                {
                    **kept,
                    **{f"source.cluster.{k}": v for k, v in source.items()},
                    **{f"target.cluster.{k}": v for k, v in target.items()},
                }
            )
        return result


def _unpattern(pattern: str) -> list[str]:
    """The names of a literal ``a|b\\.c`` topic pattern (as the MirrorMaker 2 component writes them)."""
    return [re.sub(r"\\(.)", r"\1", part) for part in pattern.split("|")]


def planned_mirror_setup(origin: str, recording: Recording) -> MirrorSetup | None:
    """The plan's first KafkaMirrorMaker2 whose target and first mirror's source authenticate as
    planned KafkaUsers and which names the remote topic the default way (``<alias>.<topic>``: on one
    broker an identity mirror would copy a topic onto itself); None if there is none."""
    users = _users(recording)
    topics = planned_topics(recording)
    for obj in (r.inputs for r in recording.of_type(KAFKA_MIRROR_MAKER_2)):
        spec = obj["spec"]
        target, mirror = spec["target"], spec["mirrors"][0]
        source_user, target_user = (
            _user_name(mirror["source"].get("authentication")),
            _user_name(target.get("authentication")),
        )
        policy = (mirror.get("sourceConnector") or {}).get("config", {}).get("replication.policy.class")
        if source_user not in users or target_user not in users or policy not in (None, DEFAULT_REPLICATION_POLICY):
            continue
        connectors = mirror_maker_2_connectors(origin, {**obj, "spec": {**spec, "mirrors": [mirror]}})
        source_topics = _unpattern(mirror["topicsPattern"])
        worker_config = {
            **STRIMZI_MIRROR_MAKER_2_DEFAULTS,
            "group.id": target["groupId"],
            "config.storage.topic": target["configStorageTopic"],
            "offset.storage.topic": target["offsetStorageTopic"],
            "status.storage.topic": target["statusStorageTopic"],
            **_strings(target.get("config")),
        }
        return MirrorSetup(
            origin=f"{origin}: KafkaMirrorMaker2 {obj['metadata']['name']}",
            stack=origin,
            source_user=users[source_user],
            target_user=users[target_user],
            worker_config=worker_config,
            connectors=connectors,
            source_alias=mirror["source"]["alias"],
            source_topics=source_topics,
            groups=_unpattern(mirror["groupsPattern"]) if mirror.get("groupsPattern") else [],
            topics={name: t for name, t in topics.items() if name in source_topics},
        )
    return None
