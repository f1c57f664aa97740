"""Human units in the catalog: durations and sizes."""

from __future__ import annotations

import pytest

from messaging_platform.config.units import parse_duration_ms, parse_size_bytes


@pytest.mark.parametrize(
    ("text", "ms"),
    [("500ms", 500), ("30s", 30_000), ("15m", 900_000), ("12h", 43_200_000), ("7d", 604_800_000),
     ("2w", 1_209_600_000), ("infinite", -1), (-1, -1), (86_400_000, 86_400_000)],
)  # fmt: skip
def test_durations_become_milliseconds(text: str | int, ms: int) -> None:
    assert parse_duration_ms(text) == ms


@pytest.mark.parametrize(
    ("text", "size"),
    [("1MiB", 1_048_576), ("100MB", 100_000_000), ("512KiB", 524_288), ("1GiB", 1_073_741_824), ("2048", 2048),
     (4096, 4096), ("unlimited", -1)],
)  # fmt: skip
def test_sizes_become_bytes(text: str | int, size: int) -> None:
    assert parse_size_bytes(text) == size


@pytest.mark.parametrize("text", ["7 days", "1.5h", "-5", "soon", True])
def test_bad_durations_name_the_accepted_forms(text: object) -> None:
    with pytest.raises(ValueError, match=r"use e\.g\. 500ms, 30s, 15m, 12h, 7d, 2w or infinite"):
        parse_duration_ms(text)


@pytest.mark.parametrize("text", ["1 megabyte", "1.5MiB", "1mb", False])
def test_bad_sizes_name_the_accepted_forms(text: object) -> None:
    with pytest.raises(ValueError, match=r"use e\.g\. 512KiB, 1MiB, 10GB or unlimited"):
        parse_size_bytes(text)
