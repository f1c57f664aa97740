"""``KafkaBridge``: Strimzi's HTTP Bridge on a cluster, with its own least-privilege KafkaUser."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from .backend import PasswordOwner
from .cluster import KafkaCluster, internal_bootstrap
from .config.acls import AclRule
from .config.addons import ResolvedBridge
from .config.bridge import BridgeSettings, bridge_user_name
from .config.workloads import client_listener_or_error
from .resources import StrimziResource
from .specs.bridge import bridge_spec
from .specs.clients import KafkaConnection
from .strimzi import ready_annotations
from .user import KafkaUser, KafkaUserArgs

BRIDGE_TYPE = "messaging-platform:kafka:Bridge"
BRIDGE_READY_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class KafkaBridgeArgs:
    """Inputs of a :class:`KafkaBridge`.

    The ACLs are taken as given: declare the bridge in the stack config (``messaging-platform:bridges``)
    to have them derived from its intents and checked against the catalog, as a service's are.
    """

    cluster: KafkaCluster
    """The cluster the bridge serves; it runs in the cluster's namespace (required)."""
    acls: Sequence[AclRule]
    """What HTTP clients may do through the bridge: its user's ACLs (required; empty grants nothing)."""
    settings: BridgeSettings = field(default_factory=BridgeSettings)
    """Pods, HTTP port and CORS, listener, resources and logging (default: one pod on port 8080, the
    first internal TLS listener with SCRAM, else TLS, authentication)."""
    user_name: str | None = None
    """The bridge's KafkaUser (principal ``User:<name>``) (default: ``<name>-bridge``)."""
    password: PasswordOwner = "pulumi"
    """Who owns a SCRAM password: ``pulumi`` (a random password kept as a Pulumi secret) or
    ``operator`` (the User Operator) (default: ``pulumi``)."""

    @classmethod
    def for_resolved(cls, cluster: KafkaCluster, bridge: ResolvedBridge, password: PasswordOwner) -> KafkaBridgeArgs:
        """The args of a bridge of the stack config, resolved against the catalog."""
        return cls(cluster=cluster, acls=bridge.acls, settings=bridge.config, user_name=bridge.user_name,
                   password=password)  # fmt: skip


class KafkaBridge(pulumi.ComponentResource):
    """An HTTP Bridge (``KafkaBridge``) that reaches its cluster over TLS, trusting the cluster CA, as a
    KafkaUser of its own whose ACLs are the bridge's intents.

    Children: ``{name}`` (a :class:`KafkaUser`: ``{name}-user`` and, with Pulumi-owned SCRAM
    passwords, ``{name}-password`` and ``{name}-password-secret``), then ``{name}-bridge``, the
    KafkaBridge (named ``name``), which waits for Strimzi's ``Ready`` condition. Strimzi serves it at
    the Service ``<name>-bridge-service`` (:attr:`url`).
    """

    url: str
    """The bridge's HTTP address inside the Kubernetes cluster."""
    user_name: str
    """The bridge's KafkaUser (principal ``User:<name>``) and the Secret holding its credentials."""

    def __init__(self, name: str, args: KafkaBridgeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        cluster, settings = args.cluster, args.settings
        listener_name, listener, authentication = client_listener_or_error(
            f"KafkaBridge '{name}'.settings.listener", cluster.cluster_name, cluster.config, settings.listener
        )  # before anything is registered
        super().__init__(BRIDGE_TYPE, name, None, opts)
        self.user_name = args.user_name or bridge_user_name(name)
        user = KafkaUser(
            name,
            KafkaUserArgs(
                cluster=cluster,
                user_name=self.user_name,
                authentication=authentication,
                acls=args.acls,
                password=args.password,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        connection = KafkaConnection(
            bootstrap_servers=internal_bootstrap(cluster.cluster_name, cluster.namespace, listener_name, listener),
            ca_secret=cluster.cluster_ca_secret,
            authentication=authentication,
            username=self.user_name,
            credentials_secret=user.secret_name,
        )
        StrimziResource(
            f"{name}-bridge",
            kind="KafkaBridge",
            metadata={
                "name": name,
                "namespace": cluster.namespace,
                "labels": dict(cluster.labels),
                "annotations": ready_annotations(BRIDGE_READY_TIMEOUT_SECONDS),
            },
            spec=bridge_spec(settings, connection),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[cluster.kafka, user]),
        )
        # Ref: Strimzi names the bridge's Service <name>-bridge-service.
        self.url = f"http://{name}-bridge-service.{cluster.namespace}.svc:{settings.http.port}"
        self.register_outputs({"url": self.url, "user_name": self.user_name})
