"""Builds a whole stack from its validated config: operator, namespaces and clusters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from .cluster import KafkaCluster
from .config.stack import StackConfig
from .operator import StrimziOperator
from .strimzi import MANAGED_BY_LABELS

OPERATOR_NAME = "strimzi"


@dataclass
class Platform:
    """What a stack declares, for exports and for wiring further components."""

    config: StackConfig
    operator: StrimziOperator
    namespaces: dict[str, k8s.core.v1.Namespace] = field(default_factory=dict)
    clusters: dict[str, KafkaCluster] = field(default_factory=dict)

    def outputs(self) -> dict[str, Any]:
        """The stack outputs: what a client or another stack needs to use each cluster."""
        return {
            "environment": self.config.environment,
            "operatorNamespace": self.operator.namespace,
            "clusters": {
                name: {
                    "namespace": cluster.namespace,
                    "bootstrapServers": cluster.bootstrap_servers,
                    "clusterCaSecret": cluster.cluster_ca_secret,
                    "clientsCaSecret": cluster.clients_ca_secret,
                }
                for name, cluster in sorted(self.clusters.items())
            },
        }


def build_platform(config: StackConfig) -> Platform:
    """Declare the operator, a Namespace per cluster namespace, and every Kafka cluster."""
    operator = StrimziOperator(OPERATOR_NAME, config.operator, config.watched_namespaces)
    platform = Platform(config=config, operator=operator)
    for namespace in sorted({c.namespace for c in config.clusters.values()} - {config.operator.namespace}):
        platform.namespaces[namespace] = k8s.core.v1.Namespace(
            f"namespace-{namespace}",
            metadata={"name": namespace, "labels": MANAGED_BY_LABELS},
        )
    for name, cluster_config in config.clusters.items():
        platform.clusters[name] = KafkaCluster(
            name,
            cluster_config,
            operator=operator,
            namespace=platform.namespaces.get(cluster_config.namespace),
        )
    return platform


def export_outputs(platform: Platform) -> None:
    """Export :meth:`Platform.outputs` as stack outputs."""
    for key, value in platform.outputs().items():
        pulumi.export(key, value)
