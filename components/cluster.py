"""The ``KafkaCluster`` component: a KRaft ``Kafka`` with its ``KafkaNodePool``s and metrics ConfigMap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from .backend import PasswordOwner, ServiceCredentials
from .config.cluster import ClusterConfig
from .config.listeners import ListenerConfig
from .config.loader import strimzi_target
from .config.resolve import ResolvedService, ResolvedTopic, TargetCluster
from .operator import StrimziOperator
from .resources import StrimziResource
from .specs.kafka import kafka_spec, node_pool_spec
from .specs.metrics import metrics_config_map_data
from .strimzi import CLUSTER_LABEL, managed_labels, ready_annotations
from .topic import KafkaTopic, KafkaTopicArgs, guard_hook
from .user import KafkaUser, KafkaUserArgs

CLUSTER_TYPE = "messaging-platform:kafka:Cluster"


@dataclass(frozen=True)
class KafkaClusterArgs:
    """Inputs of a :class:`KafkaCluster`."""

    config: ClusterConfig
    """The validated cluster config, e.g. ``ClusterConfig.model_validate(cluster_preset("prod"))`` (required)."""
    operator: StrimziOperator | None = None
    """The operator that reconciles the cluster; every child waits for it (default: none, an
    operator installed elsewhere)."""
    namespace: k8s.core.v1.Namespace | None = None
    """The cluster's Namespace resource when this program creates it; children wait for it
    (default: none, the namespace ``config.namespace`` already exists)."""
    environment: str | None = None
    """The stack's environment, as the ``messaging-platform.io/environment`` label of every object of
    the cluster, its topics and users (default: none, no label)."""


class KafkaCluster(pulumi.ComponentResource):
    """A Strimzi ``Kafka`` cluster in KRaft mode with dedicated or dual-role node pools.

    ``name`` is the Kafka resource's name (also ``metadata.name`` and the ``strimzi.io/cluster``
    label). A :class:`~messaging_platform.KafkaCatalog` targeting the cluster declares its topics
    and users (this class is its Strimzi backend).

    Children: ``{name}-metrics`` (ConfigMap of JMX exporter rules, when metrics are on),
    ``{name}-pool-{pool}`` (one KafkaNodePool each) and ``{name}-kafka``. The Kafka resource waits
    for Strimzi's ``Ready`` condition, so a spec the operator rejects fails ``pulumi up``. With
    ``protect: true`` the Kafka resource and node pools cannot be deleted by an update.
    """

    cluster_name: str
    """The Kafka resource's name."""
    namespace: str
    """The namespace the cluster runs in."""
    config: ClusterConfig
    """The config the cluster was built from."""
    bootstrap_servers: dict[str, pulumi.Output[str]]
    """Bootstrap address per listener name; external ones come from the Kafka status once deployed."""
    cluster_ca_secret: str
    """Secret holding the cluster CA certificate clients trust (key ``ca.crt``)."""
    clients_ca_secret: str
    """Secret holding the clients CA certificate (for mutual TLS)."""
    labels: dict[str, str]
    """Labels of every object of the cluster and of the objects declared for it (managed-by, part-of,
    and the environment when given); those Strimzi reconciles for it add ``strimzi.io/cluster``."""
    kafka: StrimziResource
    """The ``Kafka`` custom resource; topics and users depend on it."""

    def __init__(self, name: str, args: KafkaClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(CLUSTER_TYPE, name, None, opts)
        config, operator, namespace = args.config, args.operator, args.namespace
        self.cluster_name = name
        self.namespace = config.namespace
        self.config = config
        self.labels = managed_labels(args.environment)
        ready: list[pulumi.Resource] = [*(operator.ready if operator else []), *([namespace] if namespace else [])]
        strimzi_opts = pulumi.ResourceOptions(parent=self, depends_on=ready, protect=config.protect)

        metrics_name = None
        config_maps: list[pulumi.Resource] = []
        if config.metrics.enabled:
            metrics_name = f"{name}-metrics"
            config_maps.append(
                k8s.core.v1.ConfigMap(
                    f"{name}-metrics",
                    metadata={"name": metrics_name, "namespace": config.namespace, "labels": self._labels()},
                    data=metrics_config_map_data(),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=ready),
                )
            )

        pools = [
            StrimziResource(
                f"{name}-pool-{pool_name}",
                kind="KafkaNodePool",
                metadata={"name": pool_name, "namespace": config.namespace, "labels": self._labels()},
                spec=node_pool_spec(name, pool_name, pool, config),
                opts=strimzi_opts,
            )
            for pool_name, pool in config.node_pools.items()
        ]
        self.kafka = StrimziResource(
            f"{name}-kafka",
            kind="Kafka",
            metadata={
                "name": name,
                "namespace": config.namespace,
                "labels": dict(self.labels),
                "annotations": ready_annotations(config.ready_timeout_seconds),
            },
            spec=kafka_spec(config, metrics_name),
            with_status=True,
            opts=pulumi.ResourceOptions.merge(strimzi_opts, pulumi.ResourceOptions(depends_on=[*pools, *config_maps])),
        )
        self._topic_guard: pulumi.ResourceHook | None = None
        self.cluster_ca_secret = f"{name}-cluster-ca-cert"
        self.clients_ca_secret = f"{name}-clients-ca-cert"
        self.bootstrap_servers = {
            listener_name: self._bootstrap(listener_name, listener)
            for listener_name, listener in sorted(config.listeners.items())
        }
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "namespace": self.namespace,
                "bootstrap_servers": self.bootstrap_servers,
                "cluster_ca_secret": self.cluster_ca_secret,
                "clients_ca_secret": self.clients_ca_secret,
            }
        )

    @property
    def target(self) -> TargetCluster:
        """What a catalog may rely on in this cluster."""
        return strimzi_target(self.cluster_name, self.config)

    @property
    def catalog_parent(self) -> pulumi.Resource:
        """Catalog topics and users were children of the cluster before ``KafkaCatalog``."""
        return self

    def create_topic(self, name: str, topic: ResolvedTopic, opts: pulumi.ResourceOptions) -> pulumi.Resource:
        """A catalog topic as a Strimzi ``KafkaTopic`` (catalog backend)."""
        args = KafkaTopicArgs(
            cluster=self,
            kafka_name=topic.kafka_name,
            partitions=topic.partitions,
            replicas=topic.replicas,
            config=topic.config,
            domain=topic.domain,
            resource_name=topic.resource_name,
        )
        return KafkaTopic(name, args, opts)

    def create_user(
        self, name: str, service: ResolvedService, password: PasswordOwner, opts: pulumi.ResourceOptions
    ) -> ServiceCredentials:
        """A catalog service as a Strimzi ``KafkaUser`` (catalog backend)."""
        user = KafkaUser(name, KafkaUserArgs.for_service(self, service, password), opts)
        return ServiceCredentials(service.name, user.password, user.secret_name)

    @property
    def topic_guard(self) -> pulumi.ResourceHook:
        """The hook that refuses unsafe updates of this cluster's topics (registered on first use)."""
        if self._topic_guard is None:
            self._topic_guard = guard_hook(f"{self.cluster_name}-topic-guard", self.config.cruise_control.enabled)
        return self._topic_guard

    def _labels(self) -> dict[str, str]:
        return {**self.labels, CLUSTER_LABEL: self.cluster_name}

    def _bootstrap(self, listener_name: str, listener: ListenerConfig) -> pulumi.Output[str]:
        in_cluster = internal_bootstrap(self.cluster_name, self.namespace, listener_name, listener)
        if not listener.external:
            return pulumi.Output.from_input(in_cluster)
        return self.kafka.status.apply(lambda status: reported_bootstrap(status, listener_name) or in_cluster)


def reported_bootstrap(status: Any, listener_name: str) -> str | None:
    """The bootstrap address Strimzi reports for a listener in ``Kafka.status.listeners``."""
    for entry in (status or {}).get("listeners") or []:
        if entry.get("name") == listener_name and entry.get("bootstrapServers"):
            return str(entry["bootstrapServers"])
    return None


def internal_bootstrap(cluster: str, namespace: str, listener_name: str, listener: ListenerConfig) -> str:
    """The in-cluster bootstrap address Strimzi creates for a listener.

    External listeners get their address from the load balancer, node or route, which only the
    deployed cluster knows; until then the in-cluster service address stands in.
    Ref: https://strimzi.io/docs/operators/latest/deploying#con-accessing-kafka-from-inside-str
    """
    service = (
        f"{cluster}-kafka-bootstrap" if listener.type == "internal" else f"{cluster}-kafka-{listener_name}-bootstrap"
    )
    return f"{service}.{namespace}.svc:{listener.port}"
