"""``messaging-platform diff``: review the change between two plans (``plan.json`` files or plan folders).

The comparison itself is the library's (:mod:`messaging_platform.review`); this module reads the
plans, picks the environment's levels from ``review.json`` and renders the result as text or JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from messaging_platform.review import (
    ABSENT,
    Change,
    LeveledFinding,
    Resource,
    Review,
    ReviewConfigError,
    ReviewLevels,
    apply_levels,
    blocking,
    load_review_levels,
    review,
)

from .offline.check import InputError
from .offline.plan import PLAN_FORMAT_VERSION

DIFF_FORMAT_VERSION = 1
_VALUE_WIDTH = 100


@dataclass(frozen=True)
class Plan:
    """A ``plan.json`` as the review reads it."""

    path: Path
    project: str
    stack: str
    environment: str | None
    resources: tuple[Resource, ...]


@dataclass(frozen=True)
class DiffResult:
    """A reviewed change and its findings at the environment's levels."""

    old: Plan
    new: Plan
    environment: str
    review: Review
    findings: tuple[LeveledFinding, ...]

    @property
    def blocks(self) -> bool:
        """Whether a finding is blocking in this environment."""
        return bool(blocking(self.findings))


def load_plan(path: Path) -> Plan:
    """Read ``path`` (a ``plan.json`` or a folder holding one); InputError when it is not a usable plan."""
    file = path / "plan.json" if path.is_dir() else path
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        where = f"no plan.json in {path}" if path.is_dir() else f"{path}: no such file"
        raise InputError(f"{where} (write one with `messaging-platform plan --stack STACK --out DIR`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{file}: not JSON ({exc}); expected a plan.json written by `messaging-platform plan`"
        ) from None
    if not isinstance(document, Mapping) or not isinstance(document.get("resources"), list):
        raise InputError(f"{file}: not a plan.json: expected an object with 'resources' (a list)")
    if document.get("formatVersion") != PLAN_FORMAT_VERSION:
        raise InputError(
            f"{file}: plan formatVersion {document.get('formatVersion')!r} is not supported "
            f"(expected {PLAN_FORMAT_VERSION}); plan both sides with this version"
        )
    resources = []
    for index, entry in enumerate(document["resources"]):
        if not (
            isinstance(entry, Mapping)
            and isinstance(entry.get("urn"), str)
            and isinstance(entry.get("type"), str)
            and isinstance(entry.get("inputs", {}), Mapping)
        ):
            raise InputError(f"{file}: resources[{index}]: expected an object with 'urn', 'type' and 'inputs'")
        resources.append(Resource.from_plan_entry(entry))
    outputs = document.get("outputs")
    environment = outputs.get("environment") if isinstance(outputs, Mapping) else None
    return Plan(
        file,
        str(document.get("project", "")),
        str(document.get("stack", "")),
        environment if isinstance(environment, str) else None,
        tuple(resources),
    )


def diff_plans(old: Plan, new: Plan, environment: str | None = None, levels: ReviewLevels | None = None) -> DiffResult:
    """Review ``old`` -> ``new`` with the levels of ``environment`` (default: the one the new plan records)."""
    if (old.project, old.stack) != (new.project, new.stack):
        raise InputError(
            f"{old.path} is stack {old.project}/{old.stack} but {new.path} is {new.project}/{new.stack}: "
            "compare two plans of the same stack"
        )
    chosen = environment or new.environment
    if not chosen:
        raise InputError(f"{new.path} records no environment (outputs.environment); pass --env")
    try:
        by_id = (levels or load_review_levels()).for_environment(chosen)
    except ReviewConfigError as exc:
        raise InputError(str(exc)) from None
    result = review(old.resources, new.resources)
    return DiffResult(old, new, chosen, result, tuple(apply_levels(result.findings, by_id)))


def render_text(result: DiffResult) -> str:
    """The readable summary: added, changed (field by field), removed, renamed, then one line per finding."""
    change = result.review
    lines = [
        f"diff {result.new.stack} ({result.old.path} -> {result.new.path}), environment {result.environment}: "
        f"{len(change.added)} added, {len(change.changed)} changed, {len(change.removed)} removed, "
        f"{len(change.renamed)} renamed"
    ]
    for resource in change.added:
        lines.append(f"  + {resource.display}")
    for changed in change.changed:
        lines.append(f"  ~ {changed.resource.display}")
        lines.extend(f"      {_change_line(item)}" for item in changed.changes)
    for resource in change.removed:
        lines.append(f"  - {resource.display}")
    for renamed in change.renamed:
        lines.append(f"  > {renamed.new.display}: {renamed.old.name} -> {renamed.new.name} (via {renamed.via})")
    count = len(blocking(result.findings))
    lines.append(f"findings ({result.environment}): {count} blocking, {len(result.findings) - count} advisory")
    lines.extend(str(finding) for finding in result.findings)
    return "\n".join(lines)


def diff_document(result: DiffResult) -> dict[str, Any]:
    """The ``--format json`` document (shape documented in the README; ``formatVersion`` changes with it)."""
    change = result.review
    count = len(blocking(result.findings))
    return {
        "formatVersion": DIFF_FORMAT_VERSION,
        "stack": result.new.stack,
        "environment": result.environment,
        "old": str(result.old.path),
        "new": str(result.new.path),
        "blocking": result.blocks,
        "summary": {
            "added": len(change.added),
            "changed": len(change.changed),
            "removed": len(change.removed),
            "renamed": len(change.renamed),
            "blocking": count,
            "advisory": len(result.findings) - count,
        },
        "added": [_resource(r) for r in change.added],
        "changed": [
            {**_resource(c.resource), "changes": [_change(item) for item in c.changes]} for c in change.changed
        ],
        "removed": [_resource(r) for r in change.removed],
        "renamed": [
            {"type": r.new.type, "oldUrn": r.old.urn, "newUrn": r.new.urn, "resource": r.new.display, "via": r.via}
            for r in change.renamed
        ],
        "findings": [
            {
                "id": f.finding.id,
                "level": f.level,
                "resource": f.finding.resource,
                "urn": f.finding.urn,
                "message": f.finding.message,
                "unsafe": f.finding.unsafe,
            }
            for f in result.findings
        ],
    }


def render_json(result: DiffResult) -> str:
    """``diff_document`` as stable JSON text (sorted keys, two-space indent)."""
    return json.dumps(diff_document(result), indent=2, sort_keys=True, ensure_ascii=False)


def _resource(resource: Resource) -> dict[str, Any]:
    return {"urn": resource.urn, "type": resource.type, "resource": resource.display}


def _change(change: Change) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": change.path}
    if change.old is not ABSENT:
        entry["old"] = change.old
    if change.new is not ABSENT:
        entry["new"] = change.new
    return entry


def _change_line(change: Change) -> str:
    if change.old is ABSENT:
        return f"+ {change.path}: {_show(change.new)}"
    if change.new is ABSENT:
        return f"- {change.path}: {_show(change.old)}"
    return f"~ {change.path}: {_show(change.old)} -> {_show(change.new)}"


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"
