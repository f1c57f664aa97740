"""Field-level differences between two inputs documents, with readable paths.

Rules (so that a diff reads like the change a person made, not like list arithmetic):

- maps are compared key by key; a key present on one side only is an added or removed field;
- a list whose items are all maps with a distinct ``name`` (listeners, connectors) or ``id`` (JBOD
  volumes) is compared item by item under that key: ``spec.kafka.listeners[name=tls].tls``;
- any other list is compared as a multiset: items only in the old list are removed
  (``acls[]: old -> ABSENT``), items only in the new list are added; order alone is no change
  (ACLs, super users, roles and the like have no order that matters);
- two numbers are equal when their values are (``12`` and ``12.0``, as protobuf delivers them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .model import ABSENT, Change

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_LIST_KEYS = ("name", "id")


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any], path: str = "") -> list[Change]:
    """Every field that differs between ``old`` and ``new`` (see the module's rules), in path order."""
    return sorted(_diff(old, new, path), key=lambda change: change.path)


def join(path: str, key: str) -> str:
    """``path.key``, or ``path["key.with.dots"]`` when the key is not a plain identifier."""
    if _IDENTIFIER.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def _diff(old: Any, new: Any, path: str) -> list[Change]:
    if _same(old, new):
        return []
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        changes = []
        for key in sorted(set(old) | set(new), key=str):
            changes.extend(_diff(old.get(key, ABSENT), new.get(key, ABSENT), join(path, str(key))))
        return changes
    if _is_list(old) and _is_list(new):
        key = _list_key(old, new)
        if key is not None:
            before = {item[key]: item for item in old}
            after = {item[key]: item for item in new}
            changes = []
            for value in sorted(set(before) | set(after), key=str):
                where = f"{path}[{key}={value}]"
                changes.extend(_diff(before.get(value, ABSENT), after.get(value, ABSENT), where))
            return changes
        return _multiset_diff(old, new, path)
    return [Change(path, old, new)]


def _multiset_diff(old: Sequence[Any], new: Sequence[Any], path: str) -> list[Change]:
    remaining = list(new)
    removed = []
    for item in old:
        match = next((index for index, other in enumerate(remaining) if _same(item, other)), None)
        if match is None:
            removed.append(item)
        else:
            del remaining[match]
    return [Change(f"{path}[]", item, ABSENT) for item in removed] + [
        Change(f"{path}[]", ABSENT, item) for item in remaining
    ]


def _list_key(old: Sequence[Any], new: Sequence[Any]) -> str | None:
    items = [*old, *new]
    if not items or not all(isinstance(item, Mapping) for item in items):
        return None
    for key in _LIST_KEYS:
        if all(key in item and isinstance(item[key], str | int) for item in items) and all(
            len({item[key] for item in side}) == len(side) for side in (old, new)
        ):
            return key
    return None


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _same(old: Any, new: Any) -> bool:
    if old is ABSENT or new is ABSENT:
        return old is new
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, int | float) and isinstance(new, int | float):
        return bool(old == new)
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return set(old) == set(new) and all(_same(old[key], new[key]) for key in old)
    if _is_list(old) and _is_list(new):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    return bool(old == new)
