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

    namespace: DnsLabel = Field(default="strimzi", description="Namespace of the operator; the stack creates it.")
    replicas: int = Field(
        default=1,
        ge=1,
        le=5,
        description="Operator pods; more than one turns leader election on. Preset: dev 1, prod 2.",
    )
    watch_namespaces: list[DnsLabel] | None = Field(
        default=None,
        description="Namespaces the operator reconciles; unset: those of the stack's clusters. Must include every "
        "cluster's namespace (its own is always watched).",
    )
    watch_any_namespace: bool = Field(
        default=False, description="Watch every namespace of the Kubernetes cluster instead of `watchNamespaces`."
    )
    log_level: LogLevel = Field(default="INFO", description="Log level of the operator.")
    feature_gates: list[str] = Field(
        default_factory=list,
        description="Strimzi feature gates to switch, each once: `+Name` on, `-Name` off; Strimzi 1.2.0 knows "
        + (", ".join(f"`{gate}`" for gate in sorted(FEATURE_GATES)) or "none")
        + ".",
    )
    resources: ResourceRequirements | None = Field(
        default=None,
        description="CPU and memory of the operator; unset: the chart's. The prod preset requests 200m CPU and "
        "384Mi (limits 1 CPU, 384Mi).",
    )
    manage_crds: bool = Field(
        default=True,
        description="Apply the Strimzi CRDs at the operator's version (kept on delete); off when they are "
        "managed elsewhere.",
    )
    helm_timeout_seconds: int = Field(
        default=600, ge=60, le=3600, description="Seconds Helm waits for the operator release to be ready."
    )
    values: dict[str, Any] = Field(
        default_factory=dict,
        description="Any other value of the strimzi-kafka-operator 1.2.0 chart; keys the chart does not read, or "
        "that a key above sets, are errors. The prod preset enables the operator's PodDisruptionBudget.",
    )

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
