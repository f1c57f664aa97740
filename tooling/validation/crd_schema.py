"""Strict validation of custom resources against CustomResourceDefinition schemas.

The API server prunes unknown fields silently; ``kubectl --validate=strict`` (and this module)
reports them instead. Every object schema that declares ``properties`` is closed unless it says
``x-kubernetes-preserve-unknown-fields``. ``x-kubernetes-int-or-string`` and ``nullable`` are
honoured. CEL rules (``x-kubernetes-validations``) are not evaluated here.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

# libyaml's loader when PyYAML was built with it: the Kafka CRD alone is 5,700 lines.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Ref: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


@dataclass(frozen=True)
class SchemaViolation:
    """One way an object breaks its CRD schema."""

    kind: str
    namespace: str
    name: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {where}: {self.path or '(root)'}: {self.message}"


class CrdSchemas:
    """The schemas of a set of CRDs, keyed by ``(apiVersion, kind)``."""

    def __init__(self, validators: dict[tuple[str, str], Draft202012Validator], groups: set[str]) -> None:
        self._validators = validators
        self.groups = groups

    @classmethod
    @functools.cache
    def load(cls, directory: Path) -> CrdSchemas:
        """Read every CustomResourceDefinition in ``directory`` (``*.yaml``); cached per directory."""
        validators: dict[tuple[str, str], Draft202012Validator] = {}
        groups: set[str] = set()
        for path in sorted(directory.glob("*.yaml")):
            for document in yaml.load_all(path.read_text(), Loader=_LOADER):
                if not isinstance(document, Mapping) or document.get("kind") != "CustomResourceDefinition":
                    continue
                spec = document["spec"]
                groups.add(spec["group"])
                for version in spec["versions"]:
                    if not version.get("served", False):
                        continue
                    schema = strict_schema(version["schema"]["openAPIV3Schema"])
                    key = (f"{spec['group']}/{version['name']}", spec["names"]["kind"])
                    validators[key] = Draft202012Validator(schema)
        if not validators:
            raise FileNotFoundError(f"no CustomResourceDefinitions found in {directory}")
        return cls(validators, groups)

    @property
    def kinds(self) -> list[tuple[str, str]]:
        """Every served ``(apiVersion, kind)``."""
        return sorted(self._validators)

    def covers(self, obj: Mapping[str, Any]) -> bool:
        """Whether the object belongs to one of these CRDs' API groups."""
        return str(obj.get("apiVersion", "")).split("/")[0] in self.groups

    def validate(self, obj: Mapping[str, Any]) -> list[SchemaViolation]:
        """Every schema violation of one object (empty when valid)."""
        kind = str(obj.get("kind", "?"))
        metadata = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
        assert isinstance(metadata, Mapping)
        name, namespace = str(metadata.get("name", "?")), str(metadata.get("namespace", ""))

        def violation(path: str, message: str) -> SchemaViolation:
            return SchemaViolation(kind, namespace, name, path, message)

        validator = self._validators.get((str(obj.get("apiVersion")), kind))
        if validator is None:
            served = ", ".join(f"{v} {k}" for v, k in self.kinds if k == kind) or "none"
            return [violation("apiVersion", f"{obj.get('apiVersion')} {kind} is not served (served: {served})")]
        violations = [violation(path, message) for path, message in _metadata_problems(metadata)]
        for error in sorted(
            validator.iter_errors(dict(obj)), key=lambda e: (list(map(str, e.absolute_path)), e.message)
        ):
            violations.append(violation(_path(error.absolute_path), error.message))
        return violations


def strict_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON Schema equivalent of a structural CRD schema that rejects unknown fields."""
    result = copy.deepcopy(dict(schema))
    _tighten(result)
    return result


def _tighten(node: dict[str, Any]) -> None:
    for child in _children(node):
        _tighten(child)
    if node.pop("x-kubernetes-int-or-string", False):
        node.pop("type", None)
        node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    preserve = node.pop("x-kubernetes-preserve-unknown-fields", False)
    node.pop("x-kubernetes-validations", None)
    if node.pop("nullable", False) and "type" in node:
        node["type"] = [node["type"], "null"]
    if node.get("type") == "object" and "properties" in node and not preserve:
        node.setdefault("additionalProperties", False)


def _children(node: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for key in ("properties", "patternProperties"):
        yield from (v for v in node.get(key, {}).values() if isinstance(v, dict))
    for key in ("items", "additionalProperties", "not"):
        if isinstance(node.get(key), dict):
            yield node[key]
    for key in ("anyOf", "oneOf", "allOf"):
        yield from (v for v in node.get(key, []) if isinstance(v, dict))


def _metadata_problems(metadata: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = []
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        problems.append(("metadata.name", "is required"))
    elif len(name) > 253 or not _DNS_SUBDOMAIN.match(name):
        problems.append(("metadata.name", f"'{name}' is not a valid Kubernetes name (lowercase DNS-1123 subdomain)"))
    for key in ("labels", "annotations"):
        values = metadata.get(key) or {}
        if not isinstance(values, Mapping):
            problems.append((f"metadata.{key}", "must be a map of strings"))
            continue
        for label, value in values.items():
            if not isinstance(value, str):
                problems.append((f"metadata.{key}.{label}", f"{value!r} is not a string"))
    return problems


def _path(parts: Iterable[Any]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path
