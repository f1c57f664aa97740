"""MirrorMaker 2's exact ACLs per side, and the pure builders of KafkaMirrorMaker2, KafkaBridge and
KafkaRebalance, validated against the Strimzi 1.2.0 CRDs."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from messaging_platform.config.acls import AclRule, MirrorFlow, mirror_source_acls, mirror_target_acls
from messaging_platform.config.bridge import BridgeSettings
from messaging_platform.config.mirror import MirrorMaker2Settings
from messaging_platform.config.rebalance import RebalanceSettings
from messaging_platform.specs.bridge import bridge_spec
from messaging_platform.specs.clients import KafkaConnection
from messaging_platform.specs.mirror_maker import literal_pattern, mirror_maker2_spec
from messaging_platform.specs.rebalance import rebalance_spec
from messaging_platform_tools.validation.crd_schema import CrdSchemas

FLOW = MirrorFlow(
    source_alias="east",
    topics=("orders.created.v1", "payments.settled.v1"),
    groups={"billing": ("orders.created.v1",)},
    identity=False,
    sync_group_offsets=True,
    connect_group="mm2-dr",
    connect_topics=("mm2-dr-configs", "mm2-dr-offsets", "mm2-dr-status"),
)
STRIMZI = KafkaConnection("east-kafka-bootstrap.kafka.svc:9093", "east-cluster-ca-cert", "scram-sha-512", "dr-source",
                          "dr-source")  # fmt: skip
EXTERNAL = KafkaConnection("k1.example.com:9096,k2.example.com:9096", None, "scram-sha-256", "mm2", "dr-target-sasl")


def rules(found: list[AclRule]) -> list[tuple[str, str, tuple[str, ...]]]:
    assert all(rule.pattern == "literal" for rule in found)  # never a prefix, never '*', never the cluster
    return [(rule.resource_type, rule.name, rule.operations) for rule in found]


def test_the_source_side_only_reads_the_mirrored_topics_and_describes_the_checkpointed_groups() -> None:
    assert rules(mirror_source_acls(FLOW)) == [
        ("group", "billing", ("Describe",)),
        ("topic", "orders.created.v1", ("Describe", "DescribeConfigs", "Read")),
        ("topic", "payments.settled.v1", ("Describe", "DescribeConfigs", "Read")),
    ]


def test_the_target_side_writes_remote_and_internal_topics_and_syncs_the_groups() -> None:
    remote = ("Alter", "AlterConfigs", "Create", "Describe", "Write")
    internal = ("Create", "Describe", "Read", "Write")
    assert (
        rules(mirror_target_acls(FLOW))
        == [
            ("group", "billing", ("Describe", "Read")),  # translated offsets committed for the group
            ("group", "mm2-dr", ("Read",)),  # the Connect workers' group
            ("topic", "east.checkpoints.internal", internal),
            ("topic", "east.orders.created.v1", (*remote[:4], "Read", "Write")),  # read by a synced group
            ("topic", "east.payments.settled.v1", remote),
            ("topic", "mm2-dr-configs", ("Create", "Describe", "DescribeConfigs", "Read", "Write")),
            ("topic", "mm2-dr-offsets", ("Create", "Describe", "DescribeConfigs", "Read", "Write")),
            ("topic", "mm2-dr-status", ("Create", "Describe", "DescribeConfigs", "Read", "Write")),
            ("topic", "mm2-offset-syncs.east.internal", internal),
        ]
    )


def test_without_groups_there_are_no_checkpoints_offset_syncs_or_group_acls() -> None:
    flow = dataclasses.replace(FLOW, groups={})
    assert [name for _, name, _ in rules(mirror_source_acls(flow))] == ["orders.created.v1", "payments.settled.v1"]
    assert [name for _, name, _ in rules(mirror_target_acls(flow))] == [
        "mm2-dr",
        "east.orders.created.v1",
        "east.payments.settled.v1",
        "mm2-dr-configs",
        "mm2-dr-offsets",
        "mm2-dr-status",
    ]


def test_without_offset_sync_the_target_neither_reads_remote_topics_nor_touches_the_groups() -> None:
    flow = dataclasses.replace(FLOW, sync_group_offsets=False)
    target = rules(mirror_target_acls(flow))
    assert [name for kind, name, _ in target if kind == "group"] == ["mm2-dr"]
    assert all("Read" not in ops for _, name, ops in target if name.startswith("east.orders"))
    assert ("topic", "east.checkpoints.internal", ("Create", "Describe", "Read", "Write")) in target


def test_the_identity_policy_keeps_the_topic_names_on_the_target() -> None:
    flow = dataclasses.replace(FLOW, identity=True)
    names = {name for _, name, _ in rules(mirror_target_acls(flow))}
    assert {"orders.created.v1", "payments.settled.v1", "east.checkpoints.internal"} <= names
    assert "east.orders.created.v1" not in names


def test_patterns_match_exactly_the_listed_names() -> None:
    assert literal_pattern(["orders.created.v1", "a_b-c"]) == r"a_b-c|orders\.created\.v1"


@pytest.fixture(scope="module")
def mirror() -> dict[str, Any]:
    settings = MirrorMaker2Settings.model_validate({"replicas": 2, "tasksMax": 3, "logging": {"loggers": {
        "rootLogger.level": "INFO"}}})  # fmt: skip
    return mirror_maker2_spec(flow=FLOW, settings=settings, version="4.3.1", source=STRIMZI, target=EXTERNAL,
                              target_alias="legacy")  # fmt: skip


def test_the_mirror_spec_uses_the_v1_target_and_mirrors_layout(mirror: dict[str, Any]) -> None:
    target, (entry,) = mirror["target"], mirror["mirrors"]
    assert (target["alias"], target["groupId"]) == ("legacy", "mm2-dr")
    assert (
        target["configStorageTopic"],
        target["offsetStorageTopic"],
        target["statusStorageTopic"],
    ) == FLOW.connect_topics
    assert entry["source"]["alias"] == "east"
    assert entry["topicsPattern"] == r"orders\.created\.v1|payments\.settled\.v1"
    assert entry["groupsPattern"] == "billing"
    assert entry["sourceConnector"]["tasksMax"] == 3
    assert "heartbeatConnector" not in entry  # not in Strimzi 1.2.0's v1 API


def test_the_source_side_stays_read_only(mirror: dict[str, Any]) -> None:
    (entry,) = mirror["mirrors"]
    source, checkpoint = entry["sourceConnector"]["config"], entry["checkpointConnector"]["config"]
    assert source["offset-syncs.topic.location"] == checkpoint["offset-syncs.topic.location"] == "target"
    assert source["sync.topic.acls.enabled"] == "false"
    assert (
        source["replication.policy.class"]
        == checkpoint["replication.policy.class"]
        == ("org.apache.kafka.connect.mirror.DefaultReplicationPolicy")
    )
    assert checkpoint["sync.group.offsets.enabled"] == "true"


def test_each_side_connects_with_tls_ca_trust_and_its_credentials(mirror: dict[str, Any]) -> None:
    (entry,) = mirror["mirrors"]
    assert entry["source"]["bootstrapServers"] == "east-kafka-bootstrap.kafka.svc:9093"
    assert entry["source"]["tls"] == {"trustedCertificates": [{"secretName": "east-cluster-ca-cert",
                                                               "certificate": "ca.crt"}]}  # fmt: skip
    assert entry["source"]["authentication"] == {
        "type": "scram-sha-512",
        "username": "dr-source",
        "passwordSecret": {"secretName": "dr-source", "password": "password"},
    }
    target = mirror["target"]
    assert target["bootstrapServers"] == "k1.example.com:9096,k2.example.com:9096"
    assert target["tls"] == {}  # publicly trusted: the JVM's CAs
    assert target["authentication"]["type"] == "scram-sha-256"
    assert target["authentication"]["passwordSecret"] == {"secretName": "dr-target-sasl", "password": "password"}


def test_without_groups_the_checkpoint_connector_and_offset_syncs_are_off() -> None:
    spec = mirror_maker2_spec(flow=dataclasses.replace(FLOW, groups={}), settings=MirrorMaker2Settings(),
                              version="4.3.1", source=STRIMZI, target=STRIMZI, target_alias="west")  # fmt: skip
    (entry,) = spec["mirrors"]
    assert "checkpointConnector" not in entry and "groupsPattern" not in entry
    assert entry["sourceConnector"]["config"]["emit.offset-syncs.enabled"] == "false"


def test_a_tls_client_presents_its_user_certificate() -> None:
    connection = dataclasses.replace(STRIMZI, authentication="tls")
    assert connection.to_spec()["authentication"] == {
        "type": "tls",
        "certificateAndKey": {"secretName": "dr-source", "certificate": "user.crt", "key": "user.key"},
    }


def test_the_bridge_spec_has_http_cors_resources_and_logging() -> None:
    settings = BridgeSettings.model_validate(
        {
            "replicas": 2,
            "http": {"port": 8443, "cors": {"allowedOrigins": ["https://shop\\.example\\.com"], "allowedMethods":
                     ["GET"]}},
            "resources": {"requests": {"cpu": "200m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
            "logging": {"loggers": {"rootLogger.level": "WARN"}},
        }
    )  # fmt: skip
    spec = bridge_spec(settings, STRIMZI)
    assert spec["replicas"] == 2
    assert spec["http"] == {"port": 8443, "cors": {"allowedOrigins": ["https://shop\\.example\\.com"],
                                                   "allowedMethods": ["GET"]}}  # fmt: skip
    assert spec["logging"] == {"type": "inline", "loggers": {"rootLogger.level": "WARN"}}
    assert spec["bootstrapServers"] == STRIMZI.bootstrap_servers


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, {"mode": "full"}),
        ({"mode": "add-brokers", "brokers": [3, 4]}, {"mode": "add-brokers", "brokers": [3, 4]}),
        ({"mode": "remove-brokers", "brokers": [5], "goals": ["RackAwareGoal"], "skipHardGoalCheck": True},
         {"mode": "remove-brokers", "brokers": [5], "goals": ["RackAwareGoal"], "skipHardGoalCheck": True}),
    ],
)  # fmt: skip
def test_the_rebalance_spec(settings: dict[str, Any], expected: dict[str, Any]) -> None:
    assert rebalance_spec(RebalanceSettings.model_validate(settings)) == expected


def test_every_spec_is_valid_against_the_crds(crd_schemas: CrdSchemas, mirror: dict[str, Any]) -> None:
    metadata = {"name": "dr", "namespace": "kafka", "labels": {"strimzi.io/cluster": "east"}}
    objects = [
        ("KafkaMirrorMaker2", mirror),
        ("KafkaBridge", bridge_spec(BridgeSettings(), STRIMZI)),
        ("KafkaRebalance", rebalance_spec(RebalanceSettings(mode="add-brokers", brokers=[3]))),
    ]
    for kind, spec in objects:
        document = {"apiVersion": "kafka.strimzi.io/v1", "kind": kind, "metadata": metadata, "spec": spec}
        assert crd_schemas.covers(document)
        assert crd_schemas.validate(document) == [], kind
