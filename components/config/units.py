"""Human units in config: durations (``7d``, ``12h``) to milliseconds, sizes (``1MiB``) to bytes."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from .base import json_pattern

_DURATION = re.compile(r"^\s*(?P<number>\d+)\s*(?P<unit>ms|s|m|h|d|w)\s*$")
_DURATION_MS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_SIZE = re.compile(r"^\s*(?P<number>\d+)\s*(?P<unit>B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?\s*$")
_SIZE_BYTES = {
    None: 1,
    "B": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "KiB": 2**10,
    "MiB": 2**20,
    "GiB": 2**30,
    "TiB": 2**40,
}
UNLIMITED = -1
_UNLIMITED_WORDS = {"infinite", "unlimited", "forever"}


def parse_duration_ms(value: Any) -> int:
    """``"7d"`` -> 604800000; integers are milliseconds; ``"infinite"`` or -1 -> -1."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration; use e.g. 500ms, 30s, 15m, 12h, 7d, 2w or infinite")
    if isinstance(value, int):
        if value < UNLIMITED:
            raise ValueError(f"{value} is not a duration (milliseconds >= 0, or -1 for unlimited)")
        return value
    if isinstance(value, str):
        if value.strip().lower() in _UNLIMITED_WORDS or value.strip() == "-1":
            return UNLIMITED
        match = _DURATION.match(value)
        if match:
            return int(match["number"]) * _DURATION_MS[match["unit"]]
    raise ValueError(f"{value!r} is not a duration; use e.g. 500ms, 30s, 15m, 12h, 7d, 2w or infinite")


def parse_size_bytes(value: Any) -> int:
    """``"1MiB"`` -> 1048576, ``"100MB"`` -> 100000000; integers are bytes; ``"unlimited"`` -> -1."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a size; use e.g. 512KiB, 1MiB, 10GB or unlimited")
    if isinstance(value, int):
        if value < UNLIMITED:
            raise ValueError(f"{value} is not a size (bytes >= 0, or -1 for unlimited)")
        return value
    if isinstance(value, str):
        if value.strip().lower() in _UNLIMITED_WORDS or value.strip() == "-1":
            return UNLIMITED
        match = _SIZE.match(value)
        if match:
            return int(match["number"]) * _SIZE_BYTES[match["unit"]]
    raise ValueError(f"{value!r} is not a size; use e.g. 512KiB, 1MiB, 10GB or unlimited")


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


def _unit_schema(title: str, regex: re.Pattern[str], examples: list[Any]) -> dict[str, Any]:
    # What the BeforeValidator accepts, for editors: a number (-1 = unlimited) or text with a unit.
    unlimited = "|".join(["-1", *(_any_case(word) for word in sorted(_UNLIMITED_WORDS))])
    text = json_pattern(regex).removeprefix("^\\s*").removesuffix("\\s*$")
    return {
        "title": title,
        "anyOf": [
            {"type": "integer", "minimum": UNLIMITED},
            {"type": "string", "pattern": f"^\\s*({text}|{unlimited})\\s*$"},
        ],
        "examples": examples,
    }


DurationMs = Annotated[
    int,
    BeforeValidator(parse_duration_ms),
    WithJsonSchema(_unit_schema("duration", _DURATION, ["500ms", "30s", "15m", "12h", "7d", "2w", "infinite"])),
]
"""A duration given as ``7d``/``12h``/``30s``/``500ms`` (or milliseconds), stored in milliseconds."""
SizeBytes = Annotated[
    int,
    BeforeValidator(parse_size_bytes),
    WithJsonSchema(_unit_schema("size", _SIZE, ["512KiB", "1MiB", "100MB", "10GiB", "unlimited"])),
]
"""A size given as ``1MiB``/``100MB`` (or bytes), stored in bytes."""
