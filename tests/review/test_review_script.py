"""``scripts/review-pr.sh``, the pull-request review, run as the workflow runs it: on a throwaway git
repository holding this checkout, base against a branch with hazardous catalog edits and a new stack,
and base against itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CRD_DIR, PROJECT_DIR
from tests.review.test_diff_command import DELETED, SHRUNK, Catalog

MARKER = "<!-- messaging-platform-change-review -->"


@dataclass(frozen=True)
class Review:
    code: int
    stdout: str
    comment: str


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository of this checkout (tracked and new files, as they are now): ``main``, and the
    branch ``hazard`` that shrinks a topic, deletes another and adds a stack."""
    repo = tmp_path_factory.mktemp("review") / "repo"
    listed = _git(PROJECT_DIR, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        if (PROJECT_DIR / name).is_file():  # a tracked file deleted in the checkout is left out
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_DIR / name, repo / name)
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "config", "user.name", "review test")
    _git(repo, "config", "user.email", "review-test@example.invalid")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--message", "base")
    _git(repo, "checkout", "--quiet", "-b", "hazard")
    catalog = Catalog(repo)
    catalog.topic(SHRUNK)["partitions"] = 6
    catalog.delete_topic(DELETED)
    catalog.save()
    shutil.copy(repo / "Pulumi.dev.yaml", repo / "Pulumi.staging.yaml")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--message", "hazard")
    _git(repo, "checkout", "--quiet", "main")
    return repo


def run_review(repo: Path, base: str, head: str, stacks: str = "") -> Review:
    out = repo.parent / f"review-{base}-{head}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(PYTHON=sys.executable, MESSAGING_PLATFORM_CRDS=str(CRD_DIR), REVIEW_STACKS=stacks)
    result = subprocess.run(
        ["bash", "scripts/review-pr.sh", base, head, str(out)],
        check=False, cwd=repo, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.stderr == ""
    return Review(result.returncode, result.stdout, (out / "comment.md").read_text())


@pytest.fixture(scope="module")
def hazard(repo: Path) -> Review:
    return run_review(repo, "main", "hazard")


def test_hazardous_change_blocks_with_its_findings_in_the_comment(hazard: Review) -> None:
    assert hazard.code == 1, hazard.stdout
    assert hazard.comment.startswith(MARKER + "\n### Kafka change review: ❌ blocked")
    assert "| `prod` | prod | 0 | 3 | 1 | 0 | 2 | 2 | 0 mandatory, 0 advisory | ❌ blocked |" in hazard.comment
    prod = hazard.comment.split("#### `prod`", 1)[1]
    assert f"| **blocking** | `partitions-decreased` | KafkaTopic kafka/{SHRUNK} |" in prod
    assert f"| **blocking** | `topic-deleted` | KafkaTopic kafka/{DELETED} |" in prod
    assert "~ spec.partitions: 12 -> 6" in prod
    assert "review: ❌ blocked; wrote" in hazard.stdout


def test_dev_findings_are_advisory(hazard: Review) -> None:
    dev = hazard.comment.split("#### `dev`", 1)[1].split("#### ", 1)[0]
    assert dev.startswith(" (environment dev): ✅ passes")
    assert "| advisory | `partitions-decreased` |" in dev


def test_stack_new_on_head_is_reported_as_new(hazard: Review) -> None:
    assert "| `staging` | dev | new (" in hazard.comment
    assert "New stack: no `Pulumi.staging.yaml` on the base;" in hazard.comment


def test_unchanged_head_passes(repo: Path) -> None:
    review = run_review(repo, "main", "main", stacks="dev prod")  # REVIEW_STACKS: two stacks are enough here
    assert review.code == 0, review.stdout
    assert "stacks dev prod" in review.stdout
    assert review.comment.startswith(MARKER + "\n### Kafka change review: ✅ passes")
    assert "No stack changes." in review.comment
    assert _git(repo, "worktree", "list").count("\n") == 1  # the script's worktrees are gone


def test_unknown_ref_is_bad_input(repo: Path) -> None:
    result = subprocess.run(
        ["bash", "scripts/review-pr.sh", "main", "no-such-branch", str(repo.parent / "unused")],
        check=False, cwd=repo, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert "'no-such-branch' is not a commit" in result.stderr
