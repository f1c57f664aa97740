"""How a Strimzi-run Kafka client (HTTP Bridge, MirrorMaker 2) reaches a cluster: the shared part of
their specs (no Pulumi imports).

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-ClientTls-reference
Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaClientAuthenticationScramSha512-reference
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .users import PASSWORD_KEY

ClientAuthentication = Literal["scram-sha-512", "scram-sha-256", "plain", "tls"]
CA_CERT_KEY = "ca.crt"
# Keys of the Secret the User Operator writes for a `tls` KafkaUser.
# Ref: https://strimzi.io/docs/operators/latest/deploying#con-securing-client-authentication-str
USER_CERT_KEY, USER_KEY_KEY = "user.crt", "user.key"


@dataclass(frozen=True)
class KafkaConnection:
    """Bootstrap address, CA trust and credentials of one Kafka client, as Secrets it reads by name."""

    bootstrap_servers: str
    """``host:port[,host:port...]``."""
    ca_secret: str | None
    """Secret holding the CA certificate to trust (key ``ca.crt``); None: no TLS."""
    authentication: ClientAuthentication
    """How the client authenticates: a SASL mechanism, or ``tls`` (client certificate)."""
    username: str
    """The SASL user name, or the KafkaUser whose certificate it presents."""
    credentials_secret: str
    """Secret holding the password (key ``password``) or the certificate and key (``user.crt``, ``user.key``)."""
    tls: bool = True
    """Encrypt the connection (with ``ca_secret`` as the trust, else the JVM's default trust store)."""

    def to_spec(self) -> dict[str, Any]:
        """``bootstrapServers``, ``tls`` and ``authentication`` of a KafkaBridge or a MirrorMaker 2 cluster."""
        spec: dict[str, Any] = {"bootstrapServers": self.bootstrap_servers}
        if self.tls:
            # Without a CA Secret, Strimzi trusts the JVM's default CAs (a publicly signed cluster).
            trusted = [{"secretName": self.ca_secret, "certificate": CA_CERT_KEY}] if self.ca_secret else None
            spec["tls"] = {"trustedCertificates": trusted} if trusted else {}
        spec["authentication"] = self._authentication()
        return spec

    def _authentication(self) -> dict[str, Any]:
        if self.authentication == "tls":
            return {
                "type": "tls",
                "certificateAndKey": {
                    "secretName": self.credentials_secret,
                    "certificate": USER_CERT_KEY,
                    "key": USER_KEY_KEY,
                },
            }
        return {
            "type": self.authentication,
            "username": self.username,
            "passwordSecret": {"secretName": self.credentials_secret, "password": PASSWORD_KEY},
        }
