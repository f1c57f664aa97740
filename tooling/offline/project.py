"""A Pulumi project on disk: ``Pulumi.yaml`` and its ``Pulumi.<stack>.yaml`` files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from messaging_platform.config.errors import ConfigError, ConfigProblem

from ..stack_files import read_stack_config


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
        entries = read_stack_config(self.stack_file(stack), self.name)
        config = {key: value if isinstance(value, str) else json.dumps(value) for key, (value, _) in entries.items()}
        secret_keys = tuple(sorted(key for key, (_, secret) in entries.items() if secret))
        return config, secret_keys
