"""``diff --preview-json`` on real ``pulumi preview --json`` output (tests/review/previews/, recorded by
``python -m tests.e2e.record_previews``) against ``diff`` of two offline plans of the same change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from messaging_platform_tools.cli import main
from tests.e2e.record_previews import CASES, STACK, edited_catalog
from tests.plans.test_plan_command import copy_project

PREVIEWS = Path(__file__).parent / "previews"
# The e2e stack's config (tests/e2e/stacks.py) with the broker's address and secrets as placeholders.
E2E_STACK = {
    "config": {
        "messaging-platform:environment": "prod",
        "messaging-platform:externalClusters": {
            "local": {
                "bootstrapServers": ["127.0.0.1:9096"],
                "tls": True,
                "brokers": 1,
                "sasl": {"mechanism": "scram-sha-512", "username": "admin", "password": {"secure": "v1:AAAA:AAAA"}},
            }
        },
        "messaging-platform:catalog": {"cluster": "local", "defaults": {"replicas": 1, "minInsyncReplicas": 1}},
    }
}


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, dict[str, Any]]:
    code = main([str(arg) for arg in args])
    return code, json.loads(capsys.readouterr().out)


def _plan(project: Path, out: Path) -> Path:
    args = ["plan", "--stack", STACK, "--project-dir", str(project), "--out", str(out), "-q"]
    # Exit 1 is expected: one replica per topic breaks the prod policies.
    assert main(args) in (0, 1)
    return out / "plan.json"


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """plan.json of the e2e stack before (``before``) and after each recorded case's catalog edit."""
    root = tmp_path_factory.mktemp("preview-json")
    project = copy_project(root)
    (project / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump(E2E_STACK))
    planned = {"before": _plan(project, root / "before")}
    for case, edit in CASES.items():
        with edited_catalog(project, edit):
            planned[case] = _plan(project, root / case)
    return planned


def _findings(document: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(document["findings"], key=lambda f: (f["id"], f["urn"]))


def test_every_case_is_recorded() -> None:
    assert sorted(p.stem for p in PREVIEWS.glob("*.json")) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_preview_json_finds_what_diff_finds_for_the_same_change(
    case: str, plans: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Every blocking finding of ``diff`` is found in the preview: from its steps, or, when a guard
    hook refused the change during the dry run, from the guard's message (which names the finding).
    Advisory findings may be missing only for resources the failed preview never reached; and the
    preview finds nothing ``diff`` does not."""
    _, planned = run(capsys, "diff", plans["before"], plans[case], "--format", "json")
    code, previewed = run(capsys, "diff", "--preview-json", PREVIEWS / f"{case}.json", "--format", "json")
    assert planned["findings"], "every recorded case is a hazard"

    def keys(document: dict[str, Any], level: str | None = None) -> set[tuple[str, str]]:
        return {(f["id"], f["urn"]) for f in document["findings"] if level is None or f["level"] == level}

    assert keys(previewed) - keys(planned) == set()
    assert keys(planned, "blocking") <= keys(previewed, "blocking")
    stepped = {step["urn"] for step in json.loads((PREVIEWS / f"{case}.json").read_text())["steps"]}
    unreached = {(i, urn) for i, urn in keys(planned) - keys(previewed) if urn not in stepped}
    assert keys(planned) - keys(previewed) == unreached
    assert not unreached or previewed["previewErrors"]
    assert code == 1 and previewed["blocking"]


def test_a_failed_preview_blocks_and_says_what_stopped_it(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diff", "--preview-json", str(PREVIEWS / "partitions-decreased.json")])
    out = capsys.readouterr().out
    assert code == 1
    assert "preview failed (3 error(s)): steps after the failure are missing from this review" in out
    assert "partitions cannot decrease (6 -> 2)" in out


def test_service_removal_is_a_deleted_user_and_its_acls(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run(capsys, "diff", "--preview-json", PREVIEWS / "service-removed.json", "--format", "json")
    assert code == 1 and document["previewErrors"] == []
    assert [f["id"] for f in document["findings"]] == ["user-deleted"] + ["acl-removed"] * 7
    assert document["summary"] == {
        "added": 0, "changed": 0, "removed": 9, "renamed": 0, "blocking": 1, "advisory": 7,
    }  # fmt: skip


def test_dev_levels_apply_with_env(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run(
        capsys, "diff", "--preview-json", PREVIEWS / "service-removed.json", "--env", "dev", "--format", "json"
    )
    assert code == 0 and document["environment"] == "dev"


def test_a_preview_without_environment_needs_env(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads((PREVIEWS / "service-removed.json").read_text())
    document["config"] = {}
    document["steps"] = [s for s in document["steps"] if s["op"] != "same"]  # no stack outputs either
    (tmp_path / "preview.json").write_text(json.dumps(document))
    assert main(["diff", "--preview-json", str(tmp_path / "preview.json")]) == 2
    assert "pass --env" in capsys.readouterr().err


def test_preview_json_and_two_plans_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    preview = str(PREVIEWS / "service-removed.json")
    assert main(["diff", "a", "b", "--preview-json", preview]) == 2
    assert "not both" in capsys.readouterr().err


def test_the_engine_unknown_sentinel_reads_as_plan_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads((PREVIEWS / "service-removed.json").read_text())
    step = next(s for s in document["steps"] if s["urn"].endswith("-scram"))
    created = {"op": "update", "urn": step["urn"], "oldState": step["oldState"], "newState": {**step["oldState"]}}
    created["newState"]["inputs"] = {**step["oldState"]["inputs"], "username": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}
    document["steps"] = [s for s in document["steps"] if s is not step] + [created]
    (tmp_path / "preview.json").write_text(json.dumps(document))
    _, out = run(capsys, "diff", "--preview-json", tmp_path / "preview.json", "--format", "json")
    (added,) = [c for c in out["changed"] if c["urn"] == step["urn"]]
    assert {"path": "username", "old": "notification-service", "new": "[unknown]"} in added["changes"]
    # Not known yet is not a rename: no user-deleted for that credential.
    assert not [f for f in out["findings"] if f["id"] == "user-deleted" and step["urn"] in f.get("urn", "")]
