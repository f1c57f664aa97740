"""Render a recorded program run: ``plan.json``, Kubernetes manifests, and a readable tree."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import yaml

from .engine import SECRET, STACK_TYPE, UNKNOWN, Recording, Registration

PLAN_FORMAT_VERSION = 1
# Types that are Kubernetes objects declared inline (their inputs are the object), and the others:
# Helm releases (a chart and its values) and objects the provider reads at deploy time.
_HELM = "kubernetes:helm.sh/"
_REMOTE = ("kubernetes:yaml/", "kubernetes:kustomize/")
_NOT_OBJECTS = (_HELM, *_REMOTE)
# The plan folder: these three hold only what can be used as written; PENDING_FILE lists the rest.
MANIFESTS_DIR = "manifests"
HELM_DIR = "helm"
PENDING_FILE = "pending.yaml"
_PLACEHOLDERS = (SECRET, UNKNOWN)
_PENDING_HEADER = (
    "# Written by `messaging-platform plan`: what `pulumi up` would create that manifests/ and helm/ leave\n"
    "# out, because part of it is only known at deploy time. Names, keys and field paths, never values.\n"
)


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
    return [r.inputs for r in recording.resources if _is_object(r)]


@dataclass(frozen=True)
class PendingObjects:
    """What a plan folder lists instead of writing: nothing here can be applied as the plan sees it."""

    secrets: list[dict[str, Any]] = field(default_factory=list)
    """Secrets whose values Pulumi generates or holds encrypted: resource, namespace, name, keys."""
    objects: list[dict[str, Any]] = field(default_factory=list)
    """Other objects and Helm releases: resource, type, namespace, name, reason (and the fields)."""
    remote: list[dict[str, Any]] = field(default_factory=list)
    """Objects the provider reads at deploy time (``yaml/``, ``kustomize/``): resource, type, source."""

    def document(self) -> dict[str, Any]:
        """The ``pending.yaml`` document (every section present, empty or not)."""
        return {"formatVersion": PLAN_FORMAT_VERSION, "secrets": self.secrets, "objects": self.objects,
                "remote": self.remote}  # fmt: skip


@dataclass(frozen=True)
class PlanLayout:
    """The files of a plan folder (relative POSIX path -> text) and what they hold."""

    files: dict[str, str]
    manifests: int
    """Kubernetes objects under ``manifests/``, each complete: applicable as written."""
    helm_releases: int
    """Helm releases under ``helm/`` (chart, version, values), each complete."""
    pending: PendingObjects


def plan_layout(recording: Recording) -> PlanLayout:
    """Everything ``plan`` writes: ``plan.json``; ``manifests/<namespace>/<kind>-<name>.yaml`` (``_cluster/``
    when not namespaced) for each object whose content is fully known; ``helm/<release>.yaml`` for each
    such Helm release; and ``pending.yaml`` listing what neither holds (see :class:`PendingObjects`)."""
    files = {"plan.json": plan_json(recording)}
    pending = PendingObjects()
    manifests = helm_releases = 0
    for resource in sorted(recording.resources, key=lambda r: r.urn):
        document = resource.inputs
        if resource.type.startswith(_REMOTE):
            pending.remote.append({"resource": resource.name, "type": resource.type,
                                   "source": _remote_source(document)})  # fmt: skip
            continue
        helm = resource.type.startswith(_HELM)
        if helm:
            namespace, name = document.get("namespace") or "", document.get("name")
            path = f"{HELM_DIR}/{name}.yaml"
        elif _is_object(resource):
            metadata = document.get("metadata") or {}
            namespace, name = metadata.get("namespace") or "", metadata.get("name")
            path = f"{MANIFESTS_DIR}/{namespace or '_cluster'}/{str(document['kind']).lower()}-{name}.yaml"
        else:
            continue
        fields = _placeholder_fields(document)
        reason = _not_applicable(namespace, name, fields) or (
            f"{path} already holds another object of the same kind, namespace and name" if path in files else None
        )
        if reason is None:
            files[path] = _yaml(document)
            helm_releases += helm
            manifests += not helm
        elif fields and not helm and document.get("kind") == "Secret":
            pending.secrets.append({"resource": resource.name, "namespace": namespace, "name": name,
                                    "keys": _secret_keys(document)})  # fmt: skip
        else:
            entry = {"resource": resource.name, "type": resource.type, "namespace": namespace, "name": name}
            pending.objects.append(entry | {"reason": reason} | ({"fields": fields} if fields else {}))
    files[PENDING_FILE] = _PENDING_HEADER + _yaml(pending.document())
    return PlanLayout(files=files, manifests=manifests, helm_releases=helm_releases, pending=pending)


def remote_sources(recording: Recording) -> list[tuple[str, str]]:
    """Objects fetched by the provider at deploy time (``yaml/v2`` files): (resource name, source)."""
    return [(r.name, _remote_source(r.inputs)) for r in recording.resources if r.type.startswith(_REMOTE)]


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


def _is_object(resource: Registration) -> bool:
    return (
        resource.custom
        and resource.type.startswith("kubernetes:")
        and not resource.type.startswith(_NOT_OBJECTS)
        and "kind" in resource.inputs
    )


def _not_applicable(namespace: str, name: Any, fields: list[str]) -> str | None:
    """Why an object or release cannot be written as a file to apply, or None when it can."""
    if fields:
        return "values known only at deploy time (" + ", ".join(fields) + ")"
    if not name:
        return "no name: Pulumi auto-names it at deploy time (a random suffix)"
    for label, value in (("namespace", namespace), ("name", name)):
        # Kubernetes' own rule for names that are path segments; it also keeps every file inside the folder.
        # Ref: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#path-segment-names
        if value and (not isinstance(value, str) or value in (".", "..") or any(c in value for c in "/%\0")):
            return f"{label} {value!r} is not a valid Kubernetes name"
    return None


def _placeholder_fields(value: Any, path: str = "") -> list[str]:
    """Paths (``spec.foo[0].bar``) of every value the plan masked or could not know."""
    if isinstance(value, dict):
        return [f for key, item in value.items() for f in _placeholder_fields(item, f"{path}.{key}" if path else key)]
    if isinstance(value, list):
        return [f for index, item in enumerate(value) for f in _placeholder_fields(item, f"{path}[{index}]")]
    return [path or "."] if isinstance(value, str) and value in _PLACEHOLDERS else []


def _secret_keys(secret: dict[str, Any]) -> list[str]:
    """A Secret's keys (map keys are never masked, only values)."""
    keys = {key for section in ("data", "stringData") if isinstance(secret.get(section), dict)
            for key in secret[section]}  # fmt: skip
    return sorted(keys)


def _remote_source(inputs: dict[str, Any]) -> str:
    for key in ("file", "files", "directory", "url"):
        if inputs.get(key):
            return str(inputs[key])
    return "inline YAML (parsed by the provider at deploy time)"


# libyaml's emitter, 4-5x faster than PyYAML's pure-Python one (which wrote plan folders before).
# Their texts differ only in where long strings wrap and in escaping a character outside the Basic
# Multilingual Plane (``"\U0001F600"``) or a NEL (``"\N"``: the pure-Python emitter wrote it raw,
# and YAML read it back as a line break); the content is equal (README, "Performance").
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _yaml(document: Any) -> str:
    text: str = yaml.dump(document, Dumper=_DUMPER, sort_keys=True, default_flow_style=False, allow_unicode=True)
    return text
