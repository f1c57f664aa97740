"""A real ``pulumi preview`` at scale, with and without the program's garbage-collector setting.

    bash e2e/toolchain.sh && python benchmarks/preview_scale.py          # 100 and 1,000 topics
    python benchmarks/preview_scale.py --topics 100 --repeats 1

Uses the end-to-end tier's pieces: its Pulumi CLI, Python language host and kafka plugin
(``e2e/toolchain.sh``), a project copy with its own file backend (``tests/e2e/pulumi_cli.py``), and
a Kafka broker started here for the run (``tests/e2e/broker.py``). For each size it previews the
external stack (``tests/e2e/stacks.py``) aimed at that broker, its catalog replaced by N generated
topics and N/5 services (as ``plan_scale.py`` generates them), SCRAM passwords left to the
operator (``passwords: operator``: with Pulumi-owned passwords the first preview fails in the
kafka plugin, see the README). Nothing is deployed.

Each preview runs ``--repeats`` times with ``__main__.py`` as committed and as many times without its
collector setting (the ``gc.freeze()`` and ``gc.set_threshold(...)`` lines removed), interleaved.
A wrapper ``__main__.py`` runs the program and, when its Python process exits, records that
process's CPU time, its life from start to exit and its peak RSS. Printed per variant: the
preview's wall time, the CPU time of every process the CLI waited for, and the program's. The
program's share is its CPU time over all processes' CPU time. The last line:

    topics=N preview_s=X preview_s_default_gc=Y program_cpu_s=P program_cpu_s_default_gc=Q program_share=S
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
PROJECT_DIR = BENCHMARKS.parent
sys.path[:0] = [str(PROJECT_DIR), str(BENCHMARKS)]

from plan_scale import write_catalog  # noqa: E402

from tests.e2e.broker import KafkaBroker  # noqa: E402
from tests.e2e.pulumi_cli import PulumiProjectCopy  # noqa: E402
from tests.e2e.stacks import external_stack_config  # noqa: E402
from tests.e2e.toolchain import BUILD_COMMAND, Toolchain  # noqa: E402

STACK = "bench"
SIZES = (100, 1000)
GC_LINES = ("gc.freeze()\n", "gc.set_threshold(50_000, 1000, 1000)\n")
TIMING_FILE = ".program-timing.json"
WRAPPER = f'''"""Benchmark wrapper (benchmarks/preview_scale.py): run program.py, record what this process cost."""

import atexit
import json
import os
import resource
import runpy


def _record() -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/stat") as stat:
        started = int(stat.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    with open("/proc/uptime") as uptime:
        now = float(uptime.read().split()[0])
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    with open({TIMING_FILE!r}, "w") as out:
        cpu_s = usage.ru_utime + usage.ru_stime
        json.dump({{"cpu_s": cpu_s, "wall_s": now - started, "peak_rss_mb": peak_kb / 1024}}, out)


atexit.register(_record)
runpy.run_path("program.py", run_name="__main__")
'''


def program_text(tuned: bool) -> str:
    """``__main__.py`` as committed, or without its collector setting."""
    text = (PROJECT_DIR / "__main__.py").read_text()
    missing = [line for line in GC_LINES if line not in text]
    if missing:
        raise SystemExit(f"__main__.py no longer has {missing}: update GC_LINES in {__file__}")
    if not tuned:
        for line in GC_LINES:
            text = text.replace(line, "")
    return text


@dataclass
class Runs:
    """One variant's measurements."""

    to_create: int = 0
    preview_s: list[float] = field(default_factory=list)
    all_cpu_s: list[float] = field(default_factory=list)
    program_cpu_s: list[float] = field(default_factory=list)
    program_wall_s: list[float] = field(default_factory=list)
    program_peak_mb: list[float] = field(default_factory=list)

    def line(self) -> str:
        """min / median of each figure."""

        def show(values: list[float], unit: str = "s") -> str:
            return f"{min(values):.2f} / {statistics.median(values):.2f} {unit}"

        return (f"preview wall {show(self.preview_s)}, all processes' cpu {show(self.all_cpu_s)}, "
                f"program cpu {show(self.program_cpu_s)} (alive {show(self.program_wall_s)}, "
                f"peak RSS {show(self.program_peak_mb, 'MB')})")  # fmt: skip


