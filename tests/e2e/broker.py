"""A real single-node Kafka (KRaft, combined broker and controller) on loopback, for the e2e tier.

Listeners, all on ``127.0.0.1`` with free ports:
- ``SASL_SSL``: SCRAM-SHA-512 over TLS (the broker certificate is signed by the cluster CA);
- ``SSL`` with ``ssl.client.auth=required``: mTLS, principals ``User:CN=<user>`` (clients CA);
- ``CONTROLLER``: the KRaft quorum, mTLS with the broker's own certificate.

``StandardAuthorizer`` with ``allow.everyone.if.no.acl.found=false``; the only super users are the
SCRAM ``admin`` (bootstrapped into the metadata log at format time, KIP-900) and the broker's own
certificate principal. Nothing else is allowed until an ACL says so.
"""

from __future__ import annotations

import base64
import secrets
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .jvm import log_tail, start_java, stop_group
from .tls import BROKER_COMMON_NAME, CertificateAuthorities, KeyPair
from .toolchain import Toolchain

ADMIN_USER = "admin"
STORAGE_TOOL = "kafka.tools.StorageTool"
BROKER_MAIN = "kafka.Kafka"
START_TIMEOUT_S = 120
HEAP = ("-Xms256m", "-Xmx768m")


START_ATTEMPTS = 3


