"""A Pulumi project on disk: ``Pulumi.yaml`` and its ``Pulumi.<stack>.yaml`` files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..config.errors import ConfigError, ConfigProblem
from ..config.source import read_stack_file


@dataclass(frozen=True)
class PulumiProject:
    """A project directory: its name, program entry point and stacks."""

    directory: Path
    name: str
    main: str

    @classmethod
    def find(cls, start: Path) -> PulumiProject:
        """The project whose ``Pulumi.yaml`` is in ``start`` or the nearest parent."""
        for directory in (start.resolve(), *start.resolve().parents):
            manifest = directory / "Pulumi.yaml"
            if manifest.is_file():
                document = yaml.safe_load(manifest.read_text()) or {}
                if not isinstance(document, Mapping) or "name" not in document:
                    raise ConfigError([ConfigProblem("Pulumi.yaml", "needs a 'name'")], str(manifest))
                return cls(directory, str(document["name"]), str(document.get("main") or "."))
        raise FileNotFoundError(f"no Pulumi.yaml in {start.resolve()} or its parents")

    @property
    def stacks(self) -> list[str]:
        """Stacks with a ``Pulumi.<stack>.yaml`` file."""
        return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in self.directory.glob("Pulumi.*.yaml"))

    def stack_file(self, stack: str) -> Path:
        """The config file of a stack; a config error naming the known stacks if it does not exist."""
        path = self.directory / f"Pulumi.{stack}.yaml"
        if not path.is_file():
            known = ", ".join(self.stacks) or "none"
            raise ConfigError([ConfigProblem(path.name, f"no such stack file (stacks here: {known})")], str(path))
        return path

    def stack_config(self, stack: str) -> tuple[dict[str, str], tuple[str, ...]]:
        """The stack's config in engine form (``project:key`` -> text) and its secret keys."""
        path = self.stack_file(stack)
        document = yaml.safe_load(path.read_text()) or {}
        raw: Mapping[str, Any] = document.get("config") or {} if isinstance(document, Mapping) else {}
        values, secret = read_stack_file(path, self.name)
        config: dict[str, str] = {}
        for key, value in raw.items():
            namespace, _, name = str(key).rpartition(":")
            full = f"{namespace or self.name}:{name}"
            plain = values[name] if (namespace or self.name) == self.name else _plain(value)
            config[full] = plain if isinstance(plain, str) else json.dumps(plain)
        secret_keys = tuple(sorted(f"{self.name}:{name}" for name in secret))
        return config, secret_keys


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"secure"}:
        return "[secret]"
    return value
