"""``messaging-platform diff --preview-json FILE``: review the steps of a real ``pulumi preview --json``.

The engine has already matched old and new (each step's ``oldState``/``newState``), so the steps
become review :class:`Pair`\\ s for :func:`messaging_platform.review.review_pairs`; the report is the
one ``diff`` prints for two plans. A preview that failed (a protected resource, a guard hook that
refused the change during the dry run) printed only the steps before the failure: the review says
so, lists the preview's errors, and blocks; what a guard refused is reported as the finding its
message names (the guards and the review share one function).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from messaging_platform.review import (
    FINDING_IDS,
    Finding,
    Pair,
    Resource,
    ReviewConfigError,
    ReviewLevels,
    apply_levels,
    load_review_levels,
    review_pairs,
)
from messaging_platform.review.model import STACK_TYPE

from .diff import DiffResult, Plan, diff_document, render_text
from .offline.check import InputError

# The engine's marker for a value unknown until deployment (an output of a resource not created yet),
# as `pulumi preview --json` prints it; plan.json writes "[unknown]" for the same thing.
PREVIEW_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PLAN_UNKNOWN = "[unknown]"
ENVIRONMENT_KEY = "messaging-platform:environment"
# Inputs the Terraform bridge adds to every resource (which inputs it defaulted): not the user's.
_BRIDGE_KEYS = ("__defaults",)
# Steps whose resource is gone afterwards (any newState they carry is not the resource's future).
_REFUSAL = re.compile(r"^\s*- \[([a-z-]+)\] (.+)$", re.MULTILINE)
_GONE = ("delete", "discard", "delete-replaced", "read-discard")


@dataclass(frozen=True)
class Preview:
    """A ``pulumi preview --json`` document as the review reads it."""

    path: Path
    project: str
    stack: str
    environment: str | None
    """``messaging-platform:environment`` of the preview's config, else the stack's ``environment`` output."""
    pairs: tuple[Pair, ...]
    errors: tuple[str, ...]
    """The preview's error diagnostics: when any, the preview failed and later steps are missing."""
    refusals: tuple[Finding, ...] = ()
    """What the program's update guards refused during the preview (their messages name the finding
    id: ``- [partitions-decreased] orders.v1: ...``): no step exists for those resources."""


@dataclass(frozen=True)
class PreviewResult:
    """A reviewed preview: the same result ``diff`` gives, plus the preview's own errors."""

    diff: DiffResult
    errors: tuple[str, ...]

    @property
    def blocks(self) -> bool:
        """A blocking finding, or a failed preview (``pulumi up`` would fail the same way)."""
        return self.diff.blocks or bool(self.errors)


