"""Every finding id fires on its hazard, and stays silent on the safe counterpart.

Each case is one edit of a planned stack (prod: Strimzi; external: pulumi-kafka); the expected ids
are exact, so a case also proves that no other finding fires.
"""

from __future__ import annotations

import pytest

from messaging_platform.review import FINDING_IDS

from .changes import (
    Case,
    Stack,
    add_copy,
    append,
    delete,
    drop,
    edited,
    find,
    finding_ids,
    from_edited,
    put,
    review_of,
    update,
)

ORDER_STATE = "events-topic-orders.order-state.v1"  # compacted, 12 partitions, 3 replicas, min.insync 2
ORDER_CREATED = "events-topic-orders.order-created.v1"  # retention 7d, 24 partitions
KAFKA, BROKERS, CONTROLLERS = "events-kafka", "events-pool-brokers", "events-pool-controllers"
LISTENERS = ("spec", "kafka", "listeners")  # [0]: tls (scram-sha-512), [1]: mtls (tls auth)
BROKER_VOLUME = ("spec", "storage", "volumes", 0)  # persistent-claim 500Gi premium-rwo
EXTERNAL_TOPIC = "legacy-topic-orders.order-created.v1"
SECURE_LISTENER = {"name": "ext", "port": 9095, "type": "loadbalancer", "tls": True, "authentication": {"type": "tls"}}

HAZARDS: list[tuple[str, Case, list[str]]] = [
    ("prod", delete("events-topic-orders.order-cancelled.v1"), ["topic-deleted"]),
    ("external", delete("legacy-topic-orders.order-cancelled.v1"), ["topic-deleted"]),
    ("prod", update(ORDER_STATE, put(("spec", "topicName"), "orders.order-state.v2")), ["topic-renamed"]),
    ("external", update(EXTERNAL_TOPIC, put(("name",), "orders.order-created.v2")), ["topic-renamed"]),
    ("prod", update(ORDER_STATE, put(("spec", "partitions"), 6)), ["partitions-decreased"]),
    ("external", update(EXTERNAL_TOPIC, put(("partitions",), 6)), ["partitions-decreased"]),
    ("prod", update(ORDER_STATE, put(("spec", "replicas"), 2)), ["replicas-changed"]),
    ("external", update(EXTERNAL_TOPIC, put(("replicationFactor",), 2)), ["replicas-changed"]),
    ("prod", update(ORDER_STATE, put(("spec", "config", "cleanup.policy"), "delete")), ["topic-config-risky"]),
    ("prod", update(ORDER_CREATED, put(("spec", "config", "retention.ms"), 86_400_000)), ["topic-config-risky"]),
    # unset retention.bytes is the broker's default, unlimited: any limit is a cut
    ("prod", update(ORDER_CREATED, put(("spec", "config", "retention.bytes"), 2**30)), ["topic-config-risky"]),
    ("prod", update(ORDER_CREATED, put(("spec", "config", "min.insync.replicas"), 4)), ["topic-config-risky"]),
    ("prod", update(KAFKA, put(("spec", "kafka", "config", "log.retention.hours"), 24)), ["topic-config-risky"]),
    ("external", update(EXTERNAL_TOPIC, put(("config", "retention.ms"), "3600000")), ["topic-config-risky"]),
    ("prod", update(BROKERS, put(("spec", "replicas"), 2)), ["nodepool-scaled-down"]),
    (
        "prod",
        update(BROKERS, put(("spec", "roles"), ["controller"])),
        ["nodepool-scaled-down", "controller-pool-changed"],
    ),
    ("prod", update(CONTROLLERS, put(("spec", "replicas"), 5)), ["controller-pool-changed"]),
    ("prod", delete(CONTROLLERS), ["controller-pool-changed"]),
    (
        "prod",
        add_copy(CONTROLLERS, "events-pool-voters", put(("metadata", "name"), "voters")),
        ["controller-pool-changed"],
    ),
    ("prod", update(BROKERS, put((*BROKER_VOLUME, "size"), "400Gi")), ["storage-changed"]),
    ("prod", update(BROKERS, put((*BROKER_VOLUME, "class"), "standard-rwo")), ["storage-changed"]),
    ("prod", update(BROKERS, put((*BROKER_VOLUME, "deleteClaim"), True)), ["storage-changed"]),
    ("prod", update(BROKERS, put(("spec", "storage"), {"type": "ephemeral"})), ["storage-changed"]),
    ("prod", update(BROKERS, put(("spec", "storage", "volumes"), [])), ["storage-changed"]),
    ("prod", update(KAFKA, put((*LISTENERS, 0, "tls"), False)), ["listener-security-weakened"]),
    ("prod", update(KAFKA, drop((*LISTENERS, 1, "authentication"))), ["listener-security-weakened"]),
    ("prod", update(KAFKA, put((*LISTENERS, 0, "type"), "loadbalancer")), ["listener-security-weakened"]),
    (
        "prod",
        update(KAFKA, append(LISTENERS, {"name": "plain", "port": 9092, "type": "internal", "tls": False})),
        ["listener-security-weakened"],
    ),
    ("prod", update(KAFKA, drop(("spec", "kafka", "authorization"))), ["authorization-removed"]),
    ("prod", update(KAFKA, put(("spec", "kafka", "version"), "4.2.1")), ["kafka-downgraded"]),
    ("prod", update(KAFKA, put(("spec", "kafka", "metadataVersion"), "4.2-IV1")), ["kafka-downgraded"]),
    ("prod", delete("events-user-order-service-user"), ["user-deleted"]),
    ("external", delete("legacy-user-audit-sink-scram"), ["user-deleted"]),
    ("prod", update("events-user-audit-sink-user", drop(("spec", "authorization", "acls", 0))), ["acl-removed"]),
    ("external", delete("legacy-user-audit-sink-acl-group-literal-audit-sink-read"), ["acl-removed"]),
    (
        "with_connect",
        update("events-connect", put(("spec", "offsetStorageTopic"), "connect-offsets")),
        ["connect-internal-topic-changed"],
    ),
    ("with_connect", update("events-connect", put(("spec", "groupId"), "connect")), ["connect-internal-topic-changed"]),
    # spec.topicName stays: the Kafka topic is the same, but its KafkaTopic is deleted and created again
    ("prod", update(ORDER_STATE, put(("metadata", "name"), "order-state")), ["resource-replaced"]),
    ("prod", update("events-metrics", put(("metadata", "namespace"), "monitoring")), ["resource-replaced"]),
    ("external", update("legacy-user-audit-sink-quota", put(("entityName",), "audit")), ["resource-replaced"]),
]

