"""The change review of bridges and mirrors: their users are KafkaUsers (user-deleted, acl-removed),
a mirror's Connect group and topics and its source aliases are its internal state
(connect-internal-topic-changed); safe edits stay silent."""

from __future__ import annotations

import pytest

from messaging_platform.review import Review
from messaging_platform_tools.offline.plan import plan_document
from messaging_platform_tools.offline.runner import PlanResult

from .changes import Case, Stack, delete, drop, finding_ids, put, resources_of, review_of, update

MIRROR = "east-to-west-mirrormaker2"
TARGET = ("spec", "target")
SOURCE = ("spec", "mirrors", 0, "source")


@pytest.fixture(scope="session")
def mirror(stack_plans: dict[str, PlanResult]) -> Stack:
    """The mirror stack as plan.json records it (east mirrored to west)."""
    return resources_of(plan_document(stack_plans["mirror"].recording))


def change(stack: Stack, case: Case) -> Review:
    return review_of(*case(stack))


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (update(MIRROR, put((*TARGET, "groupId"), "mm2-dr")), ["connect-internal-topic-changed"]),
        (update(MIRROR, put((*TARGET, "offsetStorageTopic"), "mm2-dr-offsets")), ["connect-internal-topic-changed"]),
        (update(MIRROR, put((*SOURCE, "alias"), "east-1")), ["connect-internal-topic-changed"]),
        (delete("east-to-west-target-user"), ["user-deleted"]),
        (update("east-to-west-source-user", drop(("spec", "authorization", "acls", 0))), ["acl-removed"]),
        # Safe: more workers, another target alias (no name depends on it), a new tasks count.
        (update(MIRROR, put(("spec", "replicas"), 3)), []),
        (update(MIRROR, put((*TARGET, "alias"), "west-dc")), []),
        (update(MIRROR, put(("spec", "mirrors", 0, "sourceConnector", "tasksMax"), 4)), []),
    ],
)
def test_mirror_changes(mirror: Stack, case: Case, expected: list[str]) -> None:
    assert finding_ids(change(mirror, case)) == expected


def test_a_changed_source_alias_says_what_is_abandoned(mirror: Stack) -> None:
    (finding,) = change(mirror, update(MIRROR, put((*SOURCE, "alias"), "east-1"))).findings
    assert finding.message.startswith("source alias 'east' is no longer mirrored (now: east-1): its remote topics")


def test_a_removed_bridge_user_is_a_deleted_user(prod: Stack) -> None:
    assert finding_ids(change(prod, delete("storefront-user"))) == ["user-deleted"]
    acl = update("storefront-user", drop(("spec", "authorization", "acls", 0)))
    assert finding_ids(change(prod, acl)) == ["acl-removed"]
