"""Least-privilege ACLs from a service's intents, and those MirrorMaker 2 needs (pure; no Pulumi imports).

One table says which operations each role needs; nothing else grants access. Ref:
https://kafka.apache.org/documentation/#operations_resources_and_protocols and the Kafka Streams
security guide (internal topics and transactional ids are prefixed with the application.id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .catalog import ServiceSpec

ResourceType = Literal["topic", "group", "cluster", "transactionalId"]
PatternType = Literal["literal", "prefix"]

# Operations per role. Describe is implied by Read/Write but granted explicitly, as Kafka's own
# tooling does, so metadata requests never depend on implication rules.
PRODUCE_TOPIC = ("Describe", "Write")
CONSUME_TOPIC = ("Describe", "Read")
CONSUME_GROUP = ("Read",)
TRANSACTIONAL_ID = ("Describe", "Write")
# Kafka Streams creates, reads, writes and purges (DeleteRecords) its <application.id>-* topics.
STREAMS_INTERNAL_TOPICS = ("Create", "Delete", "Describe", "Read", "Write")


@dataclass(frozen=True, order=True)
class AclRule:
    """Allow ``operations`` on one resource (a literal name or a name prefix), from any host."""

    resource_type: ResourceType
    pattern: PatternType
    name: str
    operations: tuple[str, ...]


def service_acls(service: ServiceSpec, kafka_names: Mapping[str, str]) -> list[AclRule]:
    """The minimal ACL set for a service's intents; ``kafka_names`` maps catalog keys to Kafka names."""
    grants: dict[tuple[ResourceType, PatternType, str], set[str]] = defaultdict(set)

    def allow(resource_type: ResourceType, pattern: PatternType, name: str, operations: tuple[str, ...]) -> None:
        grants[(resource_type, pattern, name)].update(operations)

    for produced in service.produces:
        if isinstance(produced, str):
            allow("topic", "literal", kafka_names[produced], PRODUCE_TOPIC)
        else:
            allow("topic", "prefix", produced.prefix, PRODUCE_TOPIC)
    for consumed in service.consumes:
        if consumed.topic is not None:
            allow("topic", "literal", kafka_names[consumed.topic], CONSUME_TOPIC)
        else:
            allow("topic", "prefix", consumed.prefix or "", CONSUME_TOPIC)
        allow("group", "literal", consumed.group, CONSUME_GROUP)
    if service.transactional is not None:
        if service.transactional.id is not None:
            allow("transactionalId", "literal", service.transactional.id, TRANSACTIONAL_ID)
        else:
            allow("transactionalId", "prefix", service.transactional.id_prefix or "", TRANSACTIONAL_ID)
    if service.streams is not None:
        app = service.streams.application_id
        for topic in service.streams.consumes:
            allow("topic", "literal", kafka_names[topic], CONSUME_TOPIC)
        for topic in service.streams.produces:
            allow("topic", "literal", kafka_names[topic], PRODUCE_TOPIC)
        allow("topic", "prefix", app, STREAMS_INTERNAL_TOPICS)
        allow("group", "literal", app, CONSUME_GROUP)
        if service.streams.exactly_once:
            allow("transactionalId", "prefix", app, TRANSACTIONAL_ID)
    return sorted(AclRule(t, p, n, tuple(sorted(ops))) for (t, p, n), ops in grants.items())


# MirrorMaker 2: what its three kinds of clients do on each side, with offset-syncs kept on the
# target (`offset-syncs.topic.location: target`), so that the source side is read-only, and topic
# ACLs not copied (`sync.topic.acls.enabled: false`: the platform manages ACLs). Strimzi 1.2.0's v1
# API has no heartbeat connector (strimzi/proposals#178), so nothing writes `heartbeats`.
# Ref: Kafka's MirrorMaker 2 (connect/mirror: MirrorSourceConnector, MirrorCheckpointConnector/Task,
# DefaultReplicationPolicy) and its ACL table (#operations_resources_and_protocols); Strimzi's
# examples/security/*/mirror-maker-2.yaml for the Connect worker's own topics and group.
#
# Source, per mirrored topic: Read (the task's consumer), Describe (metadata, ListOffsets,
# ListTopics only lists described topics), DescribeConfigs (config sync and remote topic creation).
MIRROR_SOURCE_TOPIC = ("Describe", "DescribeConfigs", "Read")
# Source, per checkpointed group: Describe (ListGroups lists only described groups without cluster
# Describe; OffsetFetch needs Describe on the group and its topics).
MIRROR_SOURCE_GROUP = ("Describe",)
# Target, per remote topic: Create (CreateTopics), Alter (CreatePartitions), AlterConfigs (config
# sync), Describe, Write (the Connect producer). Read too when group offsets are synced onto it
# (OffsetCommit needs Read on the group and the topic).
MIRROR_REMOTE_TOPIC = ("Alter", "AlterConfigs", "Create", "Describe", "Write")
# Target, offset-syncs and checkpoints topics: created and written by the connectors, read back
# (KafkaBasedLog) by the checkpoint connector and task.
MIRROR_INTERNAL_TOPIC = ("Create", "Describe", "Read", "Write")
# Target, checkpointed groups when offsets are synced: Describe (DescribeGroups, OffsetFetch), Read
# (OffsetCommit through AlterConsumerGroupOffsets).
MIRROR_TARGET_GROUP = ("Describe", "Read")
# Target, the Connect worker: its config/offset/status topics (created, checked to be compacted
# with DescribeConfigs, read and written) and its group (JoinGroup, SyncGroup, Heartbeat: Read).
CONNECT_WORKER_TOPIC = ("Create", "Describe", "DescribeConfigs", "Read", "Write")
CONNECT_WORKER_GROUP = ("Read",)
# No cluster ACL on either side: ListGroups and ListTopics filter by resource, DescribeCluster
# needs none, and idempotent producers need no IdempotentWrite since Kafka 3.0 (KIP-679).


