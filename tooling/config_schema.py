"""JSON Schemas of ``Pulumi.<stack>.yaml`` and ``catalog/*.yaml``, and the README's config reference.

All three are generated from the config models and their field descriptions, so an editor's hover
text, the committed schema files and the README say the same thing. Everything here is a pure
function of the models, except :func:`generated_files` (reads the README to splice the reference
into it), :func:`stale_files` and :func:`write_generated` (used by ``messaging-platform schema``).
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, NoDefault
from pydantic_core import core_schema

from messaging_platform.config.catalog import DomainFile
from messaging_platform.config.source import PROVIDER_NAMESPACES
from messaging_platform.config.stack import PROJECT, StackConfig

DIALECT = "https://json-schema.org/draft/2020-12/schema"
STACK_SCHEMA = Path("schemas/stack-config.schema.json")
CATALOG_SCHEMA = Path("schemas/catalog.schema.json")
README = Path("README.md")
REFERENCE_START = "<!-- config-reference:start -->"
REFERENCE_END = "<!-- config-reference:end -->"
REGENERATE = "messaging-platform schema"

JsonSchema = dict[str, Any]

# Keys of a stack's config that are merged over an environment preset before validation
# (messaging_platform.config.stack._with_presets): the whole block, or each entry of a map.
_OVER_PRESET_BLOCK = frozenset({"operator", "catalog"})
_OVER_PRESET_ENTRIES = frozenset({"clusters", "connect", "bridges", "mirrorMaker2"})
# How the reference names the key of each map of models.
_MAP_KEYS = {
    "clusters": "<cluster>",
    "externalClusters": "<cluster>",
    "nodePools": "<pool>",
    "listeners": "<listener>",
    "topics": "<topic>",
    "services": "<service>",
    "connect": "<connect>",
    "connectors": "<connector>",
    "plugins": "<plugin>",
    "env": "<variable>",
    "bridges": "<bridge>",
    "mirrorMaker2": "<mirror>",
    "rebalances": "<rebalance>",
}
_NAMESPACES = {
    "kubernetes": "Config of the Kubernetes provider (pulumi-kubernetes), e.g. `kubernetes:context`.",
    "kafka": "Config of the Kafka provider (pulumi-kafka).",
    "random": "Config of the random provider (pulumi-random).",
    "pulumi": "Pulumi's own config, e.g. `pulumi:tags`.",
}
_ANNOTATIONS = ("title", "description", "default", "examples")
_NULL: JsonSchema = {"type": "null"}
_SECRET = "PulumiSecret"


class _Generator(GenerateJsonSchema):
    """Pydantic's generator with three changes for hand-edited YAML.

    No field titles (pydantic's ``Nodepools`` say less than the key itself); a factory default is
    shown as its value (``{}`` for a nested model: its keys' defaults); a map whose keys must match
    a pattern rejects other keys (pydantic's ``patternProperties`` alone would let them through).
    """

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        default = super().get_default_value(schema)
        factory = schema.get("default_factory")
        if default is NoDefault and factory is not None and not schema.get("default_factory_takes_data"):
            value = factory()  # type: ignore[call-arg]
            return {} if isinstance(value, BaseModel) else value
        return default

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        json_schema = super().dict_schema(schema)
        patterns = json_schema.pop("patternProperties", None)
        if patterns:
            ((pattern, values),) = patterns.items()
            json_schema["propertyNames"] = {"pattern": pattern, **json_schema.get("propertyNames", {})}
            json_schema["additionalProperties"] = values
        return json_schema


def model_schema(model: type[BaseModel]) -> JsonSchema:
    """The JSON Schema of what ``model`` validates (YAML keys, one-line descriptions, ``$defs``)."""
    schema: JsonSchema = _clean_descriptions(model.model_json_schema(by_alias=True, schema_generator=_Generator))
    return schema


def stack_schema() -> JsonSchema:
    """The JSON Schema (draft 2020-12) of a ``Pulumi.<stack>.yaml`` file of this project.

    ``config`` holds one ``messaging-platform:<key>`` per :class:`StackConfig` field and the keys
    of the provider namespaces the stack loader allows, nothing else. Blocks merged over an
    environment preset leave every key optional and accept ``null`` (which removes the preset's
    entry); secret values also accept Pulumi's encrypted form ``{secure: ...}``.
    """
    root = model_schema(StackConfig)
    defs: dict[str, JsonSchema] = root.pop("$defs")
    overlay = _Overlay(defs)
    entries: dict[str, JsonSchema] = {}
    for key, prop in root["properties"].items():
        value = _without_null(prop)  # the loader wants a value (a map for blocks), never null
        if key in _OVER_PRESET_BLOCK:
            value = overlay.node(value)
        elif key in _OVER_PRESET_ENTRIES:
            value = {**value, "additionalProperties": _nullable(overlay.node(value["additionalProperties"]))}
        entries[f"{PROJECT}:{key}"] = value
    defs[_SECRET] = {
        "description": "A value Pulumi stores encrypted (`pulumi config set --secret`).",
        "type": "object",
        "properties": {"secure": {"type": "string", "minLength": 1}},
        "required": ["secure"],
        "additionalProperties": False,
    }
    schema: JsonSchema = {
        "$schema": DIALECT,
        "title": f"Pulumi.<stack>.yaml of {PROJECT}",
        "description": f"A stack's settings: `{PROJECT}:` config (see README, Config reference), provider config "
        "and Pulumi's encryption metadata.",
        "type": "object",
        "properties": {
            "config": {
                "description": f"Config by `namespace:key`: the `{PROJECT}:` keys below and those of "
                f"{', '.join(f'`{ns}:`' for ns in PROVIDER_NAMESPACES)}.",
                "type": "object",
                "properties": entries,
                "patternProperties": {
                    _namespace_pattern(ns): {"description": _NAMESPACES.get(ns, f"Config of `{ns}`.")}
                    for ns in PROVIDER_NAMESPACES
                },
                "additionalProperties": False,
                "required": [f"{PROJECT}:{key}" for key in root.get("required", [])],
            },
            "secretsprovider": {"type": "string", "description": "The stack's secrets provider (written by Pulumi)."},
            "encryptedkey": {
                "type": "string",
                "description": "The data key, encrypted by a cloud secrets provider (written by Pulumi).",
            },
            "encryptionsalt": {
                "type": "string",
                "description": "Salt of the passphrase secrets provider (written by Pulumi).",
            },
            "environment": {
                "description": "Pulumi ESC environments the stack imports.",
                "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}],
            },
        },
        "required": ["config"],
        "additionalProperties": False,
        "$defs": defs,
    }
    schema = _accept_secure(schema)
    schema["$defs"] = _reachable_defs(schema, schema["$defs"])
    return schema


def catalog_schema() -> JsonSchema:
    """The JSON Schema (draft 2020-12) of one catalog domain file, ``catalog/<domain>.yaml``."""
    return {
        "$schema": DIALECT,
        **model_schema(DomainFile),
        "title": f"catalog/<domain>.yaml of {PROJECT}",
    }


def render_json(schema: Mapping[str, Any]) -> str:
    """A schema as committed: sorted keys, two-space indent, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def config_reference() -> str:
    """The README's config reference in Markdown, between its markers: a table per model.

    A model that extends another lists only its own keys, after a link to the other's table.
    """
    models = config_models(StackConfig, DomainFile)
    stack = _sections(StackConfig, f"{PROJECT}:<key>")
    catalog = _sections(DomainFile, "catalog/<domain>.yaml", exclude=stack)
    lines = [
        REFERENCE_START,
        f"<!-- Generated by `{REGENERATE}` from the config models; edit their descriptions, not this text. -->",
        "",
        "### Stack config keys",
        "",
        *[line for section in stack.values() for line in section.render(models)],
        "### Catalog file keys",
        "",
        *[line for section in catalog.values() for line in section.render(models)],
        REFERENCE_END,
    ]
    return "\n".join(lines)


def config_models(*roots: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from ``roots`` through field types (unions, lists, maps), by class name."""
    found: dict[str, type[BaseModel]] = {}

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if found.setdefault(annotation.__name__, annotation) is annotation and annotation.__name__ not in seen:
                seen.add(annotation.__name__)
                for info in annotation.model_fields.values():
                    visit(info.annotation)
            return
        for argument in typing.get_args(annotation):
            visit(argument)

    seen: set[str] = set()
    for root in roots:
        visit(root)
    return found


def splice_reference(readme: str, reference: str) -> str:
    """``readme`` with the text between the reference markers (markers included) replaced."""
    start, end = readme.find(REFERENCE_START), readme.find(REFERENCE_END)
    if start < 0 or end < start:
        raise ValueError(f"{README} has no section between '{REFERENCE_START}' and '{REFERENCE_END}'")
    return readme[:start] + reference + readme[end + len(REFERENCE_END) :]


def generated_files(root: Path) -> dict[Path, str]:
    """Each generated file (relative to the project ``root``) with the content it must have."""
    readme = (root / README).read_text(encoding="utf-8")
    return {
        STACK_SCHEMA: render_json(stack_schema()),
        CATALOG_SCHEMA: render_json(catalog_schema()),
        README: splice_reference(readme, config_reference()),
    }


def stale_files(root: Path) -> list[Path]:
    """The generated files under ``root`` that are missing or differ from what the models give."""
    return [path for path, text in generated_files(root).items() if _read(root / path) != text]


def write_generated(root: Path) -> list[Path]:
    """Write every stale generated file under ``root``; returns those written."""
    written = []
    for path, text in generated_files(root).items():
        if _read(root / path) != text:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
            written.append(path)
    return written


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _namespace_pattern(namespace: str) -> str:
    assert re.fullmatch(r"[a-z0-9-]+", namespace), namespace  # no regex metacharacters to escape
    return f"^{namespace}:.+$"


def _clean_descriptions(node: Any) -> Any:
    # One line each, Markdown code spans: class docstrings are multi-line reST (``key``).
    if isinstance(node, dict):
        return {
            key: " ".join(value.split()).replace("``", "`")
            if key == "description" and isinstance(value, str)
            else _clean_descriptions(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_clean_descriptions(item) for item in node]
    return node


def _split(schema: JsonSchema) -> tuple[JsonSchema, JsonSchema]:
    """(annotations, constraints) of a schema node."""
    return (
        {k: v for k, v in schema.items() if k in _ANNOTATIONS},
        {k: v for k, v in schema.items() if k not in _ANNOTATIONS},
    )


def _allows_null(schema: JsonSchema) -> bool:
    _, constraints = _split(schema)
    return not constraints or schema.get("type") == "null" or any(_allows_null(s) for s in schema.get("anyOf", []))


def _nullable(schema: JsonSchema) -> JsonSchema:
    if _allows_null(schema):
        return schema
    annotations, constraints = _split(schema)
    if list(constraints) == ["anyOf"]:
        return {**annotations, "anyOf": [*constraints["anyOf"], _NULL]}
    return {**annotations, "anyOf": [constraints, _NULL]}


def _without_null(schema: JsonSchema) -> JsonSchema:
    if "anyOf" not in schema:
        return schema
    options = [s for s in schema["anyOf"] if s != _NULL]
    annotations, constraints = _split(schema)
    annotations.pop("default", None)
    if len(options) == 1:
        return {**annotations, **{k: v for k, v in constraints.items() if k != "anyOf"}, **options[0]}
    return {**annotations, **constraints, "anyOf": options}


@dataclass
class _Overlay:
    """Schemas of config merged over a preset: no key required, any key may be ``null``.

    Maps merge key by key, so their entries get the same treatment; lists replace the preset's,
    so list items keep the model's own rules. A model's overlay is a ``$defs`` entry of its own.
    """

    defs: dict[str, JsonSchema]

    def node(self, schema: JsonSchema) -> JsonSchema:
        """The overlay form of one schema node."""
        if "$ref" in schema:
            return {**schema, "$ref": self._ref(schema["$ref"].rpartition("/")[2])}
        result = {k: v for k, v in schema.items() if k not in {"required", "minProperties", "discriminator"}}
        if "oneOf" in result:
            # A block without its `type` tag merges with the preset's: the variants no longer exclude each other.
            assert "anyOf" not in result
            result["anyOf"] = result.pop("oneOf")
        if "anyOf" in result:
            result["anyOf"] = [self.node(option) for option in result["anyOf"]]
        if "properties" in result:
            result["properties"] = {key: _nullable(self.node(value)) for key, value in result["properties"].items()}
        if isinstance(result.get("additionalProperties"), dict):
            result["additionalProperties"] = _nullable(self.node(result["additionalProperties"]))
        return result

    def _ref(self, name: str) -> str:
        overlay = f"{name}Overlay"
        if overlay not in self.defs:
            self.defs[overlay] = {}  # reserve the name first: a model may refer to itself
            schema = self.node(self.defs[name])
            schema["description"] = (
                f"{schema.get('description', '')} Merged over the environment preset: every key is optional, "
                "null removes the preset's entry."
            ).strip()
            self.defs[overlay] = schema
        return f"#/$defs/{overlay}"


def _accept_secure(node: Any) -> Any:
    # SecretStr fields (format: password) may hold Pulumi's encrypted form.
    if isinstance(node, dict):
        if node.get("format") == "password":
            annotations, constraints = _split(node)
            return {**annotations, "anyOf": [constraints, {"$ref": f"#/$defs/{_SECRET}"}]}
        return {key: _accept_secure(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_accept_secure(item) for item in node]
    return node


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"].rpartition("/")[2]
        for key, value in node.items():
            if key != "$defs":
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _reachable_defs(schema: JsonSchema, defs: Mapping[str, JsonSchema]) -> dict[str, JsonSchema]:
    reachable: dict[str, JsonSchema] = {}
    pending = list(_refs(schema))
    while pending:
        name = pending.pop()
        if name not in reachable:
            reachable[name] = defs[name]
            pending.extend(_refs(defs[name]))
    return reachable


# --- The Markdown reference -------------------------------------------------------------------


@dataclass
class _Section:
    """One model's table: where the model is used and its keys."""

    name: str
    schema: JsonSchema
    paths: list[str] = field(default_factory=list)
    uses: list[tuple[str, str]] = field(default_factory=list)
    label: str | None = None

    def render(self, models: Mapping[str, type[BaseModel]]) -> list[str]:
        """The section's Markdown lines, ending with a blank line."""
        properties: dict[str, JsonSchema] = self.schema.get("properties", {})
        tag = properties.get("type", {}).get("const")
        heading = self.label or (f"`{self.paths[0]}`" if len(self.paths) == 1 else self.name)
        heading += f" (`type: {tag}`)" if tag and len(self.paths) == 1 else ""
        intro = [f"**{self.name}**: {self.schema.get('description', '')}".rstrip()]
        if len(self.paths) > 1:
            intro.append("Used as " + ", ".join(f"`{key}` in {_link(owner)}" for owner, key in self.uses) + ".")
        inherited: set[str] = set()
        model = models.get(self.name)
        for base in model.__bases__ if model else ():
            if base.__name__ in models and base.__name__ != self.name:
                intro.append(f"Every key of {_link(base.__name__)}, and:")
                inherited |= {info.alias or name for name, info in models[base.__name__].model_fields.items()}
        lines = [f'<a id="{_anchor(self.name)}"></a>', "", f"#### {heading}", "", " ".join(intro), ""]
        lines += ["| key | type | default | description |", "| --- | --- | --- | --- |"]
        required = set(self.schema.get("required", []))
        for key, prop in properties.items():
            if key in inherited:
                continue
            cells = [f"`{key}`", _type_text(prop), _default_text(prop, key in required), prop.get("description", "")]
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
        return [*lines, ""]


def _sections(model: type[BaseModel], label: str, exclude: Mapping[str, _Section] | None = None) -> dict[str, _Section]:
    """A section per model reachable from ``model`` (its own first), in the order a reader meets them."""
    schema = model_schema(model)
    defs = schema.get("$defs", {})
    root = _Section(schema["title"], schema, paths=[""], label=f"`{label}`")
    found: dict[str, _Section] = {root.name: root}

    def walk(node: JsonSchema, path: str, owner: str, key: str, seen: tuple[str, ...]) -> None:
        if "$ref" in node:
            name = node["$ref"].rpartition("/")[2]
            section = found.setdefault(name, _Section(name, defs[name]))
            if path not in section.paths:
                section.paths.append(path)
            if (owner, key) not in section.uses:
                section.uses.append((owner, key))
            if name not in seen:
                for child, prop in defs[name].get("properties", {}).items():
                    walk(prop, _join(path, child), name, child, (*seen, name))
            return
        for option in [*node.get("anyOf", []), *node.get("oneOf", [])]:
            walk(option, path, owner, key, seen)
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{path}[]", owner, key, seen)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], _join(path, _MAP_KEYS.get(key, "<name>")), owner, key, seen)

    for key, prop in schema.get("properties", {}).items():
        walk(prop, key, root.name, key, (root.name,))
    return {name: section for name, section in found.items() if name not in (exclude or {})}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _anchor(name: str) -> str:
    return f"config-{name.lower()}"


def _link(name: str) -> str:
    return f"[{name}](#{_anchor(name)})"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _type_text(node: JsonSchema) -> str:
    if "$ref" in node:
        return _link(node["$ref"].rpartition("/")[2])
    if "title" in node:  # the named types of the config: duration, size, quantity, DNS label, ...
        return str(node["title"])
    options = [s for s in [*node.get("anyOf", []), *node.get("oneOf", [])] if s != _NULL]
    if options:
        return " or ".join(dict.fromkeys(_type_text(option) for option in options))
    if "const" in node:
        return f"`{node['const']}`"
    if "enum" in node:
        return " or ".join(f"`{value}`" for value in node["enum"])
    kind = node.get("type")
    if kind == "array":
        items = _type_text(node.get("items", {}))
        return f"list of {items}" + (" (at least one)" if node.get("minItems") == 1 else "")
    if kind == "object":
        values = node.get("additionalProperties")
        return f"map of {_type_text(values)}" if isinstance(values, dict) and values else "map"
    if kind == "string":
        if node.get("format") == "password":
            return "secret string"
        return f"string matching `{node['pattern']}`" if "pattern" in node else "string"
    if kind in {"integer", "number"}:
        low, high = node.get("minimum"), node.get("maximum")
        if low is not None and high is not None:
            return f"{kind} ({low} to {high})"
        return f"{kind} (>= {low})" if low is not None else str(kind)
    return str(kind) if kind else "any"


def _default_text(node: JsonSchema, required: bool) -> str:
    if required:
        return "required"
    if node.get("default") is None:
        return "unset"
    value = node["default"]
    return f"`{value if isinstance(value, str) else json.dumps(value)}`"
