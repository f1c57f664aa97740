"""Validation of custom resources as the API server validates them on create, strictly.

For each object: its ``metadata`` (:mod:`.object_meta`), its CRD version's OpenAPI schema and the
schema's CEL rules (:mod:`.cel_rules`), on the object as the API server sees it after decoding:
``null`` for a field that is not ``nullable`` is dropped (or replaced by the field's ``default``),
then defaults are applied (Ref:
https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#defaulting-and-nullable,
"Null values for fields that either don't specify the nullable flag, or give it a false value, will
be pruned before defaulting happens. If a default is present, it will be applied.";
k8s.io/apiextensions-apiserver v0.36.3 pkg/apiserver/schema/defaulting, ``PruneNonNullableNullsWithoutDefaults``
and ``Default``). A null list item is not dropped, so it fails its schema's type.

The API server prunes unknown fields silently; ``kubectl --validate=strict`` (and this module)
reports them instead. Every object schema that declares ``properties`` is closed unless it says
``x-kubernetes-preserve-unknown-fields``. ``x-kubernetes-int-or-string`` and ``nullable`` are
honoured. As in the API server, CEL rules run only when the schema and metadata checks found no
error of a blocking kind (wrong type, unsupported enum value, missing required field, too long,
too many), and otherwise one error says that they did not (Ref: pkg/registry/customresource/strategy.go,
``hasBlockingErr``).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError

from .cel_rules import CelValidator, RuleSite
from .object_meta import UNDECODABLE, validate_object_meta

# libyaml's loader when PyYAML was built with it: the Kafka CRD alone is 5,700 lines.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SCHEMA_RULE = "crd-schema"
CEL_RULE = "crd-cel"
METADATA_RULE = "object-metadata"
# JSON Schema keywords whose failures the API server reports as FieldValueTypeInvalid, NotSupported,
# Required, TooLong or TooMany: the kinds that keep CEL rules from running.
_BLOCKING_KEYWORDS = frozenset({"type", "enum", "required", "maxLength", "maxItems", "maxProperties"})
_BLOCKING_METADATA = ("Required value", "Too long")
_CEL_NOT_RUN = ("Invalid value: null: some validation rules were not checked because the object was invalid; "
                "correct the existing errors to complete validation")  # fmt: skip


@dataclass(frozen=True)
class SchemaViolation:
    """One way an object breaks its CRD: schema, CEL rule or metadata (``rule`` says which)."""

    kind: str
    namespace: str
    name: str
    path: str
    message: str
    rule: str = SCHEMA_RULE
    """``crd-schema``, ``crd-cel`` or ``object-metadata``."""

    def __str__(self) -> str:
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {where}: {self.path or '(root)'}: {self.message}"


@dataclass(frozen=True)
class CrdVersion:
    """One served version of a CRD: what validates its objects (compiled when first used: a run
    that meets a few kinds compiles a few)."""

    schema: dict[str, Any]
    """The version's ``openAPIV3Schema`` as written."""
    strict: dict[str, Any]
    """The schema tightened (:func:`strict_schema`)."""
    namespaced: bool

    @functools.cached_property
    def validator(self) -> Draft202012Validator:
        """The tightened schema's validator."""
        return Draft202012Validator(self.strict)

    @functools.cached_property
    def cel(self) -> CelValidator | None:
        """The version's CEL rules, compiled (None when it has none)."""
        return CelValidator.from_schema(self.schema)


