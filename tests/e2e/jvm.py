"""The end-to-end tier's JVM processes (the Kafka broker, Connect workers): each runs in a process
group of its own with its output in a log file, and stops as a group."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from .toolchain import PROJECT_DIR, Toolchain

STOP_TIMEOUT_S = 30
# INFO to stdout (captured in the log file), the broker's authorizer denials included.
LOG4J2_PROPERTIES = PROJECT_DIR / "e2e" / "kafka" / "log4j2.properties"


def start_java(
    toolchain: Toolchain, main_class: str, config: Path, *, heap: tuple[str, ...], classpath: str, log: Path, work: Path
) -> subprocess.Popen[bytes]:
    """``java HEAP -cp CLASSPATH MAIN_CLASS CONFIG`` in ``work``, its output written to ``log``."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [toolchain.java, *heap, f"-Dlog4j2.configurationFile={LOG4J2_PROPERTIES}", "-cp", classpath,
             main_class, str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=work,
            start_new_session=True,
        )  # fmt: skip


def stop_group(process: subprocess.Popen[bytes] | None) -> None:
    """Stop a process started by :func:`start_java` and its children: SIGTERM, then SIGKILL after
    ``STOP_TIMEOUT_S`` (nothing when it is not running)."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_S)


def log_tail(log: Path, lines: int, missing: str) -> str:
    """The last ``lines`` lines of a log (``missing`` when there is none yet)."""
    if not log.exists():
        return missing
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
