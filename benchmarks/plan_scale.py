"""How planning scales with the catalog, against the raw Pulumi SDK floor, in one process.

    python benchmarks/plan_scale.py --topics 1000

Generates a prod stack whose catalog has N topics and N/5 services (each producing one topic and
consuming two), plans it with the offline engine, then times, under the same mock engine:

- the floor: the same number of bare ``CustomResource`` registrations, with no project code;
- the replay: the very resources the plan registered (same types, inputs, parents and
  dependencies) registered with raw SDK calls, i.e. what the SDK costs for this resource graph.

plan/replay is what the project's own code adds; replay/floor is what the shape of real resources
(parents, dependencies, payloads) costs the SDK. Every run tunes Python's cyclic collector (see
``GC_THRESHOLDS`` in the engine); the plan is also timed once with the default collector
(``tuned/default``). The last line:

    topics=N plan_s=X floor_s=Y ratio=X/Y peak_rss_mb=M
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pulumi
import yaml

from messaging_platform_tools.offline import engine
from messaging_platform_tools.offline.engine import STACK_TYPE, Recording, run_program
from messaging_platform_tools.offline.project import PulumiProject
from messaging_platform_tools.offline.runner import plan_stack

PROJECT_DIR = Path(__file__).resolve().parents[1]
TOPICS_PER_DOMAIN = 50


def write_project(root: Path, topics: int) -> PulumiProject:
    """A copy of this project whose catalog has ``topics`` topics and ``topics // 5`` services."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / name, root / name)
    stack = {"config": {"messaging-platform:environment": "prod",
                        "messaging-platform:clusters": {"events": {}},
                        "messaging-platform:catalog": {}}}  # fmt: skip
    (root / "Pulumi.bench.yaml").write_text(yaml.safe_dump(stack))
    catalog = root / "catalog"
    catalog.mkdir()
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
        (catalog / f"{domain}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return PulumiProject.find(root)


def time_plan(topics: int) -> tuple[float, Recording]:
    """Seconds to plan the generated stack, and what it registered."""
    with tempfile.TemporaryDirectory() as directory:
        project = write_project(Path(directory), topics)
        start = time.perf_counter()
        result = plan_stack(project, "bench", crd_dir=None)
        elapsed = time.perf_counter() - start
    return elapsed, result.recording


def time_replay(recording: Recording) -> float:
    """Seconds to register the recorded resources again with raw SDK calls (no project code)."""
    resources = {r.urn: r for r in recording.resources if r.type != STACK_TYPE}
    inputs = {urn: dict(r.inputs) for urn, r in resources.items()}  # decoded before timing

    def program() -> None:
        created: dict[str, pulumi.Resource] = {}

        def create(urn: str) -> pulumi.Resource | None:
            if urn not in resources:
                return None
            if urn not in created:
                resource = resources[urn]
                parent = create(resource.parent)
                depends = [dep for dep in (create(u) for u in resource.depends_on) if dep is not None]
                opts = pulumi.ResourceOptions(parent=parent, depends_on=depends, protect=resource.protect)
                if resource.custom:
                    created[urn] = pulumi.CustomResource(resource.type, resource.name, inputs[urn], opts)
                else:
                    created[urn] = pulumi.ComponentResource(resource.type, resource.name, None, opts)
            return created[urn]

        for urn in resources:
            create(urn)

    start = time.perf_counter()
    run_program(program, "replay", "bench")
    return time.perf_counter() - start


def time_floor(registrations: int) -> float:
    """Seconds for the same number of bare CustomResource registrations under the same engine."""

    def program() -> None:
        for index in range(registrations):
            pulumi.CustomResource(
                "kubernetes:kafka.strimzi.io/v1:KafkaTopic",
                f"resource-{index}",
                {"metadata": {"name": f"resource-{index}"}, "spec": {"partitions": 6, "replicas": 3}},
            )

    start = time.perf_counter()
    run_program(program, "floor", "bench")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its result line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topics", type=int, required=True, help="number of catalog topics (services: N/5)")
    args = parser.parse_args(argv)
    time_plan(10)  # warm up imports and the engine once, outside the measurement
    time_floor(10)
    plan_s, recording = time_plan(args.topics)
    registrations = len(recording.resources) - 1  # without the stack itself
    floor_s = time_floor(registrations)
    replay_s = time_replay(recording)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    engine.TUNE_COLLECTOR = False  # the same plan with Python's default collector settings
    untuned_s, _ = time_plan(args.topics)
    engine.TUNE_COLLECTOR = True
    print(f"default_gc_plan_s={untuned_s:.2f} tuned/default={plan_s / untuned_s:.2f} (the collector tuned in runs)")
    print(f"registrations={registrations} (topics, users with their passwords and secrets, cluster, operator)")
    print(f"replay_s={replay_s:.2f} (same resources, raw SDK) plan/replay={plan_s / replay_s:.2f} "
          f"replay/floor={replay_s / floor_s:.2f}")  # fmt: skip
    print(
        f"topics={args.topics} plan_s={plan_s:.2f} floor_s={floor_s:.2f} "
        f"ratio={plan_s / floor_s:.2f} peak_rss_mb={peak_rss_mb:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