def children_cpu() -> float:
    """CPU seconds of every finished process this one waited for (and those they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def preview(project: PulumiProjectCopy, tuned: bool, runs: Runs) -> None:
    """One ``pulumi preview`` of the stack, with or without the program's collector setting."""
    (project.directory / "program.py").write_text(program_text(tuned))
    timing = project.directory / TIMING_FILE
    timing.unlink(missing_ok=True)
    cpu, wall = children_cpu(), time.perf_counter()
    shown = project.run("preview", "--stack", STACK).stdout
    runs.to_create = int(re.findall(r"(\d+) to create", shown)[-1])
    runs.preview_s.append(time.perf_counter() - wall)
    runs.all_cpu_s.append(children_cpu() - cpu)
    recorded = json.loads(timing.read_text())
    runs.program_cpu_s.append(recorded["cpu_s"])
    runs.program_wall_s.append(recorded["wall_s"])
    runs.program_peak_mb.append(recorded["peak_rss_mb"])


def measure(toolchain: Toolchain, broker: KafkaBroker, topics: int, repeats: int, root: Path) -> str:
    """Every preview of one size; its report, the last line machine-readable."""
    project = PulumiProjectCopy(toolchain, root / f"project-{topics}")
    write_catalog(project.directory / "catalog", topics)
    for stale in (project.directory / "catalog").glob("*.yaml"):
        if not stale.name.startswith("domain"):
            stale.unlink()  # the project's own catalog files
    (project.directory / "__main__.py").write_text(WRAPPER)
    config, secrets = external_stack_config(broker, passwords="operator")
    project.init_stack(STACK, config, secrets)
    preview(project, True, Runs())  # warm: plugin start-up, Python bytecode caches
    variants = {True: Runs(), False: Runs()}
    for _ in range(repeats):
        for with_setting, runs in variants.items():
            preview(project, with_setting, runs)
    tuned, default = variants[True], variants[False]
    share = min(tuned.program_cpu_s) / min(tuned.all_cpu_s)
    return "\n".join([
        f"== {topics:,} topics: {tuned.to_create:,} resources to create ({repeats} previews each; min / median)",
        f"  collector tuned in __main__.py: {tuned.line()}",
        f"  Python's default collector:     {default.line()}",
        f"  program cpu, tuned / default: {min(tuned.program_cpu_s) / min(default.program_cpu_s):.2f}; "
        f"preview wall, tuned / default: {min(tuned.preview_s) / min(default.preview_s):.2f}; "
        f"program's share of all cpu: {share:.0%}",
        f"topics={topics} preview_s={min(tuned.preview_s):.2f} preview_s_default_gc={min(default.preview_s):.2f} "
        f"program_cpu_s={min(tuned.program_cpu_s):.2f} program_cpu_s_default_gc={min(default.program_cpu_s):.2f} "
        f"program_share={share:.2f}",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Start a broker, preview each size, print the reports (the largest last)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topics", type=int, nargs="+", default=list(SIZES), help="catalog sizes (services: N/5)")
    parser.add_argument("--repeats", type=int, default=3, help="previews per variant and size (default 3)")
    args = parser.parse_args(argv)
    toolchain = Toolchain.locate()
    missing = toolchain.missing()
    if missing:
        print(f"the end-to-end toolchain is missing {', '.join(missing)}: {BUILD_COMMAND}", file=sys.stderr)
        return 2
    print(f"pulumi CLI {toolchain.versions['PULUMI_VERSION']}, language host "
          f"{toolchain.versions['PULUMI_LANGUAGE_HOST_VERSION']}, Kafka {toolchain.versions['KAFKA_VERSION']}",
          flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        broker = KafkaBroker(toolchain, root / "kafka")
        try:
            broker.start()
            for topics in sorted(set(args.topics)):
                print(measure(toolchain, broker, topics, args.repeats, root), flush=True)
        finally:
            broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
