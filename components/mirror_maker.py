"""``KafkaMirrorMaker2``: catalog topics copied from one cluster to another by Strimzi's MirrorMaker 2,
with a least-privilege user on each side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
import pulumi_kubernetes as k8s

from .backend import PasswordOwner
from .cluster import KafkaCluster, internal_bootstrap
from .config.acls import AclRule, MirrorFlow, mirror_source_acls, mirror_target_acls
from .config.addons import ResolvedMirror
from .config.errors import ConfigError, ConfigProblem
from .config.listeners import ListenerConfig
from .config.mirror import MirrorCredentials, MirrorMaker2Settings, connect_group, connect_topics, mirror_user_name
from .config.workloads import UserAuthentication, client_listener_or_error
from .external import ExternalKafkaCluster
from .resources import StrimziResource
from .specs.clients import CA_CERT_KEY, KafkaConnection
from .specs.mirror_maker import mirror_maker2_spec
from .specs.users import PASSWORD_KEY
from .strimzi import ready_annotations
from .user import KafkaUser, KafkaUserArgs

MIRROR_MAKER_TYPE = "messaging-platform:kafka:MirrorMaker2"
MIRROR_MAKER_READY_TIMEOUT_SECONDS = 900
Role = Literal["source", "target"]
MirrorCluster = KafkaCluster | ExternalKafkaCluster
"""A side of a mirror: a Strimzi cluster of the program, or an external cluster."""


@dataclass(frozen=True)
class KafkaMirrorMaker2Args:
    """Inputs of a :class:`KafkaMirrorMaker2`: which topics go from which cluster to which.

    Topics and groups are taken as given (Kafka names): declare the mirror in the stack config
    (``messaging-platform:mirrorMaker2``) to have them taken from the catalog (domains, topics, and
    the consumer groups of the services reading them) and checked.
    """

    source: MirrorCluster
    """The cluster the topics come from; its name is its alias (required)."""
    target: MirrorCluster
    """The cluster the topics are copied to, where the Connect workers keep their group and topics;
    one of the two sides is a :class:`KafkaCluster`, beside which the workers run (required)."""
    topics: Sequence[str]
    """Kafka names of the source topics to mirror (required)."""
    groups: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Consumer groups on the source to checkpoint, each with the mirrored topics it reads (default:
    none, and then no checkpoint connector)."""
    settings: MirrorMaker2Settings = field(default_factory=MirrorMaker2Settings)
    """Pods, replication policy, offset sync, tasks, listeners, resources, logging (default: one pod,
    ``<source>.<topic>`` remote topics, group offsets synced)."""
    external_user: MirrorCredentials | None = None
    """The SASL user to connect to an external side as; required with one (default: none). It must
    exist there with the ACLs :attr:`KafkaMirrorMaker2.external_acls` lists."""
    password: PasswordOwner = "pulumi"
    """Who owns the SCRAM passwords of the users on Strimzi sides (default: ``pulumi``)."""

    @classmethod
    def for_resolved(
        cls, source: MirrorCluster, target: MirrorCluster, mirror: ResolvedMirror, password: PasswordOwner
    ) -> KafkaMirrorMaker2Args:
        """The args of a mirror of the stack config, resolved against the catalog."""
        return cls(
            source=source,
            target=target,
            topics=mirror.topics,
            groups=mirror.groups,
            settings=mirror.config,
            external_user=mirror.config.external_user,
            password=password,
        )


