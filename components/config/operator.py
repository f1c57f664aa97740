"""Config of the Strimzi Cluster Operator (Helm chart ``strimzi-kafka-operator`` 1.2.0)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from ..strimzi import FEATURE_GATES, FREE_FORM, HELM_VALUE_KEYS
from .base import ConfigModel
from .kubernetes import DnsLabel, ResourceRequirements

LogLevel = Literal["ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"]
_GATE = re.compile(r"^[+-](?P<name>[A-Za-z][A-Za-z0-9]*)$")

# Chart values the typed fields own; setting them again under `values` would be ambiguous.
TYPED_VALUE_KEYS = frozenset(
    {"replicas", "watchNamespaces", "watchAnyNamespace", "logLevel", "featureGates", "resources"}
)


class OperatorConfig(ConfigModel):
    """The Strimzi Cluster Operator.

    ``watchNamespaces`` defaults to the namespaces of the stack's clusters, so the operator never
    watches more than it manages. ``values`` passes any other chart value; unknown keys are errors.
    """

    namespace: DnsLabel = "strimzi"
    replicas: int = Field(default=1, ge=1, le=5)
    watch_namespaces: list[DnsLabel] | None = None
    watch_any_namespace: bool = False
    log_level: LogLevel = "INFO"
    feature_gates: list[str] = Field(default_factory=list)
    resources: ResourceRequirements | None = None
    manage_crds: bool = True
    helm_timeout_seconds: int = Field(default=600, ge=60, le=3600)
    values: dict[str, Any] = Field(default_factory=dict)

    @field_validator("feature_gates")
    @classmethod
    def _known_gates(cls, gates: list[str]) -> list[str]:
        seen: set[str] = set()
        for gate in gates:
            match = _GATE.match(gate)
            if match is None:
                raise ValueError(
                    f"'{gate}' is not a feature gate toggle; write '+Name' to enable or '-Name' to disable"
                )
            name = match["name"]
            if name not in FEATURE_GATES:
                known = ", ".join(sorted(FEATURE_GATES)) or "none"
                raise ValueError(f"unknown feature gate '{name}' (Strimzi 1.2.0 knows: {known})")
            if name in seen:
                raise ValueError(f"feature gate '{name}' is listed twice")
            seen.add(name)
        return gates

    @field_validator("values")
    @classmethod
    def _known_values(cls, values: dict[str, Any]) -> dict[str, Any]:
        typed = sorted(TYPED_VALUE_KEYS & values.keys())
        if typed:
            raise ValueError(f"set {', '.join(typed)} with the operator's own keys, not under 'values'")
        unknown = sorted(_unknown_keys(values, HELM_VALUE_KEYS, ""))
        if unknown:
            raise ValueError(
                f"unknown Helm chart value(s) {', '.join(unknown)}; "
                "see the strimzi-kafka-operator 1.2.0 chart's values.yaml for the keys it reads"
            )
        return values


def _unknown_keys(values: dict[str, Any], known: dict[str, Any], prefix: str) -> list[str]:
    unknown = []
    for key, value in values.items():
        path = f"{prefix}{key}"
        if key not in known:
            unknown.append(path)
        elif known[key] is not FREE_FORM and isinstance(value, dict):
            unknown.extend(_unknown_keys(value, known[key], f"{path}."))
    return unknown
