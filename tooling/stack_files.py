"""Reading ``Pulumi.<stack>.yaml`` files without the Pulumi CLI (the offline planner and tests)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from messaging_platform.config.errors import SECRET_PLACEHOLDER, ConfigError, ConfigProblem
from messaging_platform.config.loader import Stack, load_stack
from messaging_platform.config.source import namespace_problems
from messaging_platform.config.stack import PROJECT
from messaging_platform.config.yaml_input import YamlInputError, load_yaml


def read_stack_config(path: Path, project: str = PROJECT) -> dict[str, tuple[Any, bool]]:
    """Every config key of a stack file (``namespace:key``, the project's namespace filled in), with
    its value and whether it was encrypted.

    Encrypted values cannot be read without the stack's secrets provider; they become the
    placeholder ``[secret]``, which is enough to plan.
    """
    try:
        document = load_yaml(path, path.name) or {}
    except YamlInputError as exc:
        raise ConfigError([ConfigProblem(path.name, str(exc).removeprefix(f"{path.name}: "))], str(path)) from None
    if not isinstance(document, Mapping):
        raise ConfigError([ConfigProblem(path.name, "must be a YAML map with a 'config' key")], str(path))
    config = document.get("config") or {}
    if not isinstance(config, Mapping):
        raise ConfigError([ConfigProblem(f"{path.name}: config", "must be a map of keys")], str(path))
    entries = {}
    for key, value in config.items():
        namespace, _, name = str(key).rpartition(":")
        entries[f"{namespace or project}:{name}"] = _unwrap_secure(value)
    problems = namespace_problems(entries, project)
    if problems:
        raise ConfigError(problems, str(path))
    return entries


def read_stack_file(path: Path, project: str = PROJECT) -> tuple[dict[str, Any], set[str]]:
    """The project's config values in a stack file (keys without namespace), and the encrypted ones."""
    prefix = f"{project}:"
    entries = {key[len(prefix) :]: entry for key, entry in read_stack_config(path, project).items()
               if key.startswith(prefix)}  # fmt: skip
    return {name: value for name, (value, _) in entries.items()}, {name for name, (_, s) in entries.items() if s}


def load_stack_file(path: Path, project: str = PROJECT) -> Stack:
    """Load a ``Pulumi.<stack>.yaml`` and its catalog without running Pulumi (used by tests)."""
    values, secret = read_stack_file(path, project)
    return load_stack(values, path.parent, source=path.name, secret_keys=secret)


def _unwrap_secure(value: Any) -> tuple[Any, bool]:
    if isinstance(value, Mapping):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        secret = False
        result = {}
        for key, item in value.items():
            result[key], inner = _unwrap_secure(item)
            secret = secret or inner
        return result, secret
    if isinstance(value, list):
        unwrapped = [_unwrap_secure(item) for item in value]
        return [item for item, _ in unwrapped], any(inner for _, inner in unwrapped)
    return value, False
