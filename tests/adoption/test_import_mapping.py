"""``messaging-platform import`` without a cluster: a fake admin client answering with confluent-kafka's
own types, mapped to catalog YAML and a pulumi import file that the project's validation accepts."""

from __future__ import annotations

import json
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka.admin import (
    AclBinding,
    AclOperation,
    AclPermissionType,
    BrokerMetadata,
    ClusterMetadata,
    ConfigEntry,
    ConfigResource,
    ConfigSource,
    PartitionMetadata,
    ResourcePatternType,
    ResourceType,
    ScramCredentialInfo,
    ScramMechanism,
    TopicMetadata,
    UserScramCredentialsDescription,
)

from messaging_platform_tools import adopt_cli
from messaging_platform_tools.adopt import (
    Acl,
    ClusterSnapshot,
    TopicState,
    adopt,
    format_duration,
    format_size,
    import_spec,
    read_cluster,
    validate,
    write_catalog,
)
from messaging_platform_tools.offline.check import InputError

DYNAMIC, DEFAULT = ConfigSource.DYNAMIC_TOPIC_CONFIG, ConfigSource.DEFAULT_CONFIG


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future


def _acl(user: str, restype: ResourceType, name: str, op: AclOperation, **kw: Any) -> AclBinding:
    return AclBinding(
        restype,
        name,
        kw.get("pattern", ResourcePatternType.LITERAL),
        f"User:{user}",
        kw.get("host", "*"),
        op,
        kw.get("permission", AclPermissionType.ALLOW),
    )


class FakeAdmin:
    """Answers the four calls :func:`read_cluster` makes, with confluent-kafka's result types."""

    def __init__(self, topics: dict[str, tuple[int, int, dict[str, tuple[str, ConfigSource]]]],
                 acls: list[AclBinding], users: list[str], brokers: int = 3) -> None:  # fmt: skip
        self.topics, self.acls, self.users, self.brokers = topics, acls, users, brokers

    def list_topics(self, timeout: float) -> ClusterMetadata:
        metadata = ClusterMetadata()
        metadata.brokers = {i: BrokerMetadata() for i in range(self.brokers)}
        for name, (partitions, replicas, _) in self.topics.items():
            topic = TopicMetadata()
            topic.topic = name
            for i in range(partitions):
                partition = PartitionMetadata()
                partition.id, partition.replicas = i, list(range(replicas))
                topic.partitions[i] = partition
            metadata.topics[name] = topic
        return metadata

    def describe_configs(self, resources: list[ConfigResource], request_timeout: float) -> dict[Any, Future[Any]]:
        return {
            r: _done({k: ConfigEntry(k, v, source=s) for k, (v, s) in self.topics[r.name][2].items()})
            for r in resources
        }

    def describe_acls(self, pattern: Any, request_timeout: float) -> Future[Any]:
        return _done(self.acls)

    def describe_user_scram_credentials(self, request_timeout: float) -> Future[Any]:
        info = ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096)
        return _done({u: UserScramCredentialsDescription(u, [info]) for u in self.users})


def _cluster(**changes: Any) -> FakeAdmin:
    topics = {
        "orders.created.v1": (12, 3, {
            "retention.ms": ("604800000", DYNAMIC),
            "max.message.bytes": ("1048576", DYNAMIC),
            "segment.ms": ("3600000", DYNAMIC),
            "cleanup.policy": ("delete", DEFAULT),
        }),
        "orders.state.v1": (6, 3, {"cleanup.policy": ("compact", DYNAMIC), "min.insync.replicas": ("2", DYNAMIC)}),
        "payments.settled.v1": (3, 3, {}),
        "__consumer_offsets": (50, 3, {}),
        "_schemas": (1, 3, {}),
    }  # fmt: skip
    acls = [
        _acl("order-service", ResourceType.TOPIC, "orders.created.v1", AclOperation.WRITE),
        _acl("order-service", ResourceType.TOPIC, "orders.created.v1", AclOperation.DESCRIBE),
        _acl("order-service", ResourceType.TOPIC, "payments.settled.v1", AclOperation.READ),
        _acl("order-service", ResourceType.TOPIC, "payments.settled.v1", AclOperation.DESCRIBE),
        _acl("order-service", ResourceType.GROUP, "order-service", AclOperation.READ),
        _acl("audit", ResourceType.TOPIC, "orders.", AclOperation.READ, pattern=ResourcePatternType.PREFIXED),
        _acl("order-service", ResourceType.TOPIC, "orders.state.v1", AclOperation.WRITE,
             permission=AclPermissionType.DENY),
        _acl("admin", ResourceType.BROKER, "kafka-cluster", AclOperation.ALTER),
    ]  # fmt: skip
    values: dict[str, Any] = {"topics": topics, "acls": acls, "users": ["order-service", "admin"], **changes}
    return FakeAdmin(**values)


@pytest.fixture
def snapshot() -> ClusterSnapshot:
    return read_cluster(_cluster())


def test_reads_partitions_replicas_and_only_dynamic_topic_configs(snapshot: ClusterSnapshot) -> None:
    topics = {t.name: t for t in snapshot.topics}
    assert topics["orders.created.v1"] == TopicState(
        "orders.created.v1",
        12,
        3,
        {"max.message.bytes": "1048576", "retention.ms": "604800000", "segment.ms": "3600000"},
    )
    assert snapshot.brokers == 3
    assert snapshot.scram_users == {"admin": ["SCRAM-SHA-512"], "order-service": ["SCRAM-SHA-512"]}
    assert Acl("User:audit", "*", "TOPIC", "PREFIXED", "orders.", "READ", "ALLOW") in snapshot.acls


