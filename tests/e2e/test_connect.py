"""Kafka Connect and MirrorMaker 2, for real: a Connect 4.3.1 worker against the test broker.

- Every connector the committed stacks plan (``KafkaConnector`` objects, and the connectors Strimzi
  derives from ``KafkaMirrorMaker2`` objects) is validated by the worker's own REST API, with the
  plugins (connect-file, connect-mirror) on its classpath.
- The planned Connect cluster's worker, holding exactly its planned ``KafkaUser``'s ACLs (applied
  the way the User Operator applies them, see ``user_operator.py``) on the topics the plan declares,
  joins its group on its internal topics and runs the planned FileStream source and sink: lines
  appended to one file arrive in the other through the catalog topic. The broker refuses that user
  anything else.
- The planned MirrorMaker 2 runs its connectors in a worker on the target side: each side connects
  as its own planned user; records of a source topic arrive in ``<source alias>.<topic>`` and a
  checkpointed group's offset is synced onto the target, without a single refusal on the way.

One broker plays every cluster (``east`` and ``west`` alike). The Connect cluster and the mirror
come only from the committed plans (``connect_setups.py``); a plan lacking them fails the tests.
"""

from __future__ import annotations

import re
import secrets
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, Producer, TopicPartition
from confluent_kafka.admin import (
    AdminClient,
    NewTopic,
)

from messaging_platform_tools.offline.engine import Recording
from messaging_platform_tools.offline.project import PulumiProject
from messaging_platform_tools.offline.runner import plan_stack

from . import inspect_broker
from .access import CLIENT_TIMEOUT_S, TOPIC_DENIED, Probe, run_probe
from .broker import KafkaBroker
from .connect import RUNNING, CertificateLogin, ConnectWorker, Login, ScramLogin, java_client_config
from .connect_setups import (
    FILE_SOURCE,
    MIRROR_CHECKPOINT,
    MIRROR_SOURCE,
    STORAGE_KEYS,
    ConnectSetup,
    MirrorSetup,
    TopicSpec,
    planned_connect_setup,
    planned_connectors,
    planned_mirror_setup,
)
from .stacks import catalog_of
from .toolchain import PROJECT_DIR, Toolchain
from .user_operator import AclBinding, acl_bindings, principal

pytestmark = pytest.mark.e2e
# The committed stacks plan at least this many connectors (prod: FileStream source and sink; mirror: MM2).
MIN_PLANNED_CONNECTORS = 2
DELIVERY_TIMEOUT_S = 60.0
LINES = 5


@pytest.fixture(scope="module")
def plans() -> dict[str, Recording]:
    """Every committed stack (each ``Pulumi.<stack>.yaml``), planned in-process."""
    project = PulumiProject.find(PROJECT_DIR)
    return {stack: plan_stack(project, stack, None).recording for stack in project.stacks}


# ---------------------------------------------------------------------------------------------
# The broker side: users, ACLs and topics as the Topic and User Operators would make them
# ---------------------------------------------------------------------------------------------


@dataclass
class BrokerState:
    """What the tests add to the shared broker (SCRAM users, ACLs, topics), taken away afterwards:
    the broker goes back to what it held before."""

    admin: AdminClient
    scram_users: list[str] = field(default_factory=list)
    acls: set[AclBinding] = field(default_factory=set)
    restored_acls: set[AclBinding] = field(default_factory=set)
    topics_before: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.topics_before = set(self.admin.list_topics(timeout=CLIENT_TIMEOUT_S).topics)

    def user(self, kafka_user: Mapping[str, Any]) -> Login:
        """The User Operator's work for one KafkaUser: its credential (a SCRAM password, or a
        certificate from the clients CA) and exactly its ACLs (other bindings of the principal go)."""
        name = kafka_user["metadata"]["name"]
        authentication = (kafka_user.get("spec", {}).get("authentication") or {}).get("type")
        login: Login
        if authentication == "tls":
            login = CertificateLogin(name)
        else:
            login = ScramLogin(name, f"p{secrets.token_urlsafe(24)}")
            inspect_broker.set_scram_passwords(self.admin, {name: login.password})
            self.scram_users.append(name)
        desired = acl_bindings(kafka_user)
        user = principal(kafka_user)
        held = {b for b in inspect_broker.acls(self.admin) if b.principal == user}
        inspect_broker.delete_acls(self.admin, held - desired)
        self.restored_acls |= held - desired
        inspect_broker.apply_acls(self.admin, desired - held)
        self.acls |= desired - held
        return login

    def topics(self, topics: Mapping[str, TopicSpec]) -> None:
        """Topics as the Topic Operator would create them (one replica: one broker); existing ones stay."""
        existing = set(self.admin.list_topics(timeout=CLIENT_TIMEOUT_S).topics)
        wanted = [NewTopic(n, t.partitions, 1, config=dict(t.config)) for n, t in topics.items() if n not in existing]
        if wanted:
            for future in self.admin.create_topics(wanted).values():
                future.result(CLIENT_TIMEOUT_S)

    def restore(self) -> None:
        """Remove every topic that appeared since (the workers' too), the users and ACLs added."""
        created = sorted(set(self.admin.list_topics(timeout=CLIENT_TIMEOUT_S).topics) - self.topics_before)
        if created:
            for future in self.admin.delete_topics(created).values():
                future.result(CLIENT_TIMEOUT_S)
        inspect_broker.delete_acls(self.admin, self.acls)
        inspect_broker.apply_acls(self.admin, self.restored_acls)
        inspect_broker.delete_scram_users(self.admin, self.scram_users)


