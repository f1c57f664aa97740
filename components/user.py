"""``KafkaUser``: a client identity as a Strimzi ``KafkaUser`` with its ACLs and quotas."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from .backend import PasswordOwner
from .config.acls import AclRule
from .config.catalog import Quotas
from .config.resolve import ResolvedService
from .resources import StrimziResource
from .specs.users import PASSWORD_KEY, password_secret_name, user_spec
from .strimzi import CLUSTER_LABEL, ready_annotations

if TYPE_CHECKING:
    from .cluster import KafkaCluster

USER_TYPE = "messaging-platform:kafka:User"
PASSWORD_LENGTH = 32
USER_READY_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class KafkaUserArgs:
    """Inputs of a :class:`KafkaUser`: one client identity on a Strimzi cluster.

    Declare services through :meth:`KafkaCatalog.add_service
    <messaging_platform.KafkaCatalog.add_service>` to have their ACLs derived from intents and
    checked; these args take the ACLs as given.
    """

    cluster: KafkaCluster
    """The cluster the user is created on: namespace, label and dependency (required)."""
    user_name: str
    """The KafkaUser name: the principal ``User:<name>`` and the credentials Secret's name (required)."""
    authentication: Literal["scram-sha-512", "tls"] = "scram-sha-512"
    """How the client authenticates (default: ``scram-sha-512``)."""
    acls: Sequence[AclRule] = ()
    """What the user may do; Strimzi's ``simple`` authorization (default: nothing)."""
    quotas: Quotas | None = None
    """Broker-enforced client quotas (default: none)."""
    password: PasswordOwner = "pulumi"
    """Who owns a SCRAM password: ``pulumi`` generates it and keeps it as a Pulumi secret,
    ``operator`` lets the User Operator generate it (default: ``pulumi``)."""

    @classmethod
    def for_service(cls, cluster: KafkaCluster, service: ResolvedService, password: PasswordOwner) -> KafkaUserArgs:
        """The args for a resolved catalog service."""
        return cls(
            cluster=cluster,
            user_name=service.name,
            authentication=service.spec.authentication,
            acls=service.acls,
            quotas=service.spec.quotas,
            password=password,
        )


class KafkaUser(pulumi.ComponentResource):
    """A service's identity on a Strimzi cluster.

    Children: with ``scram-sha-512`` and Pulumi-owned passwords, ``{name}-password`` (a random
    password kept as a Pulumi secret) and ``{name}-password-secret`` (the Kubernetes Secret the
    User Operator reads through ``password.valueFrom.secretKeyRef``); then ``{name}-user``, the
    KafkaUser with the service's ACLs and quotas. Strimzi writes the credentials a client mounts
    to the Secret named after the user (:attr:`secret_name`).
    """

    secret_name: str
    """The Secret a client mounts: SCRAM password and JAAS config, or TLS certificate and key."""
    password: pulumi.Output[str] | None
    """The SCRAM password, as a secret, when Pulumi owns it."""

    def __init__(self, name: str, args: KafkaUserArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(USER_TYPE, name, None, opts)
        cluster = args.cluster
        labels = {**cluster.labels, CLUSTER_LABEL: cluster.cluster_name}
        owned = args.password == "pulumi" and args.authentication == "scram-sha-512"
        depends: list[pulumi.Resource] = [cluster.kafka]
        self.password = None
        if owned:
            generated = random.RandomPassword(
                f"{name}-password", length=PASSWORD_LENGTH, special=False, opts=pulumi.ResourceOptions(parent=self)
            )
            self.password = pulumi.Output.secret(generated.result)
            depends.append(
                k8s.core.v1.Secret(
                    f"{name}-password-secret",
                    metadata={
                        "name": password_secret_name(args.user_name),
                        "namespace": cluster.namespace,
                        "labels": labels,
                    },
                    string_data={PASSWORD_KEY: self.password},
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[cluster.kafka]),
                )
            )
        StrimziResource(
            f"{name}-user",
            kind="KafkaUser",
            metadata={
                "name": args.user_name,
                "namespace": cluster.namespace,
                "labels": labels,
                "annotations": ready_annotations(USER_READY_TIMEOUT_SECONDS),
            },
            spec=user_spec(args, owned),
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends),
        )
        self.secret_name = args.user_name
        self.register_outputs({"secret_name": self.secret_name, "password": self.password})
