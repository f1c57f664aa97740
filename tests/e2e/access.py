"""Least privilege as clients see it: what each service must be able to do, and what it must not.

The expectations come from the services' *intents* in the catalog, never from the ACLs under test,
so a missing or an extra grant both show up as a failed probe. :func:`run_probe` performs one
probe with a real Kafka client (confluent-kafka) and returns the Kafka error name it ended with,
or ``None`` when the action succeeded.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    ConsumerGroupTopicPartitions,
    KafkaError,
    KafkaException,
    Message,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from messaging_platform.config.resolve import ResolvedCatalog, ResolvedService

TOPIC_DENIED = "TOPIC_AUTHORIZATION_FAILED"
GROUP_DENIED = "GROUP_AUTHORIZATION_FAILED"
TRANSACTION_DENIED = "TRANSACTIONAL_ID_AUTHORIZATION_FAILED"
CLUSTER_DENIED = "CLUSTER_AUTHORIZATION_FAILED"
# Every outcome the matrix must exercise at least once (None: the action is allowed).
EVERY_OUTCOME = {None, TOPIC_DENIED, GROUP_DENIED, TRANSACTION_DENIED, CLUSTER_DENIED}
CLIENT_TIMEOUT_S = 20.0
FOREIGN_GROUP = "e2e-not-my-group"
FOREIGN_TRANSACTION = "e2e-not-my-transaction"


@dataclass(frozen=True)
class Probe:
    """One action of one service and the outcome its intents call for (``None`` = allowed)."""

    service: str
    action: str  # produce | consume | transaction | create-topic | describe-cluster-configs
    topic: str = ""
    group: str = ""
    transactional_id: str = ""
    expected: str | None = None

    def __str__(self) -> str:
        target = " ".join(
            f"{k}={v}" for k, v in (("topic", self.topic), ("group", self.group), ("txn", self.transactional_id)) if v
        )
        return f"{self.service}: {self.action} {target} -> {self.expected or 'allowed'}"


@dataclass(frozen=True)
class Reach:
    """What a service's intents cover: topics it writes and reads, its groups, transactional ids."""

    writes: Callable[[str], bool]
    reads: Callable[[str], bool]
    groups: frozenset[str]
    transactional_ids: Callable[[str], bool]
    creates: Callable[[str], bool]


def reach(service: ResolvedService, kafka_names: Mapping[str, str]) -> Reach:
    """The access a service's intents ask for, as predicates over names."""
    spec = service.spec
    written = {kafka_names[t] for t in spec.produces if isinstance(t, str)}
    written_prefixes = tuple(t.prefix for t in spec.produces if not isinstance(t, str))
    read = {kafka_names[c.topic] for c in spec.consumes if c.topic is not None}
    read_prefixes = tuple(c.prefix for c in spec.consumes if c.prefix is not None)
    groups = {c.group for c in spec.consumes}
    ids: set[str] = set()
    id_prefixes: tuple[str, ...] = ()
    internal: tuple[str, ...] = ()
    if spec.transactional is not None:
        if spec.transactional.id is not None:
            ids.add(spec.transactional.id)
        else:
            id_prefixes += (spec.transactional.id_prefix or "",)
    if spec.streams is not None:
        app = spec.streams.application_id
        written |= {kafka_names[t] for t in spec.streams.produces}
        read |= {kafka_names[t] for t in spec.streams.consumes}
        internal = (app,)
        groups.add(app)
        if spec.streams.exactly_once:
            id_prefixes += (app,)
    return Reach(
        writes=lambda t: t in written or t.startswith(written_prefixes + internal),
        reads=lambda t: t in read or t.startswith(read_prefixes + internal),
        groups=frozenset(groups),
        transactional_ids=lambda i: i in ids or i.startswith(id_prefixes),
        creates=lambda t: t.startswith(internal),
    )