@pytest.fixture(scope="module")
def broker_state(broker: KafkaBroker) -> Iterator[BrokerState]:
    state = BrokerState(AdminClient(broker.admin_config()))
    try:
        yield state
    finally:
        state.restore()


def _worker(
    toolchain: Toolchain, broker: KafkaBroker, work: Path, login: Login, worker_config: Mapping[str, str]
) -> Iterator[ConnectWorker]:
    worker = ConnectWorker(toolchain, broker, work, login, dict(worker_config))
    RUNNING.append(worker)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        RUNNING.remove(worker)


# ---------------------------------------------------------------------------------------------
# The Connect user and its connectors, from the prod plan
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def connect_setup(plans: dict[str, Recording]) -> ConnectSetup:
    """The prod plan's Connect cluster with its user and a FileStream source and sink."""
    setup = planned_connect_setup("prod", plans["prod"])
    if setup is None:
        pytest.fail(
            "Pulumi.prod.yaml plans no KafkaConnect with its KafkaUser and a FileStream source and sink on one topic"
        )
    return setup


@pytest.fixture(scope="module")
def connect_login(connect_setup: ConnectSetup, broker_state: BrokerState) -> Login:
    broker_state.topics(connect_setup.topics)
    return broker_state.user(connect_setup.kafka_user)


@pytest.fixture(scope="module")
def connect_worker(
    kafka_runtime: Toolchain,
    broker: KafkaBroker,
    tmp_path_factory: pytest.TempPathFactory,
    connect_setup: ConnectSetup,
    connect_login: Login,
) -> Iterator[ConnectWorker]:
    """A worker with exactly the Connect user's ACLs, joined to its group."""
    yield from _worker(
        kafka_runtime, broker, tmp_path_factory.mktemp("connect"), connect_login, connect_setup.worker_config
    )


# ---------------------------------------------------------------------------------------------
# a. Every planned connector config, validated by the real worker
# ---------------------------------------------------------------------------------------------


def _errors(verdict: Mapping[str, Any]) -> list[str]:
    return [
        f"{c['value']['name']}: {'; '.join(c['value']['errors'])}" for c in verdict["configs"] if c["value"]["errors"]
    ]


def test_the_worker_validates_configs_for_real(connect_worker: ConnectWorker) -> None:
    """The check below is not vacuous: a config missing what the plugin requires is refused, and
    an unknown plugin class is an error."""
    verdict = connect_worker.validate(FILE_SOURCE, {"name": "e2e-broken", "file": "/tmp/x", "batch.size": "none"})
    assert verdict["error_count"] >= 2, verdict  # no topic; batch.size not an int
    assert _errors(verdict)
    status, _ = connect_worker.request(
        "PUT",
        "/connector-plugins/org.example.NoSuchConnector/config/validate",
        {"connector.class": "org.example.NoSuchConnector"},
    )
    assert status == 500


def test_every_planned_connector_config_is_valid_for_the_real_worker(
    connect_worker: ConnectWorker, plans: dict[str, Recording]
) -> None:
    connectors = planned_connectors(plans)
    invalid = {}
    for connector in connectors:
        verdict = connect_worker.validate(connector.connector_class, {"name": connector.name, **connector.config})
        if verdict["error_count"]:
            invalid[f"{connector.origin} ({connector.connector_class})"] = _errors(verdict)
    assert not invalid, invalid
    assert len(connectors) >= MIN_PLANNED_CONNECTORS, (
        f"the committed stacks ({', '.join(sorted(plans))}) plan {len(connectors)} connector(s): "
        f"{[c.origin for c in connectors]}"
    )


