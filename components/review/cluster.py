"""Changes of a Strimzi cluster: the ``Kafka`` resource, its node pools, Kafka Connect and MirrorMaker 2 clusters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from ..config.kubernetes import quantity_value
from ..config.listeners import INTERNAL_LISTENER_TYPES
from ..strimzi import parse_metadata_version
from .model import Resource, known, mapping, number
from .topics import TopicContext, TopicFacts, broker_topic_defaults, config_change_risks

# Listener authentication Strimzi implements itself; anything else (custom) cannot be judged here.
STRONG_AUTHENTICATION = frozenset({"tls", "scram-sha-512"})
CONNECT_INTERNAL_FIELDS = ("groupId", "configStorageTopic", "offsetStorageTopic", "statusStorageTopic")

Hazard = tuple[str, str]
"""(finding id, message)."""


def kafka_findings(old: Resource, new: Resource, brokers: int | None) -> Iterator[Hazard]:
    """Hazards of an update of a Strimzi ``Kafka``:

    - ``listener-security-weakened``, per listener name: ``tls`` turned off; authentication removed
      or replaced by ``custom`` (which this review cannot judge); ``networkPolicyPeers`` removed (any
      pod may connect); an internal listener exposed outside the cluster; a new listener without TLS
      or without authentication. Removing a listener is not a weakening (its clients stop working).
    - ``authorization-removed``: ``spec.kafka.authorization`` removed: every authenticated client may
      then do anything.
    - ``kafka-downgraded``: ``spec.kafka.version`` or ``spec.kafka.metadataVersion`` goes down.
    - ``topic-config-risky``: the broker defaults every topic inherits (``log.retention.*``,
      ``log.cleanup.policy``, ``min.insync.replicas``) change as :func:`config_change_risks` describes.
    """
    before, after = mapping(old.spec.get("kafka")), mapping(new.spec.get("kafka"))
    yield from (("listener-security-weakened", message) for message in _listener_weakenings(before, after))
    if before.get("authorization") and not after.get("authorization"):
        yield (
            "authorization-removed",
            "spec.kafka.authorization is removed: every authenticated client may then "
            "read, write and administer every topic; keep it (type simple) and change the ACLs instead",
        )
    old_version, new_version = _version(before.get("version")), _version(after.get("version"))
    if old_version and new_version and new_version < old_version:
        yield (
            "kafka-downgraded",
            f"Kafka version goes down ({before['version']} -> {after['version']}); a downgrade "
            "only works while metadataVersion is still supported by the older version: read Strimzi's "
            "downgrade procedure first",
        )
    old_metadata = parse_metadata_version(str(before.get("metadataVersion") or ""))
    new_metadata = parse_metadata_version(str(after.get("metadataVersion") or ""))
    if old_metadata and new_metadata and new_metadata < old_metadata:
        yield (
            "kafka-downgraded",
            f"metadataVersion goes down ({before['metadataVersion']} -> "
            f"{after['metadataVersion']}); KRaft metadata downgrades are not supported by Kafka 4.x",
        )
    old_defaults = _broker_defaults(mapping(before.get("config")))
    new_defaults = _broker_defaults(mapping(after.get("config")))
    for message, _ in config_change_risks(old_defaults, new_defaults, TopicContext(brokers=brokers)):
        yield ("topic-config-risky", f"broker default for every topic that does not set its own: {message}")


def _broker_defaults(config: Mapping[str, Any]) -> TopicFacts:
    replicas = number(config.get("default.replication.factor"))
    return TopicFacts(None, None, replicas, broker_topic_defaults(config), strimzi=True)


def _listener_weakenings(before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterator[str]:
    old, new = _listeners(before), _listeners(after)
    for name, listener in new.items():
        previous = old.get(name)
        auth = mapping(listener.get("authentication")).get("type")
        if previous is None:
            missing = [what for what, ok in (("TLS", listener.get("tls") is True), ("authentication", auth)) if not ok]
            if missing:
                yield f"new listener '{name}' ({listener.get('type')}) has no {' and no '.join(missing)}"
            continue
        old_auth = mapping(previous.get("authentication")).get("type")
        if previous.get("tls") is True and listener.get("tls") is not True:
            yield f"listener '{name}' turns TLS off: credentials and records would cross the network in clear text"
        if old_auth and not auth:
            yield f"listener '{name}' loses its authentication ({old_auth}): anyone who can reach it is User:ANONYMOUS"
        elif old_auth in STRONG_AUTHENTICATION and auth not in STRONG_AUTHENTICATION:
            yield f"listener '{name}' authentication changes {old_auth} -> {auth}, which this review cannot verify"
        if previous.get("networkPolicyPeers") and not listener.get("networkPolicyPeers"):
            yield f"listener '{name}' loses its networkPolicyPeers: any pod in any namespace may connect"
        if previous.get("type") in INTERNAL_LISTENER_TYPES and listener.get("type") not in INTERNAL_LISTENER_TYPES:
            yield (
                f"listener '{name}' becomes reachable from outside the Kubernetes cluster "
                f"({previous.get('type')} -> {listener.get('type')})"
            )


def _listeners(kafka: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    listeners = kafka.get("listeners")
    items = listeners if isinstance(listeners, list) else []
    return {str(item.get("name")): item for item in items if isinstance(item, Mapping)}


def _version(value: Any) -> tuple[int, ...] | None:
    parts = str(value or "").split(".")
    return tuple(int(part) for part in parts) if value and all(part.isdigit() for part in parts) else None


def pool_roles(pool: Resource) -> set[str]:
    """The roles of a ``KafkaNodePool`` (``broker``, ``controller``)."""
    roles = pool.spec.get("roles")
    return {str(role) for role in roles} if isinstance(roles, list) else set()


def pool_findings(old: Resource | None, new: Resource | None, cluster_existed: bool) -> Iterator[Hazard]:
    """Hazards of a ``KafkaNodePool`` added (``old`` None), removed (``new`` None) or updated:

    - ``nodepool-scaled-down``: a pool with the broker role loses replicas, loses the broker role or
      is removed. Strimzi refuses to remove brokers that still host partition replicas: move them
      first (``KafkaRebalance`` mode ``remove-brokers``).
    - ``controller-pool-changed``: the KRaft quorum changes: a controller pool's replicas change, a
      pool gains or loses the controller role, or a controller pool is removed, or added to a cluster
      that already existed (``cluster_existed``).
    - ``storage-changed``: see :func:`storage_findings`.
    """
    if new is None and old is not None:
        roles = pool_roles(old)
        replicas = number(old.spec.get("replicas"))
        if "broker" in roles:
            yield (
                "nodepool-scaled-down",
                f"the pool is removed: its {replicas} broker(s) leave the cluster; Strimzi "
                "refuses while they host partitions: reassign them first (KafkaRebalance remove-brokers)",
            )
        if "controller" in roles:
            yield ("controller-pool-changed", f"the pool is removed: {replicas} controller(s) leave the KRaft quorum")
        return
    if old is None and new is not None:
        if "controller" in pool_roles(new) and cluster_existed:
            yield (
                "controller-pool-changed",
                "a controller pool is added to a running cluster: the KRaft quorum "
                "changes; follow Strimzi's procedure for changing the controller quorum",
            )
        return
    assert old is not None and new is not None
    old_roles, new_roles = pool_roles(old), pool_roles(new)
    old_replicas, new_replicas = number(old.spec.get("replicas")), number(new.spec.get("replicas"))
    if "broker" in old_roles:
        if "broker" not in new_roles:
            yield (
                "nodepool-scaled-down",
                f"the pool loses the broker role: its {old_replicas} broker(s) leave; "
                "reassign their partitions first (KafkaRebalance remove-brokers)",
            )
        elif old_replicas is not None and new_replicas is not None and new_replicas < old_replicas:
            yield (
                "nodepool-scaled-down",
                f"broker replicas go down ({old_replicas} -> {new_replicas}); Strimzi "
                "refuses while the removed brokers host partitions: reassign them first "
                "(KafkaRebalance remove-brokers)",
            )
    if ("controller" in old_roles) != ("controller" in new_roles):
        change = "gains" if "controller" in new_roles else "loses"
        yield ("controller-pool-changed", f"the pool {change} the controller role: the KRaft quorum changes")
    elif "controller" in new_roles and old_replicas != new_replicas:
        yield (
            "controller-pool-changed",
            f"controller replicas change ({old_replicas} -> {new_replicas}): the KRaft "
            "quorum changes; a quorum needs a majority of its voters at every step",
        )
    yield from (
        ("storage-changed", message) for message in storage_findings(old.spec.get("storage"), new.spec.get("storage"))
    )


def storage_findings(old: Any, new: Any) -> Iterator[str]:
    """How a storage change can lose data or fail (finding ``storage-changed``):

    the storage type changes; a volume's type changes, its size goes down (PVCs cannot shrink), its
    storage class changes (existing PVCs keep the old one; new brokers get the new one), ``deleteClaim``
    turns on (deleting the pool or cluster would then delete the data), a JBOD volume is removed (its
    data goes with it), or the KRaft metadata log moves to another volume. Growing a volume or adding
    a JBOD volume is safe.
    """
    before, after = mapping(old), mapping(new)
    if not before or not after:
        return
    if before.get("type") != after.get("type"):
        yield f"storage type changes ({before.get('type')} -> {after.get('type')}): data may not carry over"
        return
    old_volumes, new_volumes = _volumes(before), _volumes(after)
    for key, volume in old_volumes.items():
        where = "storage" if key is None else f"volume {key}"
        replacement = new_volumes.get(key)
        if replacement is None:
            yield f"{where} is removed: its data is lost unless Cruise Control moved it to other volumes first"
            continue
        yield from _volume_findings(where, volume, replacement)


def _volume_findings(where: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[str]:
    if old.get("type") != new.get("type"):
        yield f"{where} type changes ({old.get('type')} -> {new.get('type')}): data may not carry over"
        return
    old_size, new_size = _size(old.get("size")), _size(new.get("size"))
    if old_size is not None and new_size is not None and new_size < old_size:
        yield f"{where} size goes down ({old.get('size')} -> {new.get('size')}): persistent volumes cannot shrink"
    if old.get("class") != new.get("class"):
        yield (
            f"{where} storage class changes ({old.get('class')} -> {new.get('class')}): existing claims keep "
            "the old class, new brokers get the new one; migrating needs new volumes"
        )
    if not old.get("deleteClaim") and new.get("deleteClaim"):
        yield f"{where} turns deleteClaim on: deleting the cluster or pool would then delete its data"
    if old.get("kraftMetadata") != new.get("kraftMetadata"):
        yield (
            f"{where} kraftMetadata changes ({old.get('kraftMetadata')} -> {new.get('kraftMetadata')}): "
            "the KRaft metadata log moves between volumes"
        )


def _volumes(storage: Mapping[str, Any]) -> dict[Any, Mapping[str, Any]]:
    if storage.get("type") != "jbod":
        return {None: storage}
    volumes = storage.get("volumes")
    return {item.get("id"): item for item in volumes if isinstance(item, Mapping)} if isinstance(volumes, list) else {}


def _size(value: Any) -> Decimal | None:
    try:
        return quantity_value(str(value)) if value is not None else None
    except ValueError:
        return None


def connect_findings(old: Resource, new: Resource) -> Iterator[Hazard]:
    """``connect-internal-topic-changed``: a ``KafkaConnect``'s ``groupId`` or internal topic changes.

    The group id and the config/offset/status topics are where a Connect cluster keeps its
    connectors, their offsets and status: new ones start every connector from scratch (source
    connectors re-read or skip data; sink connectors re-deliver). Strimzi 1.2.0 (``v1``) has them as
    ``spec`` fields; older specs put them in ``spec.config`` (``group.id``, ``*.storage.topic``),
    which is read too.
    """
    for field_name in CONNECT_INTERNAL_FIELDS:
        before, after = _connect_setting(old, field_name), _connect_setting(new, field_name)
        if before is not None and before != after:
            yield (
                "connect-internal-topic-changed",
                f"{field_name} changes ({before} -> {after}): the Connect "
                "cluster would lose its connectors' configs, offsets or status and start them from scratch",
            )


def mirror_maker_findings(old: Resource, new: Resource) -> Iterator[Hazard]:
    """``connect-internal-topic-changed`` for a ``KafkaMirrorMaker2``: its Connect cluster's group or
    topics (``spec.target``) change, or a mirrored source's alias goes.

    The group and topics hold the connectors' offsets: new ones copy every mirrored topic again from
    the start. A source alias names the remote topics (``<alias>.<topic>``), the offset-syncs and
    checkpoints topics and the source offsets: a changed alias mirrors into new remote topics from
    scratch and leaves the old ones, with the consumers reading them, behind.
    """
    before, after = mapping(old.spec.get("target")), mapping(new.spec.get("target"))
    for field_name in CONNECT_INTERNAL_FIELDS:
        if before.get(field_name) is not None and before.get(field_name) != after.get(field_name):
            yield (
                "connect-internal-topic-changed",
                f"target.{field_name} changes ({before.get(field_name)} -> {after.get(field_name)}): MirrorMaker 2 "
                "would lose its connectors' offsets and copy every mirrored topic again from the start",
            )
    old_aliases, new_aliases = _source_aliases(old), _source_aliases(new)
    if new_aliases:
        for alias in sorted(old_aliases - new_aliases):
            yield (
                "connect-internal-topic-changed",
                f"source alias '{alias}' is no longer mirrored (now: {', '.join(sorted(new_aliases))}): its remote "
                f"topics ({alias}.<topic>), offset syncs and checkpoints are abandoned and a new alias starts over",
            )


def _source_aliases(mirror: Resource) -> set[str]:
    mirrors = mirror.spec.get("mirrors")
    return {
        str(alias)
        for entry in (mirrors if isinstance(mirrors, list) else [])
        if known(alias := mapping(mapping(entry).get("source")).get("alias")) and alias
    }


_CONNECT_CONFIG_KEYS = {
    "groupId": "group.id",
    "configStorageTopic": "config.storage.topic",
    "offsetStorageTopic": "offset.storage.topic",
    "statusStorageTopic": "status.storage.topic",
}


def _connect_setting(connect: Resource, field_name: str) -> Any:
    value = connect.spec.get(field_name)
    return value if value is not None else mapping(connect.spec.get("config")).get(_CONNECT_CONFIG_KEYS[field_name])