def test_writes_one_domain_file_per_first_name_segment_with_typed_keys(snapshot: ClusterSnapshot) -> None:
    adoption = adopt(snapshot, exclude_principals=frozenset({"admin"}))
    assert sorted(adoption.domains) == ["orders", "payments"]
    assert adoption.domains["orders"]["topics"] == {
        "orders.created.v1": {
            "partitions": 12,
            "replicas": 3,
            "maxMessageBytes": "1MiB",
            "retention": "1w",
            "config": {"segment.ms": 3600000},
        },
        "orders.state.v1": {"partitions": 6, "replicas": 3, "cleanupPolicy": "compact", "minInsyncReplicas": 2},
    }


def test_acls_become_produce_and_consume_intents(snapshot: ClusterSnapshot) -> None:
    adoption = adopt(snapshot, exclude_principals=frozenset({"admin"}))
    assert adoption.domains["orders"]["services"]["order-service"] == {
        "produces": ["orders.created.v1"],
        "consumes": [{"topic": "payments.settled.v1", "group": "order-service"}],
        "authentication": "scram-sha-512",
    }


def test_reports_internal_topics_unexpressible_acls_and_scram_passwords(snapshot: ClusterSnapshot) -> None:
    adoption = adopt(snapshot, exclude_principals=frozenset({"admin"}))
    notes = "\n".join(adoption.notes)
    assert "topic __consumer_offsets: Kafka internal topic, skipped" in notes
    assert "topic _schemas: platform internal topic" in notes
    assert {(a.principal, a.permission, a.pattern) for a in adoption.unexpressed} == {
        ("User:audit", "ALLOW", "PREFIXED"),
        ("User:order-service", "DENY", "LITERAL"),
    }
    assert "SCRAM user order-service (SCRAM-SHA-512): its password cannot be read back" in notes
    assert "admin" not in json.dumps(adoption.domains)


def test_platform_topics_are_kept_on_request(snapshot: ClusterSnapshot) -> None:
    adoption = adopt(snapshot, include_platform_topics=True)
    assert "_schemas" in adoption.domains["imported"]["topics"]


@pytest.mark.parametrize(
    ("value", "shown"), [("604800000", "1w"), ("86400000", "1d"), ("1500", 1500), ("-1", "infinite"), ("0", 0)]
)
def test_durations_are_shown_in_the_largest_exact_unit(value: str, shown: object) -> None:
    assert format_duration(value) == shown


@pytest.mark.parametrize(("value", "shown"), [("1048576", "1MiB"), ("1000000", 1000000), ("-1", "unlimited")])
def test_sizes_are_shown_in_the_largest_exact_binary_unit(value: str, shown: object) -> None:
    assert format_size(value) == shown


def test_catalog_validates_and_round_trips_the_broker_configs(snapshot: ClusterSnapshot, tmp_path: Path) -> None:
    adoption = adopt(snapshot, exclude_principals=frozenset({"admin"}))
    write_catalog(adoption, tmp_path / "catalog")
    resolved = validate(tmp_path / "catalog", "legacy", snapshot.brokers)
    on_broker = {t.name: t for t in snapshot.topics}
    for topic in resolved.topics:
        assert {k: str(v) for k, v in topic.config.items()} == on_broker[topic.kafka_name].config
        assert (topic.partitions, topic.replicas) == (on_broker[topic.kafka_name].partitions, 3)


def test_import_file_uses_the_components_names_parents_and_provider_ids(
    snapshot: ClusterSnapshot, tmp_path: Path
) -> None:
    adoption = adopt(snapshot, exclude_principals=frozenset({"admin"}))
    write_catalog(adoption, tmp_path / "catalog")
    resolved = validate(tmp_path / "catalog", "legacy", snapshot.brokers)
    spec, notes = import_spec(resolved, "legacy", snapshot, "external", "messaging-platform")
    provider_urn = (
        "urn:pulumi:external::messaging-platform::messaging-platform:kafka:ExternalCluster"
        "$pulumi:providers:kafka::legacy-provider"
    )
    assert spec["nameTable"] == {"legacy-provider": provider_urn}
    by_name = {r["name"]: r for r in spec["resources"]}
    assert by_name["legacy-catalog"] == {"type": "messaging-platform:kafka:Catalog", "name": "legacy-catalog",
                                         "component": True}  # fmt: skip
    assert by_name["legacy-topic-orders.state.v1"] == {
        "type": "kafka:index/topic:Topic",
        "name": "legacy-topic-orders.state.v1",
        "id": "orders.state.v1",
        "parent": "legacy-catalog",
        "provider": "legacy-provider",
    }
    acl = by_name["legacy-user-order-service-acl-group-literal-order-service-read"]
    assert acl["id"] == "User:order-service|*|Read|Allow|Group|order-service|Literal"
    assert len([r for r in spec["resources"] if r["type"] == "kafka:index/acl:Acl"]) == 5
    assert notes == []


def test_command_config_reads_the_jaas_user_and_refuses_java_trust_stores(tmp_path: Path) -> None:
    properties = tmp_path / "client.properties"
    properties.write_text(
        "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
        'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="b";\n'
    )
    assert adopt_cli.read_properties(properties) == {
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": "a",
        "sasl.password": "b",
    }
    properties.write_text("ssl.truststore.location=/x.jks\n")
    with pytest.raises(InputError, match=r"use ssl\.ca\.location"):
        adopt_cli.read_properties(properties)
