"""Topic rules: naming, retention, replication, partitions and config keys (Strimzi and pulumi-kafka)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ...invariants import min_insync_problem
from ...topic_config import as_int, cleanup_policies, topic_config_problems
from ..facts import EXTERNAL_TOPIC, TOPIC, TopicFacts, topic_facts
from ..model import ResourceView, known
from ..registry import resource_rule

TOPIC_TYPES = (TOPIC, EXTERNAL_TOPIC)
# 2 to 5 lowercase dot-separated segments, optionally a trailing version: orders.order-created.v1
DEFAULT_TOPIC_PATTERN = r"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){1,4}(\.v[0-9]+)?$"
DAY_MS = 86_400_000


def _facts(resource: ResourceView) -> TopicFacts:
    facts = topic_facts(resource)
    assert facts is not None  # the rule only sees topic types
    return facts


def _int(value: Any) -> int | None:
    return as_int(value) if known(value) else None


@resource_rule(
    "topic-name",
    "Kafka topic names follow the naming convention",
    "Names carry ownership and versioning; a consistent scheme makes ACL prefixes and dashboards work.",
    TOPIC_TYPES,
    pattern=DEFAULT_TOPIC_PATTERN,
)
def topic_name(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """The Kafka name (``spec.topicName`` when set) must match the configured pattern."""
    name = _facts(resource).name
    if known(name) and not re.match(str(config["pattern"]), str(name)):
        yield f"topic name '{name}' does not match {config['pattern']} (e.g. orders.order-created.v1)"


@resource_rule(
    "topic-retention",
    "Topic retention stays within bounds; unlimited only for compacted or allow-listed topics",
    "Too short loses data consumers have not read yet; unlimited delete-retention fills disks.",
    TOPIC_TYPES,
    minRetentionMs=3_600_000,
    maxRetentionMs=365 * DAY_MS,
    unlimitedAllowList=[],
)
def topic_retention(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """``retention.ms`` within [min, max]; -1 only when compacted or allow-listed."""
    facts = _facts(resource)
    retention = _int(facts.config.get("retention.ms"))
    if retention is None:
        return
    if retention == -1:
        if "compact" not in cleanup_policies(dict(facts.config)) and facts.name not in config["unlimitedAllowList"]:
            yield "retention.ms is -1 (unlimited) on a delete-policy topic; compact it or add it to unlimitedAllowList"
    elif retention < config["minRetentionMs"]:
        yield f"retention.ms {retention} is below the minimum {config['minRetentionMs']}"
    elif retention > config["maxRetentionMs"]:
        yield f"retention.ms {retention} is above the maximum {config['maxRetentionMs']}"


@resource_rule(
    "topic-replication",
    "Topics have enough replicas",
    "With fewer than 3 replicas one broker loss makes a partition unavailable or loses its data.",
    TOPIC_TYPES,
    minReplicas=3,
    requireExplicit=True,
)
def topic_replication(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """Replicas at least ``minReplicas``; unset replicas fall back to a broker default nobody reviewed."""
    facts = _facts(resource)
    replicas = facts.replicas
    if replicas is None:
        if config["requireExplicit"]:
            yield "replicas is not set; the broker default applies, set it explicitly"
        return
    value = _int(replicas)
    if value is not None and value < config["minReplicas"]:
        yield f"replicas {value} is below {config['minReplicas']}"


@resource_rule(
    "topic-min-insync-replicas",
    "min.insync.replicas is high enough and below the replica count",
    "acks=all writes need min.insync.replicas copies: at 1 they can be lost, at the replica count one broker "
    "down stops producers.",
    TOPIC_TYPES,
    minInsyncReplicas=2,
    requireExplicit=True,
)
def topic_min_insync_replicas(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """``min.insync.replicas`` >= the minimum and < replicas (when replicas > 1)."""
    facts = _facts(resource)
    value = facts.config.get("min.insync.replicas")
    if value is None:
        if config["requireExplicit"]:
            yield "min.insync.replicas is not set; the broker default applies, set it explicitly"
        return
    isr, replicas = _int(value), _int(facts.replicas)
    if isr is None:
        return
    if isr < config["minInsyncReplicas"]:
        yield f"min.insync.replicas {isr} is below {config['minInsyncReplicas']}"
    problem = min_insync_problem(isr, replicas) if replicas is not None else None
    if problem:
        yield f"min.insync.replicas {isr}: topic {problem}"


@resource_rule(
    "topic-partitions",
    "Partition counts stay within bounds",
    "Partitions cannot be removed later; too many cost broker memory and rebalance time.",
    TOPIC_TYPES,
    minPartitions=1,
    maxPartitions=200,
)
def topic_partitions(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """Partitions within [minPartitions, maxPartitions]."""
    partitions = _int(_facts(resource).partitions)
    if partitions is not None and not config["minPartitions"] <= partitions <= config["maxPartitions"]:
        yield f"partitions {partitions} is outside [{config['minPartitions']}, {config['maxPartitions']}]"


@resource_rule(
    "topic-config-keys",
    "Topic config uses keys and values Kafka accepts",
    "Kafka rejects unknown keys and bad values only when the topic is created or altered, after review.",
    TOPIC_TYPES,
)
def topic_config_keys(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """Every key known to Kafka 4.x, every value of the right type and range."""
    values = {key: value for key, value in _facts(resource).config.items() if known(value)}
    for key, problem in topic_config_problems(values):
        yield f"config '{key}' {problem}" if problem.startswith("is ") else f"config '{key}': {problem}"


RULES = (topic_name, topic_retention, topic_replication, topic_min_insync_replicas, topic_partitions, topic_config_keys)
