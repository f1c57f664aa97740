"""What ``messaging-platform plan`` costs at platform scale, against what the work itself costs.

    python benchmarks/plan_scale.py                      # 100, 1,000 and 5,000 topics
    python benchmarks/plan_scale.py --topics 1000 10000  # any sizes; 10,000 is opt-in (slow)
    python benchmarks/plan_scale.py --topics 1000 --speedups-apart  # what each SDK replacement saves

For each size it generates a prod stack whose catalog has N topics and N/5 services (each
producing one topic and consuming two), then, in this one process, under one garbage-collector
setting (the one ``plan`` runs with, see ``GC_THRESHOLDS`` in the offline engine) and from a
collected heap each time, it times:

- **plan**: the exact command line path, ``messaging-platform plan --stack bench --crds ...``
  through ``cli.main``: config, engine, CRD schema load (the in-memory cache is emptied first, as
  for a fresh process), strict validation, policies, ``plan.json``, manifests, the folder swap and
  the printed tree;
- **bare floor**: as many bare ``CustomResource`` registrations (one small payload each) through the
  SDK, without the tooling's SDK speed-ups;
- **payload floor**: the plan's own resources (types, names, payloads, parents, dependsOn, protect,
  retainOnDelete, aliases, hooks) registered again through the bare SDK: what the SDK costs for
  this resource graph, before any project code;
- **output floor**: the same objects taken from the recorded plan, validated with the compiled
  validators (the tightened JSON Schema and the CRDs' CEL programs, built beforehand) and written
  with ``json`` and libyaml in a plain loop (``plan.json``, one file per manifest, ``pending.yaml``);
- each **stage** of the plan apart (engine, decode, schema load, validation, policies, plan.json,
  manifests with the folder written, tree, the rest of the command, and the collection an exiting
  interpreter runs, which every measurement includes), to show where time goes;
- **check** of the plan's manifests, against parsing the same files with libyaml plus validating
  them with the compiled validators (and, as a second floor, with the validation ``check`` runs:
  the API server's view of the object, its metadata, the schema and the CEL rules).

Everything is measured in rounds (``--repeats``, default 3): each round measures every size once, so
drift on a shared machine touches all sizes alike (the short check measurements three times each,
interleaved). Min and median of CPU and wall time are printed;
ratios use CPU time (a shared machine's load shows in wall time more than our work does). Peak RSS
comes from a fresh process that runs the same command (one per size, and one at 100 topics to fit
``fixed MB + KB per extra registration``). Each size's last line is machine-readable, the largest
size's last:

    topics=N plan_s=X floor_s=Y ratio=X/Y peak_rss_mb=M payload_floor_s=P output_floor_s=O
    ratio_payload=X/(P+O) clock=cpu plan_wall_s=... ratio_payload_wall=... cpu_ms_per_registration=...
    kb_per_extra_registration=... check_ratio=...

(seconds: minimum CPU seconds; ``ratio`` is against the bare floor.)
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, cast

import pulumi
import yaml

from messaging_platform_tools import cli
from messaging_platform_tools.offline import plan as plan_module
from messaging_platform_tools.offline import runner as runner_module
from messaging_platform_tools.offline import sdk_speedups
from messaging_platform_tools.offline.engine import STACK_TYPE, Recording, run_main, run_program, tuned_collector
from messaging_platform_tools.offline.output import replace_folder
from messaging_platform_tools.offline.plan import (
    HELM_DIR,
    MANIFESTS_DIR,
    PENDING_FILE,
    kubernetes_objects,
    plan_document,
    plan_layout,
)
from messaging_platform_tools.offline.project import PulumiProject
from messaging_platform_tools.validation import object_meta
from messaging_platform_tools.validation.crd_schema import CrdSchemas, CrdVersion

PROJECT_DIR = Path(__file__).resolve().parents[1]
CRD_DIR = PROJECT_DIR.parent / "shared" / "strimzi-1.2.0" / "crds"
STACK = "bench"
TOPICS_PER_DOMAIN = 50
SIZES = (100, 1000, 5000)
REPEATS = 3
CHECK_SAMPLES = 3
"""Samples of each check measurement per round (each takes well under a second at 1,000 topics)."""
MEMORY_REFERENCE_TOPICS = 100
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def write_catalog(folder: Path, topics: int) -> None:
    """Catalog files with ``topics`` topics (50 a domain) and ``topics // 5`` services, each producing
    one topic and consuming two."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"domain{i // TOPICS_PER_DOMAIN}.event-{i}.v1" for i in range(topics)]
    domains: dict[str, dict[str, Any]] = {}
    for index, name in enumerate(names):
        domain = name.split(".")[0]
        entry = domains.setdefault(domain, {"domain": domain, "topics": {}, "services": {}})
        entry["topics"][name] = {"partitions": 6, "retention": "7d"}
        if index % 5 == 0:
            entry["services"][f"service-{index}"] = {
                "produces": [name],
                "consumes": [{"topic": names[(index + k) % topics], "group": f"service-{index}"} for k in (1, 2)],
            }
    for domain, document in domains.items():
        (folder / f"{domain}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))


def write_project(root: Path, topics: int) -> PulumiProject:
    """A copy of this project (a prod stack ``bench``) whose catalog has ``topics`` topics."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / name, root / name)
    stack = {"config": {"messaging-platform:environment": "prod",
                        "messaging-platform:clusters": {"events": {}},
                        "messaging-platform:catalog": {}}}  # fmt: skip
    (root / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump(stack))
    write_catalog(root / "catalog", topics)
    return PulumiProject.find(root)


# --- measuring -------------------------------------------------------------------------------------


@dataclass
class Timing:
    """Wall and CPU seconds of repeated runs."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        """Record one run."""
        self.wall.append(wall)
        self.cpu.append(cpu)

    def __str__(self) -> str:
        return (f"wall {min(self.wall):6.2f} / {statistics.median(self.wall):6.2f}   "
                f"cpu {min(self.cpu):6.2f} / {statistics.median(self.cpu):6.2f}")  # fmt: skip


def fresh_heap() -> None:
    """Start a measurement as a fresh process starts: no CRD schemas or checked metadata names cached
    (dropped here, before the clock starts: a fresh process has nothing to free), and from a
    collected heap, frozen as ``plan`` freezes it at start-up."""
    CrdSchemas.load.cache_clear()
    object_meta.clear_caches()
    gc.collect()
    gc.freeze()


def timed(timing: Timing, work: Callable[[], Any]) -> Any:
    """Run ``work`` once from a fresh heap and add its wall and CPU time to ``timing``, with the full
    collection an interpreter runs when it exits: freeing what a run leaves behind is part of its
    cost, and whether a run's own collections happen to free it depends on where the thresholds fall."""
    fresh_heap()
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    gc.collect()
    timing.add(time.perf_counter() - wall, time.process_time() - cpu)
    return result


@contextlib.contextmanager
def only_speedups(names: tuple[str, ...] | None) -> Iterator[None]:
    """The SDK with only the speed-ups of these internals (None: all of them; empty: the SDK as released)."""
    sdk_speedups.ONLY = None if names is None else frozenset(names)
    try:
        yield
    finally:
        sdk_speedups.ONLY = None


# --- what is measured -----------------------------------------------------------------------------


def run_cli(argv: list[str], accepted: tuple[int, ...] = (0,)) -> str:
    """``messaging-platform ARGV`` in process (timed from :func:`fresh_heap`, as a fresh process runs it)."""
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        code = cli.main(argv)
    if code not in accepted:
        raise RuntimeError(f"messaging-platform {' '.join(argv)} exited {code}:\n{printed.getvalue()[-3000:]}")
    return printed.getvalue()


def plan_argv(project: PulumiProject, out_dir: Path, crd_dir: Path) -> list[str]:
    """The command line of the measured plan (tree printed: no ``--quiet``)."""
    return ["plan", "--stack", STACK, "--project-dir", str(project.directory), "--out", str(out_dir),
            "--crds", str(crd_dir)]  # fmt: skip


STAGES = (
    "engine",
    "decode",
    "schema load",
    "validation",
    "policies",
    "plan.json",
    "manifests",
    "tree",
    "other",
    "exit collection",
)


def plan_in_stages(argv: list[str], timings: dict[str, Timing]) -> None:
    """The plan command once more, with the functions it calls for each stage timed in place.

    ``decode`` (inputs from the wire format to JSON, done lazily on first use) is forced right after
    the engine; ``manifests`` is ``plan_layout`` without the ``plan.json`` it renders, plus writing
    the folder; ``other`` is the rest of the command (config, locating findings, printing);
    ``exit collection`` the full collection an exiting interpreter runs (see :func:`timed`)."""
    spent = {name: [0.0, 0.0] for name in STAGES}

    def timing(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name][0] += time.perf_counter() - wall
                spent[name][1] += time.process_time() - cpu

        return timed_call

    def engine(*args: Any, **kwargs: Any) -> Recording:
        recording: Recording = timing("engine", run_main)(*args, **kwargs)
        timing("decode", lambda: [r.inputs for r in recording.resources])()
        return recording

    load = CrdSchemas.load
    patches = [
        (runner_module, "run_main", engine),
        (CrdSchemas, "load", timing("schema load", load)),
        (CrdSchemas, "validate", timing("validation", CrdSchemas.validate)),
        (runner_module, "policy_findings", timing("policies", runner_module.policy_findings)),
        (plan_module, "plan_json", timing("plan.json", plan_module.plan_json)),
        (runner_module, "plan_layout", timing("manifests", plan_module.plan_layout)),
        (runner_module, "replace_folder", timing("manifests", replace_folder)),
        (cli, "render_tree", timing("tree", plan_module.render_tree)),
        (cli, "summary_counts", timing("tree", plan_module.summary_counts)),
    ]
    originals = [(owner, name, owner.__dict__[name]) for owner, name, _ in patches]
    fresh_heap()
    for owner, name, replacement in patches:
        setattr(owner, name, replacement)
    try:
        load.cache_clear()
        wall, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(argv)
        timing("exit collection", gc.collect)()
        total = (time.perf_counter() - wall, time.process_time() - cpu)
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
    if code != 0:
        raise RuntimeError(f"messaging-platform {' '.join(argv)} exited {code}")
    for index in (0, 1):
        spent["manifests"][index] -= spent["plan.json"][index]  # plan_layout renders plan.json too
        spent["other"][index] = total[index] - sum(spent[name][index] for name in STAGES if name != "other")
    for name, (wall, cpu) in spent.items():
        timings[name].add(wall, cpu)


def bare_floor_program(registrations: int) -> Callable[[], None]:
    """``registrations`` bare CustomResources with one small payload each."""

    def program() -> None:
        for index in range(registrations):
            pulumi.CustomResource(
                "kubernetes:kafka.strimzi.io/v1:KafkaTopic",
                f"resource-{index}",
                {"metadata": {"name": f"resource-{index}"}, "spec": {"partitions": 6, "replicas": 3}},
            )

    return program


def payload_floor_program(recording: Recording) -> Callable[[], None]:
    """The recorded resources registered again with raw SDK calls: type, name, payload, parent,
    dependsOn, protect, retainOnDelete, aliases and hooks (by name, doing nothing)."""
    resources = {r.urn: r for r in recording.resources if r.type != STACK_TYPE}
    inputs = {urn: dict(r.inputs) for urn, r in resources.items()}  # decoded before timing

    def program() -> None:
        created: dict[str, pulumi.Resource] = {}
        hooks: dict[str, pulumi.ResourceHook] = {}

        def hook(name: str) -> pulumi.ResourceHook:
            if name not in hooks:
                hooks[name] = pulumi.ResourceHook(name, lambda _: None, pulumi.ResourceHookOptions(on_dry_run=True))
            return hooks[name]

        def create(urn: str) -> pulumi.Resource | None:
            if urn not in resources:
                return None
            if urn not in created:
                r = resources[urn]
                parent = create(r.parent)
                depends = [dep for dep in (create(u) for u in r.depends_on) if dep is not None]
                stages: dict[str, list[pulumi.ResourceHook]] = {}
                for entry in r.hooks:
                    stage, name = entry.split(":", 1)
                    stages.setdefault(stage, []).append(hook(name))
                binding = pulumi.ResourceHookBinding(**cast(dict[str, Any], stages)) if stages else None
                opts = pulumi.ResourceOptions(
                    parent=parent, depends_on=depends, protect=r.protect, retain_on_delete=r.retain_on_delete,
                    aliases=list(r.aliases), hooks=binding,
                )  # fmt: skip
                if r.custom:
                    created[urn] = pulumi.CustomResource(r.type, r.name, inputs[urn], opts)
                else:
                    created[urn] = pulumi.ComponentResource(r.type, r.name, None, opts)
            return created[urn]

        for urn in resources:
            create(urn)

    return program


@dataclass
class OutputFloor:
    """The plan's outputs, written and validated the plainest way: the floor of that work."""

    document: dict[str, Any]
    files: list[tuple[str, Any]]
    """Each manifest, Helm release and pending.yaml: (path, the object written there)."""
    strimzi: list[tuple[Any, Any]]
    """Each Strimzi object with its CRD version's compiled validators."""

    @classmethod
    def of(cls, recording: Recording, schemas: CrdSchemas) -> OutputFloor:
        """Everything taken from the recorded plan before timing."""
        layout = plan_layout(recording)
        files: list[tuple[str, Any]] = []
        for r in recording.resources:
            obj = r.inputs
            if r.type.startswith("kubernetes:helm.sh/"):
                path = f"{HELM_DIR}/{obj.get('name')}.yaml"
            elif isinstance(obj.get("metadata"), dict) and "kind" in obj:
                namespace = obj["metadata"].get("namespace") or "_cluster"
                path = f"{MANIFESTS_DIR}/{namespace}/{str(obj['kind']).lower()}-{obj['metadata'].get('name')}.yaml"
            else:
                continue
            if path in layout.files:
                files.append((path, obj))
        files.append((PENDING_FILE, layout.pending.document()))
        strimzi = [(o, schemas._versions[(o["apiVersion"], o["kind"])]) for o in kubernetes_objects(recording)
                   if schemas.covers(o)]  # fmt: skip
        return cls(plan_document(recording), files, strimzi)

    def run(self, out_dir: Path) -> None:
        """Validate and write, in a plain loop."""
        for obj, version in self.strimzi:
            validate_compiled(obj, version)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.mkdir()
        (out_dir / "plan.json").write_text(json.dumps(self.document, indent=2, sort_keys=True, ensure_ascii=False))
        for path, obj in self.files:
            target = out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(yaml.dump(obj, Dumper=_DUMPER, sort_keys=True, default_flow_style=False,
                                        allow_unicode=True))  # fmt: skip


def compiled(schemas: CrdSchemas) -> CrdSchemas:
    """The schemas with every version's validators compiled now (the floors' validators are built
    beforehand; ``check`` and ``plan`` compile those they use when they first use them)."""
    for version in schemas._versions.values():
        _ = version.validator, version.cel  # compiled on first use, kept
    return schemas


def validate_compiled(obj: Any, version: CrdVersion) -> None:
    """The floor's validation of one object: its version's tightened JSON Schema and CEL programs."""
    list(version.validator.iter_errors(obj))
    if version.cel is not None:
        version.cel.validate(obj)


def check_floor(files: list[Path], schemas: CrdSchemas, *, full: bool = False) -> None:
    """Parse the files with libyaml and validate their Strimzi objects with the compiled validators
    (with ``full``, as ``check`` validates them: API-server view, metadata, CEL; ``CrdSchemas.validate``)."""
    for path in files:
        for obj in yaml.load_all(path.read_text(), Loader=_LOADER):
            version = schemas._versions.get((obj.get("apiVersion"), obj.get("kind")))
            if version is not None and full:
                schemas.validate(obj)
            elif version is not None:
                validate_compiled(obj, version)


def peak_rss_mb(project: PulumiProject, out_dir: Path, crd_dir: Path) -> float:
    """Peak RSS (MB) of a fresh process that runs the plan command once."""
    probe = subprocess.run(
        [sys.executable, __file__, "--rss-probe", *plan_argv(project, out_dir, crd_dir)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(probe.stdout.strip().splitlines()[-1]) / 1024


# --- one size -------------------------------------------------------------------------------------


@dataclass
class Result:
    """One size's figures."""

    topics: int
    registrations: int
    timings: dict[str, Timing]
    stages: dict[str, Timing]
    peak_rss_mb: float = 0.0

    def wall(self, name: str) -> float:
        """Minimum wall seconds of a measurement."""
        return min(self.timings[name].wall)

    def cpu(self, name: str) -> float:
        """Minimum CPU seconds of a measurement."""
        return min(self.timings[name].cpu)


MEASURED = ("plan", "bare floor", "payload floor", "payload floor, sped-up SDK", "output floor", "check",
            "check floor", "check floor, full validation")  # fmt: skip


@dataclass
class Scale:
    """One catalog size, prepared before any timing: its project and what its floors replay."""

    topics: int
    root: Path
    crd_dir: Path
    project: PulumiProject
    recording: Recording
    floor: OutputFloor
    manifests: list[Path]
    timings: dict[str, Timing] = field(default_factory=lambda: {name: Timing() for name in MEASURED})
    stages: dict[str, Timing] = field(default_factory=lambda: {name: Timing() for name in STAGES})

    @classmethod
    def prepare(cls, topics: int, crd_dir: Path, root: Path) -> Scale:
        """Generate the project, plan it once (warm: imports, the CRD schemas' disk cache), record it."""
        project = write_project(root / "project", topics)
        run_cli(plan_argv(project, root / "plan", crd_dir))
        config, secret_keys = project.stack_config(STACK)
        recording = run_main(project.directory, project.main, project.name, STACK, config=config,
                             secret_keys=secret_keys)  # fmt: skip
        floor = OutputFloor.of(recording, compiled(CrdSchemas.load(crd_dir)))
        manifests = sorted((root / "plan" / MANIFESTS_DIR).rglob("*.yaml"))
        return cls(topics, root, crd_dir, project, recording, floor, manifests)

    @property
    def registrations(self) -> int:
        """Registrations of the plan, the stack itself left out."""
        return len(self.recording.resources) - 1

    def run_once(self) -> None:
        """Each measurement of this size once."""
        plan = plan_argv(self.project, self.root / "plan", self.crd_dir)
        check = ["check", "--env", "prod", str(self.root / "plan" / MANIFESTS_DIR), "--crds", str(self.crd_dir),
                 "--project-dir", str(PROJECT_DIR)]  # fmt: skip
        schemas = compiled(CrdSchemas.load(self.crd_dir))
        t = self.timings
        timed(t["plan"], lambda: run_cli(plan))
        with only_speedups(()):  # the SDK as released
            timed(t["bare floor"], lambda: run_program(bare_floor_program(self.registrations), "floor", STACK))
            timed(t["payload floor"], lambda: run_program(payload_floor_program(self.recording), "replay", STACK))
        timed(t["payload floor, sped-up SDK"],
              lambda: run_program(payload_floor_program(self.recording), "replay", STACK))  # fmt: skip
        timed(t["output floor"], lambda: self.floor.run(self.root / "floor"))
        plan_in_stages(plan_argv(self.project, self.root / "staged", self.crd_dir), self.stages)
        for _ in range(CHECK_SAMPLES):  # short measurements: more samples, interleaved, for a steady minimum
            timed(t["check"], lambda: run_cli(check))
            timed(t["check floor"], lambda: check_floor(self.manifests, schemas))
            timed(t["check floor, full validation"], lambda: check_floor(self.manifests, schemas, full=True))

    def result(self) -> Result:
        """The figures, with the peak RSS of a fresh process planning this size."""
        peak = peak_rss_mb(self.project, self.root / "probe", self.crd_dir)
        return Result(self.topics, self.registrations, self.timings, self.stages, peak)


def report(result: Result, reference: Result | None, memory: tuple[int, float] | None) -> str:
    """The figures of one size; its last line is machine-readable (seconds there are CPU seconds)."""
    t, n = result.timings, result.registrations
    lines = [f"== {result.topics:,} topics, {n:,} registrations ({len(t['plan'].wall)} runs; seconds, min / median)"]
    lines += [f"  {name:<28} {t[name]}" for name in MEASURED]
    stage_cpu = {name: min(timing.cpu) for name, timing in result.stages.items()}
    lines.append("  stages (cpu, min): " + ", ".join(f"{name} {cpu:.2f}" for name, cpu in stage_cpu.items())
                 + f"; sum {sum(stage_cpu.values()):.2f}")  # fmt: skip
    floors = {clock: getattr(result, clock)("payload floor") + getattr(result, clock)("output floor")
              for clock in ("cpu", "wall")}  # fmt: skip
    ratio = {clock: getattr(result, clock)("plan") / floors[clock] for clock in floors}
    lines.append(f"  plan / (payload floor + output floor): cpu {ratio['cpu']:.2f}, wall {ratio['wall']:.2f}; "
                 f"plan / bare floor: cpu {result.cpu('plan') / result.cpu('bare floor'):.2f}")  # fmt: skip
    per_registration = result.cpu("plan") / n * 1000
    flat = ""
    if reference is not None:
        change = per_registration / (reference.cpu("plan") / reference.registrations * 1000) - 1
        flat = f" ({change:+.0%} against {reference.topics:,} topics)"
    lines.append(f"  plan cpu per registration: {per_registration:.2f} ms{flat}")
    check_ratio = result.cpu("check") / result.cpu("check floor")
    full_ratio = result.cpu("check") / result.cpu("check floor, full validation")
    lines.append(f"  check / (parse + compiled validators): cpu {check_ratio:.2f}, "
                 f"wall {result.wall('check') / result.wall('check floor'):.2f}; "
                 f"check / (parse + check's own validation): cpu {full_ratio:.2f}")  # fmt: skip
    per_extra_kb = float("nan")
    if memory is not None and memory[0] != n:
        per_extra_kb = (result.peak_rss_mb - memory[1]) * 1024 / (n - memory[0])
        fixed = memory[1] - per_extra_kb * memory[0] / 1024
        lines.append(f"  peak RSS {result.peak_rss_mb:.0f} MB: fixed {fixed:.0f} MB + {per_extra_kb:.1f} KB per "
                     f"extra registration (through {memory[0]:,} registrations, {memory[1]:.0f} MB)")  # fmt: skip
    else:
        lines.append(f"  peak RSS {result.peak_rss_mb:.0f} MB")
    lines.append(
        f"topics={result.topics} plan_s={result.cpu('plan'):.2f} floor_s={result.cpu('bare floor'):.2f} "
        f"ratio={result.cpu('plan') / result.cpu('bare floor'):.2f} peak_rss_mb={result.peak_rss_mb:.0f} "
        f"payload_floor_s={result.cpu('payload floor'):.2f} output_floor_s={result.cpu('output floor'):.2f} "
        f"ratio_payload={ratio['cpu']:.2f} clock=cpu plan_wall_s={result.wall('plan'):.2f} "
        f"ratio_payload_wall={ratio['wall']:.2f} cpu_ms_per_registration={per_registration:.2f} "
        f"kb_per_extra_registration={per_extra_kb:.1f} check_ratio={check_ratio:.2f}"
    )
    return "\n".join(lines)


SPEEDUPS_APART: dict[str, tuple[str, ...] | None] = {
    "released SDK": (),
    "_get_stack_trace": ("_get_stack_trace",),
    "wait_for_rpcs": ("wait_for_rpcs",),
    "create_urn, collapse_alias_to_urn": ("create_urn", "collapse_alias_to_urn"),
    "all": None,
}


def speedups_apart(scale: Scale, repeats: int) -> str:
    """The payload floor of one size with each of the tooling's SDK replacements alone (for an
    upstream report: what each SDK internal costs this resource graph), rounds interleaved."""
    timings = {name: Timing() for name in SPEEDUPS_APART}
    program = payload_floor_program(scale.recording)
    for _ in range(repeats):
        for name, names in SPEEDUPS_APART.items():
            with only_speedups(names):
                timed(timings[name], lambda: run_program(program, "replay", STACK))
    released = min(timings["released SDK"].cpu)
    lines = [f"== payload floor of {scale.topics:,} topics, each SDK replacement alone (cpu, min of {repeats})"]
    for name, timing in timings.items():
        saved = released - min(timing.cpu)
        lines.append(f"  {name:<36} {min(timing.cpu):6.2f} s   saved {saved:5.2f} s ({saved / released:4.0%})")
    return "\n".join(lines)


def rss_probe(argv: list[str]) -> int:
    """Run the plan command once and print this process's peak RSS (KB): see :func:`peak_rss_mb`.

    From ``VmHWM`` (the peak of this program's memory since ``exec``): ``ru_maxrss`` would be at
    least the benchmark's own size, since Linux keeps it across the ``fork`` and ``exec`` that started
    this process."""
    run_cli(argv)
    status = Path("/proc/self/status")
    if status.exists():
        (line,) = [line for line in status.read_text().splitlines() if line.startswith("VmHWM:")]
        print(int(line.split()[1]))
    else:  # not Linux: the kernel may count the parent's pages here (see above)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print each size's figures, the largest last."""
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["--rss-probe"]:
        return rss_probe(arguments[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topics", type=int, nargs="+", default=list(SIZES), help="catalog sizes (services: N/5)")
    parser.add_argument("--crds", type=Path, default=CRD_DIR, help="Strimzi CRD directory")
    parser.add_argument("--repeats", type=int, default=REPEATS, help=f"rounds of measurements (default {REPEATS})")
    parser.add_argument(
        "--speedups-apart", action="store_true", help="only the payload floor with each SDK replacement alone"
    )
    args = parser.parse_args(arguments)
    print(
        f"python {sys.version.split()[0]}, pulumi {metadata.version('pulumi')}, libyaml {yaml.__with_libyaml__}, "
        f"tooling's SDK speed-ups {'on' if sdk_speedups.supported() else 'off (another SDK release)'}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as directory, tuned_collector():
        root = Path(directory)
        sizes = [Scale.prepare(topics, args.crds, root / str(topics)) for topics in sorted(set(args.topics))]
        if args.speedups_apart:
            for size in sizes:
                print(speedups_apart(size, args.repeats), flush=True)
            return 0
        for _ in range(args.repeats):  # every size in every round: drift on a shared machine hits all alike
            for size in sizes:
                size.run_once()
        results = [size.result() for size in sizes]
        if results[0].topics == MEMORY_REFERENCE_TOPICS:
            memory = (results[0].registrations, results[0].peak_rss_mb)
        else:
            small = Scale.prepare(MEMORY_REFERENCE_TOPICS, args.crds, root / "memory-reference")
            memory = (small.registrations, small.result().peak_rss_mb)
        for index, result in enumerate(results):
            reference = next((r for r in reversed(results[:index]) if r.topics >= 1000), None)
            print(report(result, reference, memory), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
