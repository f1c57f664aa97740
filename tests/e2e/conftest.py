"""The end-to-end tier (``pytest -m e2e``): the real Pulumi CLI, real providers, a real broker.

Without ``-m e2e`` these tests report themselves skipped, with the command that runs them. With it,
a missing toolchain is an error unless ``MESSAGING_PLATFORM_E2E_SKIP=1`` asks to skip, so the tier
is never skipped silently (``.ci/run`` never sets it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .broker import KafkaBroker
from .connect import RUNNING as CONNECT_WORKERS
from .toolchain import BUILD_COMMAND, PIECES, SKIP_ENV, Toolchain

E2E_DIR = Path(__file__).parent


def _selected(config: pytest.Config) -> bool:
    expression = config.getoption("markexpr") or ""
    return "e2e" in expression and "not e2e" not in expression


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``e2e``; skip them (with the reason) unless the tier was asked for."""
    ours = [item for item in items if Path(str(item.fspath)).is_relative_to(E2E_DIR)]
    for item in ours:
        item.add_marker(pytest.mark.e2e)
    if not ours:
        return
    if not _selected(config):
        reason = f"end-to-end tier: run it with `{BUILD_COMMAND}`"
        for item in ours:
            item.add_marker(pytest.mark.skip(reason=reason))
        return
    missing = Toolchain.locate().missing()
    if missing and os.environ.get(SKIP_ENV) == "1":
        for item in ours:
            item.add_marker(pytest.mark.skip(reason=f"{SKIP_ENV}=1 and the toolchain is missing: {missing}"))


def _require(pieces: tuple[str, ...]) -> Toolchain:
    found = Toolchain.locate()
    missing = found.missing(pieces)
    if missing:
        pytest.fail(
            f"the end-to-end toolchain is incomplete (missing: {', '.join(missing)}); build it with "
            f"`bash e2e/toolchain.sh`, or set {SKIP_ENV}=1 to skip this tier",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session")
def toolchain() -> Toolchain:
    """The whole toolchain (CLI, plugins, Kafka); an error naming what is missing otherwise."""
    return _require(PIECES)


@pytest.fixture(scope="session")
def kafka_runtime() -> Toolchain:
    """The toolchain's Kafka jars and a JVM (enough for the broker and Connect)."""
    return _require(("kafka",))


@pytest.fixture(scope="session")
def broker(kafka_runtime: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    """One real Kafka broker for the whole session; stopped and removed afterwards."""
    kafka = KafkaBroker(kafka_runtime, tmp_path_factory.mktemp("kafka"))
    _BROKERS.append(kafka)
    try:
        kafka.start()
        yield kafka
    finally:
        kafka.stop()
        _BROKERS.remove(kafka)


_BROKERS: list[KafkaBroker] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Attach the broker's log, and the log of every running Connect worker, to any failing e2e test."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed and _BROKERS:
        report.sections.append(("kafka broker log (tail)", _BROKERS[0].log_tail()))
    if report.failed:
        for worker in CONNECT_WORKERS:
            report.sections.append((f"connect worker {worker.group_id} log (tail)", worker.log_tail()))
