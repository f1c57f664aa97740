"""The plan folder: replaced whole or not at all, only when plan wrote it, never through a link, one
writer at a time; ``manifests/`` and ``helm/`` hold only what can be used as written."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import rpc

from messaging_platform_tools import cli
from messaging_platform_tools.offline import output
from messaging_platform_tools.offline.engine import GENERATED_OUTPUTS, Recording, Registration
from messaging_platform_tools.offline.output import MARKER, OutputFolderError, lock_path, replace_folder
from messaging_platform_tools.offline.plan import plan_layout
from messaging_platform_tools.offline.runner import PlanResult, write_plan
from tests.conftest import ALL_STACKS, PROJECT_DIR

Plan = Callable[..., int]


@pytest.fixture
def plan(monkeypatch: pytest.MonkeyPatch, stack_plans: dict[str, PlanResult]) -> Plan:
    """``messaging-platform plan -s dev --out FOLDER [FLAGS]``, the program run taken from the session."""
    monkeypatch.setattr(cli, "plan_stack", lambda *_: stack_plans["dev"])

    def run(folder: Path, *flags: str) -> int:
        return cli.main(["plan", "-s", "dev", "-q", "--project-dir", str(PROJECT_DIR), "--out", str(folder), *flags])

    return run


@pytest.fixture(params=["exchange", "two renames"])
def swap(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a new plan takes an old one's place: one atomic swap, or rename away + rename in."""
    if request.param == "two renames":
        monkeypatch.setattr(output, "_exchange", lambda *_: False)
    return str(request.param)


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (links as ``-> target``, never followed)."""
    entries = {}
    for directory, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(directory) / name
            key = str(path.relative_to(root))
            if path.is_symlink():
                entries[key] = f"-> {os.readlink(path)}"
            elif path.is_file():
                entries[key] = path.read_text()
            else:
                entries[key] = "<dir>"
    return entries


def leftovers(folder: Path) -> list[str]:
    """Siblings a run left beside its folder, other than the lock file."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.") and
                  p != lock_path(folder))  # fmt: skip


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    """A folder of someone else's files."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("mine")
    return folder


def test_refuses_a_folder_it_did_not_write_and_leaves_it_untouched(
    plan: Plan, foreign: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert plan(foreign) == 2
    error = capsys.readouterr().err
    assert f"error: refusing to replace {foreign}: it holds files plan did not write (there is no {MARKER}" in error
    assert "--force" in error
    assert snapshot(foreign) == {"todo.txt": "mine"}


def test_force_replaces_a_folder_it_did_not_write(plan: Plan, foreign: Path) -> None:
    assert plan(foreign, "--force") == 0
    assert not (foreign / "todo.txt").exists()
    assert (foreign / MARKER).read_text().startswith("messaging-platform plan folder\nformatVersion: 1\n")


def test_writes_into_a_missing_or_empty_folder(plan: Plan, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert plan(tmp_path / "empty") == 0
    assert plan(tmp_path / "new" / "nested") == 0
    assert snapshot(tmp_path / "empty") == snapshot(tmp_path / "new" / "nested")


def test_replans_into_its_own_folder_replacing_it_whole(plan: Plan, tmp_path: Path, swap: str) -> None:
    folder = tmp_path / "out"
    assert plan(folder) == 0
    first = snapshot(folder)
    (folder / "manifests" / "stale.yaml").write_text("kind: Old\n")
    assert plan(folder) == 0
    assert snapshot(folder) == first
    assert leftovers(folder) == []


def test_a_symlinked_plan_json_or_manifests_is_replaced_never_written_through(
    plan: Plan, tmp_path: Path, swap: str
) -> None:
    folder, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    (outside / "plan.json").write_text("keep")
    (outside / "manifests").mkdir()
    (outside / "manifests" / "mine.yaml").write_text("keep")
    assert plan(folder) == 0
    os.remove(folder / "plan.json")
    os.symlink(outside / "plan.json", folder / "plan.json")
    os.rename(folder / "manifests", tmp_path / "moved")
    os.symlink(outside / "manifests", folder / "manifests")
    assert plan(folder) == 0
    assert snapshot(outside) == {"plan.json": "keep", "manifests": "<dir>", "manifests/mine.yaml": "keep"}
    assert not (folder / "plan.json").is_symlink() and not (folder / "manifests").is_symlink()
    assert (folder / "manifests" / "kafka" / "kafka-events.yaml").is_file()


def test_a_symlinked_target_is_refused_and_force_replaces_the_link_not_what_it_points_to(
    plan: Plan, foreign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "link"
    os.symlink(foreign, link)
    assert plan(link) == 2
    assert f"--out {link} is a symbolic link; plan never writes through links" in capsys.readouterr().err
    assert plan(link, "--force") == 0
    assert not link.is_symlink() and (link / "plan.json").is_file()
    assert snapshot(foreign) == {"todo.txt": "mine"}


def test_a_marker_that_is_a_link_does_not_make_a_folder_ours(plan: Plan, foreign: Path, tmp_path: Path) -> None:
    assert plan(tmp_path / "ours") == 0
    os.symlink(tmp_path / "ours" / MARKER, foreign / MARKER)
    assert plan(foreign) == 2
    assert (foreign / "todo.txt").read_text() == "mine"


@pytest.mark.parametrize("flags", [(), ("--force",)])
def test_out_at_a_file_is_exit_2(
    plan: Plan, tmp_path: Path, flags: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "plan.txt"
    file.write_text("mine")
    assert plan(file, *flags) == 2
    assert f"error: --out {file} is a file, not a folder" in capsys.readouterr().err
    assert plan(file / "below") == 2
    assert f"cannot write the plan to {file / 'below'}" in capsys.readouterr().err
    assert file.read_text() == "mine"


def test_a_root_or_the_current_directory_is_never_a_plan_folder(
    plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert plan(tmp_path, "--force") == 2
    assert plan(Path("/"), "--force") == 2


def test_a_second_plan_while_one_holds_the_lock_is_exit_2(
    plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    with open(lock_path(folder), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert plan(folder) == 2
    assert f"error: another plan is writing to {folder} (it holds {lock_path(folder)})" in capsys.readouterr().err
    assert not folder.exists()
    assert plan(folder) == 0  # released


@pytest.fixture
def crash_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    """Make the file writer fail after ``n`` files, as a killed or failing run would."""
    real = output.write_new_file

    def arm(n: int) -> None:
        calls = iter(range(n + 1))

        def failing(root: Path, relative: str, text: str) -> Path:
            if next(calls) == n:
                raise OSError(28, "No space left on device")
            return real(root, relative, text)

        monkeypatch.setattr(output, "write_new_file", failing)

    yield arm


def test_a_failure_mid_write_leaves_the_previous_plan_intact(
    stack_plans: dict[str, PlanResult], tmp_path: Path, crash_after: Callable[[int], None], swap: str
) -> None:
    folder = tmp_path / "out"
    write_plan(stack_plans["prod"], folder)
    before = snapshot(folder)
    crash_after(5)
    with pytest.raises(OutputFolderError, match=f"cannot write the plan to {folder}: .*No space left on device"):
        write_plan(stack_plans["dev"], folder)
    assert snapshot(folder) == before
    assert leftovers(folder) == []


def test_a_failure_between_the_two_renames_puts_the_previous_plan_back(
    stack_plans: dict[str, PlanResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    write_plan(stack_plans["prod"], folder)
    before = snapshot(folder)
    monkeypatch.setattr(output, "_exchange", lambda *_: False)
    real_rename = os.rename

    def rename(source: Any, target: Any) -> None:
        if ".out.new-" in str(source):
            raise OSError(5, "Input/output error")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OutputFolderError):
        write_plan(stack_plans["dev"], folder)
    monkeypatch.undo()
    assert snapshot(folder) == before
    assert leftovers(folder) == []


def test_leftovers_of_a_killed_run_are_removed_by_the_next(plan: Plan, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    (tmp_path / ".out.new-0123abcd" / "manifests").mkdir(parents=True)
    (tmp_path / ".out.new-other").mkdir()  # not a name plan gives its staging folders
    assert plan(folder) == 0
    assert leftovers(folder) == [".out.new-other"]


def test_plan_files_never_leave_the_folder() -> None:
    with pytest.raises(ValueError, match="would leave the plan folder"):
        output.write_new_file(Path("/nonexistent"), "manifests/../../escape.yaml", "")


@pytest.mark.parametrize("stack", ALL_STACKS)
def test_manifests_hold_only_complete_kubernetes_objects(
    stack: str, stack_plans: dict[str, PlanResult], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    layout = write_plan(stack_plans[stack], folder)
    files = [path for path in (folder / "manifests").rglob("*") if path.is_file()]
    assert len(files) == layout.manifests
    for path in files:
        text = path.read_text()
        obj = yaml.safe_load(text)
        assert {"apiVersion", "kind", "metadata"} <= set(obj), path
        assert obj["metadata"]["name"] and "chart" not in obj, path
        assert "[secret]" not in text and "[unknown]" not in text, path
    assert sorted(p.name for p in folder.iterdir()) == sorted([MARKER, "helm", "manifests", "pending.yaml",
                                                               "plan.json"])  # fmt: skip


def test_the_helm_release_is_beside_manifests_not_in_them(stack_plans: dict[str, PlanResult], tmp_path: Path) -> None:
    folder = tmp_path / "out"
    layout = write_plan(stack_plans["prod"], folder)
    assert layout.helm_releases == 1
    release = yaml.safe_load((folder / "helm" / "strimzi.yaml").read_text())
    assert (release["chart"], release["namespace"]) == ("oci://quay.io/strimzi-helm/strimzi-kafka-operator", "strimzi")
    assert not list((folder / "manifests").rglob("strimzi.yaml"))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_pending_lists_generated_secrets_by_name_and_key_without_values(
    stack: str, stack_plans: dict[str, PlanResult]
) -> None:
    layout = plan_layout(stack_plans[stack].recording)
    text = layout.files["pending.yaml"]
    pending = yaml.safe_load(text)
    users = stack_plans[stack].recording.of_type("kubernetes:kafka.strimzi.io/v1:KafkaUser")
    scram = {u.inputs["metadata"]["name"] for u in users if u.inputs["spec"]["authentication"]["type"] != "tls"}
    assert {s["name"] for s in pending["secrets"]} == {f"{user}-scram-password" for user in scram}
    for secret in pending["secrets"]:
        assert set(secret) == {"resource", "namespace", "name", "keys"}
        assert (secret["namespace"], secret["keys"]) == ("kafka", ["password"])
    assert pending["remote"] == [{"resource": "strimzi-crds", "type": "kubernetes:yaml/v2:ConfigFile",
                                  "source": "https://github.com/strimzi/strimzi-kafka-operator/releases/download/"
                                            "1.2.0/strimzi-crds-1.2.0.yaml"}]  # fmt: skip
    assert "[secret]" not in text
    assert GENERATED_OUTPUTS["random:index/randomPassword:RandomPassword"]["result"] not in text
    assert not any("secret-" in path for path in layout.files)


def registration(type_: str, name: str, inputs: dict[str, Any]) -> Registration:
    """A recorded resource with these wire inputs (``rpc.UNKNOWN`` for a value unknown at plan time)."""
    wire = json_format.ParseDict(inputs, struct_pb2.Struct())
    urn = f"urn:pulumi:dev::messaging-platform::{type_}::{name}"
    return Registration(urn, type_, name, "", True, False, False, (), (), (), wire.SerializeToString())


CONFIG_MAP = "kubernetes:core/v1:ConfigMap"


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (registration(CONFIG_MAP, "endpoint", {"apiVersion": "v1", "kind": "ConfigMap", "data": {"url": rpc.UNKNOWN},
                                               "metadata": {"name": "endpoint", "namespace": "kafka"}}),
         {"reason": "values known only at deploy time (data.url)", "fields": ["data.url"]}),
        (registration("kubernetes:core/v1:Namespace", "anonymous", {"apiVersion": "v1", "kind": "Namespace"}),
         {"reason": "no name: Pulumi auto-names it at deploy time (a random suffix)"}),
        (registration(CONFIG_MAP, "escape", {"apiVersion": "v1", "kind": "ConfigMap",
                                             "metadata": {"name": "../../escape", "namespace": "kafka"}}),
         {"reason": "name '../../escape' is not a valid Kubernetes name"}),
        (registration("kubernetes:helm.sh/v3:Release", "release", {"chart": "c", "name": "r",
                                                                   "values": {"token": rpc.UNKNOWN}}),
         {"reason": "values known only at deploy time (values.token)", "fields": ["values.token"]}),
    ],
    ids=["unknown-value", "auto-named", "unsafe-name", "helm-release-with-unknown-value"],
)  # fmt: skip
def test_what_cannot_be_applied_as_written_is_listed_not_written(
    resource: Registration, expected: dict[str, Any]
) -> None:
    layout = plan_layout(Recording("messaging-platform", "dev", [resource]))
    assert set(layout.files) == {"plan.json", "pending.yaml"}
    (entry,) = layout.pending.objects
    assert {k: v for k, v in entry.items() if k in ("reason", "fields")} == expected


def test_remote_sources_are_listed_with_their_source() -> None:
    kustomize = registration("kubernetes:kustomize/v2:Directory", "overlay", {"directory": "deploy/overlay"})
    layout = plan_layout(Recording("messaging-platform", "dev", [kustomize]))
    assert layout.pending.remote == [
        {"resource": "overlay", "type": "kubernetes:kustomize/v2:Directory", "source": "deploy/overlay"}
    ]


def test_replace_folder_writes_exactly_the_files_given_and_the_marker(tmp_path: Path) -> None:
    replace_folder(tmp_path / "out", {"a.txt": "a", "sub/b.txt": "b"})
    assert snapshot(tmp_path / "out") == {"a.txt": "a", "sub": "<dir>", "sub/b.txt": "b", MARKER: output._MARKER_TEXT}
