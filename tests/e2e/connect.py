"""A real Kafka Connect 4.3.1 worker (distributed mode) on loopback, for the e2e tier.

The worker runs ``org.apache.kafka.connect.cli.ConnectDistributed`` from the toolchain's Kafka
classpath (connect-runtime, connect-json, connect-file, connect-mirror ...) against the test
broker, authenticated as one principal for everything it does itself: group membership, its three
internal topics, and the producers, consumers and admin clients of the connectors it runs
(``producer.``/``consumer.``/``admin.`` prefixes). Plugins come from the classpath through
``ServiceLoader`` (``plugin.discovery=service_load``, no plugin path to scan).

Its REST API listens on ``127.0.0.1`` on a free port. :meth:`ConnectWorker.start` waits (bounded)
until the REST server answers and the worker has joined its group (``GET /health`` says healthy
only after the herder's first tick, which joins the group; the log line confirms it).
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .broker import KafkaBroker, free_port
from .jvm import log_tail, start_java, stop_group
from .toolchain import Toolchain

CONNECT_MAIN = "org.apache.kafka.connect.cli.ConnectDistributed"
# Connect and MirrorMaker connectors fit in a small heap; the machine is shared.
HEAP = ("-Xms64m", "-Xmx384m")
START_TIMEOUT_S = 120
START_ATTEMPTS = 3
REST_TIMEOUT_S = 30.0
# AbstractCoordinator logs this (INFO) when the worker's group membership is complete.
JOINED_GROUP = "Joined group at generation"
# What Strimzi's operator puts in a worker's config when the resource leaves it out.
# Ref: strimzi/strimzi-kafka-operator, cluster-operator ``model/KafkaConnectConfiguration.java`` and
# ``model/KafkaMirrorMaker2Configuration.java`` (``DEFAULTS``); in kafka.strimzi.io/v1 the group and
# the storage topics are required fields, and these names are the ones Strimzi's documentation uses.
STRIMZI_CONNECT_DEFAULTS = {
    "group.id": "connect-cluster",
    "config.storage.topic": "connect-cluster-configs",
    "offset.storage.topic": "connect-cluster-offsets",
    "status.storage.topic": "connect-cluster-status",
    "key.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
}
_BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter"
STRIMZI_MIRROR_MAKER_2_DEFAULTS = {
    "group.id": "mirrormaker2-cluster",
    "config.storage.topic": "mirrormaker2-cluster-configs",
    "offset.storage.topic": "mirrormaker2-cluster-offsets",
    "status.storage.topic": "mirrormaker2-cluster-status",
    "key.converter": _BYTES,
    "value.converter": _BYTES,
    "header.converter": _BYTES,
}
# One broker: internal topics with one replica; one partition each keeps them quick to create and load.
SINGLE_NODE = {
    "config.storage.replication.factor": "1",
    "offset.storage.replication.factor": "1",
    "status.storage.replication.factor": "1",
    "offset.storage.partitions": "1",
    "status.storage.partitions": "1",
}


@dataclass(frozen=True)
class ScramLogin:
    """A SCRAM-SHA-512 user on the broker's SASL_SSL listener."""

    user: str
    password: str

    @property
    def principal(self) -> str:
        return f"User:{self.user}"


@dataclass(frozen=True)
class CertificateLogin:
    """A certificate user (``CN=<user>``, clients CA) on the broker's mTLS listener."""

    user: str

    @property
    def principal(self) -> str:
        return f"User:CN={self.user}"


Login = ScramLogin | CertificateLogin


def java_client_config(broker: KafkaBroker, login: Login) -> dict[str, str]:
    """Java client settings (PEM trust and key stores) for ``login`` on its listener of ``broker``."""
    trust = {"ssl.truststore.type": "PEM", "ssl.truststore.location": str(broker.cas.cluster_ca)}
    if isinstance(login, ScramLogin):
        jaas = (
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="{login.user}" password="{login.password}";'
        )
        return {
            "bootstrap.servers": broker.bootstrap,
            "security.protocol": "SASL_SSL",
            "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.jaas.config": jaas,
            **trust,
        }
    pair = broker.cas.client(login.user)
    return {
        "bootstrap.servers": broker.mtls_bootstrap,
        "security.protocol": "SSL",
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(pair.keystore),
        **trust,
    }


class ConnectError(RuntimeError):
    """The worker failed to start, or its REST API answered with an error."""


class PortTakenError(ConnectError):
    """The REST port, free when chosen, was taken before the worker bound it."""


