"""Intent-based access: the exact ACLs each role gets, and nothing more."""

from __future__ import annotations

from typing import Any

import pytest

from messaging_platform.config import ServiceSpec
from messaging_platform.config.acls import AclRule, service_acls

KAFKA_NAMES = {"orders.created.v1": "orders.created.v1", "payments.settled.v1": "payments.settled.v1",
               "analytics.revenue.v1": "analytics.revenue.v1", "legacy": "LEGACY_Orders"}  # fmt: skip


def acls(**intents: Any) -> list[tuple[str, str, str, tuple[str, ...]]]:
    rules = service_acls(ServiceSpec.model_validate(intents), KAFKA_NAMES)
    return [(r.resource_type, r.pattern, r.name, r.operations) for r in rules]


ROLES: list[tuple[str, dict[str, Any], list[tuple[str, str, str, tuple[str, ...]]]]] = [
    ("producer", {"produces": ["orders.created.v1"]},
     [("topic", "literal", "orders.created.v1", ("Describe", "Write"))]),
    ("producer-uses-the-kafka-name", {"produces": ["legacy"]},
     [("topic", "literal", "LEGACY_Orders", ("Describe", "Write"))]),
    ("prefix-producer", {"produces": [{"prefix": "orders."}]},
     [("topic", "prefix", "orders.", ("Describe", "Write"))]),
    ("consumer", {"consumes": [{"topic": "orders.created.v1", "group": "billing"}]},
     [("group", "literal", "billing", ("Read",)), ("topic", "literal", "orders.created.v1", ("Describe", "Read"))]),
    ("prefix-consumer", {"consumes": [{"prefix": "orders.", "group": "audit"}]},
     [("group", "literal", "audit", ("Read",)), ("topic", "prefix", "orders.", ("Describe", "Read"))]),
    ("transactional-id", {"produces": ["orders.created.v1"], "transactional": {"id": "orders-tx"}},
     [("topic", "literal", "orders.created.v1", ("Describe", "Write")),
      ("transactionalId", "literal", "orders-tx", ("Describe", "Write"))]),
    ("transactional-id-prefix", {"produces": ["orders.created.v1"], "transactional": {"idPrefix": "orders-"}},
     [("topic", "literal", "orders.created.v1", ("Describe", "Write")),
      ("transactionalId", "prefix", "orders-", ("Describe", "Write"))]),
    ("streams-at-least-once", {"streams": {"applicationId": "revenue", "consumes": ["orders.created.v1"],
                                           "produces": ["analytics.revenue.v1"]}},
     [("group", "literal", "revenue", ("Read",)),
      ("topic", "literal", "analytics.revenue.v1", ("Describe", "Write")),
      ("topic", "literal", "orders.created.v1", ("Describe", "Read")),
      ("topic", "prefix", "revenue", ("Create", "Delete", "Describe", "Read", "Write"))]),
    ("streams-exactly-once", {"streams": {"applicationId": "revenue", "consumes": ["orders.created.v1"],
                                          "produces": ["analytics.revenue.v1"], "exactlyOnce": True}},
     [("group", "literal", "revenue", ("Read",)),
      ("topic", "literal", "analytics.revenue.v1", ("Describe", "Write")),
      ("topic", "literal", "orders.created.v1", ("Describe", "Read")),
      ("topic", "prefix", "revenue", ("Create", "Delete", "Describe", "Read", "Write")),
      ("transactionalId", "prefix", "revenue", ("Describe", "Write"))]),
    ("read-and-write-one-topic-merge", {"produces": ["orders.created.v1"],
                                        "consumes": [{"topic": "orders.created.v1", "group": "g"}]},
     [("group", "literal", "g", ("Read",)), ("topic", "literal", "orders.created.v1", ("Describe", "Read", "Write"))]),
]  # fmt: skip


@pytest.mark.parametrize(("intents", "expected"), [pytest.param(i, e, id=n) for n, i, e in ROLES])
def test_each_role_gets_exactly_its_acls(intents: dict[str, Any], expected: list[Any]) -> None:
    assert acls(**intents) == expected


@pytest.mark.parametrize(("intents", "_"), [pytest.param(i, e, id=n) for n, i, e in ROLES])
def test_no_role_gets_all_wildcards_or_cluster_rights(intents: dict[str, Any], _: Any) -> None:
    for resource_type, _pattern, name, operations in acls(**intents):
        assert "All" not in operations
        assert name != "*"
        assert resource_type != "cluster"


def test_rules_are_sorted_and_deterministic() -> None:
    rules = service_acls(ServiceSpec.model_validate(ROLES[-3][1]), KAFKA_NAMES)
    assert rules == sorted(rules)
    assert all(isinstance(rule, AclRule) for rule in rules)
