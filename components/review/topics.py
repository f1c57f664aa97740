"""Topic changes Kafka cannot undo: one home for what the update guards refuse and what reviews flag.

Reads the inputs of a Strimzi ``KafkaTopic`` (``spec.topicName`` or ``metadata.name``,
``spec.partitions``, ``spec.replicas``, ``spec.config``) or of a pulumi-kafka ``Topic`` (``name``,
``partitions``, ``replicationFactor``, ``config``); numbers may arrive as floats (protobuf).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..topic_config import cleanup_policies
from .model import Finding, known, mapping, number

# Broker settings a topic inherits when it does not set its own (Kafka's `log.`-prefixed names).
# Ref: https://kafka.apache.org/documentation/#topicconfigs ("Server Default Property")
BROKER_DEFAULT_KEYS = {
    "log.cleanup.policy": "cleanup.policy",
    "log.retention.bytes": "retention.bytes",
    "min.insync.replicas": "min.insync.replicas",
}
_RETENTION_MS_KEYS = (("log.retention.ms", 1), ("log.retention.minutes", 60_000), ("log.retention.hours", 3_600_000))
# Kafka's own defaults when a Strimzi cluster sets none (log.retention.hours=168, log.retention.bytes=-1).
KAFKA_TOPIC_DEFAULTS: Mapping[str, Any] = {
    "cleanup.policy": "delete",
    "retention.ms": 168 * 3_600_000,
    "retention.bytes": -1,
    "min.insync.replicas": 1,
}
RETENTION_KEYS = ("retention.ms", "retention.bytes")


@dataclass(frozen=True)
class TopicContext:
    """What a topic change is judged against, beyond the topic's own inputs. Defaults: nothing known."""

    cruise_control: bool | None = None
    """Whether the topic's Strimzi cluster runs Cruise Control, which Strimzi needs to change replicas.
    None: unknown (a replicas change of a Strimzi topic is then treated as refused). pulumi-kafka
    topics reassign through the admin API, so this does not apply to them."""
    brokers: int | None = None
    """Brokers that serve the topic (broker-role node pool replicas); None: unknown, no broker check."""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    """Topic-level defaults the brokers apply when the topic sets none (``retention.ms``, ...); empty:
    unknown, so a retention or min.insync.replicas unset on one side is not judged (cleanup.policy
    falls back to Kafka's ``delete``, as Kafka does)."""
    declared_topics: frozenset[str] | None = None
    """Kafka topic names declared after the change; None: unknown (a name change then counts as the
    old topic going away)."""


@dataclass(frozen=True)
class TopicFacts:
    """A topic's Kafka name, size and config, from either input shape."""

    name: str | None
    partitions: int | None
    replicas: int | None
    config: Mapping[str, Any]
    strimzi: bool
    explicit_name: bool = False
    """Whether the name is a Strimzi ``spec.topicName`` (which the Topic Operator never lets change)."""


def topic_facts(inputs: Mapping[str, Any]) -> TopicFacts:
    """The facts of a ``KafkaTopic`` (inputs with ``spec``) or pulumi-kafka ``Topic`` inputs."""
    if "spec" in inputs:
        spec = mapping(inputs.get("spec"))
        name = spec.get("topicName") or mapping(inputs.get("metadata")).get("name")
        return TopicFacts(
            _text(name),
            number(spec.get("partitions")),
            number(spec.get("replicas")),
            mapping(spec.get("config")),
            strimzi=True,
            explicit_name=bool(spec.get("topicName")),
        )
    return TopicFacts(
        _text(inputs.get("name")),
        number(inputs.get("partitions")),
        number(inputs.get("replicationFactor")),
        mapping(inputs.get("config")),
        strimzi=False,
    )


def broker_topic_defaults(broker_config: Mapping[str, Any]) -> dict[str, Any]:
    """The topic-level defaults a Kafka cluster's broker config (``spec.kafka.config``) implies,
    over Kafka's own defaults. ``log.retention.ms`` wins over ``.minutes`` over ``.hours``, as in Kafka."""
    defaults = dict(KAFKA_TOPIC_DEFAULTS)
    for broker_key, topic_key in BROKER_DEFAULT_KEYS.items():
        if broker_key in broker_config:
            defaults[topic_key] = broker_config[broker_key]
    for key, unit_ms in reversed(_RETENTION_MS_KEYS):
        value = number(broker_config.get(key))
        if value is not None:
            defaults["retention.ms"] = value if value < 0 else value * unit_ms
    return defaults


