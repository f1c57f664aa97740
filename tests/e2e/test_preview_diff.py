"""``diff --preview-json`` on a real ``pulumi preview --json`` of the external stack on a real broker:
the recorded fixtures (tests/review/previews/) are what the CLI prints today, scrubbed."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .broker import KafkaBroker
from .pulumi_cli import PulumiProjectCopy
from .record_previews import CASES, PREVIEWS_DIR, deploy, record
from .toolchain import Toolchain

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def own_broker(kafka_runtime: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    """A broker of this module's own: the deployed prod stack is protected, so it cannot be destroyed
    and would leave its topics on the session's broker for the other tests."""
    kafka = KafkaBroker(kafka_runtime, tmp_path_factory.mktemp("preview-kafka"))
    try:
        kafka.start()
        yield kafka
    finally:
        kafka.stop()


@pytest.fixture(scope="module")
def recorded(
    toolchain: Toolchain, own_broker: KafkaBroker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, dict[str, object]], Path]]:
    """Every case previewed on a freshly deployed stack: scrubbed documents, and the raw outputs' folder."""
    project = PulumiProjectCopy(toolchain, tmp_path_factory.mktemp("preview-diff"))
    raw = tmp_path_factory.mktemp("raw-previews")
    deploy(project, own_broker)
    yield record(project, own_broker, raw), raw


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_recorded_fixture_is_what_the_cli_prints_today(
    case: str, recorded: tuple[dict[str, dict[str, object]], Path]
) -> None:
    documents, _ = recorded
    fixture = json.loads((PREVIEWS_DIR / f"{case}.json").read_text())
    assert documents[case] == fixture, f"re-record with `python -m tests.e2e.record_previews` ({case})"


@pytest.mark.parametrize("case", sorted(CASES))
def test_diff_reads_the_raw_preview_as_it_reads_the_fixture(
    case: str, recorded: tuple[dict[str, dict[str, object]], Path]
) -> None:
    _, raw = recorded

    def findings(path: Path) -> tuple[int, object]:
        result = subprocess.run(
            [sys.executable, "-m", "messaging_platform_tools.cli", "diff", "--preview-json", str(path),
             "--format", "json"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode in (0, 1), result.stderr
        return result.returncode, json.loads(result.stdout)["findings"]

    assert findings(raw / f"{case}.json") == findings(PREVIEWS_DIR / f"{case}.json")