def probes(catalog: ResolvedCatalog) -> list[Probe]:
    """Every probe for every service of the catalog: one per thing it needs, one per boundary."""
    names = {t.key: t.kafka_name for t in catalog.topics}
    topics = sorted(names.values())
    result: list[Probe] = []
    for service in catalog.services:
        can = reach(service, names)
        name = service.name
        written = [t for t in topics if can.writes(t)]
        readable = [t for t in topics if can.reads(t)]
        result += [Probe(name, "produce", topic=t) for t in written]
        for consume in service.spec.consumes:
            targets = (
                [names[consume.topic]] if consume.topic else [t for t in topics if t.startswith(consume.prefix or "")]
            )
            result += [Probe(name, "consume", topic=t, group=consume.group) for t in targets]
        spec = service.spec
        if spec.transactional is not None and written:
            txn = spec.transactional.id or f"{spec.transactional.id_prefix}e2e-0"
            result.append(Probe(name, "transaction", topic=written[0], transactional_id=txn))
        if spec.streams is not None:
            app = spec.streams.application_id
            result += [Probe(name, "consume", topic=names[t], group=app) for t in spec.streams.consumes]
            result.append(Probe(name, "create-topic", topic=f"{app}-e2e-store-changelog"))
            if spec.streams.exactly_once and written:
                result.append(Probe(name, "transaction", topic=written[0], transactional_id=f"{app}-e2e-0_0"))
        # The boundaries: everything next to what it may do.
        foreign_write = next((t for t in topics if not can.writes(t)), None)
        if foreign_write is not None:
            result.append(Probe(name, "produce", topic=foreign_write, expected=TOPIC_DENIED))
        foreign_read = next((t for t in topics if not can.reads(t)), None)
        own_group = sorted(can.groups)[0] if can.groups else FOREIGN_GROUP
        if foreign_read is not None:
            result.append(Probe(name, "consume", topic=foreign_read, group=own_group, expected=TOPIC_DENIED))
        if readable:
            result.append(Probe(name, "consume", topic=readable[0], group=FOREIGN_GROUP, expected=GROUP_DENIED))
        if written and not can.transactional_ids(FOREIGN_TRANSACTION):
            result.append(
                Probe(
                    name,
                    "transaction",
                    topic=written[0],
                    transactional_id=FOREIGN_TRANSACTION,
                    expected=TRANSACTION_DENIED,
                )
            )
        result.append(Probe(name, "create-topic", topic=f"e2e.not-mine.{name}", expected=TOPIC_DENIED))
        result.append(Probe(name, "describe-cluster-configs", expected=CLUSTER_DENIED))
    return result


def _error_name(error: KafkaError | None) -> str | None:
    return None if error is None else str(error.name())


def _from_exception(exc: KafkaException) -> str:
    error = exc.args[0] if exc.args else None
    return str(error.name()) if isinstance(error, KafkaError) else repr(exc)


def run_probe(probe: Probe, client: Mapping[str, Any], broker_id: int = 1) -> str | None:
    """Perform ``probe`` with client settings ``client``; the Kafka error name, or None on success."""
    try:
        return _ACTIONS[probe.action](probe, dict(client), broker_id)
    except KafkaException as exc:
        return _from_exception(exc)


def _topic_error(client: Producer | Consumer, topic: str) -> str | None:
    """The broker's answer to a metadata request for ``topic`` (Describe): an error name or None.

    Without Describe the client would otherwise wait for a topic it is never shown."""
    metadata = client.list_topics(topic, timeout=CLIENT_TIMEOUT_S)
    return _error_name(metadata.topics[topic].error)


def _produce(probe: Probe, client: dict[str, Any], _: int) -> str | None:
    producer = Producer({**client, "message.timeout.ms": int(CLIENT_TIMEOUT_S * 1000), "acks": "all"})
    denied = _topic_error(producer, probe.topic)
    if denied:
        return denied
    outcome: list[str | None] = []
    # Keyed records: compacted topics refuse records without a key.
    producer.produce(
        probe.topic, key=b"e2e", value=b"e2e", on_delivery=lambda err, _msg: outcome.append(_error_name(err))
    )
    producer.flush(CLIENT_TIMEOUT_S)
    return outcome[0] if outcome else "TIMED_OUT"


def _consume(probe: Probe, client: dict[str, Any], _: int) -> str | None:
    # librdkafka reports a failed group-coordinator lookup (GROUP_AUTHORIZATION_FAILED) through the
    # error callback, not always to the commit that waits for it.
    errors: list[str] = []
    settings = {
        **client,
        "group.id": probe.group,
        "enable.auto.commit": False,
        "error_cb": lambda error: errors.append(str(error.name())),
    }
    consumer = Consumer(settings)
    try:
        denied = _topic_error(consumer, probe.topic)
        if denied:
            return denied
        consumer.assign([TopicPartition(probe.topic, 0, OFFSET_BEGINNING)])
        message = consumer.poll(CLIENT_TIMEOUT_S)
        if message is None:
            return "NO_RECORD"
        if message.error() is not None:
            return _error_name(message.error())
        return _commit_or_ask(consumer, message, errors, client, probe.group)
    finally:
        consumer.close()


# Local states librdkafka reports while the group coordinator is still being looked up.
_TRANSIENT = frozenset({"_WAIT_COORD", "COORDINATOR_NOT_AVAILABLE", "NOT_COORDINATOR", "COORDINATOR_LOAD_IN_PROGRESS"})