SAFE: list[tuple[str, Case]] = [
    ("prod", update(ORDER_STATE, put(("spec", "partitions"), 24))),
    ("external", update(EXTERNAL_TOPIC, put(("partitions",), 24))),
    ("prod", update(ORDER_CREATED, put(("spec", "config", "retention.ms"), 30 * 86_400_000))),
    ("prod", update(ORDER_CREATED, put(("spec", "config", "retention.ms"), 4 * 86_400_000))),  # less than half off
    ("prod", update(ORDER_CREATED, put(("spec", "config", "min.insync.replicas"), 3))),  # 3 replicas can serve it
    ("prod", update(KAFKA, append(LISTENERS, SECURE_LISTENER))),
    ("prod", update(KAFKA, drop((*LISTENERS, 1)))),  # clients of a removed listener fail; security does not weaken
    ("prod", from_edited(KAFKA, put(("spec", "kafka", "version"), "4.3.0"))),  # an upgrade
    (
        "prod",
        add_copy(
            ORDER_CREATED,
            "events-topic-orders.order-returned.v1",
            put(("metadata", "name"), "orders.order-returned.v1"),
            put(("spec", "topicName"), "orders.order-returned.v1"),
        ),
    ),
    ("prod", update(BROKERS, put(("spec", "replicas"), 4))),
    ("prod", add_copy(BROKERS, "events-pool-brokers-b", put(("metadata", "name"), "brokers-b"))),
    ("prod", update(BROKERS, put((*BROKER_VOLUME, "size"), "1Ti"))),
    (
        "prod",
        update(
            BROKERS,
            append(
                ("spec", "storage", "volumes"),
                {"id": 1, "type": "persistent-claim", "size": "500Gi", "class": "premium-rwo"},
            ),
        ),
    ),
    (
        "prod",
        update(
            "events-user-audit-sink-user",
            append(
                ("spec", "authorization", "acls"),
                {"resource": {"type": "topic", "name": "shipping.", "patternType": "prefix"}, "operations": ["Read"]},
            ),
        ),
    ),
    ("with_connect", update("events-connect", put(("spec", "replicas"), 3))),
]


