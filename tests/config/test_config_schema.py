"""The JSON Schemas of the stack and catalog files and the README's config reference: generated from the
models, committed fresh, every key described, and in agreement with the stack loader."""

from __future__ import annotations

import copy
import json
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from messaging_platform.config import CatalogSettings, ClusterConfig, ConfigError, OperatorConfig, load_stack_config
from messaging_platform.config.catalog import DomainFile
from messaging_platform.config.presets import ENVIRONMENTS, catalog_preset, cluster_preset, operator_preset
from messaging_platform.config.stack import PROJECT, StackConfig
from messaging_platform_tools.cli import main
from messaging_platform_tools.config_schema import (
    CATALOG_SCHEMA,
    README,
    REFERENCE_END,
    REFERENCE_START,
    REGENERATE,
    STACK_SCHEMA,
    config_models,
    generated_files,
)
from tests.conftest import PROJECT_DIR

GENERATED = (STACK_SCHEMA, CATALOG_SCHEMA, README)
STACK_FILES = sorted(PROJECT_DIR.glob("Pulumi.*.yaml"))
CATALOG_FILES = sorted((PROJECT_DIR / "catalog").glob("*.yaml"))
MODELS = config_models(StackConfig, DomainFile)
PRESETS: dict[str, tuple[type[BaseModel], Callable[[Any], dict[str, Any]]]] = {
    "operator": (OperatorConfig, operator_preset),
    "clusters.<cluster>": (ClusterConfig, cluster_preset),
    "catalog": (CatalogSettings, catalog_preset),
}


