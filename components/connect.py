"""The ``KafkaConnect`` component: a Kafka Connect cluster, its user, its topics and its connectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi

from .backend import PasswordOwner
from .cluster import internal_bootstrap
from .config.catalog import DeletionPolicy
from .config.connect import ConnectConfig
from .config.connect_resolve import ResolvedConnect, resolve_connect
from .config.errors import ConfigError
from .config.resolve import ResolvedConnector
from .resources import StrimziResource
from .specs.connect import connect_spec, connector_spec
from .strimzi import CLUSTER_LABEL, CONNECT_REST_PORT, USE_CONNECTOR_RESOURCES_ANNOTATION, ready_annotations
from .topic import DOMAIN_LABEL, KafkaTopic, KafkaTopicArgs, deletion_options
from .user import KafkaUser, KafkaUserArgs

if TYPE_CHECKING:
    from .cluster import KafkaCluster

CONNECT_TYPE = "messaging-platform:kafka:Connect"
# A first build pulls the Kafka image and the plugins, then workers start: allow for both.
CONNECT_READY_TIMEOUT_SECONDS = 1800
CONNECTOR_READY_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class KafkaConnectArgs:
    """Inputs of a :class:`KafkaConnect`."""

    cluster: KafkaCluster
    """The Strimzi cluster the workers connect to; Connect runs in its namespace (required)."""
    config: ConnectConfig
    """The validated Connect config, e.g. ``ConnectConfig.model_validate(connect_preset("prod"))`` (required)."""
    connectors: Sequence[ResolvedConnector] = ()
    """The connectors it runs (each naming this cluster in ``connect``), with the Kafka names of what
    they read and write, e.g. ``load_stack(...).connect[name].connectors`` (default: none)."""
    deletion: DeletionPolicy = "delete"
    """What removing the component does to its internal topics: ``delete``, ``retain`` or ``protect``
    (default: ``delete``; the stack passes the catalog's policy, ``protect`` in prod)."""
    password: PasswordOwner = "pulumi"
    """Who owns the Connect user's SCRAM password: ``pulumi`` or ``operator`` (default: ``pulumi``)."""


class KafkaConnect(pulumi.ComponentResource):
    """A Strimzi ``KafkaConnect`` that manages its connectors through ``KafkaConnector`` resources.

    ``name`` is the KafkaConnect's name (and the ``strimzi.io/cluster`` label of its connectors). The
    workers reach the cluster through one of its internal TLS listeners, trust its cluster CA and
    authenticate as a KafkaUser ``<name>-connect`` (SCRAM-SHA-512 or TLS, as the listener asks) whose
    ACLs cover exactly its group, its three internal topics and its connectors' topics. Config errors
    (no suitable listener, a connector referencing a Secret the workers do not mount, ...) raise
    :class:`~messaging_platform.ConfigError` before anything is registered.

    Children: ``{name}-user`` (:class:`KafkaUser`), ``{name}-topic-configs``, ``-offsets`` and
    ``-status`` (compacted KafkaTopics, with the deletion policy of the args), ``{name}-connect`` (the
    KafkaConnect, waiting for Strimzi's ``Ready``) and ``{name}-connector-<connector>`` each.
    """

    connect_name: str
    """The KafkaConnect's name."""
    namespace: str
    """The namespace the workers run in (the cluster's)."""
    bootstrap_servers: str
    """The TLS bootstrap address the workers use."""
    user_name: str
    """The KafkaUser the workers authenticate as; its credentials Secret has the same name."""
    group_id: str
    """The workers' group."""
    rest_api: str
    """The Connect REST API inside the Kubernetes cluster."""
    topics: dict[str, pulumi.Resource]
    """The internal topics by role: ``configs``, ``offsets``, ``status``."""
    connectors: dict[str, pulumi.Resource]
    """The KafkaConnectors by connector name."""

    def __init__(self, name: str, args: KafkaConnectArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        cluster = args.cluster
        label = f"KafkaConnect '{name}'"
        resolved, problems = resolve_connect(
            name,
            args.config,
            cluster_name=cluster.cluster_name,
            cluster=cluster.config,
            connectors=args.connectors,
            deletion=args.deletion,
            passwords=args.password,
            path=f"{label}: ",
        )
        if problems:
            raise ConfigError(problems, label)  # before anything is registered
        super().__init__(CONNECT_TYPE, name, None, opts)
        self.connect_name = name
        self.namespace = cluster.namespace
        self.user_name = resolved.user_name
        self.group_id = resolved.group_id
        listener = cluster.config.listeners[resolved.listener]
        self.bootstrap_servers = internal_bootstrap(cluster.cluster_name, self.namespace, resolved.listener, listener)
        self.rest_api = f"http://{name}-connect-api.{self.namespace}.svc:{CONNECT_REST_PORT}"
        children = pulumi.ResourceOptions(parent=self)

        user = KafkaUser(
            f"{name}-user",
            KafkaUserArgs(
                cluster=cluster,
                user_name=resolved.user_name,
                authentication=resolved.authentication,
                acls=resolved.acls,
                password=args.password,
            ),
            children,
        )
        self.topics = {
            role: KafkaTopic(
                f"{name}-topic-{role}",
                KafkaTopicArgs(
                    cluster=cluster,
                    kafka_name=topic.kafka_name,
                    partitions=topic.partitions,
                    replicas=topic.replicas,
                    config=topic.config,
                    resource_name=topic.resource_name,
                ),
                pulumi.ResourceOptions.merge(deletion_options(topic.deletion), children),
            )
            for role, topic in resolved.topics.items()
        }
        connect = StrimziResource(
            f"{name}-connect",
            kind="KafkaConnect",
            metadata={
                "name": name,
                "namespace": self.namespace,
                "labels": dict(cluster.labels),
                "annotations": {
                    USE_CONNECTOR_RESOURCES_ANNOTATION: "true",
                    **ready_annotations(CONNECT_READY_TIMEOUT_SECONDS),
                },
            },
            spec=connect_spec(resolved, self.bootstrap_servers, cluster.cluster_ca_secret),
            # The workers start once their user exists and their topics do: they may not create them.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[cluster.kafka, user, *self.topics.values()]),
        )
        self.connectors = {
            connector.name: self._connector(resolved, connector, connect, cluster.labels)
            for connector in resolved.connectors
        }
        self.register_outputs(
            {
                "connect_name": self.connect_name,
                "namespace": self.namespace,
                "bootstrap_servers": self.bootstrap_servers,
                "user_name": self.user_name,
                "group_id": self.group_id,
                "rest_api": self.rest_api,
                "topics": sorted(self.topics),
                "connectors": sorted(self.connectors),
            }
        )

    def _connector(
        self,
        resolved: ResolvedConnect,
        connector: ResolvedConnector,
        connect: StrimziResource,
        cluster_labels: Mapping[str, str],
    ) -> StrimziResource:
        # Strimzi's connector operator finds a connector by its Connect cluster's name in this label.
        labels = {**cluster_labels, CLUSTER_LABEL: resolved.name}
        if connector.domain:
            labels[DOMAIN_LABEL] = connector.domain
        return StrimziResource(
            f"{resolved.name}-connector-{connector.name}",
            kind="KafkaConnector",
            metadata={
                "name": connector.name,
                "namespace": self.namespace,
                "labels": labels,
                "annotations": ready_annotations(CONNECTOR_READY_TIMEOUT_SECONDS),
            },
            spec=connector_spec(connector),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[connect]),
        )
