"""Kafka Connect's pure pieces: the Connect user's exact ACLs, the KafkaConnect and KafkaConnector
specs, checked against the Strimzi 1.2.0 CRDs and judged by the policy rules."""

from __future__ import annotations

from typing import Any

import pytest

from messaging_platform.config.acls import ConnectorGrants, connect_acls
from messaging_platform.config.connect import ConnectConfig
from messaging_platform.config.connect_resolve import ResolvedConnect, resolve_connect
from messaging_platform.config.connectors import ConnectorSpec
from messaging_platform.config.presets import connect_preset, merge
from messaging_platform.config.resolve import ResolvedConnector
from messaging_platform.policy import evaluate, load_policy_config, resolve_settings, view_of_object
from messaging_platform.specs.connect import connect_spec, connector_spec, worker_config
from messaging_platform.strimzi import API_VERSION
from messaging_platform_tools.validation.crd_schema import CrdSchemas
from tests.conftest import stack_config

Rule = tuple[str, str, str, tuple[str, ...]]
INTERNAL = ("connect.x.configs", "connect.x.offsets", "connect.x.status")
WORKER: list[Rule] = [
    ("group", "literal", "connect.x", ("Read",)),
    *(("topic", "literal", name, ("Describe", "DescribeConfigs", "Read", "Write")) for name in INTERNAL),
]


def rules(*connectors: ConnectorGrants) -> list[Rule]:
    found = connect_acls("connect.x", INTERNAL, connectors)
    return [(r.resource_type, r.pattern, r.name, r.operations) for r in found]


@pytest.mark.parametrize(
    ("connectors", "expected"),
    [
        pytest.param((), WORKER, id="workers-only"),
        pytest.param(
            (ConnectorGrants((), ("shipping.feed.v1",), "connect-feed-import"),),
            [*WORKER, ("topic", "literal", "shipping.feed.v1", ("Describe", "Write"))],
            id="source-writes-no-group",
        ),
        pytest.param(
            (ConnectorGrants(("shipping.feed.v1",), (), "connect-feed-archive"),),
            [
                ("group", "literal", "connect-feed-archive", ("Read",)),
                *WORKER,
                ("topic", "literal", "shipping.feed.v1", ("Describe", "Read")),
            ],
            id="sink-reads-in-connect-name",
        ),
        pytest.param(
            (
                ConnectorGrants((), ("shipping.feed.v1",), "connect-a"),
                ConnectorGrants(("shipping.feed.v1",), (), "connect-b"),
            ),
            [
                ("group", "literal", "connect-b", ("Read",)),
                *WORKER,
                ("topic", "literal", "shipping.feed.v1", ("Describe", "Read", "Write")),
            ],
            id="source-and-sink-on-one-topic-merge",
        ),
    ],
)
def test_the_connect_user_gets_exactly_its_group_topics_and_connector_topics(
    connectors: tuple[ConnectorGrants, ...], expected: list[Rule]
) -> None:
    """Group Read: join/sync/heartbeat; internal topics Describe/Read/Write, and DescribeConfigs so the
    workers verify they are compacted; no Create (the topics are KafkaTopics), nothing on the cluster."""
    assert rules(*connectors) == expected


def connector(name: str, **spec: Any) -> ResolvedConnector:
    parsed = ConnectorSpec.model_validate({"connect": "x", **spec})
    return ResolvedConnector(name, parsed, tuple(parsed.consumes), tuple(parsed.produces), "code", "shipping", name)


FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
SOURCE = connector("feed-import", **{"class": FILE_SOURCE, "produces": ["shipping.feed.v1"],
                                     "config": {"topic": "shipping.feed.v1"}})  # fmt: skip
SINK = connector("feed-archive", **{"class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
                                    "consumes": ["shipping.feed.v1"], "tasksMax": 2, "state": "paused",
                                    "autoRestart": {"maxRestarts": 3},
                                    "config": {"topics": "shipping.feed.v1", "file": "/tmp/out.txt"}})  # fmt: skip
LOADED: dict[str, Any] = {
    "secrets": ["shipping-db", "object-store"],
    "env": {"API_TOKEN": {"secret": "carrier-api", "key": "token"}},
    "keyConverter": "org.apache.kafka.connect.storage.StringConverter",
    "config": {"offset.flush.interval.ms": 10000, "errors.log.enable": True},
    "logging": {"loggers": {"rootLogger.level": "INFO"}},
    "metrics": {"allowList": ["kafka_connect_.*"]},
    "pod": {"tolerations": [{"key": "connect", "operator": "Exists"}]},
    "build": {
        "output": {"image": "registry.example.com/connect:1", "pushSecret": "push"},
        "resources": {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "2Gi"}},
        "plugins": {
            "connect-file": {"artifacts": [{"type": "maven", "group": "org.apache.kafka", "artifact": "connect-file",
                                            "version": "4.3.1"}]},
            "debezium": {"artifacts": [{"type": "tgz", "url": "https://repo.example.com/debezium.tgz",
                                        "sha512sum": "ab" * 64}]},
        },
    },
}  # fmt: skip


def resolved(environment: str = "prod", listeners: dict[str, Any] | None = None, **values: Any) -> ResolvedConnect:
    events = stack_config(environment, **({"listeners": listeners} if listeners else {})).clusters["events"]
    config = ConnectConfig.model_validate(merge(connect_preset(environment), values))  # type: ignore[arg-type]
    result, problems = resolve_connect(
        "x", config, cluster_name="events", cluster=events, connectors=[SOURCE, SINK], path="connect.x"
    )
    assert problems == []
    return result


