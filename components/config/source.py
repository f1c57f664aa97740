"""Where stack config comes from: the running Pulumi program, or a ``Pulumi.<stack>.yaml`` file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, ConfigProblem
from .stack import PROJECT, StackConfig, load_stack_config

SECRET_PLACEHOLDER = "[secret]"


def from_pulumi(project: str = PROJECT) -> StackConfig:
    """Validate the running program's config (what ``pulumi config`` holds for this stack).

    Pulumi hands a program every config key; there is no public API to list them, so this reads
    the SDK's config map (``pulumi`` is pinned exactly for that reason).
    """
    from pulumi.runtime import config as runtime_config

    everything = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    values = {
        key.partition(":")[2]: decode_value(value)
        for key, value in everything.items()
        if key.partition(":")[0] == project
    }
    return load_stack_config(values, source=f"config of stack '{_stack_name()}'")


def decode_value(value: Any) -> Any:
    """Pulumi passes structured config values as JSON text; scalars stay strings."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def read_stack_file(path: Path, project: str = PROJECT) -> tuple[dict[str, Any], set[str]]:
    """The project's config values in a stack file, and which keys hold encrypted (secure) values.

    Encrypted values cannot be read without the stack's secrets provider; they become the
    placeholder ``[secret]``, which is enough to plan.
    """
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError([ConfigProblem(path.name, f"is not valid YAML: {exc}")], str(path)) from None
    if not isinstance(document, Mapping):
        raise ConfigError([ConfigProblem(path.name, "must be a YAML map with a 'config' key")], str(path))
    config = document.get("config") or {}
    if not isinstance(config, Mapping):
        raise ConfigError([ConfigProblem(f"{path.name}: config", "must be a map of keys")], str(path))
    values: dict[str, Any] = {}
    secret_keys: set[str] = set()
    for key, value in config.items():
        namespace, _, name = str(key).rpartition(":")
        if (namespace or project) != project:
            continue
        plain, secret = _unwrap_secure(value)
        values[name] = plain
        if secret:
            secret_keys.add(name)
    return values, secret_keys


def load_stack_file(path: Path, project: str = PROJECT) -> StackConfig:
    """Validate a ``Pulumi.<stack>.yaml`` without running Pulumi (used by tests and ``plan``)."""
    values, _ = read_stack_file(path, project)
    return load_stack_config(values, source=str(path.name))


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


def _stack_name() -> str:
    import pulumi

    return pulumi.get_stack()
