"""Rename detection (URN, alias, identity) and field-level diffs."""

from __future__ import annotations

from typing import Any

import pytest

from messaging_platform.review import ABSENT, Change, field_changes

from .changes import Stack, duplicate, edited, finding_ids, put, renamed, review_of, without

ORDER_STATE = "events-topic-orders.order-state.v1"
EXTERNAL_TOPIC = "legacy-topic-orders.order-created.v1"
EXTERNAL_ACL = "legacy-user-audit-sink-acl-group-literal-audit-sink-read"


def test_a_catalog_entry_rekeyed_with_an_alias_is_a_clean_rename(prod: Stack) -> None:
    result = review_of(prod, renamed(prod, ORDER_STATE, "events-topic-order-state", alias=True))
    ((rename),) = result.renamed
    assert (rename.old.name, rename.new.name, rename.via) == (ORDER_STATE, "events-topic-order-state", "alias")
    assert (result.added, result.removed, result.changed, result.findings) == ((), (), (), ())


@pytest.mark.parametrize(
    ("stack", "name"), [("prod", ORDER_STATE), ("external", EXTERNAL_TOPIC), ("external", EXTERNAL_ACL)]
)
def test_the_same_kafka_object_under_a_new_urn_without_alias_is_a_rename_that_needs_one(
    stack: str, name: str, request: pytest.FixtureRequest
) -> None:
    before: Stack = request.getfixturevalue(stack)
    result = review_of(before, renamed(before, name, f"{name}-rekeyed", alias=False))
    ((rename),) = result.renamed
    assert rename.via == "identity"
    assert (result.added, result.removed) == ((), ())
    (finding,) = result.findings
    assert finding.id == "resource-replaced"
    assert "renamed without an alias" in finding.message
    assert "add an alias (catalog: previousNames)" in finding.message


def test_a_new_urn_and_a_new_kafka_name_is_a_deleted_topic_and_an_added_one(prod: Stack) -> None:
    after = edited(
        renamed(prod, ORDER_STATE, "events-topic-orders.order-state.v2", alias=False),
        "events-topic-orders.order-state.v2",
        put(("metadata", "name"), "orders.order-state.v2"),
        put(("spec", "topicName"), "orders.order-state.v2"),
    )
    result = review_of(prod, after)
    assert ([r.name for r in result.removed], [r.name for r in result.added]) == (
        [ORDER_STATE],
        ["events-topic-orders.order-state.v2"],
    )
    assert finding_ids(result) == ["topic-deleted"]


def test_an_identity_declared_twice_matches_nothing(prod: Stack) -> None:
    twice = duplicate(renamed(prod, ORDER_STATE, "events-topic-a", alias=False), "events-topic-a", "events-topic-b")
    result = review_of(prod, twice)
    assert result.renamed == ()
    assert [r.name for r in result.added] == ["events-topic-a", "events-topic-b"]
    assert finding_ids(result) == ["topic-deleted"]


def test_swapping_two_pulumi_kafka_topic_names_replaces_both_without_losing_a_name(external: Stack) -> None:
    first, second = EXTERNAL_TOPIC, "legacy-topic-orders.order-cancelled.v1"
    swapped = edited(
        edited(external, first, put(("name",), "orders.order-cancelled.v1")),
        second,
        put(("name",), "orders.order-created.v1"),
    )
    assert finding_ids(review_of(external, swapped)) == ["resource-replaced", "resource-replaced"]


def test_a_strimzi_topic_name_change_is_refused_even_if_another_topic_takes_the_old_name(prod: Stack) -> None:
    taken = duplicate(
        edited(prod, ORDER_STATE, put(("spec", "topicName"), "orders.order-state.v2")),
        ORDER_STATE,
        "events-topic-orders.order-state.v1-again",
        put(("metadata", "name"), "orders.order-state.v1-again"),
    )
    assert "topic-renamed" in finding_ids(review_of(prod, taken))


def test_changes_carry_field_paths_old_and_new_values(prod: Stack) -> None:
    after = edited(prod, ORDER_STATE, put(("spec", "partitions"), 24), put(("spec", "config", "retention.ms"), 1))
    ((changed),) = review_of(prod, after).changed
    assert changed.resource.name == ORDER_STATE
    assert changed.changes == (
        Change('spec.config["retention.ms"]', ABSENT, 1),
        Change("spec.partitions", 12, 24),
    )


LISTENER = {"name": "tls", "port": 9093, "tls": True}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            {"listeners": [LISTENER]},
            {"listeners": [{**LISTENER, "tls": False}]},
            [Change("listeners[name=tls].tls", True, False)],
        ),
        (
            {"volumes": [{"id": 0, "size": "1Gi"}]},
            {"volumes": [{"id": 0, "size": "2Gi"}, {"id": 1, "size": "1Gi"}]},
            [Change("volumes[id=0].size", "1Gi", "2Gi"), Change("volumes[id=1]", ABSENT, {"id": 1, "size": "1Gi"})],
        ),
        ({"roles": ["broker", "controller"]}, {"roles": ["controller", "broker"]}, []),
        ({"superUsers": ["CN=a", "CN=b"]}, {"superUsers": ["CN=b"]}, [Change("superUsers[]", "CN=a", ABSENT)]),
        ({"partitions": 12}, {"partitions": 12.0}, []),
        ({"tls": 1}, {"tls": True}, [Change("tls", 1, True)]),
        ({"config": {"a": None}}, {"config": {}}, [Change("config.a", None, ABSENT)]),
    ],
)
def test_field_changes(old: dict[str, Any], new: dict[str, Any], expected: list[Change]) -> None:
    assert field_changes(old, new) == expected


def test_removed_resources_are_listed_by_urn(prod: Stack) -> None:
    result = review_of(prod, without(prod, ORDER_STATE, "events-metrics"))
    assert {r.name for r in result.removed} == {"events-metrics", ORDER_STATE}
    assert [r.urn for r in result.removed] == sorted(r.urn for r in result.removed)