def as_object(kind: str, name: str, spec: dict[str, Any], labels: dict[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": "kafka", **({"labels": labels} if labels else {})}
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def test_workers_trust_the_cluster_ca_and_log_in_as_their_scram_user() -> None:
    spec = connect_spec(resolved(), "events-kafka-bootstrap.kafka.svc:9093", "events-cluster-ca-cert")
    assert spec["bootstrapServers"] == "events-kafka-bootstrap.kafka.svc:9093"
    assert spec["tls"] == {"trustedCertificates": [{"secretName": "events-cluster-ca-cert", "pattern": "*.crt"}]}
    assert spec["authentication"] == {
        "type": "scram-sha-512",
        "username": "x-connect",
        "passwordSecret": {"secretName": "x-connect", "password": "password"},
    }
    assert (spec["groupId"], spec["configStorageTopic"], spec["offsetStorageTopic"], spec["statusStorageTopic"]) == (
        "connect.x", *INTERNAL,
    )  # fmt: skip


def test_on_a_mutual_tls_listener_workers_present_their_user_certificate() -> None:
    mtls = {"mtls": {"port": 9094, "type": "internal", "tls": True, "authentication": {"type": "tls"}}}
    spec = connect_spec(resolved(listeners=mtls, listener="mtls"), "b:9094", "events-cluster-ca-cert")
    assert spec["authentication"] == {
        "type": "tls",
        "certificateAndKey": {"secretName": "x-connect", "certificate": "user.crt", "key": "user.key"},
    }


def test_worker_config_sets_replication_providers_and_no_topic_creation() -> None:
    config = worker_config(resolved(**LOADED))
    assert config == {
        "config.providers": "directory,file,env",
        "config.providers.directory.class": "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
        "config.providers.directory.param.allowed.paths": "/mnt/secrets/shipping-db,/mnt/secrets/object-store",
        "config.providers.env.class": "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        "config.providers.env.param.allowlist.pattern": "^(API_TOKEN)$",
        "config.providers.file.class": "org.apache.kafka.common.config.provider.FileConfigProvider",
        "config.providers.file.param.allowed.paths": "/mnt/secrets/shipping-db,/mnt/secrets/object-store",
        "config.storage.replication.factor": 3,
        "connector.client.config.override.policy": "None",
        "errors.log.enable": True,
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "offset.flush.interval.ms": 10000,
        "offset.storage.partitions": 25,
        "offset.storage.replication.factor": 3,
        "status.storage.partitions": 5,
        "status.storage.replication.factor": 3,
        "topic.creation.enable": False,
    }
    dev = worker_config(resolved("dev"))
    assert not any(key.startswith("config.providers") for key in dev)
    assert dev["config.storage.replication.factor"] == 1


def test_mounted_secrets_are_read_only_volumes_under_mnt_and_env_comes_from_secret_keys() -> None:
    template = connect_spec(resolved(**LOADED), "b:9093", "ca")["template"]
    assert template["pod"]["volumes"] == [
        {"name": "secret-shipping-db", "secret": {"secretName": "shipping-db"}},
        {"name": "secret-object-store", "secret": {"secretName": "object-store"}},
    ]
    assert template["pod"]["tolerations"] == [{"key": "connect", "operator": "Exists"}]
    assert template["connectContainer"] == {
        "volumeMounts": [
            {"name": "secret-shipping-db", "mountPath": "/mnt/secrets/shipping-db", "readOnly": True},
            {"name": "secret-object-store", "mountPath": "/mnt/secrets/object-store", "readOnly": True},
        ],
        "env": [{"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "carrier-api", "key": "token"}}}],
    }


def test_connector_spec_carries_class_tasks_state_restarts_and_config() -> None:
    assert connector_spec(SINK) == {
        "class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "tasksMax": 2,
        "state": "paused",
        "autoRestart": {"enabled": True, "maxRestarts": 3},
        "config": {"file": "/tmp/out.txt", "topics": "shipping.feed.v1"},
    }


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_connect_and_connectors_pass_strict_crd_validation(environment: str, crd_schemas: CrdSchemas) -> None:
    connect = as_object("KafkaConnect", "x", connect_spec(resolved(environment, **LOADED), "b:9093", "ca"))
    assert crd_schemas.validate(connect) == []
    for item in (SOURCE, SINK):
        obj = as_object("KafkaConnector", item.name, connector_spec(item), {"strimzi.io/cluster": "x"})
        assert crd_schemas.validate(obj) == []


def test_the_checksum_rule_judges_a_connect_built_without_sha512sum() -> None:
    """Dev accepts an unpinned download (a config error only in prod); the policy still sees it."""
    jar = {"type": "jar", "url": "https://repo.example.com/d.jar"}
    build = {"output": {"image": "r.example.com/c:1"}, "plugins": {"debezium": {"artifacts": [jar]}}}
    obj = as_object("KafkaConnect", "x", connect_spec(resolved("dev", build=build), "b:9093", "ca"))
    for environment, level in (("dev", "advisory"), ("prod", "mandatory")):
        settings = resolve_settings(load_policy_config(environment))
        findings = [(f.rule, f.level) for f in evaluate([view_of_object(obj, "connect.yaml")], settings)]
        assert ("connect-artifact-checksum", level) in findings
        assert "connect-tls" not in {rule for rule, _ in findings}
