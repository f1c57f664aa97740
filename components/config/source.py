"""Stack config from the running Pulumi program (``pulumi up``/``preview``)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import ConfigError, ConfigProblem
from .loader import Stack, load_stack
from .stack import PROJECT

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
