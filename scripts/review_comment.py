"""Render what ``scripts/review-pr.sh`` collected into one Markdown pull-request comment.

    python scripts/review_comment.py OUT_DIR BASE_SHA HEAD_SHA

Reads ``OUT_DIR/stacks/<stack>/`` (``codes.json``: the exit codes of the base and head plans, of
``diff`` and ``check``; ``diff.json``, ``diff.txt``, ``check.txt``, the plans' output) and
``OUT_DIR/base-stacks.txt``; writes ``OUT_DIR/comment.md``, prints the verdict and exits 1 when
something blocks, 2 when the review is incomplete, else 0. Standard library only.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MARKER = "<!-- messaging-platform-change-review -->"
# GitHub refuses comments over 65,536 characters; the raw outputs go first.
MAX_COMMENT = 60_000
EXIT_OK, EXIT_BLOCKING, EXIT_INCOMPLETE = 0, 1, 2
VERDICTS = {EXIT_OK: "✅ passes", EXIT_BLOCKING: "❌ blocked", EXIT_INCOMPLETE: "⚠️ incomplete"}


@dataclass
class StackReview:
    """One stack's results, read back from its folder."""

    name: str
    codes: dict[str, Any]
    diff: dict[str, Any] | None
    texts: dict[str, str]
    resources: int
    problems: list[str] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> int:
        if self.blocking:
            return EXIT_BLOCKING
        return EXIT_INCOMPLETE if self.problems else EXIT_OK


def read_stack(folder: Path) -> StackReview:
    """The results of one stack, with what blocks it and what kept its review from completing."""
    codes: dict[str, Any] = json.loads((folder / "codes.json").read_text())
    texts = {
        name: (folder / f"{name}.txt").read_text(errors="replace")
        for name in ("head-plan", "base-plan", "diff", "check")
        if (folder / f"{name}.txt").is_file()
    }
    diff = None
    if codes["diff"] in (0, 1) and (folder / "diff.json").is_file():
        diff = json.loads((folder / "diff.json").read_text())
    plan = folder / "head" / "plan.json"
    resources = len(json.loads(plan.read_text()).get("resources", [])) if plan.is_file() else 0
    review = StackReview(folder.name, codes, diff, texts, resources)

    head, base = codes["headPlan"], codes["basePlan"]
    if head in (1, 2):
        review.blocking.append(f"the head does not plan (exit {head})")
    elif head != 0:
        review.problems.append(f"planning the head failed (exit {head})")
    if base not in (None, 0, 1):
        review.problems.append(f"the base does not plan (exit {base}): nothing to compare with")
    if codes["diff"] == 1:
        review.blocking.append("blocking findings")
    elif codes["diff"] not in (None, 0):
        review.problems.append(f"diff failed (exit {codes['diff']})")
    if codes["check"] == 1:
        review.blocking.append("check: schema errors or mandatory violations")
    elif codes["check"] not in (None, 0):
        review.problems.append(f"check failed (exit {codes['check']})")
    if head in (0, 1) and codes["check"] is None:
        review.problems.append("check not run: the plan records no `environment` output")
    return review


def cell(text: object) -> str:
    """``text`` as one Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def fenced(title: str, text: str) -> str:
    fence = "````" if "```" in text else "```"
    return f"<details><summary>{title}</summary>\n\n{fence}text\n{text.rstrip()}\n{fence}\n</details>\n"


def check_lines(text: str) -> tuple[list[list[str]], str]:
    """``check``'s finding lines as [level, rule, resource: message], and its summary line."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return [], ""
    rows = [line.split(None, 2) for line in lines[:-1]]
    return [row for row in rows if len(row) == 3], lines[-1]


def summary_row(review: StackReview) -> str:
    env = review.codes.get("environment") or "?"
    check_summary = check_lines(review.texts.get("check", ""))[1]
    check_cell = check_summary.split("policies", 1)[-1].split(":", 1)[-1].strip() if check_summary else "not run"
    if review.diff is not None:
        s = review.diff["summary"]
        counts = [s["added"], s["changed"], s["removed"], s["renamed"], s["blocking"], s["advisory"]]
    elif review.codes["basePlan"] is None:
        counts = [f"new ({review.resources})", "-", "-", "-", "-", "-"]
    else:
        counts = ["?"] * 6
    return (
        "| "
        + " | ".join(cell(c) for c in [f"`{review.name}`", env, *counts, check_cell, VERDICTS[review.outcome]])
        + " |"
    )


