"""TLS material for the test broker: a cluster CA, a clients CA, a server and client certificates.

Mirrors Strimzi's split: the cluster CA signs the broker certificate that clients trust; the clients
CA signs user certificates the mTLS listener accepts (subject ``CN=<user>``, as the User Operator
issues them, so the broker's principal is ``User:CN=<user>``).
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=2)
# Not a possible service name (those are lowercase), so no user certificate can claim the broker's
# super-user principal ``User:CN=KAFKA-BROKER-E2E``.
BROKER_COMMON_NAME = "KAFKA-BROKER-E2E"


@dataclass(frozen=True)
class KeyPair:
    """A PEM certificate (chain) and its unencrypted PKCS#8 key, as files."""

    cert: Path
    key: Path

    @property
    def keystore(self) -> Path:
        """Key and chain in one PEM file (Kafka's ``ssl.keystore.type=PEM`` with a location)."""
        return self.cert.with_suffix(".keystore.pem")


@dataclass(frozen=True)
class _Authority:
    name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
    )


def _authority(common_name: str) -> _Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _builder(_name(common_name), _name(common_name), key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return _Authority(common_name, key, cert)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


class CertificateAuthorities:
    """The two CAs of a test cluster, writing every file under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._cluster = _authority("messaging-platform e2e cluster CA")
        self._clients = _authority("messaging-platform e2e clients CA")
        self.cluster_ca = self._write("cluster-ca.crt", _pem_cert(self._cluster.cert))
        self.clients_ca = self._write("clients-ca.crt", _pem_cert(self._clients.cert))

    def _write(self, name: str, data: bytes) -> Path:
        path = self.directory / name
        path.write_bytes(data)
        path.chmod(0o600)
        return path

    def _issue(self, authority: _Authority, subject: str, server: bool, file_stem: str) -> KeyPair:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = _builder(_name(subject), authority.cert.subject, key.public_key()).add_extension(
            x509.BasicConstraints(ca=False, path_length=None), critical=True
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            ).add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                critical=False,  # also a client: the broker authenticates to its own controller listener
            )
        else:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        cert = builder.sign(authority.key, hashes.SHA256())
        chain = _pem_cert(cert) + _pem_cert(authority.cert)
        pair = KeyPair(self._write(f"{file_stem}.crt", chain), self._write(f"{file_stem}.key", _pem_key(key)))
        self._write(pair.keystore.name, _pem_key(key) + chain)
        return pair

    def server(self) -> KeyPair:
        """The broker's certificate (SANs ``localhost`` and ``127.0.0.1``), signed by the cluster CA."""
        return self._issue(self._cluster, BROKER_COMMON_NAME, server=True, file_stem="broker")

    def client(self, user: str) -> KeyPair:
        """A user certificate with subject ``CN=<user>``, signed by the clients CA."""
        return self._issue(self._clients, user, server=False, file_stem=f"user-{user}")
