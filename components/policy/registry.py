"""Rule definitions: id, intent, what they apply to, and their configurable thresholds."""

from __future__ import annotations

import itertools
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

    def schema(self) -> dict[str, dict[str, Any]]:
        """JSON-schema properties of the rule's config, with their defaults."""
        kinds = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
        return {key: {"type": kinds[type(value)], "default": value} for key, value in self.config.items()}


def resource_rule(
    id: str, description: str, why: str, types: Iterable[str] | None = None, **config: Any
) -> Callable[[ResourceCheck], Rule]:
    """Make a per-resource rule of the decorated check (list it in its module's ``RULES``)."""

    def make(check: ResourceCheck) -> Rule:
        return Rule(id, description, why, config, frozenset(types) if types else None, check=check)

    return make


def stack_rule(id: str, description: str, why: str, **config: Any) -> Callable[[StackCheck], Rule]:
    """Make a rule over all resources of a stack (or all objects given to ``check``)."""

    def make(check: StackCheck) -> Rule:
        return Rule(id, description, why, config, stack_check=check)

    return make


def rule_set(*groups: Iterable[Rule]) -> tuple[Rule, ...]:
    """The rules of several modules as one tuple sorted by id; a duplicate id is an error."""
    rules = sorted((rule for group in groups for rule in group), key=lambda rule: rule.id)
    duplicates = sorted({a.id for a, b in itertools.pairwise(rules) if a.id == b.id})
    if duplicates:
        raise ValueError(f"policy rule ids declared twice: {', '.join(duplicates)}")
    return tuple(rules)