def load_preview(path: Path) -> Preview:
    """Read the JSON ``pulumi preview --json`` printed; InputError when it is not one."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file (write one with `pulumi preview --json > {path}`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc}); expected the output of `pulumi preview --json`") from None
    if not isinstance(document, Mapping) or not isinstance(document.get("steps"), list):
        raise InputError(f"{path}: not the output of `pulumi preview --json`: expected an object with 'steps' (a list)")
    old: dict[str, Resource] = {}
    new: dict[str, Resource] = {}
    stack_outputs: Mapping[str, Any] = {}
    stack_urn = ""
    for index, step in enumerate(document["steps"]):
        if not (isinstance(step, Mapping) and isinstance(step.get("urn"), str) and isinstance(step.get("op"), str)):
            raise InputError(f"{path}: steps[{index}]: expected an object with 'op' and 'urn'")
        # A replacement is several steps of one URN (create-replacement, replace, delete-replaced):
        # one pair, old from the first step with an oldState, new from the first with a newState.
        for key, side in (("oldState", old), ("newState", new)):
            state = step.get(key)
            if not isinstance(state, Mapping) or (key == "newState" and step["op"] in _GONE):
                continue
            resource = _resource(path, index, key, state, step["urn"])
            if resource.type == STACK_TYPE:
                stack_urn = stack_urn or resource.urn
                outputs = state.get("outputs")
                stack_outputs = stack_outputs or (outputs if isinstance(outputs, Mapping) else {})
                continue
            side.setdefault(step["urn"], resource)
    pairs = []
    for urn in sorted(set(old) | set(new)):
        before, after = old.get(urn), new.get(urn)
        if before is None or after is None:
            pairs.append(Pair(before, after))
        else:
            pairs.append(Pair(before, after, "urn" if before.urn == after.urn else "alias"))
    project, stack = _project_and_stack(stack_urn or min(set(old) | set(new), default=""))
    config = document.get("config")
    environment = config.get(ENVIRONMENT_KEY) if isinstance(config, Mapping) else None
    if not isinstance(environment, str):
        environment = stack_outputs.get("environment") if isinstance(stack_outputs.get("environment"), str) else None
    errors = tuple(
        str(d.get("message", "")).strip()
        for d in document.get("diagnostics") or ()
        if isinstance(d, Mapping) and d.get("severity") == "error"
    )
    refusals = tuple(
        refusal
        for d in document.get("diagnostics") or ()
        if isinstance(d, Mapping) and d.get("severity") == "error"
        for refusal in guard_refusals(str(d.get("message", "")), str(d.get("urn") or ""))
    )
    return Preview(path, project, stack, environment, tuple(pairs), errors, refusals)


def guard_refusals(message: str, urn: str) -> list[Finding]:
    """The findings an update guard (``before_update``/``before_delete`` hook) refused, read from its
    error message: one per ``- [finding-id] ...`` line."""
    findings = []
    for match in _REFUSAL.finditer(message):
        finding_id, text = match.group(1), match.group(2).strip()
        if finding_id in FINDING_IDS:
            name = urn.rsplit("::", 1)[-1] if urn else ""
            kind = urn.split("::")[2].rsplit("$", 1)[-1] if urn.count("::") >= 3 else ""
            findings.append(Finding(finding_id, f"{kind} {name}".strip(), text, urn, unsafe=True))
    return findings


def diff_preview(preview: Preview, environment: str | None = None, levels: ReviewLevels | None = None) -> PreviewResult:
    """Review the preview's steps with the levels of ``environment`` (default: the preview's own)."""
    chosen = environment or preview.environment
    if not chosen:
        raise InputError(
            f"{preview.path} records no environment (config '{ENVIRONMENT_KEY}' or an 'environment' stack "
            "output); pass --env"
        )
    try:
        by_id = (levels or load_review_levels()).for_environment(chosen)
    except ReviewConfigError as exc:
        raise InputError(str(exc)) from None
    result = review_pairs(preview.pairs)
    result = replace(result, findings=(*result.findings, *preview.refusals))
    side = Plan(preview.path, preview.project, preview.stack, chosen, ())
    diff = DiffResult(side, side, chosen, result, tuple(apply_levels(result.findings, by_id)))
    return PreviewResult(diff, preview.errors)


def render_preview_text(result: PreviewResult) -> str:
    """``diff``'s text, then the preview's errors when it failed."""
    text = render_text(result.diff)
    if not result.errors:
        return text
    lines = [f"preview failed ({len(result.errors)} error(s)): steps after the failure are missing from this review"]
    lines.extend(f"error     {message}" for message in result.errors)
    return text + "\n" + "\n".join(lines)


def render_preview_json(result: PreviewResult) -> str:
    """``diff``'s JSON document with ``previewErrors`` (empty when the preview succeeded); ``blocking``
    is also true when the preview failed."""
    document = diff_document(result.diff)
    document["previewErrors"] = list(result.errors)
    document["blocking"] = result.blocks
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)


def _resource(path: Path, index: int, key: str, state: Mapping[str, Any], urn: str) -> Resource:
    if not isinstance(state.get("type"), str):
        raise InputError(f"{path}: steps[{index}].{key}: expected an object with 'type'")
    inputs = state.get("inputs") or {}
    if not isinstance(inputs, Mapping):
        raise InputError(f"{path}: steps[{index}].{key}.inputs: expected an object")
    return Resource(
        type=str(state["type"]),
        urn=str(state.get("urn") or urn),
        inputs=_known({k: v for k, v in inputs.items() if k not in _BRIDGE_KEYS}),
        aliases=tuple(str(a) for a in state.get("aliases") or () if isinstance(a, str)),
        parent=str(state.get("parent") or ""),
        protect=bool(state.get("protect")),
        retain_on_delete=bool(state.get("retainOnDelete")),
    )


def _known(value: Any) -> Any:
    """``value`` with the engine's unknown sentinel written as plan.json writes it."""
    if isinstance(value, Mapping):
        return {k: _known(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_known(v) for v in value]
    return PLAN_UNKNOWN if value == PREVIEW_UNKNOWN else value


def _project_and_stack(urn: str) -> tuple[str, str]:
    """``urn:pulumi:STACK::PROJECT::...`` -> (PROJECT, STACK)."""
    parts = urn.removeprefix("urn:pulumi:").split("::")
    return (parts[1], parts[0]) if len(parts) > 2 else ("", "")
