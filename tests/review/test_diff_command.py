"""``messaging-platform diff`` and ``plan --against`` on real plans of the prod stack, before and after
catalog edits: exit codes, the text and JSON formats, and what a whole-stack change is found to risk."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from messaging_platform_tools.cli import main
from tests.conftest import CRD_DIR, PROJECT_DIR
from tests.plans.test_plan_command import copy_project

DELETED = "shipping.shipment-delivered.v1"
SHRUNK = "orders.order-state.v1"  # 12 partitions
RENAMED = "payments.payment-failed.v1"


class Catalog:
    """A project's catalog files, edited as data (a topic key is referenced by the services)."""

    def __init__(self, project: Path) -> None:
        self.files = {path: yaml.safe_load(path.read_text()) for path in sorted((project / "catalog").glob("*.yaml"))}

    def topic(self, key: str) -> dict[str, Any]:
        (topic,) = [doc["topics"][key] for doc in self.files.values() if key in doc.get("topics", {})]
        return topic

    def delete_topic(self, key: str) -> None:
        for doc in self.files.values():
            doc.get("topics", {}).pop(key, None)
            doc["services"] = _refs(doc.get("services", {}), key, None)

    def rekey_topic(self, key: str, new_key: str, *, alias: bool) -> None:
        for doc in self.files.values():
            topics = doc.get("topics", {})
            if key in topics:
                doc["topics"] = {new_key if k == key else k: v for k, v in topics.items()}
                doc["topics"][new_key].update({"topicName": key, **({"previousNames": [key]} if alias else {})})
            doc["services"] = _refs(doc.get("services", {}), key, new_key)

    def save(self) -> None:
        for path, doc in self.files.items():
            path.write_text(yaml.safe_dump(doc, sort_keys=False))


def _refs(value: Any, key: str, new_key: str | None) -> Any:
    """``value`` with references to topic ``key`` renamed to ``new_key``, or dropped when it is None."""
    if isinstance(value, dict):
        return {k: new_key if k == "topic" and v == key else _refs(v, key, new_key) for k, v in value.items()}
    if isinstance(value, list):
        if new_key is None:
            return [_refs(item, key, None) for item in value if item != key and not _consumes(item, key)]
        return [new_key if item == key else _refs(item, key, new_key) for item in value]
    return value


def _consumes(item: Any, key: str) -> bool:
    return isinstance(item, dict) and item.get("topic") == key


@dataclass(frozen=True)
class Plans:
    """Plan folders of the prod stack: before, and after each catalog edit."""

    before: Path
    lossy: Path
    """One topic deleted, one with fewer partitions, one with a new topicName."""
    grown: Path
    """One topic with more partitions."""
    aliased: Path
    """A catalog entry re-keyed, its Kafka name kept, the old key in previousNames."""
    unaliased: Path
    """The same without previousNames."""
    lossy_project: Path


def plan_prod(project: Path, out: Path) -> Path:
    """``messaging-platform plan --stack prod`` of ``project`` into ``out``."""
    args = ["plan", "--stack", "prod", "--project-dir", str(project), "--out", str(out), "--crds", str(CRD_DIR), "-q"]
    assert main(args) == 0
    return out


def edited_project(root: Path, edit: Callable[[Catalog], None]) -> Path:
    """A copy of this project with the prod stack and an edited catalog."""
    root.mkdir()
    project = copy_project(root)
    shutil.copy(PROJECT_DIR / "Pulumi.prod.yaml", project / "Pulumi.prod.yaml")
    catalog = Catalog(project)
    edit(catalog)
    catalog.save()
    return project


def _lossy(catalog: Catalog) -> None:
    catalog.delete_topic(DELETED)
    catalog.topic(SHRUNK)["partitions"] = 6
    catalog.topic(RENAMED)["topicName"] = "payments.payment-failed.v2"


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Plans:
    root = tmp_path_factory.mktemp("review")
    projects = {
        "before": edited_project(root / "before", lambda catalog: None),
        "lossy": edited_project(root / "lossy", _lossy),
        "grown": edited_project(root / "grown", lambda catalog: catalog.topic(SHRUNK).update(partitions=24)),
        "aliased": edited_project(
            root / "aliased", lambda catalog: catalog.rekey_topic(SHRUNK, "orders.state", alias=True)
        ),
        "unaliased": edited_project(
            root / "unaliased", lambda catalog: catalog.rekey_topic(SHRUNK, "orders.state", alias=False)
        ),
    }
    folders = {name: plan_prod(project, root / f"{name}-plan") for name, project in projects.items()}
    return Plans(**folders, lossy_project=projects["lossy"])


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def finding_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(("blocking ", "advisory "))]


