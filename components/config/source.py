"""Where stack config comes from: the running Pulumi program, or a ``Pulumi.<stack>.yaml`` file."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import SECRET_PLACEHOLDER, ConfigError, ConfigProblem
from .loader import Stack, load_stack
from .stack import PROJECT
from .yaml_input import YamlInputError, load_yaml

# Config namespaces a stack of this project may use besides its own: the providers it runs, and Pulumi's.
PROVIDER_NAMESPACES = ("kubernetes", "kafka", "random", "pulumi")


def namespace_problems(keys: Iterable[str], project: str = PROJECT) -> list[ConfigProblem]:
    """A problem for every ``namespace:key`` whose namespace is neither the project's nor a known
    provider's: a typo there (``messaging-platfrom:catalog``) would silently switch a setting off."""
    known = (project, *PROVIDER_NAMESPACES)
    problems = []
    for key in sorted(keys):
        namespace = key.partition(":")[0]
        if namespace not in known:
            close = difflib.get_close_matches(namespace, known, n=1)
            hint = f"; did you mean '{close[0]}:'?" if close else ""
            problems.append(
                ConfigProblem(key, f"unknown config namespace '{namespace}' (known: {', '.join(known)}){hint}")
            )
    return problems


def from_pulumi(project: str = PROJECT) -> Stack:
    """Load the running program's stack: its config (what ``pulumi config`` holds) and catalog.

    Pulumi hands a program every config key; there is no public API to list them, so this reads
    the SDK's config map (``pulumi`` is pinned exactly for that reason).
    """
    import pulumi
    from pulumi.runtime import config as runtime_config

    everything = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    problems = namespace_problems(everything, project)
    if problems:
        raise ConfigError(problems, f"config of stack '{pulumi.get_stack()}'")
    values = {
        key.partition(":")[2]: decode_value(value)
        for key, value in everything.items()
        if key.partition(":")[0] == project
    }
    secret = {key.partition(":")[2] for key in everything if runtime_config.is_config_secret(key)}
    secret |= {key.partition(":")[2] for key in runtime_config.get_config_secret_keys_env()}
    root = Path(pulumi.get_root_directory() or Path.cwd())
    return load_stack(values, root, source=f"config of stack '{pulumi.get_stack()}'", secret_keys=secret)


def decode_value(value: Any) -> Any:
    """Pulumi passes structured config values as JSON text; scalars stay strings."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


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
