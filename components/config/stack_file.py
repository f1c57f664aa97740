"""Parse a ``Pulumi.<stack>.yaml`` document: every config key, its value and which leaves are secrets.

One parser for both ways a stack is loaded: the tooling plans from the file itself, and a running
program (``pulumi up``) takes values from Pulumi's config but reads the file for the keys it holds
(so a key in an unknown namespace is an error, not ignored) and for which leaves are encrypted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SECRET_PLACEHOLDER, ConfigError, ConfigProblem
from .stack import PROJECT
from .yaml_input import YamlInputError, load_yaml


@dataclass(frozen=True)
class StackEntry:
    """One config key of a stack file: its value (encrypted leaves as ``[secret]``) and the paths
    below the key (``pulumi config --path`` syntax, ``""`` for the whole value) that are encrypted."""

    value: Any
    secret_paths: tuple[str, ...]

    @property
    def secret(self) -> bool:
        """Whether any part of the value is encrypted (Pulumi then treats the whole key as secret)."""
        return bool(self.secret_paths)


def read_stack_entries(path: Path, project: str = PROJECT) -> dict[str, StackEntry]:
    """Every config key of a stack file as ``namespace:key`` (the project's namespace filled in)."""
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
        unwrapped, secret_paths = _unwrap_secure(value, "")
        entries[f"{namespace or project}:{name}"] = StackEntry(unwrapped, tuple(secret_paths))
    return entries


def secret_paths(entries: Mapping[str, StackEntry], project: str = PROJECT) -> set[str]:
    """The encrypted leaves of the project's keys, as paths without the namespace
    (``externalClusters.legacy.sasl.password``)."""
    prefix = f"{project}:"
    return {
        f"{key[len(prefix) :]}{'.' + path if path else ''}"
        for key, entry in entries.items()
        if key.startswith(prefix)
        for path in entry.secret_paths
    }


def _unwrap_secure(value: Any, path: str) -> tuple[Any, list[str]]:
    if isinstance(value, Mapping):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, [path]
        result, secrets = {}, []
        for key, item in value.items():
            result[key], inner = _unwrap_secure(item, f"{path}.{key}" if path else str(key))
            secrets += inner
        return result, secrets
    if isinstance(value, list):
        items, secrets = [], []
        for index, item in enumerate(value):
            unwrapped, inner = _unwrap_secure(item, f"{path}[{index}]")
            items.append(unwrapped)
            secrets += inner
        return items, secrets
    return value, []