class CrdSchemas:
    """The served versions of a set of CRDs, keyed by ``(apiVersion, kind)``."""

    def __init__(self, versions: dict[tuple[str, str], CrdVersion], groups: set[str]) -> None:
        self._versions = versions
        self.groups = groups

    @classmethod
    @functools.cache
    def load(cls, directory: Path) -> CrdSchemas:
        """Read every CustomResourceDefinition in ``directory`` (``*.yaml``); each version's validators
        are compiled when first used. Cached per directory for the life of the process, and on disk
        (see :func:`_cache_path`)."""
        files = [(path.name, path.read_bytes()) for path in sorted(directory.glob("*.yaml"))]
        cache = _cache_path(files)
        served = _read_cache(cache) if cache is not None else None
        if served is None:
            served = _served_versions(files)
            if cache is not None:
                _write_cache(cache, served)
        versions = {
            (entry["apiVersion"], entry["kind"]): CrdVersion(entry["schema"], entry["strict"], entry["namespaced"])
            for entry in served["versions"]
        }
        if not versions:
            raise FileNotFoundError(f"no CustomResourceDefinitions found in {directory}")
        return cls(versions, set(served["groups"]))

    @property
    def kinds(self) -> list[tuple[str, str]]:
        """Every served ``(apiVersion, kind)``."""
        return sorted(self._versions)

    @property
    def cel_rules(self) -> list[tuple[str, str, RuleSite]]:
        """Every CEL rule of every served version: ``(apiVersion, kind, site)``."""
        return [(api, kind, site) for (api, kind), v in sorted(self._versions.items()) if v.cel for site in v.cel.sites]

    @property
    def skipped_cel_rules(self) -> list[tuple[str, str, RuleSite]]:
        """The CEL rules an offline check cannot evaluate (transition rules, missing library functions)."""
        return [(api, kind, site) for api, kind, site in self.cel_rules if site.rule.program is None]

    def covers(self, obj: Mapping[str, Any]) -> bool:
        """Whether the object belongs to one of these CRDs' API groups."""
        return str(obj.get("apiVersion", "")).split("/")[0] in self.groups

    def validate(self, obj: Mapping[str, Any]) -> list[SchemaViolation]:
        """Every violation of one object (empty when the API server would accept it)."""
        kind = str(obj.get("kind", "?"))
        metadata = obj.get("metadata")
        shown = metadata if isinstance(metadata, Mapping) else {}
        name, namespace = str(shown.get("name") or "?"), str(shown.get("namespace") or "")

        def violation(path: str, message: str, rule: str = SCHEMA_RULE) -> SchemaViolation:
            return SchemaViolation(kind, namespace, name, path, message, rule)

        version = self._versions.get((str(obj.get("apiVersion")), kind))
        if version is None:
            served = ", ".join(f"{v} {k}" for v, k in self.kinds if k == kind) or "none"
            return [violation("apiVersion", f"{obj.get('apiVersion')} {kind} is not served (served: {served})")]
        meta_problems = validate_object_meta(metadata, version.namespaced)
        violations = [violation(path, message, METADATA_RULE) for path, message in meta_problems]
        view = api_server_view(obj, version.schema)
        if not isinstance(view.get("metadata"), Mapping):  # metadata errors are reported above
            view.pop("metadata", None)
        errors = sorted(version.validator.iter_errors(view), key=lambda e: (list(map(str, e.absolute_path)), e.message))
        violations += [violation(_path(error.absolute_path), error.message) for error in errors]
        if version.cel is not None:
            if any(map(_blocks_cel, errors)) or any(map(_blocks_cel_meta, meta_problems)):
                violations.append(violation("", _CEL_NOT_RUN, CEL_RULE))
            else:
                violations += [violation(path, message, CEL_RULE) for path, message in version.cel.validate(view)]
        return violations


def _served_versions(files: Iterable[tuple[str, bytes]]) -> dict[str, Any]:
    """Each served version of the CRDs in ``files``: its schema as written and tightened
    (:func:`strict_schema`), and every API group (the cached form, plain JSON)."""
    versions: list[dict[str, Any]] = []
    groups: set[str] = set()
    for _, data in files:
        for document in yaml.load_all(data.decode("utf-8"), Loader=_LOADER):
            if not isinstance(document, Mapping) or document.get("kind") != "CustomResourceDefinition":
                continue
            spec = document["spec"]
            groups.add(spec["group"])
            for version in spec["versions"]:
                if not version.get("served", False):
                    continue
                schema = version["schema"]["openAPIV3Schema"]
                versions.append({
                    "apiVersion": f"{spec['group']}/{version['name']}",
                    "kind": spec["names"]["kind"],
                    "namespaced": spec.get("scope", "Namespaced") == "Namespaced",
                    "schema": schema,
                    "strict": strict_schema(schema),
                })  # fmt: skip
    return {"groups": sorted(groups), "versions": versions}


# The disk cache of _served_versions: parsing the CRDs (the Kafka CRD alone is 5,700 lines of YAML)
# and tightening their schemas costs every run a tenth of a second; reading them back as JSON, a
# hundredth. Keyed by the files' names and contents and this format, so a changed CRD, or a change
# here, is a new entry; an entry that cannot be read is rebuilt. JSON, never pickle: reading the
# cache runs no code.
CACHE_ENV = "MESSAGING_PLATFORM_CACHE_DIR"
_CACHE_FORMAT = b"crd-schemas/1"


def _cache_path(files: Iterable[tuple[str, bytes]]) -> Path | None:
    """Where the served versions of these files are cached: ``$MESSAGING_PLATFORM_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/messaging-platform``, else ``~/.cache/messaging-platform`` (None when the
    variable is set empty: no disk cache)."""
    root = os.environ.get(CACHE_ENV)
    if root is None:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = str(Path(xdg) if xdg else Path.home() / ".cache") + "/messaging-platform"
    if not root:
        return None
    digest = hashlib.sha256(_CACHE_FORMAT)
    for name, data in files:
        digest.update(f"\0{name}\0{len(data)}\0".encode())
        digest.update(data)
    return Path(root) / "crd-schemas" / f"{digest.hexdigest()}.json"


def _read_cache(path: Path) -> dict[str, Any] | None:
    try:
        served: dict[str, Any] = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return served if isinstance(served, dict) and {"groups", "versions"} <= served.keys() else None