def _commit(consumer: Consumer, message: Message, errors: list[str]) -> str | None:
    """Commit the record's offset for the consumer's group; retried while the coordinator is looked up
    (bounded by ``CLIENT_TIMEOUT_S``), so the answer is the broker's, not a local waiting state.
    ``errors`` collects the consumer's error callbacks, where a refused lookup may surface instead."""
    deadline = time.monotonic() + CLIENT_TIMEOUT_S
    while True:
        try:
            consumer.commit(message=message, asynchronous=False)
            return None
        except KafkaException as exc:
            error = _from_exception(exc)
            if error not in _TRANSIENT or time.monotonic() > deadline:
                return error
        event = consumer.poll(0.5)
        reported = [*errors, *([_error_name(event.error())] if event is not None else [])]
        refused = next((name for name in reported if name is not None and name.endswith("AUTHORIZATION_FAILED")), None)
        if refused is not None:
            return refused


def _commit_or_ask(
    consumer: Consumer, message: Message, errors: list[str], client: Mapping[str, Any], group: str
) -> str | None:
    """:func:`_commit`; when librdkafka is still waiting for the group coordinator at the deadline
    (seen under load for refused groups), the broker's own answer for the group's offsets decides."""
    outcome = _commit(consumer, message, errors)
    if outcome not in _TRANSIENT:
        return outcome
    admin = AdminClient(dict(client))
    request = ConsumerGroupTopicPartitions(group, [TopicPartition(str(message.topic()), message.partition() or 0)])
    try:
        admin.list_consumer_group_offsets([request])[group].result(CLIENT_TIMEOUT_S)
    except KafkaException as exc:
        return _from_exception(exc)
    return outcome


def _transaction(probe: Probe, client: dict[str, Any], _: int) -> str | None:
    producer = Producer({**client, "transactional.id": probe.transactional_id, "transaction.timeout.ms": 60000})
    producer.init_transactions(CLIENT_TIMEOUT_S)
    producer.begin_transaction()
    producer.produce(probe.topic, key=b"e2e", value=b"e2e-transactional")
    producer.commit_transaction(CLIENT_TIMEOUT_S)
    return None


def _create_topic(probe: Probe, client: dict[str, Any], _: int) -> str | None:
    admin = AdminClient(client)
    admin.create_topics([NewTopic(probe.topic, 1, 1)], operation_timeout=CLIENT_TIMEOUT_S)[probe.topic].result(
        CLIENT_TIMEOUT_S
    )
    # Streams purges its own internal topics too (Delete on the application's prefix).
    admin.delete_topics([probe.topic], operation_timeout=CLIENT_TIMEOUT_S)[probe.topic].result(CLIENT_TIMEOUT_S)
    return None


def _describe_cluster_configs(probe: Probe, client: dict[str, Any], broker_id: int) -> str | None:
    resource = ConfigResource("broker", str(broker_id))
    admin = AdminClient(client)  # kept alive until the future completes
    admin.describe_configs([resource])[resource].result(CLIENT_TIMEOUT_S)
    return None


_ACTIONS: dict[str, Callable[[Probe, dict[str, Any], int], str | None]] = {
    "produce": _produce,
    "consume": _consume,
    "transaction": _transaction,
    "create-topic": _create_topic,
    "describe-cluster-configs": _describe_cluster_configs,
}


def wrong_outcomes(catalog: ResolvedCatalog, client: Callable[[str], Mapping[str, Any]]) -> list[str]:
    """Run every probe of the catalog with ``client(service)`` settings; each probe whose outcome
    differs from its intents' (empty when access is exactly right). Fails if a kind of outcome
    was never exercised, since then the matrix proves less than it claims."""
    checked = probes(catalog)
    missing = EVERY_OUTCOME - {p.expected for p in checked}
    if missing:
        raise AssertionError(f"the catalog exercises no probe expecting {sorted(map(str, missing))}")
    wrong = []
    for probe in checked:
        outcome = run_probe(probe, client(probe.service))
        if outcome != probe.expected:
            wrong.append(f"{probe}: got {outcome or 'allowed'}")
    return wrong


def seed(admin: Mapping[str, Any], topics: Iterable[str]) -> None:
    """Write one record to partition 0 of each topic as the admin, so consumers have something to read."""
    producer = Producer({**admin, "acks": "all"})
    for topic in topics:
        producer.produce(topic, key=b"seed", value=f"seed-{uuid.uuid4()}".encode(), partition=0)
    remaining = producer.flush(CLIENT_TIMEOUT_S)
    if remaining:
        raise RuntimeError(f"{remaining} seed record(s) not delivered")
