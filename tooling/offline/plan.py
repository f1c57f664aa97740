"""Render a recorded program run: ``plan.json``, Kubernetes manifests, and a readable tree."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from .engine import STACK_TYPE, Recording, Registration

PLAN_FORMAT_VERSION = 1
# Types that are Kubernetes objects declared inline (their inputs are the object).
_NOT_OBJECTS = ("kubernetes:helm.sh/", "kubernetes:yaml/", "kubernetes:kustomize/")
HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release"


def plan_document(recording: Recording) -> dict[str, Any]:
    """The ``plan.json`` document: stable key order, resources sorted by URN, secrets masked."""
    return {
        "formatVersion": PLAN_FORMAT_VERSION,
        "project": recording.project,
        "stack": recording.stack,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "custom": r.custom,
                "protect": r.protect,
                "retainOnDelete": r.retain_on_delete,
                "dependsOn": list(r.depends_on),
                "aliases": list(r.aliases),
                "hooks": list(r.hooks),
                "inputs": r.inputs,
            }
            for r in sorted(recording.resources, key=lambda r: r.urn)
        ],
        "outputs": recording.outputs,
    }


def plan_json(recording: Recording) -> str:
    """``plan.json`` text: byte-identical for identical programs and config."""
    return json.dumps(plan_document(recording), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def kubernetes_objects(recording: Recording) -> list[dict[str, Any]]:
    """Every Kubernetes object the stack declares inline, as it would be applied."""
    return [
        r.inputs
        for r in recording.resources
        if r.custom and r.type.startswith("kubernetes:") and not r.type.startswith(_NOT_OBJECTS) and "kind" in r.inputs
    ]


def write_manifests(recording: Recording, directory: Path) -> list[Path]:
    """Write one YAML file per object (``<namespace>/<kind>-<name>.yaml``, ``_cluster/`` when not
    namespaced) and one per Helm release (``helm/<release>.yaml``). Returns the files written."""
    written = []
    for obj in kubernetes_objects(recording):
        metadata = obj.get("metadata") or {}
        folder = metadata.get("namespace") or "_cluster"
        path = directory / folder / f"{obj['kind'].lower()}-{metadata.get('name', 'unnamed')}.yaml"
        written.append(_write_yaml(path, obj))
    for release in recording.of_type(HELM_RELEASE_TYPE):
        name = release.inputs.get("name") or release.name
        written.append(_write_yaml(directory / "helm" / f"{name}.yaml", release.inputs))
    return written


def remote_sources(recording: Recording) -> list[tuple[str, str]]:
    """Objects fetched by the provider at deploy time (``yaml/v2`` files): (resource name, source)."""
    return [
        (r.name, str(r.inputs.get("file") or r.inputs.get("files")))
        for r in recording.resources
        if r.type.startswith("kubernetes:yaml/")
    ]


def render_tree(recording: Recording) -> str:
    """The resources as a tree of ``type name`` lines, children under their parent."""
    children: dict[str, list[Registration]] = defaultdict(list)
    roots = []
    known = {r.urn for r in recording.resources}
    for resource in sorted(recording.resources, key=lambda r: (r.type, r.name)):
        if resource.parent in known:
            children[resource.parent].append(resource)
        else:
            roots.append(resource)
    lines: list[str] = []

    def walk(resource: Registration, prefix: str, last: bool, top: bool) -> None:
        flags = [flag for flag, on in (("protected", resource.protect), ("retained", resource.retain_on_delete)) if on]
        label = f"{resource.type}  {resource.name}" + (f"  [{', '.join(flags)}]" if flags else "")
        lines.append(label if top else f"{prefix}{'└─ ' if last else '├─ '}{label}")
        kids = children.get(resource.urn, [])
        for index, kid in enumerate(kids):
            walk(kid, "" if top else prefix + ("   " if last else "│  "), index == len(kids) - 1, False)

    for root in roots:
        walk(root, "", True, True)
    return "\n".join(lines)


def summary_counts(recording: Recording) -> dict[str, int]:
    """Resource counts for the plan summary."""
    resources = [r for r in recording.resources if r.type != STACK_TYPE]
    return {
        "resources": len(resources),
        "custom": sum(r.custom for r in resources),
        "components": sum(not r.custom for r in resources),
        "protected": sum(r.protect for r in resources),
        "retained": sum(r.retain_on_delete for r in resources),
    }


def _write_yaml(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=True, default_flow_style=False, allow_unicode=True))
    return path
