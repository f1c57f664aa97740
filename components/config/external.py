"""An existing Kafka cluster this platform does not run, managed through the pulumi-kafka provider."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, PrivateAttr, SecretStr, WithJsonSchema

from .base import ConfigModel, json_pattern

_HOST_PORT = re.compile(r"^[A-Za-z0-9.-]+:\d{1,5}$")


def _check_bootstrap(address: str) -> str:
    if not _HOST_PORT.match(address):
        raise ValueError(f"'{address}' is not host:port")
    return address


BootstrapAddress = Annotated[
    str,
    AfterValidator(_check_bootstrap),
    WithJsonSchema({"title": "host:port", "type": "string", "pattern": json_pattern(_HOST_PORT)}),
]


ClientAuthentication = Literal["scram-sha-512"]
CLIENT_AUTHENTICATION: tuple[ClientAuthentication, ...] = ("scram-sha-512",)
SaslMechanism = Literal["scram-sha-512", "scram-sha-256", "plain"]
"""How a login to an external cluster authenticates (the platform's admin, MirrorMaker 2's user)."""


class SaslConfig(ConfigModel):
    """How the platform itself authenticates to the cluster (an admin principal)."""

    mechanism: SaslMechanism = Field(default="scram-sha-512", description="SASL mechanism.")
    username: str = Field(min_length=1, description="User name of the admin principal.")
    password: SecretStr = Field(
        description="Password of the admin principal; a Pulumi secret "
        "(`pulumi config set --secret --path 'externalClusters.<name>.sasl.password' ...`), never plain text."
    )
    _username_secret: bool = PrivateAttr(default=False)

    @property
    def username_secret(self) -> bool:
        """Whether ``username`` is stored encrypted in the stack (``pulumi config set --secret``), so
        it must reach resources as a Pulumi secret too. Known at load time, not a config key."""
        return self._username_secret

    def with_secret_username(self) -> SaslConfig:
        """A copy whose ``username`` counts as a secret (see :attr:`username_secret`)."""
        copy = self.model_copy()
        copy._username_secret = True
        return copy


class ExternalClusterConfig(ConfigModel):
    """Connection to an external cluster, and what the catalog may assume about it.

    The SASL ``password`` must be stored encrypted (``pulumi config set --secret --path ...``);
    the stack loader refuses a plain-text one.
    """

    bootstrap_servers: list[BootstrapAddress] = Field(
        min_length=1, description="Bootstrap addresses (`host:port`) the pulumi-kafka provider connects to."
    )
    brokers: int = Field(ge=1, description="Number of brokers; catalog topics may not ask for more replicas.")
    tls: bool = Field(default=True, description="Connect with TLS.")
    ca_cert: str | None = Field(
        default=None, description="CA certificate (PEM, or a path to it) to verify the brokers with; unset: system CAs."
    )
    skip_tls_verify: bool = Field(default=False, description="Skip verifying the brokers' certificates (tests only).")
    sasl: SaslConfig | None = Field(
        default=None, description="SASL credentials of the platform's admin principal; unset: no SASL."
    )
    kafka_version: str | None = Field(
        default=None,
        pattern=r"^\d+\.\d+\.\d+$",
        description="Kafka protocol version the provider speaks (`X.Y.Z`); unset: the provider's default.",
    )
    authorization: bool = Field(
        default=True, description="The cluster enforces ACLs; without it catalog services that need ACLs are refused."
    )
    client_authentication: list[ClientAuthentication] = Field(
        default_factory=lambda: list(CLIENT_AUTHENTICATION),
        description="Authentication the cluster offers clients; each catalog service must use one of them.",
    )
