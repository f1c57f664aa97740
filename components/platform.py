"""Builds a whole stack from its loaded config: operator, namespaces, clusters and the catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from .cluster import KafkaCluster
from .config.loader import Stack
from .external import ExternalKafkaCluster
from .operator import StrimziOperator
from .strimzi import MANAGED_BY_LABELS
from .topic import KafkaTopic
from .user import KafkaUser

OPERATOR_NAME = "strimzi"


@dataclass
class Platform:
    """What a stack declares, for exports and for wiring further components."""

    stack: Stack
    operator: StrimziOperator | None = None
    namespaces: dict[str, k8s.core.v1.Namespace] = field(default_factory=dict)
    clusters: dict[str, KafkaCluster] = field(default_factory=dict)
    external_clusters: dict[str, ExternalKafkaCluster] = field(default_factory=dict)
    topics: dict[str, KafkaTopic] = field(default_factory=dict)
    users: dict[str, KafkaUser] = field(default_factory=dict)

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
        if self.external_clusters:
            outputs["externalClusters"] = {
                name: {"passwords": external.passwords} for name, external in sorted(self.external_clusters.items())
            }
        if self.stack.catalog is not None:
            outputs["catalog"] = {
                "cluster": self.stack.catalog.target.name,
                "topics": len(self.stack.catalog.topics),
                "userSecrets": {name: user.secret_name for name, user in sorted(self.users.items())},
            }
        return outputs


def build_platform(stack: Stack) -> Platform:
    """Declare the operator, a Namespace per cluster namespace, every cluster, and the catalog."""
    config = stack.config
    platform = Platform(stack=stack)
    if config.clusters:
        platform.operator = StrimziOperator(OPERATOR_NAME, config.operator, config.watched_namespaces)
    for namespace in sorted({c.namespace for c in config.clusters.values()} - {config.operator.namespace}):
        platform.namespaces[namespace] = k8s.core.v1.Namespace(
            f"namespace-{namespace}",
            metadata={"name": namespace, "labels": MANAGED_BY_LABELS},
        )
    for name, cluster_config in config.clusters.items():
        platform.clusters[name] = KafkaCluster(
            name,
            cluster_config,
            operator=platform.operator,
            namespace=platform.namespaces.get(cluster_config.namespace),
        )
    catalog = stack.catalog
    for name, external in config.external_clusters.items():
        on_this = catalog if catalog is not None and catalog.target.name == name else None
        platform.external_clusters[name] = ExternalKafkaCluster(name, external, on_this)
    if catalog is not None and catalog.target.kind == "strimzi":
        cluster = platform.clusters[catalog.target.name]
        for topic in catalog.topics:
            platform.topics[topic.key] = KafkaTopic(topic, cluster)
        for service in catalog.services:
            platform.users[service.name] = KafkaUser(
                f"{cluster.cluster_name}-user-{service.name}",
                service,
                cluster,
                catalog.passwords == "pulumi",
                opts=pulumi.ResourceOptions(parent=cluster),
            )
    return platform


def export_outputs(platform: Platform) -> None:
    """Export :meth:`Platform.outputs` as stack outputs."""
    for key, value in platform.outputs().items():
        pulumi.export(key, value)
