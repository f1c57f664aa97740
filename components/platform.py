"""Builds a whole stack from its loaded config: operator, namespaces, clusters and the catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from .backend import CatalogBackend
from .catalog import KafkaCatalog, KafkaCatalogArgs
from .cluster import KafkaCluster, KafkaClusterArgs
from .config.loader import Stack
from .external import ExternalKafkaCluster, ExternalKafkaClusterArgs
from .operator import StrimziOperator, StrimziOperatorArgs
from .strimzi import MANAGED_BY_LABELS

OPERATOR_NAME = "strimzi"


@dataclass
class Platform:
    """What a stack declares, for exports and for wiring further components."""

    stack: Stack
    operator: StrimziOperator | None = None
    namespaces: dict[str, k8s.core.v1.Namespace] = field(default_factory=dict)
    clusters: dict[str, KafkaCluster] = field(default_factory=dict)
    external_clusters: dict[str, ExternalKafkaCluster] = field(default_factory=dict)
    catalog: KafkaCatalog | None = None

    def outputs(self) -> dict[str, Any]:
        """The stack outputs: what a client or another stack needs to use each cluster."""
        outputs: dict[str, Any] = {"environment": self.stack.config.environment}
        if self.operator is not None:
            outputs["operatorNamespace"] = self.operator.namespace
        outputs["clusters"] = {
            name: {
                "namespace": cluster.namespace,
                "bootstrapServers": cluster.bootstrap_servers,
                "clusterCaSecret": cluster.cluster_ca_secret,
                "clientsCaSecret": cluster.clients_ca_secret,
            }
            for name, cluster in sorted(self.clusters.items())
        }
        catalog = self.catalog
        if self.external_clusters:
            outputs["externalClusters"] = {
                name: {"passwords": catalog.passwords if catalog is not None and catalog.target is external else {}}
                for name, external in sorted(self.external_clusters.items())
            }
        if catalog is not None and self.stack.catalog is not None:
            outputs["catalog"] = {
                "cluster": self.stack.catalog.target.name,
                "topics": len(catalog.topics),
                "userSecrets": {
                    name: credentials.secret_name
                    for name, credentials in sorted(catalog.services.items())
                    if credentials.secret_name is not None
                },
            }
        return outputs


def build_platform(stack: Stack) -> Platform:
    """Declare the operator, a Namespace per cluster namespace, every cluster, and the catalog."""
    config = stack.config
    platform = Platform(stack=stack)
    if config.clusters:
        platform.operator = StrimziOperator(
            OPERATOR_NAME, StrimziOperatorArgs(config=config.operator, watch_namespaces=config.watched_namespaces)
        )
    for namespace in sorted({c.namespace for c in config.clusters.values()} - {config.operator.namespace}):
        platform.namespaces[namespace] = k8s.core.v1.Namespace(
            f"namespace-{namespace}",
            metadata={"name": namespace, "labels": MANAGED_BY_LABELS},
        )
    for name, cluster_config in config.clusters.items():
        platform.clusters[name] = KafkaCluster(
            name,
            KafkaClusterArgs(
                config=cluster_config,
                operator=platform.operator,
                namespace=platform.namespaces.get(cluster_config.namespace),
            ),
        )
    for name, external in config.external_clusters.items():
        platform.external_clusters[name] = ExternalKafkaCluster(name, ExternalKafkaClusterArgs(config=external))
    if stack.catalog is not None:
        name = stack.catalog.target.name
        target: CatalogBackend = platform.clusters.get(name) or platform.external_clusters[name]
        platform.catalog = KafkaCatalog(f"{name}-catalog", KafkaCatalogArgs(target=target, resolved=stack.catalog))
    return platform


def export_outputs(platform: Platform) -> None:
    """Export :meth:`Platform.outputs` as stack outputs."""
    for key, value in platform.outputs().items():
        pulumi.export(key, value)