# ---------------------------------------------------------------------------------------------
# b. The Connect user's ACLs are enough for Connect, and no more
# ---------------------------------------------------------------------------------------------


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``predicate`` until it holds (bounded); the seconds it took."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if predicate():
            return time.monotonic() - began
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {timeout}s")


def _denials(broker: KafkaBroker, login: Login) -> list[str]:
    """The broker's authorizer log lines refusing ``login`` so far (INFO, ``kafka.authorizer.logger``)."""
    needle = f"Principal = {login.principal} is Denied"
    return [line for line in broker.log.read_text(errors="replace").splitlines() if needle in line]


def test_the_worker_joined_with_its_internal_topics(
    connect_worker: ConnectWorker, connect_setup: ConnectSetup, connect_login: Login, broker: KafkaBroker
) -> None:
    """The worker runs on its three internal topics. Where they are KafkaTopics (no Create ACL), its
    attempt to create them at start is the only thing refused, and Connect carries on with them."""
    on_broker = set(AdminClient(broker.admin_config()).list_topics(timeout=CLIENT_TIMEOUT_S).topics)
    internal = {connect_setup.worker_config[k] for k in STORAGE_KEYS}
    assert internal <= on_broker
    status, root = connect_worker.request("GET", "/")
    assert status == 200 and root["version"] == "4.3.1"
    refused = [re.search(r"on resource = (\S+) for request = (\w+)", line) for line in _denials(broker, connect_login)]
    assert {(m.group(1), m.group(2)) if m else None for m in refused} <= {
        (f"Topic:LITERAL:{topic}", "CreateTopics") for topic in internal
    }


def test_file_source_to_topic_to_file_sink(
    broker: KafkaBroker,
    connect_worker: ConnectWorker,
    connect_setup: ConnectSetup,
    connect_login: Login,
    tmp_path: Path,
) -> None:
    """Lines appended to a file reach the other file through the topic, and the broker refused the
    worker nothing on the way (no error Connect would only log)."""
    denied_before = len(_denials(broker, connect_login))
    source_file, sink_file = tmp_path / "source.txt", tmp_path / "sink.txt"
    source_file.touch()
    source = replace(connect_setup.source, config={**connect_setup.source.config, "file": str(source_file)})
    sink = replace(connect_setup.sink, config={**connect_setup.sink.config, "file": str(sink_file)})
    try:
        for connector in (source, sink):
            connect_worker.put_connector(connector.name, connector.rest_config())
        for connector in (source, sink):
            connect_worker.wait_running(connector.name)
        lines = [f"e2e-{uuid.uuid4()}" for _ in range(LINES)]
        with source_file.open("a") as out:
            out.writelines(f"{line}\n" for line in lines)

        def delivered() -> bool:
            return sink_file.exists() and set(lines) <= set(sink_file.read_text().splitlines())

        _wait_for(delivered, DELIVERY_TIMEOUT_S, f"{LINES} lines through {connect_setup.topic}")
        assert _denials(broker, connect_login)[denied_before:] == []
    finally:
        for connector in (source, sink):
            connect_worker.delete_connector(connector.name)


@pytest.fixture(scope="module")
def unrelated_topic(connect_setup: ConnectSetup, broker_state: BrokerState) -> str:
    """A catalog topic none of the Connect user's ACLs name, on the broker."""
    bindings = acl_bindings(connect_setup.kafka_user)
    named = {b.resource_name for b in bindings if b.resource_type == "TOPIC"}
    prefixes = tuple(b.resource_name for b in bindings if b.pattern_type == "PREFIXED")
    catalog = catalog_of(PROJECT_DIR / "Pulumi.prod.yaml")
    topic = next(
        t.kafka_name for t in catalog.topics if t.kafka_name not in named and not t.kafka_name.startswith(prefixes)
    )
    broker_state.topics({topic: TopicSpec()})
    return topic