@dataclass
class ConnectWorker:
    """One distributed Connect worker: :meth:`start`, the REST calls the tests need, :meth:`stop`.

    ``worker_config`` names the group and internal topics (see :data:`STRIMZI_CONNECT_DEFAULTS`)
    and anything else of the worker's own config (converters ...); connection and security
    settings come from ``login``.
    """

    toolchain: Toolchain
    broker: KafkaBroker
    work: Path
    login: Login
    worker_config: Mapping[str, str] = field(default_factory=lambda: dict(STRIMZI_CONNECT_DEFAULTS))
    rest_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    started_in_s: float = 0.0

    def __post_init__(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        self.log = self.work / "connect.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rest_port}"

    @property
    def group_id(self) -> str:
        return self.worker_config["group.id"]

    def properties(self) -> dict[str, str]:
        """The worker's config: ``worker_config``, single-node replication, the login for the worker
        and for every client it makes for connectors, and a loopback-only REST listener."""
        client = java_client_config(self.broker, self.login)
        security = {k: v for k, v in client.items() if k != "bootstrap.servers"}
        return {
            "key.converter": STRIMZI_CONNECT_DEFAULTS["key.converter"],
            "value.converter": STRIMZI_CONNECT_DEFAULTS["value.converter"],
            **self.worker_config,
            **SINGLE_NODE,
            **client,
            **{f"{prefix}.{k}": v for prefix in ("producer", "consumer", "admin") for k, v in security.items()},
            "listeners": self.url,
            "rest.advertised.host.name": "127.0.0.1",
            "rest.advertised.port": str(self.rest_port),
            "plugin.discovery": "service_load",
            "offset.flush.interval.ms": "1000",
        }

    def start(self) -> None:
        """Start the worker; on a REST port taken in the meantime, again on a fresh port (at most
        ``START_ATTEMPTS`` times)."""
        began = time.monotonic()
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                self._start_once()
                self.started_in_s = time.monotonic() - began
                return
            except PortTakenError:
                if attempt == START_ATTEMPTS:
                    raise
                self.rest_port = free_port()

    def _start_once(self) -> None:
        path = self.work / "connect-distributed.properties"
        path.write_text("".join(f"{k}={_escape(v)}\n" for k, v in sorted(self.properties().items())))
        path.chmod(0o600)  # it holds the user's password
        classpath = f"{self.toolchain.kafka_libs}/*"
        self.process = start_java(
            self.toolchain, CONNECT_MAIN, path, heap=HEAP, classpath=classpath, log=self.log, work=self.work
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                tail = self.log_tail()
                error = PortTakenError if "Address already in use" in tail else ConnectError
                raise error(f"connect worker exited with {self.process.returncode}:\n{tail}")
            try:
                status, body = self.request("GET", "/health", timeout=5)
                last = f"GET /health: {status} {body}"
                if status == 200 and JOINED_GROUP in self.log.read_text(errors="replace"):
                    return
            except OSError as exc:  # not listening yet
                last = repr(exc)
            time.sleep(1)
        self.stop()
        raise ConnectError(f"connect worker not ready after {START_TIMEOUT_S}s ({last}):\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the worker (SIGTERM, then SIGKILL after ``jvm.STOP_TIMEOUT_S``)."""
        stop_group(self.process)

    def log_tail(self, lines: int = 60) -> str:
        """The end of the worker's log (attached to failing e2e tests)."""
        return log_tail(self.log, lines, "(no connect log)")

    # REST API (https://kafka.apache.org/documentation/#connect_rest)

    def request(self, method: str, path: str, body: Any = None, timeout: float = REST_TIMEOUT_S) -> tuple[int, Any]:
        """One REST call: the HTTP status and the decoded JSON body (None when empty, the text when
        it is not JSON)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            return status, json.loads(raw) if raw else None
        except json.JSONDecodeError:  # Jetty's own error pages while the worker starts
            return status, raw.decode(errors="replace")

    def _expect(self, method: str, path: str, body: Any = None, ok: tuple[int, ...] = (200,)) -> Any:
        status, answer = self.request(method, path, body)
        if status not in ok:
            raise ConnectError(f"{method} {path}: {status} {answer}")
        return answer

    def validate(self, connector_class: str, config: Mapping[str, str]) -> dict[str, Any]:
        """``PUT /connector-plugins/{class}/config/validate``: the worker's verdict on a config."""
        plugin = urllib.parse.quote(connector_class, safe="")
        answer: dict[str, Any] = self._expect(
            "PUT", f"/connector-plugins/{plugin}/config/validate", {"connector.class": connector_class, **config}
        )
        return answer

    def put_connector(self, name: str, config: Mapping[str, str]) -> None:
        """Create (or reconfigure) a connector."""
        self._expect("PUT", f"/connectors/{urllib.parse.quote(name, safe='')}/config", dict(config), ok=(200, 201))

    def delete_connector(self, name: str) -> None:
        self._expect("DELETE", f"/connectors/{urllib.parse.quote(name, safe='')}", ok=(204, 404))

    def status(self, name: str) -> dict[str, Any]:
        answer: dict[str, Any] = self._expect("GET", f"/connectors/{urllib.parse.quote(name, safe='')}/status")
        return answer

    def wait_running(self, name: str, tasks: int = 1, timeout: float = 60.0) -> dict[str, Any]:
        """Wait until the connector and ``tasks`` tasks run; a failed one is an error with its trace."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            status, last = self.request("GET", f"/connectors/{urllib.parse.quote(name, safe='')}/status")
            if status == 200:
                states = [last["connector"]["state"], *(t["state"] for t in last["tasks"])]
                if "FAILED" in states:
                    raise ConnectError(f"connector {name} failed: {json.dumps(last, indent=1)}")
                if len(last["tasks"]) >= tasks and set(states) == {"RUNNING"}:
                    return dict(last)
            time.sleep(0.5)
        raise ConnectError(f"connector {name} not running after {timeout}s: {last}")


def _escape(value: str) -> str:
    """A value in ``java.util.Properties`` syntax (backslashes and leading blanks survive)."""
    return value.replace("\\", "\\\\").replace("\n", "\\n")


# Workers running right now (conftest attaches their logs to failing tests).
RUNNING: list[ConnectWorker] = []
