"""Config errors that name the key path, the value received and the fix, one line per problem."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pydantic import ValidationError

from .base import PROBLEMS_ERROR

MISSING = object()
SECRET_PLACEHOLDER = "[secret]"
"""What stands for a secret value wherever it would otherwise be shown."""


@dataclass(frozen=True)
class ConfigProblem:
    """One problem in the stack config: where it is, what was there, and what is allowed."""

    path: str
    message: str
    received: Any = MISSING

    def __str__(self) -> str:
        if self.received is MISSING:
            return f"{self.path}: {self.message}"
        return f"{self.path}: {self.message} (received: {_show(self.received)})"


class ConfigError(pulumi.RunError):
    """Invalid stack config. Raised before any resource is registered.

    Subclasses :class:`pulumi.RunError`, so ``pulumi up`` prints the message without a traceback.
    """

    def __init__(self, problems: Sequence[ConfigProblem], source: str = "stack config") -> None:
        self.problems = list(problems)
        self.source = source
        count = len(self.problems)
        header = f"{source} is invalid ({count} problem{'s' if count != 1 else ''}):"
        super().__init__("\n".join([header, *(f"  - {p}" for p in self.problems)]))


def problems_from_validation_error(exc: ValidationError, raw: Any, prefix: str = "") -> list[ConfigProblem]:
    """Turn a pydantic error into problems whose paths are the user's YAML keys.

    Pydantic locations also contain union tags (``storage.jbod.volumes``); walking the raw input
    along the location keeps only the steps that exist in what the user wrote.
    """
    problems = []
    for error in exc.errors():
        if error["type"] == PROBLEMS_ERROR:
            for relative, message, value in error["ctx"]["problems"]:
                steps, _ = _resolve(raw, (*error["loc"], *relative))
                received = MISSING if value is None else value
                problems.append(ConfigProblem(join_path(prefix, steps), message, received))
            continue
        steps, received = _resolve(raw, error["loc"])
        path = join_path(prefix, steps)
        message = error["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if error["type"] == "missing":
            problems.append(ConfigProblem(path, "this key is required but missing"))
        else:
            problems.append(ConfigProblem(path, message, received))
    return _unique(problems)


def join_path(prefix: str, steps: Iterable[str | int]) -> str:
    """A key path in ``pulumi config --path`` syntax.

    ``"messaging-platform:"`` + ``["clusters", "events", "config", "min.insync.replicas"]`` ->
    ``messaging-platform:clusters.events.config["min.insync.replicas"]``.
    """
    path = prefix
    for step in steps:
        if isinstance(step, int):
            path += f"[{step}]"
        elif not _PLAIN_KEY.match(step):
            path += f'["{step}"]'
        elif path and not path.endswith((":", " ")):
            path += f".{step}"
        else:
            path += step
    return path


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _resolve(raw: Any, loc: Sequence[str | int]) -> tuple[list[str | int], Any]:
    steps: list[str | int] = []
    current: Any = raw
    for step in loc:
        if step == "[key]":
            continue  # pydantic's marker for an invalid map key: the key itself is the path's last step
        if current is MISSING:
            steps.append(step)
        elif _has_step(current, step):
            current = current[step]
            steps.append(step)
        elif isinstance(current, dict) and not isinstance(step, int) and _is_tag(current, step):
            continue  # a discriminated-union tag, not a key the user wrote
        elif isinstance(current, dict):
            # A missing key: the location still names it.
            steps.append(step)
            current = MISSING
        else:
            continue
    return steps, current


def _has_step(current: Any, step: str | int) -> bool:
    if isinstance(current, dict):
        return step in current
    return isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current)


def _is_tag(value: dict[str, Any], step: str) -> bool:
    return value.get("type") == step


def _unique(problems: list[ConfigProblem]) -> list[ConfigProblem]:
    seen: set[str] = set()
    result = []
    for problem in problems:
        if str(problem) not in seen:
            seen.add(str(problem))
            result.append(problem)
    return result


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