def test_the_broker_refuses_the_connect_user_anything_else(
    broker: KafkaBroker, connect_worker: ConnectWorker, connect_login: Login, unrelated_topic: str, tmp_path: Path
) -> None:
    topic = unrelated_topic
    # The worker's user, as a plain client.
    client = _librdkafka(broker, connect_login)
    assert run_probe(Probe(connect_login.user, "produce", topic=topic, expected=TOPIC_DENIED), client) == TOPIC_DENIED
    # And through the worker: a source connector writing there fails on the broker's refusal.
    (tmp_path / "in.txt").write_text("refused\n")
    name = "e2e-file-source-unrelated"
    config = {
        "connector.class": FILE_SOURCE,
        "name": name,
        "topic": topic,
        "file": str(tmp_path / "in.txt"),
        "tasks.max": "1",
    }
    try:
        connect_worker.put_connector(name, config)

        def failed() -> bool:
            status, answer = connect_worker.request("GET", f"/connectors/{name}/status")
            return status == 200 and any(t["state"] == "FAILED" for t in answer["tasks"])

        _wait_for(failed, DELIVERY_TIMEOUT_S, f"the task writing {topic} to fail")
        trace = connect_worker.status(name)["tasks"][0]["trace"]
        assert "TopicAuthorizationException" in trace, trace
    finally:
        connect_worker.delete_connector(name)


def _librdkafka(broker: KafkaBroker, login: Login) -> dict[str, Any]:
    if isinstance(login, ScramLogin):
        return broker.sasl_config(login.user, login.password)
    return broker.mtls_config(login.user)


# ---------------------------------------------------------------------------------------------
# c. MirrorMaker 2: a source user reads, a target user writes
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mirror_setup(plans: dict[str, Recording]) -> MirrorSetup:
    """The first planned mirror with both users planned."""
    found = (planned_mirror_setup(stack, recording) for stack, recording in sorted(plans.items()))
    setup = next((setup for setup in found if setup is not None), None)
    if setup is None:
        pytest.fail(
            f"the committed stacks ({', '.join(sorted(plans))}) plan no KafkaMirrorMaker2 whose two sides "
            "authenticate as planned KafkaUsers (with the default replication policy)"
        )
    return setup


@dataclass(frozen=True)
class MirrorRun:
    """What the mirror test moves: a source topic and, when the mirror checkpoints groups, a group of
    the catalog that reads it (its offset is committed on the source, and synced onto the target)."""

    topic: str
    group: str | None


@pytest.fixture(scope="module")
def mirror_run(mirror_setup: MirrorSetup) -> MirrorRun:
    if not mirror_setup.groups:
        return MirrorRun(mirror_setup.source_topics[0], None)
    catalog = catalog_of(PROJECT_DIR / f"Pulumi.{mirror_setup.stack}.yaml")
    names = {t.key: t.kafka_name for t in catalog.topics}
    readers = [
        (names[c.topic], c.group)
        for service in catalog.services
        for c in service.spec.consumes
        if c.topic is not None and names[c.topic] in mirror_setup.source_topics and c.group in mirror_setup.groups
    ]
    assert readers, f"no catalog group of {mirror_setup.groups} reads one of {mirror_setup.source_topics}"
    topic, group = sorted(readers)[0]
    return MirrorRun(topic, group)


@pytest.fixture(scope="module")
def mirror_logins(mirror_setup: MirrorSetup, mirror_run: MirrorRun, broker_state: BrokerState) -> tuple[Login, Login]:
    """The source and target users, as the User Operator makes them (on the one test broker), and
    the source topic as the Topic Operator makes it."""
    broker_state.topics({mirror_run.topic: mirror_setup.topics.get(mirror_run.topic, TopicSpec())})
    return broker_state.user(mirror_setup.source_user), broker_state.user(mirror_setup.target_user)


@pytest.fixture(scope="module")
def mirror_worker(
    kafka_runtime: Toolchain,
    broker: KafkaBroker,
    tmp_path_factory: pytest.TempPathFactory,
    mirror_setup: MirrorSetup,
    mirror_logins: tuple[Login, Login],
) -> Iterator[ConnectWorker]:
    """MirrorMaker 2's Connect cluster: a worker on the target side, as the target user."""
    yield from _worker(
        kafka_runtime, broker, tmp_path_factory.mktemp("mm2"), mirror_logins[1], mirror_setup.worker_config
    )


# Checkpoints and group offset syncs every second instead of every minute (timing only).
FAST_CHECKPOINTS = {"emit.checkpoints.interval.seconds": "1", "sync.group.offsets.interval.seconds": "1"}


def _produce(broker: KafkaBroker, topic: str, values: list[bytes]) -> tuple[int, int]:
    """Write ``values`` to one partition of ``topic`` as the admin; (partition, offset after the last)."""
    producer = Producer({**broker.admin_config(), "acks": "all"})
    delivered: list[tuple[int, int]] = []
    for value in values:
        producer.produce(
            topic,
            key=b"e2e",
            value=value,
            on_delivery=lambda e, m: delivered.append((m.partition() or 0, m.offset() or 0)),
        )
    assert producer.flush(CLIENT_TIMEOUT_S) == 0 and len(delivered) == len(values)
    partition, last = max(delivered)
    return partition, last + 1