class PortTakenError(RuntimeError):
    """The broker could not bind a port that was free when it was chosen."""


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class KafkaBroker:
    """A broker process and what a client needs to reach it; :meth:`start` / :meth:`stop`."""

    toolchain: Toolchain
    work: Path
    # Never starting with "-": command lines (pulumi config set) would read it as a flag.
    admin_password: str = field(default_factory=lambda: f"p{secrets.token_urlsafe(24)}")
    sasl_port: int = field(default_factory=free_port)
    mtls_port: int = field(default_factory=free_port)
    controller_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        self.cas = CertificateAuthorities(self.work / "tls")
        self.server_cert: KeyPair = self.cas.server()
        self.log = self.work / "broker.log"

    @property
    def bootstrap(self) -> str:
        """The SASL_SSL bootstrap address (SCRAM-SHA-512)."""
        return f"127.0.0.1:{self.sasl_port}"

    @property
    def mtls_bootstrap(self) -> str:
        """The mTLS bootstrap address."""
        return f"127.0.0.1:{self.mtls_port}"

    @property
    def classpath(self) -> str:
        """The broker's classpath: every jar the toolchain resolved for Kafka."""
        return f"{self.toolchain.kafka_libs}/*"

    def server_properties(self) -> str:
        """``server.properties`` of this broker (PEM stores, loopback only)."""
        tls = self.work / "tls"
        keystore = self.server_cert.keystore
        return "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
                "controller.listener.names=CONTROLLER",
                f"listeners=SASL_SSL://127.0.0.1:{self.sasl_port},MTLS://127.0.0.1:{self.mtls_port},"
                f"CONTROLLER://127.0.0.1:{self.controller_port}",
                f"advertised.listeners=SASL_SSL://127.0.0.1:{self.sasl_port},MTLS://127.0.0.1:{self.mtls_port}",
                "listener.security.protocol.map=SASL_SSL:SASL_SSL,MTLS:SSL,CONTROLLER:SSL",
                "inter.broker.listener.name=SASL_SSL",
                "sasl.enabled.mechanisms=SCRAM-SHA-512",
                "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
                "org.apache.kafka.common.security.scram.ScramLoginModule required "
                f'username="{ADMIN_USER}" password="{self.admin_password}";',
                "ssl.keystore.type=PEM",
                f"ssl.keystore.location={keystore}",
                "ssl.truststore.type=PEM",
                f"ssl.truststore.location={tls / 'cluster-ca.crt'}",
                # Clients authenticate to the mTLS listener with certificates of the clients CA.
                "listener.name.mtls.ssl.client.auth=required",
                "listener.name.mtls.ssl.truststore.type=PEM",
                f"listener.name.mtls.ssl.truststore.location={tls / 'clients-ca.crt'}",
                # The quorum listener: only the broker's own certificate (cluster CA) gets in.
                "listener.name.controller.ssl.client.auth=required",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                # The quorum listener needs CLUSTER_ACTION: the broker's own certificate is a super user
                # (instead of User:ANONYMOUS on a plaintext controller listener).
                f"super.users=User:{ADMIN_USER};User:CN={BROKER_COMMON_NAME}",
                "allow.everyone.if.no.acl.found=false",
                f"log.dirs={self.work / 'data'}",
                # One node: internal topics with one replica and one partition (50 by default, slow to load).
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "share.coordinator.state.topic.num.partitions=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "",
            ]
        )

    def start(self) -> None:
        """Start the broker on free loopback ports. A port found free can be taken by another process
        before the broker binds it; then the broker is started again on fresh ports (at most
        ``START_ATTEMPTS`` times)."""
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                self._start_once()
                return
            except PortTakenError:
                if attempt == START_ATTEMPTS:
                    raise
                self.sasl_port, self.mtls_port, self.controller_port = free_port(), free_port(), free_port()
                shutil.rmtree(self.work / "data", ignore_errors=True)

    def _start_once(self) -> None:
        """Format the storage (with the admin's SCRAM credential) and start the broker; wait until
        it answers an authenticated metadata request, bounded by ``START_TIMEOUT_S``."""
        properties = self.work / "server.properties"
        properties.write_text(self.server_properties())
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        formatted = subprocess.run(
            [
                self.toolchain.java,
                "-cp",
                self.classpath,
                STORAGE_TOOL,
                "format",
                f"--cluster-id={cluster_id}",  # one argument: a random id may start with '-'
                "-c",
                str(properties),
                "--add-scram",
                f"SCRAM-SHA-512=[name={ADMIN_USER},password={self.admin_password}]",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if formatted.returncode != 0:
            raise RuntimeError(f"kafka storage format failed:\n{formatted.stdout}\n{formatted.stderr}")
        self.process = start_java(
            self.toolchain, BROKER_MAIN, properties, heap=HEAP, classpath=self.classpath, log=self.log, work=self.work
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        from confluent_kafka.admin import AdminClient

        deadline = time.monotonic() + START_TIMEOUT_S
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                tail = self.log_tail()
                error = PortTakenError if "Address already in use" in tail else RuntimeError
                raise error(f"broker exited with {self.process.returncode}:\n{tail}")
            try:
                AdminClient(self.admin_config(log_level=0)).list_topics(timeout=5)  # quiet while it boots
                return
            except Exception as exc:  # retried until the deadline
                last = exc
                time.sleep(1)
        raise RuntimeError(f"broker not ready after {START_TIMEOUT_S}s ({last}):\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the broker (SIGTERM, then SIGKILL after ``jvm.STOP_TIMEOUT_S``)."""
        stop_group(self.process)

    def log_tail(self, lines: int = 40) -> str:
        """The end of the broker's log (attached to failing e2e tests)."""
        return log_tail(self.log, lines, "(no broker log)")

    def sasl_config(self, user: str, password: str, **extra: Any) -> dict[str, Any]:
        """librdkafka (confluent-kafka) settings for a SCRAM-SHA-512 user over TLS."""
        return {
            "bootstrap.servers": self.bootstrap,
            "security.protocol": "SASL_SSL",
            "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.username": user,
            "sasl.password": password,
            "ssl.ca.location": str(self.cas.cluster_ca),
            **extra,
        }

    def admin_config(self, **extra: Any) -> dict[str, Any]:
        """librdkafka settings for the super user."""
        return self.sasl_config(ADMIN_USER, self.admin_password, **extra)

    def mtls_config(self, user: str, **extra: Any) -> dict[str, Any]:
        """librdkafka settings for a certificate user (``User:CN=<user>``) on the mTLS listener."""
        pair = self.cas.client(user)
        return {
            "bootstrap.servers": self.mtls_bootstrap,
            "security.protocol": "SSL",
            "ssl.ca.location": str(self.cas.cluster_ca),
            "ssl.certificate.location": str(pair.cert),
            "ssl.key.location": str(pair.key),
            **extra,
        }

    def provider_config(self) -> Mapping[str, Any]:
        """What ``externalClusters.<name>`` needs to reach this broker as the admin."""
        return {
            "bootstrapServers": [self.bootstrap],
            "tls": True,
            "caCert": self.cas.cluster_ca.read_text(),
            "sasl": {"mechanism": "scram-sha-512", "username": ADMIN_USER},
        }