def _write_cache(path: Path, served: dict[str, Any]) -> None:
    """Best effort: an unwritable cache only costs the next run the parse."""
    text = json.dumps(served)
    if json.loads(text) != served:  # a YAML value JSON cannot keep (a non-string key): do not cache
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        staged.write_text(text)
        os.replace(staged, path)  # readers see the whole file or none
    except OSError:
        pass


def api_server_view(obj: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """``obj`` as the API server validates it: each ``null`` that its (non-``nullable``) field's schema
    has no ``default`` for dropped, then defaults applied. A new top-level dict; below it, what
    neither step changes is shared with ``obj`` (validation only reads the view, and most objects
    have nothing to drop or default, so nothing is copied for them).
    Ref: defaulting/prunenulls.go PruneNonNullableNullsWithoutDefaults (map entries only) and
    defaulting/algorithm.go Default."""
    view: dict[str, Any] = _view(dict(obj), schema)
    return view


_DROPPED = object()


def _view(value: Any, schema: Mapping[str, Any] | None) -> Any:
    """``value`` with its nulls pruned and defaults applied: ``value`` itself when nothing changes,
    else a copy of the containers on the way to each change."""
    if schema is None:
        return value
    if isinstance(value, dict):
        properties: Mapping[str, Any] = schema.get("properties", {})
        additional = schema.get("additionalProperties")
        if not isinstance(additional, Mapping):
            additional = None
        result = value
        for key, item in value.items():
            sub = properties.get(key, additional)
            if item is None and sub is not None and not sub.get("nullable"):
                new = _defaulted(sub["default"], sub) if "default" in sub else _DROPPED
            elif isinstance(item, (dict, list)):
                new = _view(item, sub)
            else:  # nothing to prune or default in a scalar
                continue
            if new is not item:
                if result is value:
                    result = dict(value)
                if new is _DROPPED:
                    del result[key]
                else:
                    result[key] = new
        for key, prop in properties.items():
            if "default" in prop and key not in value:
                if result is value:
                    result = dict(value)
                result[key] = _defaulted(prop["default"], prop)
        return result
    items = schema.get("items")
    if isinstance(value, list) and isinstance(items, Mapping):
        listed = value
        for index, item in enumerate(value):
            if item is None and not items.get("nullable"):
                new = _defaulted(items.get("default"), items)
            elif isinstance(item, (dict, list)):
                new = _view(item, items)
            else:
                continue
            if new is not item:
                if listed is value:
                    listed = list(value)
                listed[index] = new
        return listed
    return value


def _defaulted(default: Any, schema: Mapping[str, Any]) -> Any:
    """A copy of a schema's ``default`` with the defaults inside it applied (pruning came before it)."""
    value = copy.deepcopy(default)
    _default(value, schema)
    return value


def _default(value: Any, schema: Mapping[str, Any] | None) -> None:
    # Ref: defaulting/algorithm.go Default.
    if schema is None:
        return
    properties: Mapping[str, Any] = schema.get("properties", {})
    additional = schema.get("additionalProperties")
    if isinstance(value, dict):
        for key, prop in properties.items():
            if "default" in prop and (key not in value or (value[key] is None and not prop.get("nullable"))):
                value[key] = copy.deepcopy(prop["default"])
        for key in value:
            if key in properties:
                _default(value[key], properties[key])
            elif isinstance(additional, Mapping):
                if value[key] is None and not additional.get("nullable"):
                    value[key] = copy.deepcopy(additional.get("default"))
                _default(value[key], additional)
    elif isinstance(value, list) and isinstance(items := schema.get("items"), Mapping):
        for index, item in enumerate(value):
            if item is None and not items.get("nullable"):
                value[index] = copy.deepcopy(items.get("default"))
            _default(value[index], items)


def _blocks_cel_meta(problem: tuple[str, str]) -> bool:
    return problem[1].startswith(_BLOCKING_METADATA) or UNDECODABLE in problem[1]


def _blocks_cel(error: ValidationError) -> bool:
    if error.validator == "anyOf":  # x-kubernetes-int-or-string: a type error
        return all(sub.validator == "type" for sub in error.context or ())
    return error.validator in _BLOCKING_KEYWORDS


def strict_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON Schema equivalent of a structural CRD schema that rejects unknown fields."""
    result = copy.deepcopy(dict(schema))
    _tighten(result)
    if "properties" in result:  # the API server keeps these at a resource's root whether declared or not
        for name, kind in (("apiVersion", "string"), ("kind", "string"), ("metadata", "object")):
            result["properties"].setdefault(name, {"type": kind})
    return result


def _tighten(node: dict[str, Any]) -> None:
    for child in _children(node):
        _tighten(child)
    if node.pop("x-kubernetes-int-or-string", False):
        node.pop("type", None)
        node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    preserve = node.pop("x-kubernetes-preserve-unknown-fields", False)
    node.pop("x-kubernetes-validations", None)  # evaluated by cel_rules
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


def _path(parts: Iterable[Any]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path
