"""Build a change from a planned stack: one edit per test on a copy of the stack's resources."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from messaging_platform.review import Resource, Review, review

Path = tuple[str | int, ...]
Edit = Callable[[dict[str, Any]], None]
Stack = tuple[Resource, ...]


def resources_of(plan: Mapping[str, Any]) -> Stack:
    """A plan document's resources exactly as read back from ``plan.json``."""
    return tuple(Resource.from_plan_entry(entry) for entry in json.loads(json.dumps(plan))["resources"])


def put(path: Path, value: Any) -> Edit:
    """An edit setting ``path`` (keys and list indexes) to ``value``, creating maps on the way."""

    def edit(inputs: dict[str, Any]) -> None:
        *parents, last = path
        target: Any = inputs
        for key in parents:
            target = target.setdefault(key, {}) if isinstance(target, dict) else target[key]
        target[last] = copy.deepcopy(value)

    return edit


def drop(path: Path) -> Edit:
    """An edit removing ``path``."""

    def edit(inputs: dict[str, Any]) -> None:
        *parents, last = path
        target: Any = inputs
        for key in parents:
            target = target[key]
        del target[last]

    return edit


def append(path: Path, value: Any) -> Edit:
    """An edit appending ``value`` to the list at ``path``."""

    def edit(inputs: dict[str, Any]) -> None:
        target: Any = inputs
        for key in path:
            target = target[key]
        target.append(copy.deepcopy(value))

    return edit


def find(stack: Iterable[Resource], name: str) -> Resource:
    """The resource with this Pulumi name."""
    (resource,) = [r for r in stack if r.name == name]
    return resource


def edited(stack: Stack, name: str, *edits: Edit, **attributes: Any) -> Stack:
    """``stack`` with resource ``name``'s inputs edited (on a copy) and other attributes replaced."""
    target = find(stack, name)
    inputs = copy.deepcopy(dict(target.inputs))
    for edit in edits:
        edit(inputs)
    changed = dataclasses.replace(target, inputs=inputs, **attributes)
    return tuple(changed if r is target else r for r in stack)


def without(stack: Stack, *names: str) -> Stack:
    """``stack`` without the named resources."""
    return tuple(r for r in stack if r.name not in names)


def renamed(stack: Stack, name: str, new_name: str, *, alias: bool) -> Stack:
    """``stack`` with resource ``name`` under another Pulumi name (and its old URN as an alias, or not)."""
    target = find(stack, name)
    urn = target.urn.removesuffix(name) + new_name
    aliases = (target.urn,) if alias else ()
    return edited(stack, name, urn=urn, aliases=aliases)


def finding_ids(change: Review) -> list[str]:
    """The ids of a review's findings, in report order."""
    return [finding.id for finding in change.findings]


def review_of(old: Stack, new: Stack) -> Review:
    """The review of ``old`` -> ``new``."""
    return review(old, new)


def duplicate(stack: Stack, name: str, new_name: str, *edits: Edit) -> Stack:
    """``stack`` plus a copy of resource ``name`` under ``new_name``, edited (e.g. a new topic)."""
    target = find(stack, name)
    inputs = copy.deepcopy(dict(target.inputs))
    for edit in edits:
        edit(inputs)
    copied = dataclasses.replace(target, urn=target.urn.removesuffix(name) + new_name, inputs=inputs)
    return (*stack, copied)


Case = Callable[[Stack], tuple[Stack, Stack]]
"""A change made to a stack: (old, new)."""


def update(name: str, *edits: Edit, **attributes: Any) -> Case:
    """The change that edits resource ``name``."""
    return lambda stack: (stack, edited(stack, name, *edits, **attributes))


def from_edited(name: str, *edits: Edit, **attributes: Any) -> Case:
    """The change back from an edited resource ``name`` to the stack as planned (e.g. an upgrade)."""
    return lambda stack: (edited(stack, name, *edits, **attributes), stack)


def delete(*names: str) -> Case:
    """The change that removes the named resources."""
    return lambda stack: (stack, without(stack, *names))


def add_copy(name: str, new_name: str, *edits: Edit) -> Case:
    """The change that adds an edited copy of resource ``name``."""
    return lambda stack: (stack, duplicate(stack, name, new_name, *edits))
