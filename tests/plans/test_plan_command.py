"""`messaging-platform plan` end to end: exit codes, plan.json, manifests, determinism, secrets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from messaging_platform_tools.cli import main
from messaging_platform_tools.offline.plan import plan_json
from messaging_platform_tools.offline.project import PulumiProject
from messaging_platform_tools.offline.runner import PlanResult, plan_stack
from tests.conftest import CRD_DIR, PROJECT_DIR, STACKS

PLAN_KEYS = {"urn", "type", "name", "parent", "custom", "protect", "retainOnDelete", "dependsOn", "inputs"}


def copy_project(tmp_path: Path, stack_yaml: str | None = None, program: str | None = None,
                 beside_shared: bool = True) -> Path:  # fmt: skip
    """A throwaway copy of this project, optionally with another dev stack file or program; beside
    ``shared/`` (the Strimzi CRDs plan finds by default) unless ``beside_shared`` is false."""
    target = tmp_path / "project"
    target.mkdir()
    if beside_shared:
        (tmp_path / "shared").symlink_to(PROJECT_DIR.parent / "shared", target_is_directory=True)
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.dev.yaml"):
        shutil.copy(PROJECT_DIR / name, target / name)
    shutil.copytree(PROJECT_DIR / "catalog", target / "catalog")
    if stack_yaml is not None:
        (target / "Pulumi.dev.yaml").write_text(stack_yaml)
    if program is not None:
        (target / "__main__.py").write_text(program)
    return target


@pytest.mark.parametrize("stack", STACKS)
def test_plan_succeeds_and_writes_plan_and_manifests(
    stack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    code = main(
        ["plan", "--stack", stack, "--out", str(folder), "--project-dir", str(PROJECT_DIR), "--crds", str(CRD_DIR)]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "messaging-platform:kafka:Cluster  events" in out
    assert "0 violation(s)" in out
    assert f"wrote {folder}: plan.json, " in out
    plan = json.loads((folder / "plan.json").read_text())
    # Every Secret holding a generated password (catalog services, the Connect user) is pending.
    secrets = [r for r in plan["resources"] if r["type"] == "kubernetes:core/v1:Secret"]
    assert len(secrets) >= 6
    assert f"pending.yaml lists {len(secrets)} secret(s)" in out
    assert (plan["project"], plan["stack"]) == ("messaging-platform", stack)
    assert all(set(resource) >= PLAN_KEYS for resource in plan["resources"])
    assert [r["urn"] for r in plan["resources"]] == sorted(r["urn"] for r in plan["resources"])
    kafka = yaml.safe_load((folder / "manifests" / "kafka" / "kafka-events.yaml").read_text())
    assert kafka["apiVersion"] == "kafka.strimzi.io/v1"
    release = yaml.safe_load((folder / "helm" / "strimzi.yaml").read_text())
    assert (release["chart"], release["version"]) == ("oci://quay.io/strimzi-helm/strimzi-kafka-operator", "1.2.0")
    assert "values" in release


def test_plan_json_is_byte_identical_across_runs(project: PulumiProject, stack_plans: dict[str, PlanResult]) -> None:
    again = plan_stack(project, "prod", CRD_DIR)
    assert plan_json(again.recording) == plan_json(stack_plans["prod"].recording)


def test_integers_stay_integers(stack_plans: dict[str, PlanResult]) -> None:
    text = plan_json(stack_plans["prod"].recording)
    assert '"default.replication.factor": 3,' in text
    assert '"replicas": 3,' in text
    assert ".0," not in text


def test_unknown_key_in_the_dev_stack_fails_with_exit_2_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = (PROJECT_DIR / "Pulumi.dev.yaml").read_text() + "  messaging-platform:retention: 7d\n"
    project_dir = copy_project(tmp_path, stack_yaml=stack)
    code = main(["plan", "--stack", "dev", "--project-dir", str(project_dir), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "messaging-platform:retention: unknown config key" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_missing_stack_file_fails_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "staging", "--project-dir", str(PROJECT_DIR)]) == 2
    assert "stacks here: dev" in capsys.readouterr().err


def test_a_custom_resource_strimzi_would_reject_fails_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = (
        "import pulumi_kubernetes as k8s\n"
        "k8s.apiextensions.CustomResource('bad', api_version='kafka.strimzi.io/v1', kind='KafkaTopic',\n"
        "    metadata={'name': 'orders', 'namespace': 'kafka', 'labels': {'strimzi.io/cluster': 'events'}},\n"
        "    spec={'partitions': 0, 'retention': '7d'})\n"
    )
    project_dir = copy_project(tmp_path, program=program)
    code = main(
        ["plan", "-s", "dev", "--project-dir", str(project_dir), "--out", str(tmp_path / "out"), "--crds", str(CRD_DIR)]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "KafkaTopic kafka/orders: spec: Additional properties are not allowed ('retention' was unexpected)" in out
    assert "KafkaTopic kafka/orders: spec.partitions: 0 is less than the minimum of 1" in out


def test_without_crds_plan_fails_with_exit_2_and_says_how_to_pass_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MESSAGING_PLATFORM_CRDS", raising=False)
    project_dir = copy_project(tmp_path, beside_shared=False)
    assert main(["plan", "-s", "dev", "-q", "--project-dir", str(project_dir), "--out", str(tmp_path / "o")]) == 2
    error = capsys.readouterr().err
    assert "error: no Strimzi CRD directory, so Strimzi objects cannot be validated" in error
    assert "pass --crds DIR or set MESSAGING_PLATFORM_CRDS=DIR" in error
    assert "To go on without validation, pass --skip-schema-validation" in error
    assert not (tmp_path / "o").exists()


def test_skip_schema_validation_plans_without_crds_and_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MESSAGING_PLATFORM_CRDS", raising=False)
    project_dir = copy_project(tmp_path, beside_shared=False)
    out_dir = str(tmp_path / "o")
    assert main(["plan", "-s", "dev", "-q", "--project-dir", str(project_dir), "--out", out_dir,
                 "--skip-schema-validation"]) == 0  # fmt: skip
    captured = capsys.readouterr()
    assert "warning: schema validation skipped (--skip-schema-validation): no Strimzi object" in captured.err
    assert "CRD validation:" not in captured.out


def test_crd_directory_can_come_from_the_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("MESSAGING_PLATFORM_CRDS", str(CRD_DIR))
    project_dir = copy_project(tmp_path, beside_shared=False)
    assert main(["plan", "-s", "dev", "-q", "--project-dir", str(project_dir), "--out", str(tmp_path / "o")]) == 0
    assert f"checked strictly against {CRD_DIR}" in capsys.readouterr().out


def test_secret_values_never_reach_plan_json_or_the_plan_folder(tmp_path: Path) -> None:
    program = (
        "import pulumi, pulumi_kubernetes as k8s\n"
        "k8s.core.v1.Secret('creds', metadata={'name': 'creds', 'namespace': 'kafka'},\n"
        "    string_data={'password': 'hunter2-very-secret'})\n"
        "pulumi.export('token', pulumi.Output.secret('hunter2-very-secret'))\n"
    )
    project_dir = copy_project(tmp_path, program=program)
    out = tmp_path / "out"
    assert main(["plan", "-s", "dev", "-q", "--project-dir", str(project_dir), "--out", str(out)]) == 0
    written = [p.read_text() for p in out.rglob("*") if p.is_file()]
    assert written and not any("hunter2" in text for text in written)
    assert not (out / "manifests" / "kafka" / "secret-creds.yaml").exists()
    pending = yaml.safe_load((out / "pending.yaml").read_text())
    assert pending["secrets"] == [{"resource": "creds", "namespace": "kafka", "name": "creds", "keys": ["password"]}]
    assert json.loads((out / "plan.json").read_text())["outputs"]["token"] == "[secret]"


def test_a_mandatory_policy_violation_fails_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project_dir = copy_project(tmp_path)
    (project_dir / "catalog" / "legacy.yaml").write_text(
        "domain: legacy\ntopics:\n  LegacyOrders:\n    partitions: 3\n"
    )
    code = main(["plan", "-s", "dev", "-q", "--project-dir", str(project_dir), "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1
    assert "policies (dev): 1 mandatory" in out
    assert "mandatory topic-name" in out and "KafkaTopic kafka/legacyorders-" in out


def test_committed_stacks_pass_their_environment_policies(stack_plans: dict[str, PlanResult]) -> None:
    for stack, result in stack_plans.items():
        assert result.findings == [], stack
        assert result.environment in {"dev", "prod"}


def test_an_internal_error_is_exit_3_in_one_line_not_a_finding(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from messaging_platform_tools import cli

    def broken(*_: object) -> None:
        raise KeyError("spec")

    monkeypatch.setattr(cli, "plan_stack", broken)
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    assert cli.main(["plan", "--stack", "dev", "--project-dir", str(PROJECT_DIR), "--quiet"]) == cli.EXIT_INTERNAL
    error = capsys.readouterr().err
    assert error.startswith("internal error: KeyError: 'spec'\n")
    assert "Traceback" not in error


def test_the_tooling_refuses_an_sdk_release_it_was_not_tested_with(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import messaging_platform_tools
    from messaging_platform_tools import cli

    monkeypatch.setattr(messaging_platform_tools, "TESTED_PULUMI_RELEASES", ("3.0.0",))
    assert cli.main(["plan", "--stack", "dev", "--project-dir", str(PROJECT_DIR), "--quiet"]) == cli.EXIT_INPUT
    error = capsys.readouterr().err
    assert "was tested with pulumi 3.0.0, but 3.272.0 is installed" in error
    assert "the component library itself works with any pulumi >=3.260,<4" in error


def test_an_encrypted_sasl_username_never_reaches_plan_json_in_clear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = (PROJECT_DIR / "Pulumi.external.yaml").read_text()
    assert "        username: platform-admin\n" in stack
    stack = stack.replace(
        "        username: platform-admin\n", "        username:\n          secure: v1:dXNlcg==:cGxhdGZvcm0tYWRtaW4=\n"
    )
    project_dir = copy_project(tmp_path)
    (project_dir / "Pulumi.external.yaml").write_text(stack)
    out = tmp_path / "out"
    code = main(["plan", "-s", "external", "-q", "--project-dir", str(project_dir), "--out", str(out)])
    assert code == 0, capsys.readouterr()
    text = (out / "plan.json").read_text()
    assert "platform-admin" not in text
    (provider,) = [r for r in json.loads(text)["resources"] if r["type"] == "pulumi:providers:kafka"]
    assert provider["inputs"]["saslUsername"] == "[secret]"