def _validator(path: Path) -> Draft202012Validator:
    schema = json.loads((PROJECT_DIR / path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _errors(validator: Draft202012Validator, document: Any) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def _loads(document: dict[str, Any]) -> bool:
    """Whether the stack loader accepts the document's ``messaging-platform:`` config."""
    prefix = f"{PROJECT}:"
    values = {key.removeprefix(prefix): value for key, value in document["config"].items() if key.startswith(prefix)}
    try:
        load_stack_config(values)
    except ConfigError:
        return False
    return True


def _with(document: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of ``document`` with ``value`` at ``config.<path>`` (maps on the way are created)."""
    changed = copy.deepcopy(document)
    node = changed["config"]
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return changed


@pytest.fixture(scope="module")
def stack_validator() -> Draft202012Validator:
    """The committed stack-file schema, itself checked against the 2020-12 metaschema."""
    return _validator(STACK_SCHEMA)


@pytest.fixture(scope="module")
def catalog_validator() -> Draft202012Validator:
    """The committed catalog-file schema, itself checked against the 2020-12 metaschema."""
    return _validator(CATALOG_SCHEMA)


@pytest.fixture(scope="module")
def generated() -> dict[Path, str]:
    """What ``messaging-platform schema`` would write for this repository."""
    return generated_files(PROJECT_DIR)


@pytest.fixture
def dev_stack() -> dict[str, Any]:
    """The committed dev stack file: the happy path each case below changes once."""
    document: dict[str, Any] = yaml.safe_load((PROJECT_DIR / "Pulumi.dev.yaml").read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize("path", GENERATED, ids=str)
def test_committed_file_is_what_the_models_generate(path: Path, generated: dict[Path, str]) -> None:
    committed = (PROJECT_DIR / path).read_text(encoding="utf-8") if (PROJECT_DIR / path).is_file() else None
    assert committed == generated[path], f"{path} is stale: run `{REGENERATE}` and commit the result"


def test_model_walk_reaches_nested_models_and_union_variants() -> None:
    assert {"NodePoolConfig", "JbodStorage", "EphemeralStorage", "TlsAuthentication", "CustomAuthorization",
            "SaslConfig", "TopicOverride", "CatalogTopic", "TopicRef", "Quotas"} <= MODELS.keys()  # fmt: skip


@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS.keys())
def test_every_field_has_a_one_line_description(model: type[BaseModel]) -> None:
    undescribed = [name for name, info in model.model_fields.items() if not (info.description or "").strip()]
    multiline = [name for name, info in model.model_fields.items() if "\n" in (info.description or "")]
    assert (undescribed, multiline) == ([], [])


def _undocumented_preset_keys(model: type[BaseModel], preset: dict[str, Any], path: str) -> list[str]:
    """Keys a preset sets to something other than the model's default whose description (or an
    enclosing field's) never mentions the preset."""
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    missing = []
    for key, value in preset.items():
        info = fields[key]
        if "preset" in (info.description or "").lower():
            continue
        nested = [arg for arg in (info.annotation, *typing.get_args(info.annotation)) if isinstance(arg, type)
                  and issubclass(arg, BaseModel)]  # fmt: skip
        if isinstance(value, dict) and len(nested) == 1:
            missing += _undocumented_preset_keys(nested[0], value, f"{path}.{key}")
        elif value != info.get_default(call_default_factory=True):
            missing.append(f"{path}.{key}")
    return missing


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("section", PRESETS)
def test_descriptions_say_where_a_preset_sets_the_default(section: str, environment: str) -> None:
    model, preset = PRESETS[section]
    assert _undocumented_preset_keys(model, preset(environment), section) == []


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: p.name)
def test_committed_stack_file_matches_the_schema(path: Path, stack_validator: Draft202012Validator) -> None:
    assert _errors(stack_validator, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", CATALOG_FILES, ids=lambda p: p.name)
def test_committed_catalog_file_matches_the_schema(path: Path, catalog_validator: Draft202012Validator) -> None:
    assert _errors(catalog_validator, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    ("key", "accepted"),
    [
        ("kubernetes:context", True),
        ("pulumi:tags", True),
        ("random:anything", True),
        ("messaging-platfrom:catalog", False),  # a typo'd namespace would silently switch the catalog off
        ("messaging-platform:clsters", False),  # an unknown key of the project
        ("messaging-platform:externalCluster", False),
        ("aws:region", False),  # a provider this project does not use
    ],
)
def test_stack_schema_allows_only_known_config_keys(
    key: str, accepted: bool, dev_stack: dict[str, Any], stack_validator: Draft202012Validator
) -> None:
    errors = _errors(stack_validator, _with(dev_stack, (key,), "x"))
    assert (errors == []) is accepted, errors
    assert accepted or any(key in error for error in errors)


def test_stack_schema_rejects_unknown_top_level_keys(
    dev_stack: dict[str, Any], stack_validator: Draft202012Validator
) -> None:
    errors = _errors(stack_validator, {**dev_stack, "confg": {}})
    assert any("'confg' was unexpected" in error for error in errors), errors


P = f"{PROJECT}:"
SCHEMA_AND_LOADER_CASES: dict[str, tuple[tuple[str, ...], Any, bool]] = {
    "null removes a preset listener": ((f"{P}clusters", "events", "listeners", "plain"), None, True),
    "a preset node pool takes one key": ((f"{P}clusters", "events", "nodePools", "dual", "replicas"), 1, True),
    "a null cluster is the whole preset": ((f"{P}clusters", "events"), None, True),
    "another storage type replaces the block": (
        (f"{P}clusters", "events", "nodePools", "dual", "storage"),
        {"type": "persistent-claim", "size": "10Gi"},
        True,
    ),
    "a number is a quantity": ((f"{P}operator", "resources"), {"requests": {"cpu": 1, "memory": "512Mi"}}, True),
    "durations in human units": ((f"{P}catalog", "defaults", "retention"), "7d", True),
    "cleanup policies as text": ((f"{P}catalog", "defaults", "cleanupPolicy"), "compact,delete", True),
    "unknown nested key": ((f"{P}clusters", "events", "nodePool"), {}, False),
    "unknown environment": ((f"{P}environment",), "staging", False),
    "operator replicas out of range": ((f"{P}operator", "replicas"), 9, False),
    "log level in the wrong case": ((f"{P}operator", "logLevel"), "info", False),
    "cluster name not a DNS label": ((f"{P}clusters", "Events"), {}, False),
    "listener name too long": (
        (f"{P}clusters", "events", "listeners", "externallistener"),
        {"port": 9095, "type": "internal"},
        False,
    ),
    "unknown storage type": ((f"{P}clusters", "events", "nodePools", "dual", "storage", "type"), "nfs", False),
    "heap size with a space": ((f"{P}clusters", "events", "nodePools", "dual", "jvmOptions", "-Xmx"), "1 GB", False),
    "duration in words": ((f"{P}catalog", "defaults", "retention"), "7 days", False),
    "unknown deletion policy": ((f"{P}catalog", "deletion"), "sometimes", False),
}


@pytest.mark.parametrize(("path", "value", "valid"), SCHEMA_AND_LOADER_CASES.values(), ids=SCHEMA_AND_LOADER_CASES)
def test_stack_schema_and_loader_agree(
    path: tuple[str, ...], value: Any, valid: bool, dev_stack: dict[str, Any], stack_validator: Draft202012Validator
) -> None:
    document = _with(dev_stack, path, value)
    errors = _errors(stack_validator, document)
    assert ((errors == []), _loads(document)) == (valid, valid), errors


def test_catalog_schema_rejects_what_the_catalog_refuses(catalog_validator: Draft202012Validator) -> None:
    document = {"domain": "orders", "topics": {"__internal": {"partitions": 1}}, "services": {"Orders_Svc": {}}}
    errors = _errors(catalog_validator, document)
    assert any(error.startswith("topics:") for error in errors), errors
    assert any(error.startswith("services:") for error in errors), errors


def test_schema_command_writes_stale_files_then_finds_them_fresh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / README).write_text(f"# project\n\n{REFERENCE_START}\nhand-written table\n{REFERENCE_END}\n\nafter\n")
    assert main(["schema", "--check", "--project-dir", str(tmp_path)]) == 1
    reported = capsys.readouterr().out
    assert all(f"stale: {path}" in reported for path in GENERATED), reported
    assert main(["schema", "--project-dir", str(tmp_path)]) == 0
    assert main(["schema", "--check", "--project-dir", str(tmp_path)]) == 0
    readme = (tmp_path / README).read_text()
    assert readme.startswith("# project\n\n") and readme.endswith("\n\nafter\n") and "hand-written" not in readme


def test_schema_command_needs_the_readme_markers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / README).write_text("# project\n")
    assert main(["schema", "--project-dir", str(tmp_path)]) == 2
    assert REFERENCE_START in capsys.readouterr().err
