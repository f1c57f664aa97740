"""Per-environment enforcement and thresholds, in the format of ``pulumi preview --policy-pack-config``.

A file maps rule ids to a level (``"mandatory"``) or to ``{"enforcementLevel": ..., <threshold>: ...}``;
``"all"`` sets the level of every rule not listed. Thresholds not given keep the rule's defaults.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, cast

from .model import LEVELS, Level
from .registry import Rule
from .rules import all_rules

PACK_NAME = "messaging-platform"
DEFAULT_LEVEL: Level = "mandatory"
CONFIG_PACKAGE = "messaging_platform.policy.config"
ENVIRONMENT_RULE = "policy-config-environment"
"""The rule whose ``environment`` setting says which environment a policy config is for."""


@dataclass(frozen=True)
class RuleSettings:
    """How one rule runs in one environment."""

    level: Level
    config: Mapping[str, Any]


class PolicySettingsError(ValueError):
    """A policy config file that the Pulumi CLI would refuse too."""


def environment_config_path(environment: str, project_dir: Path | None = None) -> Path | None:
    """``policies/config/<env>.json`` of the project, if there is one."""
    if project_dir is not None:
        path = project_dir / "policies" / "config" / f"{environment}.json"
        if path.is_file():
            return path
    return None


def load_policy_config(environment: str, project_dir: Path | None = None) -> dict[str, Any]:
    """The environment's policy config: the project's file, else the copy shipped with the package.

    A file that says it is another environment's (``policy-config-environment.environment``) is refused.
    """
    path = environment_config_path(environment, project_dir)
    if path is not None:
        text, name = path.read_text(), str(path)
    else:
        packaged = resources.files(CONFIG_PACKAGE) / f"{environment}.json"
        if not packaged.is_file():
            raise PolicySettingsError(f"no policy config for environment '{environment}' (expected {environment}.json)")
        text, name = packaged.read_text(), f"{environment}.json"
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicySettingsError(f"policy config for '{environment}' is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise PolicySettingsError(f"policy config for '{environment}' must be a JSON object")
    declared = config_environment(document)
    if declared is not None and declared != environment:
        raise PolicySettingsError(
            f"{name} is the policy config of environment '{declared}' ({ENVIRONMENT_RULE}.environment), "
            f"not of '{environment}'"
        )
    return document


def config_environment(document: Mapping[str, Any]) -> str | None:
    """The environment a ``--policy-pack-config`` document is for, when it says (its
    ``policy-config-environment`` rule's ``environment``); the pack checks resources against it."""
    entry = document.get(ENVIRONMENT_RULE)
    declared = entry.get("environment") if isinstance(entry, Mapping) else None
    return declared if isinstance(declared, str) and declared else None


def resolve_settings(document: Mapping[str, Any]) -> dict[str, RuleSettings]:
    """Each rule's level and config from a ``--policy-pack-config`` document, as the engine would."""
    rules = {rule.id: rule for rule in all_rules()}
    unknown = sorted(set(document) - set(rules) - {"all"})
    if unknown:
        raise PolicySettingsError(f"unknown rule id(s) in policy config: {', '.join(unknown)}")
    default = _level(document.get("all", DEFAULT_LEVEL), "all")
    settings = {}
    for rule_id, rule in rules.items():
        entry = document.get(rule_id)
        level, overrides = default, {}
        if isinstance(entry, str):
            level = _level(entry, rule_id)
        elif isinstance(entry, Mapping):
            overrides = {k: v for k, v in entry.items() if k != "enforcementLevel"}
            if "enforcementLevel" in entry:
                level = _level(entry["enforcementLevel"], rule_id)
        elif entry is not None:
            raise PolicySettingsError(f"{rule_id}: expected a level or an object, got {entry!r}")
        settings[rule_id] = RuleSettings(level, _config(rule, overrides))
    return settings


def _level(value: Any, where: str) -> Level:
    if value not in LEVELS:
        raise PolicySettingsError(f"{where}: enforcement level must be one of {', '.join(LEVELS)}, got {value!r}")
    return cast(Level, value)


def _config(rule: Rule, overrides: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(overrides) - set(rule.config))
    if unknown:
        allowed = ", ".join(sorted(rule.config)) or "none"
        raise PolicySettingsError(f"{rule.id}: unknown setting(s) {', '.join(unknown)} (allowed: {allowed})")
    merged = dict(rule.config)
    for key, given in overrides.items():
        default = rule.config[key]
        # JSON numbers arrive as floats from the Pulumi engine; thresholds are compared numerically.
        value = int(given) if isinstance(default, int) and isinstance(given, float) and given.is_integer() else given
        if type(value) is not type(default):
            raise PolicySettingsError(f"{rule.id}.{key}: expected {type(default).__name__}, got {value!r}")
        merged[key] = value
    return merged
