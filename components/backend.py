"""The seam between a :class:`~messaging_platform.KafkaCatalog` and the cluster it targets.

A catalog decides *what* exists (validated topics, services with ACLs derived from intents); a
backend decides *how* it lands: Strimzi custom resources on a :class:`KafkaCluster`, or
pulumi-kafka resources on an :class:`ExternalKafkaCluster`. The catalog never asks which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import pulumi

from .config.resolve import ResolvedService, ResolvedTopic, TargetCluster

PasswordOwner = Literal["pulumi", "operator"]


@dataclass(frozen=True)
class ServiceCredentials:
    """Where a service finds its credentials once the catalog has created its user."""

    user_name: str
    """The principal's name (``User:<name>``)."""
    password: pulumi.Output[str] | None
    """The SCRAM password as a Pulumi secret, when Pulumi owns it."""
    secret_name: str | None
    """The Kubernetes Secret a client mounts (Strimzi clusters), else None."""


class CatalogBackend(Protocol):
    """What a catalog needs from its target cluster."""

    @property
    def target(self) -> TargetCluster:
        """What the catalog may rely on: brokers, authorizer, offered authentication, operators."""
        ...

    @property
    def catalog_parent(self) -> pulumi.Resource:
        """The component that parented catalog topics and users before :class:`KafkaCatalog`
        existed; their former URNs are aliased under it, so adopting the catalog replaces nothing."""
        ...

    def create_topic(self, name: str, topic: ResolvedTopic, opts: pulumi.ResourceOptions) -> pulumi.Resource:
        """Declare one topic as the Pulumi resource ``name`` with ``opts`` (parent, aliases, deletion)."""
        ...

    def create_user(
        self, name: str, service: ResolvedService, password: PasswordOwner, opts: pulumi.ResourceOptions
    ) -> ServiceCredentials:
        """Declare one service's user, credentials and ACLs under the Pulumi name prefix ``name``."""
        ...