def _committed(admin: AdminClient, group: str, topic: str, partition: int) -> int:
    request = ConsumerGroupTopicPartitions(group, [TopicPartition(topic, partition)])
    answer = admin.list_consumer_group_offsets([request])[group].result(CLIENT_TIMEOUT_S)
    return int(answer.topic_partitions[0].offset)


def _read_all(broker: KafkaBroker, topic: str, wanted: set[bytes]) -> None:
    """Wait (bounded) until ``topic`` exists and holds every record of ``wanted``."""
    admin = AdminClient(broker.admin_config())
    _wait_for(lambda: topic in admin.list_topics(timeout=CLIENT_TIMEOUT_S).topics, DELIVERY_TIMEOUT_S, f"{topic} made")
    consumer = Consumer({**broker.admin_config(), "group.id": f"e2e-{uuid.uuid4()}", "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    seen: set[bytes] = set()

    def arrived() -> bool:
        message = consumer.poll(1.0)
        value = message.value() if message is not None and message.error() is None else None
        if value is not None:
            seen.add(value)
        return wanted <= seen

    try:
        _wait_for(arrived, DELIVERY_TIMEOUT_S, f"{len(wanted)} records in {topic}")
    finally:
        consumer.close()


def test_mirror_maker_2_mirrors_a_topic_reading_as_one_user_and_writing_as_another(
    broker: KafkaBroker,
    mirror_worker: ConnectWorker,
    mirror_setup: MirrorSetup,
    mirror_run: MirrorRun,
    mirror_logins: tuple[Login, Login],
) -> None:
    """Records produced to the source topic appear in ``<source alias>.<topic>``; a checkpointed
    group's offset is translated onto the target; the source side connects as the source user, the
    target side (and the worker) as the target user; the broker refuses neither anything on the way
    (topic creation, config sync, offset syncs, checkpoints)."""
    source_login, target_login = mirror_logins
    assert source_login.principal != target_login.principal
    configs = [
        {**config, **(FAST_CHECKPOINTS if config["connector.class"] == MIRROR_CHECKPOINT else {})}
        for config in mirror_setup.connector_configs(
            java_client_config(broker, source_login), java_client_config(broker, target_login)
        )
    ]
    assert any(c["connector.class"] == MIRROR_SOURCE for c in configs)
    admin = AdminClient(broker.admin_config())
    records = [f"mirrored-{uuid.uuid4()}".encode() for _ in range(LINES)]
    partition, end = _produce(broker, mirror_run.topic, records)
    if mirror_run.group is not None:  # the group has read them all, on the source
        request = ConsumerGroupTopicPartitions(mirror_run.group, [TopicPartition(mirror_run.topic, partition, end)])
        admin.alter_consumer_group_offsets([request])[mirror_run.group].result(CLIENT_TIMEOUT_S)
    denied_before = [len(_denials(broker, login)) for login in mirror_logins]
    remote = mirror_setup.remote_topic(mirror_run.topic)
    try:
        for config in configs:
            mirror_worker.put_connector(config["name"], config)
        for config in configs:
            mirror_worker.wait_running(config["name"])
        _read_all(broker, remote, set(records))
        if mirror_run.group is not None:
            _wait_for(
                lambda: _committed(admin, mirror_run.group or "", remote, partition) > 0,
                DELIVERY_TIMEOUT_S,
                f"group {mirror_run.group}'s offset synced onto {remote}",
            )
        # One broker plays both clusters, so a group's offsets cover the source topic and its remote
        # topic alike; fetching them, each side is refused the topic that lives on the other cluster.
        elsewhere = {
            source_login: [mirror_setup.remote_topic(t) for t in mirror_setup.source_topics],
            target_login: mirror_setup.source_topics,
        }
        refused = {
            login.principal: [
                line
                for line in _denials(broker, login)[n:]
                if not any(f"Topic:LITERAL:{t} for request = OffsetFetch " in line for t in elsewhere[login])
            ]
            for login, n in zip(mirror_logins, denied_before, strict=True)
        }
        assert refused == {login.principal: [] for login in mirror_logins}
    finally:
        for config in configs:
            mirror_worker.delete_connector(config["name"])
