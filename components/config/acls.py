"""Least-privilege ACLs from a service's intents (pure; no Pulumi imports).

One table says which operations each role needs; nothing else grants access. Ref:
https://kafka.apache.org/documentation/#operations_resources_and_protocols and the Kafka Streams
security guide (internal topics and transactional ids are prefixed with the application.id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
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