def stack_section(review: StackReview, *, raw: bool) -> str:
    """The detail of one stack: why it blocks, its findings, its check result, the raw outputs."""
    env = review.codes.get("environment") or "?"
    out = [f"#### `{review.name}` (environment {env}): {VERDICTS[review.outcome]}\n"]
    if review.codes["basePlan"] is None:
        out.append(f"New stack: no `Pulumi.{review.name}.yaml` on the base; {review.resources} resources planned.\n")
    out += [f"- {reason}" for reason in review.blocking + review.problems]
    if review.blocking or review.problems:
        out.append("")
    findings = review.diff["findings"] if review.diff else []
    if findings:
        out += ["| level | finding | resource | message |", "| --- | --- | --- | --- |"]
        for f in findings:
            level = f"**{f['level']}**" if f["level"] == "blocking" else f["level"]
            out.append(f"| {level} | `{f['id']}` | {cell(f['resource'])} | {cell(f['message'])} |")
        out.append("")
    rows, check_summary = check_lines(review.texts.get("check", ""))
    if review.codes["check"] is not None:
        out.append(f"`messaging-platform check --env {env} <head plan>/manifests` (exit {review.codes['check']}): "
                   f"{check_summary or 'no output'}\n")  # fmt: skip
        if rows:
            out += ["| level | rule | resource: message |", "| --- | --- | --- |"]
            out += [f"| {cell(level)} | `{cell(rule)}` | {cell(rest)} |" for level, rule, rest in rows]
            out.append("")
    if raw:
        if review.codes["headPlan"] != 0:
            out.append(fenced(f"plan of the head (exit {review.codes['headPlan']})", review.texts.get("head-plan", "")))
        if review.codes["basePlan"] not in (None, 0):
            out.append(fenced(f"plan of the base (exit {review.codes['basePlan']})", review.texts.get("base-plan", "")))
        if "diff" in review.texts and (review.diff is None or review.diff["summary"] != _no_change()):
            # The findings are in the table above; the raw diff adds the field-by-field changes.
            changes = review.texts["diff"].split("\nfindings (", 1)[0]
            out.append(fenced("changes, field by field (messaging-platform diff)", changes))
    return "\n".join(out)


def _no_change() -> dict[str, int]:
    return dict.fromkeys(("added", "advisory", "blocking", "changed", "removed", "renamed"), 0)


def interesting(review: StackReview) -> bool:
    """Whether a stack gets its own section: anything but an unchanged stack that passes."""
    changed = review.diff is None or review.diff["summary"] != _no_change()
    return changed or review.outcome != EXIT_OK or bool(check_lines(review.texts.get("check", ""))[0])


def overall(reviews: list[StackReview]) -> int:
    """Blocked if one stack blocks, else incomplete if one is, else passes."""
    if any(r.outcome == EXIT_BLOCKING for r in reviews):
        return EXIT_BLOCKING
    return max((r.outcome for r in reviews), default=EXIT_OK)


def render(reviews: list[StackReview], removed: list[str], base: str, head: str, *, raw: bool = True) -> str:
    outcome = overall(reviews)
    out = [
        MARKER,
        f"### Kafka change review: {VERDICTS[outcome]}\n",
        f"Planned offline (`messaging-platform plan`, `diff`, `check`): base `{base[:12]}` → head `{head[:12]}`, "
        f"{len(reviews)} stack(s). Levels come from `components/policy/config/review.json`.\n",
        "| stack | env | added | changed | removed | renamed | blocking | advisory | check (policies) | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(summary_row(r) for r in reviews),
        "",
    ]
    if removed:
        out.append("Stack files removed on the head (not reviewed; removing the file destroys nothing): "
                   + ", ".join(f"`{name}`" for name in removed) + "\n")  # fmt: skip
    sections = [stack_section(r, raw=raw) for r in reviews if interesting(r)]
    out += sections or ["No stack changes.\n"]
    if not raw:
        out.append("_Raw plan and diff outputs left out for length: see the workflow run's artifact._\n")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: review_comment.py OUT_DIR BASE_SHA HEAD_SHA", file=sys.stderr)
        return EXIT_INCOMPLETE
    out, base, head = Path(argv[0]), argv[1], argv[2]
    reviews = [read_stack(folder) for folder in sorted((out / "stacks").iterdir()) if folder.is_dir()]
    base_stacks = (out / "base-stacks.txt").read_text().split()
    removed = sorted(set(base_stacks) - {r.name for r in reviews})
    comment = render(reviews, removed, base, head)
    if len(comment) > MAX_COMMENT:
        comment = render(reviews, removed, base, head, raw=False)[:MAX_COMMENT]
    (out / "comment.md").write_text(comment)
    outcome = overall(reviews)
    for review in reviews:
        reasons = "; ".join(review.blocking + review.problems)
        print(f"  {review.name}: {VERDICTS[review.outcome]}{f' ({reasons})' if reasons else ''}")
    print(f"review: {VERDICTS[outcome]}; wrote {out / 'comment.md'}")
    return outcome


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