@dataclass(frozen=True)
class MirrorFlow:
    """One MirrorMaker 2 flow, as its ACLs see it (Kafka names throughout)."""

    source_alias: str
    """The source cluster's alias: prefix of remote topics and of the internal topics' names."""
    topics: tuple[str, ...]
    """Topics mirrored from the source."""
    groups: Mapping[str, tuple[str, ...]]
    """Consumer groups checkpointed, each with the mirrored topics it reads (none: no checkpoints)."""
    identity: bool
    """Remote topics keep the source's names (IdentityReplicationPolicy) instead of ``<alias>.<topic>``."""
    sync_group_offsets: bool
    """Translated offsets are committed to the same groups on the target."""
    connect_group: str
    """The Connect worker group on the target."""
    connect_topics: tuple[str, ...]
    """The Connect worker's config, offset and status topics on the target."""

    def remote_topic(self, topic: str) -> str:
        """The name of a mirrored topic on the target (DefaultReplicationPolicy: ``<alias>.<topic>``)."""
        return topic if self.identity else f"{self.source_alias}.{topic}"

    @property
    def checkpoints(self) -> bool:
        """Whether the checkpoint connector runs (some group to checkpoint)."""
        return bool(self.groups)

    @property
    def offset_syncs_topic(self) -> str:
        """The offset-syncs topic, on the target: named after the *other* cluster, the source."""
        return f"mm2-offset-syncs.{self.source_alias}.internal"

    @property
    def checkpoints_topic(self) -> str:
        """The checkpoints topic on the target."""
        return f"{self.source_alias}.checkpoints.internal"


def mirror_source_acls(flow: MirrorFlow) -> list[AclRule]:
    """The ACLs MirrorMaker 2's user needs on the source: read-only."""
    rules = [AclRule("topic", "literal", topic, MIRROR_SOURCE_TOPIC) for topic in flow.topics]
    rules += [AclRule("group", "literal", group, MIRROR_SOURCE_GROUP) for group in flow.groups]
    return sorted(rules)


def mirror_target_acls(flow: MirrorFlow) -> list[AclRule]:
    """The ACLs MirrorMaker 2's user needs on the target: remote topics, its internal topics, the
    Connect worker's topics and group, and the synced groups."""
    read = {topic for topics in flow.groups.values() for topic in topics} if flow.sync_group_offsets else set()
    rules = [
        AclRule(
            "topic",
            "literal",
            flow.remote_topic(topic),
            tuple(sorted({*MIRROR_REMOTE_TOPIC, *(("Read",) if topic in read else ())})),
        )
        for topic in flow.topics
    ]
    rules += [AclRule("topic", "literal", topic, CONNECT_WORKER_TOPIC) for topic in flow.connect_topics]
    rules.append(AclRule("group", "literal", flow.connect_group, CONNECT_WORKER_GROUP))
    if flow.checkpoints:
        rules += [
            AclRule("topic", "literal", flow.offset_syncs_topic, MIRROR_INTERNAL_TOPIC),
            AclRule("topic", "literal", flow.checkpoints_topic, MIRROR_INTERNAL_TOPIC),
        ]
        if flow.sync_group_offsets:
            rules += [AclRule("group", "literal", group, MIRROR_TARGET_GROUP) for group in flow.groups]
    return sorted(rules)


# Kafka Connect. Ref: Kafka Connect's distributed worker (WorkerGroupMember joins `group.id`;
# KafkaBasedLog reads and writes the config, offset and status topics without a group; TopicAdmin
# checks with DescribeConfigs that they are compacted) and its tasks (a sink's consumers read in
# `connect-<connector>`, a source's producers write). DescribeCluster, which a worker uses for the
# cluster id, needs no ACL; idempotent producers need no cluster IdempotentWrite since Kafka 3.0.
CONNECT_GROUP = ("Read",)
CONNECT_INTERNAL_TOPIC = ("Describe", "DescribeConfigs", "Read", "Write")


@dataclass(frozen=True)
class ConnectorGrants:
    """What one connector reads and writes: Kafka topic names, and its consumer group if it reads."""

    consumes: tuple[str, ...]
    produces: tuple[str, ...]
    group: str


def connect_acls(group_id: str, internal_topics: Iterable[str], connectors: Iterable[ConnectorGrants]) -> list[AclRule]:
    """The minimal ACL set of a Kafka Connect cluster's user.

    Its group (Read: join, sync, heartbeat, commit); its internal topics (Describe, Read, Write, and
    DescribeConfigs so workers can verify they are compacted), which exist as KafkaTopics, so no
    Create; per connector, its topics and, for a sink, its group. Nothing on the cluster.
    """
    grants: dict[tuple[ResourceType, PatternType, str], set[str]] = defaultdict(set)
    grants[("group", "literal", group_id)].update(CONNECT_GROUP)
    for topic in internal_topics:
        grants[("topic", "literal", topic)].update(CONNECT_INTERNAL_TOPIC)
    for connector in connectors:
        for topic in connector.consumes:
            grants[("topic", "literal", topic)].update(CONSUME_TOPIC)
        for topic in connector.produces:
            grants[("topic", "literal", topic)].update(PRODUCE_TOPIC)
        if connector.consumes:
            grants[("group", "literal", connector.group)].update(CONSUME_GROUP)
    return sorted(AclRule(t, p, n, tuple(sorted(ops))) for (t, p, n), ops in grants.items())
