"""Reading ``Pulumi.<stack>.yaml`` files without the Pulumi CLI (the offline planner and tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from messaging_platform.config.errors import ConfigError
from messaging_platform.config.loader import Stack, load_stack
from messaging_platform.config.source import namespace_problems
from messaging_platform.config.stack import PROJECT
from messaging_platform.config.stack_file import read_stack_entries, secret_paths


def read_stack_config(path: Path, project: str = PROJECT) -> dict[str, tuple[Any, bool]]:
    """Every config key of a stack file (``namespace:key``, the project's namespace filled in), with
    its value and whether it was encrypted.

    Encrypted values cannot be read without the stack's secrets provider; they become the
    placeholder ``[secret]``, which is enough to plan.
    """
    entries = read_stack_entries(path, project)
    problems = namespace_problems(entries, project)
    if problems:
        raise ConfigError(problems, str(path))
    return {key: (entry.value, entry.secret) for key, entry in entries.items()}


def read_stack_file(path: Path, project: str = PROJECT) -> tuple[dict[str, Any], set[str]]:
    """The project's config values in a stack file (keys without namespace), and the paths of the
    encrypted values (``externalClusters.legacy.sasl.password``)."""
    entries = read_stack_entries(path, project)
    problems = namespace_problems(entries, project)
    if problems:
        raise ConfigError(problems, str(path))
    prefix = f"{project}:"
    values = {key[len(prefix) :]: entry.value for key, entry in entries.items() if key.startswith(prefix)}
    return values, secret_paths(entries, project)


def load_stack_file(path: Path, project: str = PROJECT) -> Stack:
    """Load a ``Pulumi.<stack>.yaml`` and its catalog without running Pulumi (used by tests)."""
    values, secret = read_stack_file(path, project)
    return load_stack(values, path.parent, source=path.name, secret_keys=secret)
