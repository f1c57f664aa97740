"""The Kafka policy rules, one module per area, listed explicitly (nothing registers on import)."""

from __future__ import annotations

from ..registry import Rule, rule_set
from . import access, cluster, connect, labels, listeners, stack, topics

RULES: tuple[Rule, ...] = rule_set(
    access.RULES, cluster.RULES, connect.RULES, labels.RULES, listeners.RULES, stack.RULES, topics.RULES
)


def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by id."""
    return RULES


def rule_by_id(rule_id: str) -> Rule:
    """The rule with this id."""
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)
