"""The policy pack in a real ``pulumi preview --policy-pack``: it passes a sound stack, blocks a
mandatory violation, and reports what ``messaging-platform plan`` reports for the same stack.

The previews run on the tier's second CLI (v3.219.0): the Python language host that can be built
here starts packs for it through the ``pulumi-analyzer-policy-python`` shim, while for the 3.274.1
CLI it runs the project's ``__main__.py`` in place of the pack (pinned below). The stack lets the
User Operator-style path own passwords (``passwords: operator``): a first preview with
Pulumi-owned passwords fails in the kafka plugin (see ``test_external_stack.py``).
"""

from __future__ import annotations

import re
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
TOPIC = "local-topic-orders.order-created.v1"
# One topic with one replica: a prod stack that breaks topic-replication and topic-min-insync-replicas.
HAZARD = {"orders.order-created.v1": {"replicas": 1, "minInsyncReplicas": 1}}
VIOLATIONS = {("topic-replication", TOPIC), ("topic-min-insync-replicas", TOPIC)}


def _config(broker: KafkaBroker, **topics: object) -> dict[str, object]:
    """A prod stack on the broker claiming three brokers (a preview creates nothing)."""
    catalog: dict[str, object] = {"passwords": "operator", "topics": topics}
    config, _ = external_stack_config(broker, brokers=3, **catalog)
    return config


@pytest.fixture(scope="module")
def project(
    toolchain: Toolchain, broker: KafkaBroker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PulumiProjectCopy]:
    copy = PulumiProjectCopy(toolchain, tmp_path_factory.mktemp("policy-project"))
    _, secrets = external_stack_config(broker)
    copy.init_stack(STACK, _config(broker), secrets)
    yield copy


def _plan_findings(project: PulumiProjectCopy, out: Path) -> tuple[int, set[tuple[str, str]]]:
    """Exit code of ``messaging-platform plan`` and its mandatory findings as (rule, resource name)."""
    result = project.plan(STACK, out)
    return result.returncode, set(re.findall(r"^\s+mandatory\s+(\S+)\s+\S+ (\S+):", result.stdout, re.MULTILINE))


def _preview_violations(output: str) -> set[tuple[str, str]]:
    """Mandatory violations as the CLI prints them: ``[mandatory]  <rule>  (<type>: <name>)``."""
    return set(re.findall(r"\[mandatory\]\s+(\S+)\s+\([^:]+:[^:]+:[^:]+: (\S+)\)", output))


def test_a_sound_stack_passes_the_pack_in_a_real_preview(project: PulumiProjectCopy, tmp_path: Path) -> None:
    result = project.run("preview", "--stack", STACK, *PACK, policy_cli=True)
    assert "Loading policy packs...: done" in result.stdout, result.stdout
    assert _preview_violations(result.stdout) == set()
    assert _plan_findings(project, tmp_path) == (0, set())


def test_a_mandatory_violation_fails_the_real_preview_with_the_findings_plan_reports(
    project: PulumiProjectCopy, broker: KafkaBroker, tmp_path: Path
) -> None:
    project.write_config(STACK, _config(broker, **HAZARD))
    try:
        preview = project.run("preview", "--stack", STACK, *PACK, check=False, policy_cli=True)
        output = preview.stdout + preview.stderr
        assert preview.returncode != 0, output
        assert _preview_violations(output) == VIOLATIONS, output
        assert _plan_findings(project, tmp_path) == (1, VIOLATIONS)
    finally:
        project.write_config(STACK, _config(broker))


def test_the_newer_cli_cannot_load_the_pack_through_the_served_language_host(project: PulumiProjectCopy) -> None:
    """Pinned limitation: with CLI 3.274.1 the v3.79.0 host runs the program in place of the pack."""
    preview = project.run("preview", "--stack", STACK, *PACK, check=False)
    output = preview.stdout + preview.stderr
    assert preview.returncode != 0
    # The program's own config error (printed by config_errors_exit): the program ran, not the pack.
    assert "messaging-platform:environment: choose the preset: dev or prod" in output, output
