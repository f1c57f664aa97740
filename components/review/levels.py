"""Per-environment levels of review findings: ``review.json`` beside the policy pack's config.

The file maps every finding id to ``{"<environment>": "blocking" | "advisory" | "disabled"}``.
Every id must be listed, for the same environments: a new finding never defaults silently.
A blocking finding makes ``messaging-platform diff`` exit 1; advisory ones are printed;
disabled ones are dropped.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, cast

from .model import FINDING_IDS, LEVELS, Finding, Level, LeveledFinding

CONFIG_PACKAGE = "messaging_platform.policy.config"
CONFIG_FILE = "review.json"


class ReviewConfigError(ValueError):
    """A review levels file that cannot be used, naming the file and the key."""


@dataclass(frozen=True)
class ReviewLevels:
    """The level of every finding id in every environment, as read from ``source``."""

    source: str
    levels: Mapping[str, Mapping[str, Level]]

    @property
    def environments(self) -> tuple[str, ...]:
        """The environments the file defines."""
        return tuple(sorted(next(iter(self.levels.values()), {})))

    def for_environment(self, environment: str) -> dict[str, Level]:
        """Finding id -> level in ``environment``; an error naming the known environments otherwise."""
        if environment not in self.environments:
            raise ReviewConfigError(
                f"{self.source}: no review levels for environment '{environment}' "
                f"(environments: {', '.join(self.environments)}); pass --env with one of them"
            )
        return {finding_id: by_env[environment] for finding_id, by_env in self.levels.items()}


def load_review_levels(path: Path | None = None) -> ReviewLevels:
    """Read and validate a levels file (default: the ``review.json`` shipped with the package)."""
    if path is None:
        resource = resources.files(CONFIG_PACKAGE) / CONFIG_FILE
        source, text = f"{CONFIG_PACKAGE.replace('.', '/')}/{CONFIG_FILE}", resource.read_text()
    else:
        try:
            source, text = str(path), path.read_text()
        except OSError as exc:
            raise ReviewConfigError(f"{path}: cannot read review levels: {exc.strerror}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReviewConfigError(f"{source}: not JSON: {exc}") from None
    return ReviewLevels(source, parse_review_levels(document, source))


def parse_review_levels(document: Any, source: str) -> dict[str, dict[str, Level]]:
    """Validate a levels document (see the module docstring); errors name ``source`` and the key."""
    if not isinstance(document, Mapping):
        raise ReviewConfigError(f"{source}: expected an object mapping finding ids to levels per environment")
    levels: dict[str, dict[str, Level]] = {}
    for finding_id, by_env in document.items():
        if finding_id not in FINDING_IDS:
            near = difflib.get_close_matches(str(finding_id), FINDING_IDS, n=1)
            hint = f"; did you mean '{near[0]}'?" if near else f"; known ids: {', '.join(FINDING_IDS)}"
            raise ReviewConfigError(f"{source}: {finding_id}: unknown finding id{hint}")
        if not isinstance(by_env, Mapping) or not by_env:
            raise ReviewConfigError(
                f'{source}: {finding_id}: expected {{"<environment>": "<level>", ...}}, got {by_env!r}'
            )
        for environment, level in by_env.items():
            if level not in LEVELS:
                raise ReviewConfigError(
                    f"{source}: {finding_id}.{environment}: unknown level {level!r}; allowed: {', '.join(LEVELS)}"
                )
        levels[str(finding_id)] = {str(env): cast(Level, level) for env, level in by_env.items()}
    environments = {env for by_env in levels.values() for env in by_env}
    for finding_id, by_env in levels.items():
        absent = sorted(environments - set(by_env))
        if absent:
            raise ReviewConfigError(f"{source}: {finding_id}: no level for environment(s) {', '.join(absent)}")
    missing = [finding_id for finding_id in FINDING_IDS if finding_id not in levels]
    if missing:
        raise ReviewConfigError(f"{source}: no level for finding id(s) {', '.join(missing)}")
    return levels


def apply_levels(findings: Iterable[Finding], levels: Mapping[str, Level]) -> list[LeveledFinding]:
    """Findings with their environment's level, disabled ones dropped, blocking ones first (stable order)."""
    leveled = [LeveledFinding(f, levels[f.id]) for f in findings if levels[f.id] != "disabled"]
    return sorted(leveled, key=lambda item: item.level != "blocking")


def blocking(findings: Iterable[LeveledFinding]) -> list[LeveledFinding]:
    """The findings that block the change."""
    return [item for item in findings if item.level == "blocking"]
