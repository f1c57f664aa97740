"""``benchmarks/plan_scale.py`` keeps working and keeps its machine-readable last line (other tools
read it): every key, each a number consistent with the others. A tiny catalog, one round; no
timing is judged here (figures come from the benchmark itself, see the README's Performance)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_DIR

SCRIPT = PROJECT_DIR / "benchmarks" / "plan_scale.py"
LAST_LINE_KEYS = ("topics", "plan_s", "floor_s", "ratio", "peak_rss_mb", "payload_floor_s", "output_floor_s",
                  "ratio_payload", "clock", "plan_wall_s", "ratio_payload_wall", "cpu_ms_per_registration",
                  "kb_per_extra_registration", "check_ratio")  # fmt: skip


def run_benchmark(*arguments: str) -> list[str]:
    """The benchmark's output lines (it must exit 0)."""
    command = [sys.executable, str(SCRIPT), *arguments]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def within_rounding(ratio: float, numerator: float, *denominator: float) -> bool:
    """Whether ``ratio`` (printed to 0.01) can be numerator / sum(denominator) with each printed to 0.01."""
    half = 0.005
    low = (numerator - half) / (sum(denominator) + half * len(denominator))
    high = (numerator + half) / max(sum(denominator) - half * len(denominator), 1e-9)
    return low - half <= ratio <= high + half


@pytest.fixture(scope="module")
def benchmark_output() -> list[str]:
    return run_benchmark("--topics", "20", "--repeats", "1")


def test_the_last_line_has_every_key_and_consistent_figures(benchmark_output: list[str]) -> None:
    fields = dict(item.split("=", 1) for item in benchmark_output[-1].split())
    assert tuple(fields) == LAST_LINE_KEYS
    assert fields["topics"] == "20" and fields["clock"] == "cpu"
    numbers = {key: float(value) for key, value in fields.items() if key not in ("clock", "topics")}
    assert all(math.isfinite(value) and value > 0 for value in numbers.values()), numbers
    # The seconds are printed to 0.01: the ratios, from unrounded figures, lie within what that rounding allows.
    assert within_rounding(
        numbers["ratio_payload"], numbers["plan_s"], numbers["payload_floor_s"], numbers["output_floor_s"]
    )
    assert within_rounding(numbers["ratio"], numbers["plan_s"], numbers["floor_s"])


def test_every_measurement_and_stage_is_reported(benchmark_output: list[str]) -> None:
    text = "\n".join(benchmark_output)
    for name in ("plan", "bare floor", "payload floor", "payload floor, sped-up SDK", "output floor", "check",
                 "check floor", "check floor, full validation", "stages (cpu, min): engine"):  # fmt: skip
        assert f"  {name} " in text, name
    assert "peak RSS" in text and "per extra registration" in text


def test_each_sdk_replacement_can_be_measured_alone() -> None:
    lines = run_benchmark("--topics", "20", "--repeats", "1", "--speedups-apart")
    measured = [line.split()[0] for line in lines if line.startswith("  ")]
    assert measured == ["released", "_get_stack_trace", "wait_for_rpcs", "create_urn,", "all"]
