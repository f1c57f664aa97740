"""Rule definitions: id, intent, what they apply to, and their configurable thresholds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import ResourceView

ResourceCheck = Callable[[ResourceView, Mapping[str, Any]], Iterable[str]]
"""Messages about one resource, given the rule's config."""
StackCheck = Callable[[Sequence[ResourceView], Mapping[str, Any]], Iterable[tuple[ResourceView | None, str]]]
"""(resource or None for the stack, message) pairs about all resources together."""


@dataclass(frozen=True)
class Rule:
    """A policy rule. Exactly one of ``check`` (per resource) and ``stack_check`` is set."""

    id: str
    description: str
    why: str
    config: Mapping[str, Any] = field(default_factory=dict)
    """Default thresholds (the strictest, production values); each becomes a config property."""
    types: frozenset[str] | None = None
    """Type tokens a resource rule looks at (None: every resource)."""
    check: ResourceCheck | None = None
    stack_check: StackCheck | None = None

    @property
    def is_stack_rule(self) -> bool:
        """Whether the rule judges the resources together rather than one by one."""
        return self.stack_check is not None

    def schema(self) -> dict[str, dict[str, Any]]:
        """JSON-schema properties of the rule's config, with their defaults."""
        kinds = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
        return {key: {"type": kinds[type(value)], "default": value} for key, value in self.config.items()}


RULES: list[Rule] = []


def resource_rule(
    id: str, description: str, why: str, types: Iterable[str] | None = None, **config: Any
) -> Callable[[ResourceCheck], ResourceCheck]:
    """Register a per-resource rule."""

    def register(check: ResourceCheck) -> ResourceCheck:
        RULES.append(Rule(id, description, why, config, frozenset(types) if types else None, check=check))
        return check

    return register


def stack_rule(id: str, description: str, why: str, **config: Any) -> Callable[[StackCheck], StackCheck]:
    """Register a rule over all resources of a stack (or all objects given to ``check``)."""

    def register(check: StackCheck) -> StackCheck:
        RULES.append(Rule(id, description, why, config, stack_check=check))
        return check

    return register


def all_rules() -> list[Rule]:
    """Every rule, in a stable order (rule modules register on import)."""
    from .rules import access, cluster, connect, labels, listeners, stack, topics  # noqa: F401

    return sorted(RULES, key=lambda rule: rule.id)


def rule_by_id(rule_id: str) -> Rule:
    """The rule with this id."""
    for rule in all_rules():
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)