def topic_change_findings(
    old_inputs: Mapping[str, Any],
    new_inputs: Mapping[str, Any],
    context: TopicContext | None = None,
    *,
    resource: str = "",
    urn: str = "",
) -> list[Finding]:
    """What an update of one topic risks, for both input shapes (empty when the update is safe).

    - ``topic-renamed`` (unsafe): the Kafka name changes. Kafka cannot rename a topic: the Topic
      Operator refuses a new ``spec.topicName`` (always reported), and a new ``metadata.name`` (when
      it is the name) or pulumi-kafka ``name`` deletes the old topic with its records (reported unless
      ``context.declared_topics`` shows the old name still declared by another resource).
    - ``partitions-decreased`` (unsafe): Kafka cannot remove partitions (Strimzi refuses; pulumi-kafka
      deletes and recreates the topic).
    - ``replicas-changed``: a reassignment of every partition. Unsafe on a Strimzi cluster without
      Cruise Control (Strimzi refuses it); otherwise it applies, moving all of the topic's data.
    - ``topic-config-risky``: see :func:`config_change_findings`.

    An update guard should refuse the findings marked ``unsafe``; the others apply but deserve review.
    """
    context = context or TopicContext()
    before, after = topic_facts(old_inputs), topic_facts(new_inputs)
    name = after.name or before.name or "topic"
    resource = resource or f"topic {name}"
    findings = []

    def add(finding_id: str, message: str, unsafe: bool = False) -> None:
        findings.append(Finding(finding_id, resource, message, urn, unsafe))

    if before.name and after.name and before.name != after.name:
        still_declared = context.declared_topics is not None and before.name in context.declared_topics
        if before.explicit_name or not still_declared:
            add(
                "topic-renamed",
                f"the Kafka topic name cannot change ({before.name} -> {after.name}); Kafka cannot "
                "rename topics, so the old topic and its records would be lost: declare a new topic and "
                "decommission the old one (or keep the name and rename only the catalog entry)",
                unsafe=True,
            )
    if before.partitions is not None and after.partitions is not None and after.partitions < before.partitions:
        add(
            "partitions-decreased",
            f"partitions cannot decrease ({before.partitions} -> {after.partitions}); "
            f"Kafka cannot remove partitions: keep {before.partitions}, or create a new topic and migrate",
            unsafe=True,
        )
    if before.replicas is not None and after.replicas is not None and before.replicas != after.replicas:
        if before.strimzi and not context.cruise_control:
            add(
                "replicas-changed",
                f"replicas cannot change ({before.replicas} -> {after.replicas}) without Cruise "
                "Control; enable cruiseControl on the cluster, or keep the replication factor",
                unsafe=True,
            )
        else:
            add(
                "replicas-changed",
                f"replicas change ({before.replicas} -> {after.replicas}): every partition is "
                "reassigned, moving the topic's data between brokers; schedule it and watch the reassignment",
            )
    for message, unsafe in config_change_risks(before, after, context):
        add("topic-config-risky", message, unsafe)
    return findings


def config_change_risks(before: TopicFacts, after: TopicFacts, context: TopicContext) -> list[tuple[str, bool]]:
    """``(message, unsafe)`` for each risky topic config change (finding ``topic-config-risky``):

    - ``cleanup.policy`` changes. Dropping ``compact`` is unsafe (records past retention.ms would be
      deleted, losing the latest value per key); adding ``compact`` or ``delete`` applies but changes
      what consumers can read back.
    - ``retention.ms`` or ``retention.bytes`` cut by more than half (unlimited ``-1`` to any limit is a
      cut): records between the new and the old limit are deleted at once.
    - ``min.insync.replicas`` raised above what the brokers can serve (the topic's replicas, and the
      broker count when known): every ``acks=all`` producer would be refused.

    A key unset on one side is read from ``context.defaults`` (and not judged when that is unknown).
    """
    risks: list[tuple[str, bool]] = []
    old_config, new_config = _effective(before.config, context), _effective(after.config, context)
    old_policy, new_policy = cleanup_policies(old_config), cleanup_policies(new_config)
    if old_policy != new_policy:
        show = f"({','.join(sorted(old_policy))} -> {','.join(sorted(new_policy))})"
        if "compact" in old_policy and "compact" not in new_policy:
            risks.append(
                (
                    f"cleanup.policy would drop 'compact' {show}; records older than retention.ms would then "
                    "be deleted, losing the latest value per key. Use 'compact,delete' or a new topic",
                    True,
                )
            )
        else:
            risks.append(
                (
                    f"cleanup.policy changes {show}: what consumers can read back changes (compaction keeps "
                    "only the latest record per key, deletion drops records past retention)",
                    False,
                )
            )
    for key in RETENTION_KEYS:
        old, new = number(old_config.get(key)), number(new_config.get(key))
        if old is None or new is None or new < 0:
            continue
        if old < 0 or new * 2 < old:
            risks.append(
                (
                    f"{key} is cut by more than half ({_limit(old)} -> {_limit(new)}); records between the "
                    "new and the old limit are deleted as soon as it applies",
                    False,
                )
            )
    old_isr, new_isr = number(old_config.get("min.insync.replicas")), number(new_config.get("min.insync.replicas"))
    old_capacity, new_capacity = _capacity(before.replicas, context.brokers), _capacity(after.replicas, context.brokers)
    if new_isr is not None and new_capacity is not None and new_isr > new_capacity:
        was_servable = old_isr is None or old_capacity is None or old_isr <= old_capacity
        if was_servable:
            risks.append(
                (
                    f"min.insync.replicas {new_isr} is more than the {new_capacity} replica(s) the brokers can "
                    "keep in sync; every acks=all producer would be refused",
                    False,
                )
            )
    return risks


def _effective(config: Mapping[str, Any], context: TopicContext) -> dict[str, Any]:
    return {**context.defaults, **config}


def _capacity(replicas: int | None, brokers: int | None) -> int | None:
    known = [value for value in (replicas, brokers) if value is not None]
    return min(known) if known else None


def _limit(value: int) -> str:
    return "unlimited" if value < 0 else str(value)


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value and known(value) else None
