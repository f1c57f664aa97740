"""The policy pack and a real ``pulumi preview --policy-pack``.

What can be built here cannot run a Python policy pack yet: the newest Python language host the Go
module proxy serves (sdk/v3 v3.79.0) starts plugins as ``python <RunPluginRequest.program>``, a
field the 3.274.1 CLI no longer sets, so the host runs the *project's* ``__main__.py`` in place of
the pack (with no stack config). The limitation is pinned below, so the day the tier's host can run
the pack this test fails and the real assertions take its place. Until then the pack is proven by
pulumi-policy's own analyzer server over gRPC (tests/policies) and ``plan`` reports the same rules.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .broker import KafkaBroker
from .pulumi_cli import PulumiProjectCopy
from .stacks import external_stack_config
from .toolchain import Toolchain

pytestmark = pytest.mark.e2e
STACK = "policy"
PACK = ("--policy-pack", "policies", "--policy-pack-config", "policies/config/prod.json")
# One topic with one replica: a prod stack that breaks topic-replication and topic-min-insync-replicas.
HAZARD = {"topics": {"orders.order-created.v1": {"replicas": 1, "minInsyncReplicas": 1}}}


@pytest.fixture(scope="module")
def project(
    toolchain: Toolchain, broker: KafkaBroker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PulumiProjectCopy]:
    """A sound prod stack on the broker (it claims three brokers: a preview creates nothing)."""
    copy = PulumiProjectCopy(toolchain, tmp_path_factory.mktemp("policy-project"))
    config, secrets = external_stack_config(broker, brokers=3)
    copy.init_stack(STACK, config, secrets)
    yield copy


def _plan_findings(project: PulumiProjectCopy, out: Path) -> tuple[int, set[tuple[str, str]]]:
    """Exit code of ``messaging-platform plan`` and its mandatory findings as (rule, resource name)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "messaging_platform.cli",
            "plan",
            "--stack",
            STACK,
            "--project-dir",
            str(project.directory),
            "--out",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    found = set(re.findall(r"^\s+mandatory\s+(\S+)\s+\S+ (\S+):", result.stdout, re.MULTILINE))
    return result.returncode, found


def test_plan_reports_no_finding_for_the_sound_stack(project: PulumiProjectCopy, tmp_path: Path) -> None:
    assert _plan_findings(project, tmp_path) == (0, set())


def test_plan_blocks_the_mandatory_violations_of_the_hazard(
    project: PulumiProjectCopy, broker: KafkaBroker, tmp_path: Path
) -> None:
    config, _ = external_stack_config(broker, brokers=3, **HAZARD)
    project.write_config(STACK, config)
    try:
        assert _plan_findings(project, tmp_path) == (
            1,
            {
                ("topic-replication", "local-topic-orders.order-created.v1"),
                ("topic-min-insync-replicas", "local-topic-orders.order-created.v1"),
            },
        )
    finally:
        project.write_config(STACK, external_stack_config(broker, brokers=3)[0])


def test_the_served_language_host_runs_the_program_in_place_of_the_pack(project: PulumiProjectCopy) -> None:
    """Pinned limitation (see the module docstring): no real preview can load the pack here yet."""
    preview = project.run("preview", "--stack", STACK, *PACK, check=False)
    output = preview.stdout + preview.stderr
    assert preview.returncode != 0
    assert "Loading policy packs..." in output
    assert f"{project.directory}/__main__.py" in output, output
    assert "messaging-platform:environment: choose the preset: dev or prod" in output, output
