"""Pure builder for the Strimzi operator's Helm values (no Pulumi imports)."""

from __future__ import annotations

from typing import Any

from ..config.operator import OperatorConfig


def operator_values(operator: OperatorConfig, watch_namespaces: list[str]) -> dict[str, Any]:
    """Helm values for ``strimzi-kafka-operator``: typed settings first, then extra chart values.

    CRDs are not installed by the chart (``skipCrds``): Helm never upgrades them, so the
    StrimziOperator component applies them itself at the operator's version.
    """
    values: dict[str, Any] = dict(operator.values)
    values.update(
        {
            "replicas": operator.replicas,
            "watchAnyNamespace": operator.watch_any_namespace,
            "logLevel": operator.log_level,
            "featureGates": ",".join(operator.feature_gates),
        }
    )
    # The chart adds its own namespace to the watch list; listing it again would duplicate RBAC.
    watched = [ns for ns in watch_namespaces if ns != operator.namespace]
    if not operator.watch_any_namespace:
        values["watchNamespaces"] = watched
    if operator.resources is not None:
        values["resources"] = operator.resources.to_dict()
    if operator.replicas > 1:
        values.setdefault("leaderElection", {"enable": True})
    return dict(sorted(values.items()))