class KafkaMirrorMaker2(pulumi.ComponentResource):
    """A ``KafkaMirrorMaker2`` copying topics from ``source`` to ``target``, and checkpointing the
    consumer groups that read them.

    On a Strimzi side, MirrorMaker 2 connects through an internal TLS listener trusting the cluster
    CA, as a KafkaUser ``{name}-source`` / ``{name}-target`` holding exactly the ACLs it needs there
    (:func:`~messaging_platform.config.acls.mirror_source_acls`, ``mirror_target_acls``). On an
    external side it connects as ``external_user`` (SASL over TLS, trusting the external cluster's
    CA certificate when one is configured), whose password reaches Kubernetes only as a Secret built
    from a Pulumi secret; that user must exist with :attr:`external_acls`.

    Children: ``{name}-source`` / ``{name}-target`` (:class:`KafkaUser`, Strimzi sides),
    ``{name}-<role>-sasl`` and ``{name}-<role>-ca`` (Secrets, external side), then
    ``{name}-mirrormaker2`` (the KafkaMirrorMaker2 named ``name``, in the namespace of the Strimzi
    target, else of the Strimzi source), which waits for Strimzi's ``Ready`` condition.
    """

    namespace: str
    """Where the Connect workers run."""
    remote_topics: list[str]
    """The names of the mirrored topics on the target."""
    users: dict[str, str]
    """The KafkaUser MirrorMaker 2 connects as, per Strimzi side (``source``, ``target``)."""
    external_acls: dict[str, list[dict[str, Any]]]
    """Per external side: the ACLs its ``external_user`` must hold there (the platform creates none)."""

    def __init__(self, name: str, args: KafkaMirrorMaker2Args, opts: pulumi.ResourceOptions | None = None) -> None:
        home = _home(name, args)  # the sides and their listeners are checked before anything is registered
        sides: tuple[tuple[Role, MirrorCluster], ...] = (("source", args.source), ("target", args.target))
        wanted: dict[Role, str | None] = {"source": args.settings.source_listener,
                                          "target": args.settings.target_listener}  # fmt: skip
        listeners = {
            role: client_listener_or_error(
                f"KafkaMirrorMaker2 '{name}'.settings.{role}Listener", side.cluster_name, side.config, wanted[role]
            )
            for role, side in sides
            if isinstance(side, KafkaCluster)
        }
        super().__init__(MIRROR_MAKER_TYPE, name, None, opts)
        self._name = name
        settings = args.settings
        flow = MirrorFlow(
            source_alias=_alias(args.source),
            topics=tuple(sorted(args.topics)),
            groups={group: tuple(sorted(topics)) for group, topics in sorted(args.groups.items())},
            identity=settings.replication_policy == "identity",
            sync_group_offsets=settings.sync_group_offsets,
            connect_group=connect_group(name),
            connect_topics=connect_topics(name),
        )
        self.namespace = home.namespace
        self._labels = dict(home.labels)
        self.users, self.external_acls = {}, {}
        acls: dict[Role, list[AclRule]] = {"source": mirror_source_acls(flow), "target": mirror_target_acls(flow)}
        ready: list[pulumi.Resource] = []
        connections: dict[Role, KafkaConnection] = {}
        for role, side in sides:
            if isinstance(side, KafkaCluster):
                connections[role] = self._strimzi_side(
                    role, side, acls[role], listeners[role], password=args.password, ready=ready
                )
            else:
                assert args.external_user is not None  # checked by _home
                connections[role] = self._external_side(role, side, args.external_user, ready)
                self.external_acls[role] = [_acl_output(args.external_user.username, rule) for rule in acls[role]]
        target_alias = _alias(args.target)
        StrimziResource(
            f"{name}-mirrormaker2",
            kind="KafkaMirrorMaker2",
            metadata={
                "name": name,
                "namespace": self.namespace,
                "labels": dict(self._labels),
                "annotations": ready_annotations(MIRROR_MAKER_READY_TIMEOUT_SECONDS),
            },
            spec=mirror_maker2_spec(
                flow=flow,
                settings=settings,
                version=home.config.version,
                source=connections["source"],
                target=connections["target"],
                target_alias=target_alias,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=ready),
        )
        self.remote_topics = [flow.remote_topic(topic) for topic in flow.topics]
        self.register_outputs(
            {
                "namespace": self.namespace,
                "remote_topics": self.remote_topics,
                "users": self.users,
                "external_acls": self.external_acls,
            }
        )

    def _strimzi_side(
        self,
        role: Role,
        cluster: KafkaCluster,
        acls: list[AclRule],
        chosen: tuple[str, ListenerConfig, UserAuthentication],
        *,
        password: PasswordOwner,
        ready: list[pulumi.Resource],
    ) -> KafkaConnection:
        listener_name, listener, authentication = chosen
        user_name = mirror_user_name(self._name, role)
        user = KafkaUser(
            f"{self._name}-{role}",
            KafkaUserArgs(
                cluster=cluster, user_name=user_name, authentication=authentication, acls=acls, password=password
            ),
            pulumi.ResourceOptions(parent=self),
        )
        ready += [cluster.kafka, user]
        self.users[role] = user_name
        return KafkaConnection(
            bootstrap_servers=internal_bootstrap(cluster.cluster_name, cluster.namespace, listener_name, listener),
            ca_secret=cluster.cluster_ca_secret,
            authentication=authentication,
            username=user_name,
            credentials_secret=user.secret_name,
        )

    def _external_side(
        self, role: Role, cluster: ExternalKafkaCluster, user: MirrorCredentials, ready: list[pulumi.Resource]
    ) -> KafkaConnection:
        labels = dict(self._labels)
        credentials = f"{self._name}-{role}-sasl"
        ready.append(
            k8s.core.v1.Secret(
                credentials,
                metadata={"name": credentials, "namespace": self.namespace, "labels": labels},
                string_data={PASSWORD_KEY: pulumi.Output.secret(user.password.get_secret_value())},
                opts=pulumi.ResourceOptions(parent=self),
            )
        )
        ca_secret = None
        if cluster.config.tls and cluster.config.ca_cert is not None:
            ca_secret = f"{self._name}-{role}-ca"
            ready.append(
                k8s.core.v1.Secret(
                    ca_secret,
                    metadata={"name": ca_secret, "namespace": self.namespace, "labels": labels},
                    string_data={CA_CERT_KEY: cluster.config.ca_cert},
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
        return KafkaConnection(
            bootstrap_servers=",".join(cluster.bootstrap_servers),
            ca_secret=ca_secret,
            authentication=user.mechanism,
            username=user.username,
            credentials_secret=credentials,
            tls=cluster.config.tls,
        )


def _home(name: str, args: KafkaMirrorMaker2Args) -> KafkaCluster:
    """The Strimzi cluster the Connect workers run beside (the target if it is one), after checking the sides."""
    where = f"KafkaMirrorMaker2 '{name}'"
    problems = []
    sides = [side for side in (args.target, args.source) if isinstance(side, KafkaCluster)]
    if not sides:
        problems.append(ConfigProblem(where, "MirrorMaker 2 runs beside a Strimzi cluster: make a side a KafkaCluster"))
    elif len(sides) == 2 and sides[0].namespace != sides[1].namespace:
        problems.append(
            ConfigProblem(where, "the source and target clusters are in different namespaces; MirrorMaker 2 reads "
                          "both cluster CA Secrets from its own namespace: put them in one")
        )  # fmt: skip
    if len(sides) == 1 and args.external_user is None:
        problems.append(ConfigProblem(f"{where}.external_user", "a side is external: give the user to connect as"))
    if problems:
        raise ConfigError(problems, where)
    return sides[0]


def _alias(side: MirrorCluster) -> str:
    """A side's MirrorMaker 2 alias: its cluster name."""
    return side.name if isinstance(side, ExternalKafkaCluster) else side.cluster_name


def _acl_output(username: str, rule: AclRule) -> dict[str, Any]:
    """An ACL the external side must hold, as plain data (principal, resource, pattern, operations)."""
    return {
        "principal": f"User:{username}",
        "resourceType": rule.resource_type,
        "patternType": rule.pattern,
        "name": rule.name,
        "operations": list(rule.operations),
    }
