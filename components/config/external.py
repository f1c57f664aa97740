"""An existing Kafka cluster this platform does not run, managed through the pulumi-kafka provider."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr

from .base import ConfigModel

_HOST_PORT = re.compile(r"^[A-Za-z0-9.-]+:\d{1,5}$")


def _check_bootstrap(address: str) -> str:
    if not _HOST_PORT.match(address):
        raise ValueError(f"'{address}' is not host:port")
    return address


BootstrapAddress = Annotated[str, AfterValidator(_check_bootstrap)]


ClientAuthentication = Literal["scram-sha-512"]
CLIENT_AUTHENTICATION: tuple[ClientAuthentication, ...] = ("scram-sha-512",)


class SaslConfig(ConfigModel):
    """How the platform itself authenticates to the cluster (an admin principal)."""

    mechanism: Literal["scram-sha-512", "scram-sha-256", "plain"] = "scram-sha-512"
    username: str = Field(min_length=1)
    password: SecretStr


class ExternalClusterConfig(ConfigModel):
    """Connection to an external cluster, and what the catalog may assume about it.

    The SASL ``password`` must be stored encrypted (``pulumi config set --secret --path ...``);
    the stack loader refuses a plain-text one.
    """

    bootstrap_servers: list[BootstrapAddress] = Field(min_length=1)
    brokers: int = Field(ge=1)
    tls: bool = True
    ca_cert: str | None = None
    skip_tls_verify: bool = False
    sasl: SaslConfig | None = None
    kafka_version: str | None = Field(default=None, pattern=r"^\d+\.\d+\.\d+$")
    authorization: bool = True
    client_authentication: list[ClientAuthentication] = Field(default_factory=lambda: list(CLIENT_AUTHENTICATION))