@pytest.mark.parametrize(("stack", "change", "expected"), HAZARDS)
def test_finding_fires_on_its_hazard(
    stack: str, change: Case, expected: list[str], request: pytest.FixtureRequest
) -> None:
    old, new = change(request.getfixturevalue(stack))
    assert finding_ids(review_of(old, new)) == expected


@pytest.mark.parametrize(("stack", "change"), SAFE)
def test_safe_change_is_silent(stack: str, change: Case, request: pytest.FixtureRequest) -> None:
    old, new = change(request.getfixturevalue(stack))
    result = review_of(old, new)
    assert not result.empty
    assert result.findings == ()


def test_every_finding_id_has_a_hazard_case() -> None:
    assert {finding_id for _, _, expected in HAZARDS for finding_id in expected} == set(FINDING_IDS)


def test_an_unchanged_stack_reviews_empty(prod: Stack, external: Stack) -> None:
    for stack in (prod, external):
        result = review_of(stack, stack)
        assert result.empty
        assert result.findings == ()


def test_a_topic_retained_on_delete_is_removed_without_data_loss(prod: Stack) -> None:
    old = edited(prod, ORDER_STATE, retain_on_delete=True)
    result = review_of(old, delete(ORDER_STATE)(old)[1])
    assert [r.name for r in result.removed] == [ORDER_STATE]
    assert result.findings == ()


def test_deleting_a_protected_topic_says_pulumi_will_refuse(prod: Stack) -> None:
    (finding,) = review_of(*delete(ORDER_STATE)(prod)).findings
    assert finding.unsafe
    assert finding.resource == "KafkaTopic kafka/orders.order-state.v1"
    assert "Topic Operator deletes it with every record (protected: pulumi up refuses" in finding.message


def test_replicas_change_applies_with_cruise_control_and_is_refused_without(prod: Stack) -> None:
    change = update(ORDER_STATE, put(("spec", "replicas"), 2))
    (with_cc,) = review_of(*change(prod)).findings
    no_cc = edited(prod, KAFKA, drop(("spec", "cruiseControl")))
    (without_cc,) = review_of(*change(no_cc)).findings
    assert (with_cc.unsafe, without_cc.unsafe) == (False, True)
    assert "without Cruise Control" in without_cc.message


def test_min_insync_replicas_is_checked_against_the_broker_pools(prod: Stack) -> None:
    # 3 replicas could keep 3 in sync, but one broker pool of 2 cannot
    two_brokers = edited(prod, BROKERS, put(("spec", "replicas"), 2))
    old, new = update(ORDER_CREATED, put(("spec", "config", "min.insync.replicas"), 3))(two_brokers)
    (finding,) = review_of(old, new).findings
    assert finding.id == "topic-config-risky"
    assert "min.insync.replicas 3 is more than the 2 replica(s)" in finding.message


def test_a_removed_deny_rule_is_reported_as_widening_access(prod: Stack) -> None:
    deny = {
        "type": "deny",
        "resource": {"type": "topic", "name": "payments.", "patternType": "prefix"},
        "operations": ["Write"],
    }
    old = edited(prod, "events-user-audit-sink-user", append(("spec", "authorization", "acls"), deny))
    (finding,) = review_of(old, prod).findings
    assert finding.message.startswith("deny ACL removed: deny User:audit-sink Write on topic payments. (prefix)")


def test_an_acl_entry_removed_is_one_finding_naming_all_its_operations(prod: Stack) -> None:
    user = "events-user-order-service-user"
    entries = find(prod, user).inputs["spec"]["authorization"]["acls"]
    findings = review_of(*update(user, drop(("spec", "authorization")))(prod)).findings
    assert len(findings) == len(entries)
    assert {f.id for f in findings} == {"acl-removed"}
    assert any(
        f.message.startswith("ACL removed: allow User:order-service Describe, Write on topic orders.order-created.v1")
        for f in findings
    )
