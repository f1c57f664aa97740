"""Stack config from the running Pulumi program (``pulumi up``/``preview``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..invariants import did_you_mean
from .errors import ConfigError, ConfigProblem
from .loader import Stack, load_stack
from .stack import PROJECT, StackConfig
from .stack_file import read_stack_entries, secret_paths
from .yaml_input import load_yaml

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
            hint = did_you_mean(namespace, known).replace("'?", ":'?")
            problems.append(
                ConfigProblem(key, f"unknown config namespace '{namespace}' (known: {', '.join(known)}){hint}")
            )
    return problems


def from_pulumi(project: str = PROJECT) -> Stack:
    """Load the running program's stack: its config (what ``pulumi config`` holds) and catalog.

    Values come through the public :class:`pulumi.Config` API, one key at a time: every key the
    stack config model knows, plus every key of the project's namespace in ``Pulumi.<stack>.yaml``
    (so a misspelt key is reported, not ignored). The stack file also says which leaves are
    encrypted and which namespaces are used (an unknown one is an error). Keys set elsewhere (an
    ESC environment, ``--config``) are treated as secret as a whole, since their provenance is not
    known leaf by leaf.
    """
    import pulumi

    source = f"config of stack '{pulumi.get_stack()}'"
    root = Path(pulumi.get_root_directory() or Path.cwd())
    stack_file = stack_config_dir(root) / f"Pulumi.{pulumi.get_stack()}.yaml"
    entries = read_stack_entries(stack_file, project) if stack_file.is_file() else {}
    problems = namespace_problems(entries, project)
    if problems:
        raise ConfigError(problems, source)
    prefix = f"{project}:"
    in_file = {key[len(prefix) :] for key in entries if key.startswith(prefix)}
    config = pulumi.Config(project)
    values = {}
    for key in sorted(StackConfig.allowed_keys() | in_file):
        raw = config.get(key)
        if raw is not None:
            values[key] = decode_value(raw)
    secret = secret_paths(entries, project) | (values.keys() - in_file)
    return load_stack(values, root, source=source, secret_keys=secret)


def stack_config_dir(root: Path) -> Path:
    """Where the project keeps ``Pulumi.<stack>.yaml``: ``stackConfigDir`` of ``Pulumi.yaml`` (relative
    to the project), else the project folder."""
    project_file = root / "Pulumi.yaml"
    if not project_file.is_file():
        return root
    document = load_yaml(project_file, "Pulumi.yaml") or {}
    configured = document.get("stackConfigDir") if isinstance(document, dict) else None
    return root / configured if isinstance(configured, str) and configured else root


@contextmanager
def config_errors_exit() -> Iterator[None]:
    """Report a :class:`ConfigError` raised inside as the CLI does: the message on stderr and exit
    code 2, no traceback (``pulumi up`` then shows the message and fails the update)."""
    try:
        yield
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def decode_value(value: Any) -> Any:
    """Pulumi passes structured config values as JSON text; scalars stay strings."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value
