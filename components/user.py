"""``KafkaUser``: a catalog service as a Strimzi ``KafkaUser`` with least-privilege ACLs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from .config.resolve import ResolvedService
from .resources import StrimziResource
from .specs.users import PASSWORD_KEY, password_secret_name, user_spec
from .strimzi import CLUSTER_LABEL, MANAGED_BY_LABELS, TIMEOUT_ANNOTATION, WAIT_FOR_ANNOTATION, WAIT_FOR_READY

if TYPE_CHECKING:
    from .cluster import KafkaCluster

USER_TYPE = "messaging-platform:kafka:User"
PASSWORD_LENGTH = 32
USER_READY_TIMEOUT_SECONDS = 300


class KafkaUser(pulumi.ComponentResource):
    """A service's identity on a Strimzi cluster.

    Children: with ``scram-sha-512`` and Pulumi-owned passwords, ``{name}-password`` (a random
    password kept as a Pulumi secret) and ``{name}-password-secret`` (the Kubernetes Secret the
    User Operator reads through ``password.valueFrom.secretKeyRef``); then ``{name}-user``, the
    KafkaUser with the service's ACLs and quotas. Strimzi writes the credentials a client mounts
    to the Secret named after the service (:attr:`secret_name`).
    """

    secret_name: str
    """The Secret a client mounts: SCRAM password and JAAS config, or TLS certificate and key."""
    password: pulumi.Output[str] | None
    """The SCRAM password, as a secret, when Pulumi owns it."""

    def __init__(
        self,
        name: str,
        service: ResolvedService,
        cluster: KafkaCluster,
        pulumi_owned_password: bool = True,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(USER_TYPE, name, None, opts)
        labels = {**MANAGED_BY_LABELS, CLUSTER_LABEL: cluster.cluster_name}
        owned = pulumi_owned_password and service.spec.authentication == "scram-sha-512"
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
                        "name": password_secret_name(service.name),
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
                "name": service.name,
                "namespace": cluster.namespace,
                "labels": labels,
                "annotations": {
                    WAIT_FOR_ANNOTATION: WAIT_FOR_READY,
                    TIMEOUT_ANNOTATION: str(USER_READY_TIMEOUT_SECONDS),
                },
            },
            spec=user_spec(service, owned),
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends),
        )
        self.secret_name = service.name
        self.register_outputs({"secret_name": self.secret_name, "password": self.password})
