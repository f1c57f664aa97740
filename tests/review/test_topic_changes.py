"""``topic_change_findings``: one topic's old and new inputs, either shape, as the update guard sees them."""

from __future__ import annotations

from typing import Any

import pytest

from messaging_platform.review import TopicContext, broker_topic_defaults, topic_change_findings

STRIMZI = {"spec": {"topicName": "orders", "partitions": 12, "replicas": 3, "config": {"cleanup.policy": "compact"}}}
PULUMI_KAFKA = {"name": "orders", "partitions": 12.0, "replicationFactor": 3.0, "config": {}}
WITH_CC, WITHOUT_CC = TopicContext(cruise_control=True), TopicContext(cruise_control=False)


def spec(**changes: Any) -> dict[str, Any]:
    return {"spec": {**STRIMZI["spec"], **changes}}


@pytest.mark.parametrize(
    ("new", "context", "finding_id", "fragment"),
    [
        (spec(partitions=6), WITHOUT_CC, "partitions-decreased", "partitions cannot decrease (12 -> 6)"),
        (spec(topicName="orders-v2"), WITHOUT_CC, "topic-renamed", "the Kafka topic name cannot change"),
        (spec(replicas=2), WITHOUT_CC, "replicas-changed", "replicas cannot change (3 -> 2) without Cruise Control"),
        (spec(replicas=2), TopicContext(), "replicas-changed", "without Cruise Control"),
        (spec(config={"cleanup.policy": "delete"}), WITH_CC, "topic-config-risky", "would drop 'compact'"),
        ({**PULUMI_KAFKA, "partitions": 3.0}, WITH_CC, "partitions-decreased", "partitions cannot decrease (12 -> 3)"),
        ({**PULUMI_KAFKA, "name": "orders-v2"}, WITH_CC, "topic-renamed", "(orders -> orders-v2)"),
    ],
)
def test_what_the_update_guard_refuses_is_unsafe(
    new: dict[str, Any], context: TopicContext, finding_id: str, fragment: str
) -> None:
    old = STRIMZI if "spec" in new else PULUMI_KAFKA
    (finding,) = topic_change_findings(old, new, context)
    assert (finding.id, finding.unsafe) == (finding_id, True)
    assert fragment in finding.message
    assert finding.resource.startswith("topic orders")


@pytest.mark.parametrize(
    "new",
    [
        spec(partitions=24),
        spec(replicas=5),
        spec(config={"cleanup.policy": "compact,delete", "retention.ms": 1}),
        {**PULUMI_KAFKA, "replicationFactor": 5},
    ],
)
def test_what_the_update_guard_allows_is_never_unsafe(new: dict[str, Any]) -> None:
    old = STRIMZI if "spec" in new else PULUMI_KAFKA
    assert not [f for f in topic_change_findings(old, new, WITH_CC) if f.unsafe]


def test_a_metadata_name_change_is_no_loss_while_another_resource_declares_the_old_name() -> None:
    old = {"metadata": {"name": "orders"}, "spec": {"partitions": 3}}
    new = {"metadata": {"name": "orders-v2"}, "spec": {"partitions": 3}}
    assert [f.id for f in topic_change_findings(old, new)] == ["topic-renamed"]
    assert topic_change_findings(old, new, TopicContext(declared_topics=frozenset({"orders", "orders-v2"}))) == []


def test_an_unset_retention_is_judged_only_against_known_broker_defaults() -> None:
    old, new = PULUMI_KAFKA, {**PULUMI_KAFKA, "config": {"retention.ms": "3600000"}}
    assert topic_change_findings(old, new) == []
    defaults = broker_topic_defaults({"log.retention.hours": 168})
    (finding,) = topic_change_findings(old, new, TopicContext(defaults=defaults))
    assert "retention.ms is cut by more than half (604800000 -> 3600000)" in finding.message


@pytest.mark.parametrize(
    ("broker_config", "retention_ms"),
    [
        ({}, 604_800_000),
        ({"log.retention.hours": 24}, 86_400_000),
        ({"log.retention.hours": 24, "log.retention.minutes": 30}, 1_800_000),
        ({"log.retention.minutes": 30, "log.retention.ms": 5}, 5),
        ({"log.retention.ms": -1}, -1),
    ],
)
def test_broker_retention_default_follows_kafka_precedence(broker_config: dict[str, Any], retention_ms: int) -> None:
    assert broker_topic_defaults(broker_config)["retention.ms"] == retention_ms