def test_a_catalog_change_that_loses_data_blocks_prod(plans: Plans, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", plans.before, plans.lossy)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith("environment prod: 0 added, 5 changed, 1 removed, 0 renamed")
    assert f"  - KafkaTopic kafka/{DELETED}" in lines
    assert lines[lines.index(f"  ~ KafkaTopic kafka/{SHRUNK}") + 1] == "      ~ spec.partitions: 12 -> 6"
    assert "findings (prod): 3 blocking, 3 advisory" in lines
    found = [line.split()[:2] for line in finding_lines(out)]
    assert found == [
        ["blocking", "topic-deleted"],
        ["blocking", "topic-renamed"],
        ["blocking", "partitions-decreased"],
        ["advisory", "acl-removed"],
        ["advisory", "acl-removed"],
        ["advisory", "acl-removed"],
    ]
    assert (
        f"blocking  partitions-decreased            KafkaTopic kafka/{SHRUNK}: partitions cannot decrease (12 -> 6)"
        in out
    )


def test_a_partition_increase_passes_silently(plans: Plans, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", plans.before / "plan.json", plans.grown / "plan.json")
    assert code == 0
    assert out.splitlines()[1:] == [
        f"  ~ KafkaTopic kafka/{SHRUNK}",
        "      ~ spec.partitions: 12 -> 24",
        "findings (prod): 0 blocking, 0 advisory",
    ]


def test_a_catalog_entry_rekeyed_with_previous_names_is_a_rename_through_its_alias(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "diff", plans.before, plans.aliased)
    assert code == 0
    assert "0 added, 0 changed, 0 removed, 1 renamed" in out
    assert f"events-topic-{SHRUNK} -> events-topic-orders.state (via alias)" in out
    assert finding_lines(out) == []


def test_a_catalog_entry_rekeyed_without_previous_names_is_a_rename_that_needs_the_alias(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "diff", plans.before, plans.aliased.parent / "unaliased-plan")
    assert code == 1
    assert "(via identity)" in out
    (line,) = finding_lines(out)
    assert line.startswith(
        f"blocking  resource-replaced               KafkaTopic kafka/{SHRUNK}: renamed without an alias"
    )


def test_dev_levels_turn_blocking_findings_advisory(plans: Plans, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", plans.before, plans.lossy, "--env", "dev")
    assert code == 0
    assert "findings (dev): 0 blocking, 6 advisory" in out


def test_json_format_is_a_stable_document(plans: Plans, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", plans.before, plans.lossy, "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert set(document) == {
        "formatVersion",
        "stack",
        "environment",
        "old",
        "new",
        "blocking",
        "summary",
        "added",
        "changed",
        "removed",
        "renamed",
        "findings",
    }
    assert (document["formatVersion"], document["stack"], document["environment"], document["blocking"]) == (
        1,
        "prod",
        "prod",
        True,
    )
    assert document["summary"] == {"added": 0, "changed": 5, "removed": 1, "renamed": 0, "blocking": 3, "advisory": 3}
    (shrunk,) = [c for c in document["changed"] if c["resource"] == f"KafkaTopic kafka/{SHRUNK}"]
    assert shrunk["changes"] == [{"path": "spec.partitions", "old": 12, "new": 6}]
    assert document["removed"][0]["type"] == "kubernetes:kafka.strimzi.io/v1:KafkaTopic"
    first = document["findings"][0]
    assert set(first) == {"id", "level", "resource", "urn", "message", "unsafe"}
    assert (first["id"], first["level"], first["unsafe"]) == ("topic-deleted", "blocking", True)
    assert run(capsys, "diff", plans.before, plans.lossy, "--format", "json")[1] == out


def test_identical_plans_have_nothing_to_review(plans: Plans, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", plans.before, plans.before)
    assert code == 0
    assert "0 added, 0 changed, 0 removed, 0 renamed" in out.splitlines()[0]


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _with(plan: Path, tmp: Path, **changes: Any) -> Path:
    document = json.loads((plan / "plan.json").read_text())
    return _write(tmp / "plan.json", json.dumps({**document, **changes}))


NewPlan = Callable[[Plans, Path], Path]
"""Makes the NEW argument of a diff from the planned folders and a temporary folder."""
UNUSABLE: list[tuple[NewPlan, list[str], str]] = [
    (lambda plans, tmp: tmp / "missing", [], "no such file"),
    (lambda plans, tmp: tmp, [], "no plan.json in"),
    (lambda plans, tmp: _write(tmp / "plan.json", "{"), [], "plan.json: not JSON"),
    (lambda plans, tmp: _write(tmp / "plan.json", "[]"), [], "not a plan.json: expected an object with 'resources'"),
    (lambda plans, tmp: _with(plans.before, tmp, formatVersion=2), [], "plan formatVersion 2 is not supported"),
    (lambda plans, tmp: _with(plans.before, tmp, resources=[{"urn": 1}]), [], "resources[0]: expected an object"),
    (lambda plans, tmp: _with(plans.before, tmp, stack="dev"), [], "compare two plans of the same stack"),
    (lambda plans, tmp: _with(plans.before, tmp, outputs={}), [], "records no environment (outputs.environment)"),
    (lambda plans, tmp: plans.before, ["--env", "staging"], "no review levels for environment 'staging'"),
]


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_input_exits_2_and_says_why(
    case: tuple[NewPlan, list[str], str], plans: Plans, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_new, extra, message = case
    code, _, err = run(capsys, "diff", plans.before, make_new(plans, tmp_path), *extra)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_plan_against_prints_the_review_after_the_plan_summary(
    plans: Plans, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "plan",
        "--stack",
        "prod",
        "--project-dir",
        plans.lossy_project,
        "--out",
        tmp_path / "plan",
        "--crds",
        CRD_DIR,
        "-q",
        "--against",
        plans.before,
    )
    assert code == 1
    assert (
        out.index("policies (prod): 0 mandatory") < out.index("diff prod (") < out.index("findings (prod): 3 blocking")
    )


def test_plan_against_its_own_output_folder_reads_it_before_replacing_it(
    plans: Plans, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = shutil.copytree(plans.before, tmp_path / "plan")
    code, out, _ = run(
        capsys,
        "plan",
        "--stack",
        "prod",
        "--project-dir",
        plans.lossy_project,
        "--out",
        folder,
        "--crds",
        CRD_DIR,
        "-q",
        "--against",
        folder,
    )
    assert code == 1
    assert "findings (prod): 3 blocking, 3 advisory" in out


def test_plan_against_a_missing_plan_exits_2_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        "plan",
        "--stack",
        "prod",
        "--project-dir",
        PROJECT_DIR,
        "--out",
        tmp_path / "out",
        "--against",
        tmp_path / "missing",
    )
    assert code == 2
    assert "no such file" in err
    assert not (tmp_path / "out").exists()
