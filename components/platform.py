"""Builds a whole stack from its loaded config: operator, namespaces, clusters, the catalog, then the
bridges, mirrors and rebalances that use them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from .backend import CatalogBackend, PasswordOwner
from .bridge import KafkaBridge, KafkaBridgeArgs
from .catalog import KafkaCatalog, KafkaCatalogArgs
from .cluster import KafkaCluster, KafkaClusterArgs
from .config.addons import rebalance_cluster
from .config.loader import Stack
from .connect import KafkaConnect, KafkaConnectArgs
from .external import ExternalKafkaCluster, ExternalKafkaClusterArgs
from .mirror_maker import KafkaMirrorMaker2, KafkaMirrorMaker2Args, MirrorCluster
from .operator import StrimziOperator, StrimziOperatorArgs
from .rebalance import KafkaRebalance, KafkaRebalanceArgs
from .strimzi import managed_labels

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
    connect: dict[str, KafkaConnect] = field(default_factory=dict)
    bridges: dict[str, KafkaBridge] = field(default_factory=dict)
    mirror_makers: dict[str, KafkaMirrorMaker2] = field(default_factory=dict)
    rebalances: dict[str, KafkaRebalance] = field(default_factory=dict)

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
        if self.connect:
            outputs["connect"] = {
                name: {
                    "namespace": connect.namespace,
                    "restApi": connect.rest_api,
                    "userSecret": connect.user_name,
                    "connectors": sorted(connect.connectors),
                }
                for name, connect in sorted(self.connect.items())
            }
        if self.bridges:
            outputs["bridges"] = {
                name: {"url": bridge.url, "userSecret": bridge.user_name}
                for name, bridge in sorted(self.bridges.items())
            }
        if self.mirror_makers:
            outputs["mirrorMaker2"] = {
                name: {
                    "namespace": mirror.namespace,
                    "remoteTopics": mirror.remote_topics,
                    "userSecrets": mirror.users,
                    **({"externalAcls": mirror.external_acls} if mirror.external_acls else {}),
                }
                for name, mirror in sorted(self.mirror_makers.items())
            }
        return outputs


def build_platform(stack: Stack) -> Platform:
    """Declare the operator, a Namespace per cluster namespace, every cluster, and the catalog."""
    config = stack.config
    platform = Platform(stack=stack)
    if config.clusters:
        platform.operator = StrimziOperator(
            OPERATOR_NAME,
            StrimziOperatorArgs(
                config=config.operator, watch_namespaces=config.watched_namespaces, environment=config.environment
            ),
        )
    for namespace in sorted({c.namespace for c in config.clusters.values()} - {config.operator.namespace}):
        platform.namespaces[namespace] = k8s.core.v1.Namespace(
            f"namespace-{namespace}",
            metadata={"name": namespace, "labels": managed_labels(config.environment)},
        )
    for name, cluster_config in config.clusters.items():
        platform.clusters[name] = KafkaCluster(
            name,
            KafkaClusterArgs(
                config=cluster_config,
                operator=platform.operator,
                namespace=platform.namespaces.get(cluster_config.namespace),
                environment=config.environment,
            ),
        )
    for name, external in config.external_clusters.items():
        platform.external_clusters[name] = ExternalKafkaCluster(name, ExternalKafkaClusterArgs(config=external))
    if stack.catalog is not None:
        name = stack.catalog.target.name
        target: CatalogBackend = platform.clusters.get(name) or platform.external_clusters[name]
        platform.catalog = KafkaCatalog(f"{name}-catalog", KafkaCatalogArgs(target=target, resolved=stack.catalog))
    # Connect runs on the catalog's cluster, which the loader has checked is one of `clusters`.
    for name, connect in stack.connect.items():
        platform.connect[name] = KafkaConnect(
            name,
            KafkaConnectArgs(
                cluster=platform.clusters[connect.cluster],
                config=connect.config,
                connectors=connect.connectors,
                deletion=connect.deletion,
                password=connect.passwords,
            ),
        )
    _build_addons(stack, platform)
    return platform


def _build_addons(stack: Stack, platform: Platform) -> None:
    """Bridges, mirrors and rebalances, on the clusters declared before them."""
    config = stack.config
    passwords: PasswordOwner = stack.catalog.passwords if stack.catalog is not None else "pulumi"
    for name, bridge in stack.addons.bridges.items():
        platform.bridges[name] = KafkaBridge(
            name, KafkaBridgeArgs.for_resolved(platform.clusters[bridge.cluster], bridge, passwords)
        )
    # A mirror's side is either kind of cluster; the component connects to each as its kind needs.
    sides: dict[str, MirrorCluster] = {**platform.clusters, **platform.external_clusters}
    for name, mirror in stack.addons.mirrors.items():
        source, target = sides[mirror.config.source], sides[mirror.config.target]
        platform.mirror_makers[name] = KafkaMirrorMaker2(
            name, KafkaMirrorMaker2Args.for_resolved(source, target, mirror, passwords)
        )
    for name, rebalance in config.rebalances.items():
        cluster = platform.clusters[str(rebalance_cluster(config, rebalance.cluster))]
        platform.rebalances[name] = KafkaRebalance(name, KafkaRebalanceArgs(cluster=cluster, settings=rebalance))


def export_outputs(platform: Platform) -> None:
    """Export :meth:`Platform.outputs` as stack outputs."""
    for key, value in platform.outputs().items():
        pulumi.export(key, value)
