"""KafkaBridge, KafkaMirrorMaker2 and KafkaRebalance under the mock engine: users, wiring, secrets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from messaging_platform import (
    KafkaBridge,
    KafkaBridgeArgs,
    KafkaCluster,
    KafkaClusterArgs,
    KafkaMirrorMaker2,
    KafkaMirrorMaker2Args,
    KafkaRebalance,
    KafkaRebalanceArgs,
    build_platform,
    export_outputs,
)
from messaging_platform.config import ConfigError, cluster_config, load_stack
from messaging_platform.config.acls import MirrorFlow, mirror_source_acls, mirror_target_acls
from messaging_platform.config.bridge import BridgeSettings
from messaging_platform.config.mirror import MirrorMaker2Settings
from messaging_platform.config.rebalance import RebalanceSettings
from messaging_platform.specs.users import acl_spec
from messaging_platform_tools.offline.engine import Recording, Registration
from messaging_platform_tools.offline.plan import plan_json, plan_layout
from tests.conftest import PROJECT_DIR

Run = Callable[[Callable[[], object]], Recording]
STRIMZI = "kubernetes:kafka.strimzi.io/v1:"
SECRET = "kubernetes:core/v1:Secret"
PASSWORD = "mm2-Pa55word-never-in-a-plan"
CA = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"
WEST = {
    "nodePools": {
        "dual": None,
        "west": {"roles": ["controller", "broker"], "replicas": 1, "storage": {"type": "ephemeral"}},
    }
}


def platform(run: Run, environment: str = "dev", **values: Any) -> Recording:
    raw = {"environment": environment, "clusters": {"events": {}}, "catalog": {"cluster": "events"}, **values}
    stack = load_stack(raw, PROJECT_DIR, secret_keys={"externalClusters", "mirrorMaker2"})
    return run(lambda: export_outputs(build_platform(stack)))


def one(recording: Recording, kind: str, name: str) -> Registration:
    (found,) = [r for r in recording.of_type(f"{STRIMZI}{kind}") if r.inputs["metadata"]["name"] == name]
    return found


def by_urn(recording: Recording, urn: str) -> Registration:
    (found,) = [r for r in recording.resources if r.urn == urn]
    return found


# HTTP Bridge


@pytest.fixture(scope="module")
def with_bridge() -> Recording:
    from messaging_platform_tools.offline.engine import run_program

    bridge = {
        "domain": "orders",
        "produces": ["orders.order-cancelled.v1"],
        "consumes": [{"topic": "payments.payment-settled.v1", "group": "storefront"}],
        "http": {"port": 8081},
    }
    raw = {"environment": "prod", "clusters": {"events": {}}, "catalog": {}, "bridges": {"storefront": bridge}}
    stack = load_stack(raw, PROJECT_DIR)
    return run_program(lambda: export_outputs(build_platform(stack)), "messaging-platform", "test")


def test_the_bridge_user_holds_exactly_its_intents(with_bridge: Recording) -> None:
    user = one(with_bridge, "KafkaUser", "storefront-bridge")
    assert user.inputs["metadata"]["labels"]["strimzi.io/cluster"] == "events"
    assert user.inputs["spec"]["authorization"]["acls"] == [
        {"resource": {"type": "group", "patternType": "literal", "name": "storefront"}, "operations": ["Read"],
         "host": "*"},
        {"resource": {"type": "topic", "patternType": "literal", "name": "orders.order-cancelled.v1"},
         "operations": ["Describe", "Write"], "host": "*"},
        {"resource": {"type": "topic", "patternType": "literal", "name": "payments.payment-settled.v1"},
         "operations": ["Describe", "Read"], "host": "*"},
    ]  # fmt: skip


def test_the_bridge_connects_over_tls_as_its_user_after_it_exists(with_bridge: Recording) -> None:
    (component,) = with_bridge.of_type("messaging-platform:kafka:Bridge")
    bridge = one(with_bridge, "KafkaBridge", "storefront")
    user = one(with_bridge, "KafkaUser", "storefront-bridge")
    spec = bridge.inputs["spec"]
    assert bridge.parent == component.urn
    assert spec["bootstrapServers"] == "events-kafka-bootstrap.kafka.svc:9093"
    assert spec["tls"] == {"trustedCertificates": [{"secretName": "events-cluster-ca-cert", "certificate": "ca.crt"}]}
    assert spec["authentication"]["username"] == "storefront-bridge"
    assert spec["authentication"]["passwordSecret"] == {"secretName": "storefront-bridge", "password": "password"}
    assert (spec["replicas"], spec["http"]["port"]) == (2, 8081)  # the prod preset's pods
    assert user.urn in bridge.depends_on  # depending on the user component waits for its children
    assert bridge.inputs["metadata"]["annotations"]["pulumi.com/waitFor"] == "condition=Ready"
    assert with_bridge.outputs["bridges"] == {
        "storefront": {"url": "http://storefront-bridge-service.kafka.svc:8081", "userSecret": "storefront-bridge"}
    }


def test_a_listener_the_bridge_cannot_use_is_refused_before_anything_of_it_is_registered(run: Run) -> None:
    refused: list[str] = []

    def program() -> None:
        events = KafkaCluster("events", KafkaClusterArgs(config=cluster_config("dev")))
        settings = BridgeSettings.model_validate({"listener": "nope"})
        try:
            KafkaBridge("storefront", KafkaBridgeArgs(cluster=events, acls=[], settings=settings))
        except ConfigError as error:
            refused.append(str(error))

    recording = run(program)
    assert refused and "KafkaBridge 'storefront'.settings.listener" in refused[0] and "no such listener" in refused[0]
    assert not [r for r in recording.resources if r.name.startswith("storefront")]


# MirrorMaker 2 between two Strimzi clusters


@pytest.fixture(scope="module")
def two_clusters() -> Recording:
    from messaging_platform_tools.offline.engine import run_program

    raw = {
        "environment": "dev",
        "clusters": {"events": {}, "west": WEST},
        "catalog": {"cluster": "events"},
        "mirrorMaker2": {"dr": {"source": "events", "target": "west", "topics": ["orders.order-created.v1"]}},
    }
    stack = load_stack(raw, PROJECT_DIR)
    return run_program(lambda: export_outputs(build_platform(stack)), "messaging-platform", "test")


def flow(groups: Mapping[str, tuple[str, ...]]) -> MirrorFlow:
    return MirrorFlow("events", ("orders.order-created.v1",), groups, False, True, "mm2-dr",
                      ("mm2-dr-configs", "mm2-dr-offsets", "mm2-dr-status"))  # fmt: skip


GROUPS = {
    "analytics-revenue": ("orders.order-created.v1",),
    "audit-sink": ("orders.order-created.v1",),
    "notification-service": ("orders.order-created.v1",),
    "payment-service": ("orders.order-created.v1",),
}


def test_each_strimzi_side_gets_a_user_with_exactly_the_acls_mirroring_needs(two_clusters: Recording) -> None:
    source, target = one(two_clusters, "KafkaUser", "dr-source"), one(two_clusters, "KafkaUser", "dr-target")
    assert source.inputs["metadata"]["labels"]["strimzi.io/cluster"] == "events"
    assert target.inputs["metadata"]["labels"]["strimzi.io/cluster"] == "west"
    assert source.inputs["spec"]["authorization"]["acls"] == [acl_spec(r) for r in mirror_source_acls(flow(GROUPS))]
    assert target.inputs["spec"]["authorization"]["acls"] == [acl_spec(r) for r in mirror_target_acls(flow(GROUPS))]


def test_the_mirror_reads_the_source_and_writes_the_target_as_their_users(two_clusters: Recording) -> None:
    mirror = one(two_clusters, "KafkaMirrorMaker2", "dr")
    spec = mirror.inputs["spec"]
    (entry,) = spec["mirrors"]
    assert mirror.inputs["metadata"]["namespace"] == "kafka"
    assert spec["version"] == "4.3.1"
    assert (spec["target"]["alias"], spec["target"]["bootstrapServers"]) == (
        "west",
        "west-kafka-bootstrap.kafka.svc:9093",
    )
    assert spec["target"]["tls"]["trustedCertificates"] == [
        {"secretName": "west-cluster-ca-cert", "certificate": "ca.crt"}
    ]
    assert spec["target"]["authentication"]["username"] == "dr-target"
    assert (entry["source"]["alias"], entry["source"]["bootstrapServers"]) == (
        "events",
        "events-kafka-bootstrap.kafka.svc:9093",
    )
    assert entry["source"]["tls"]["trustedCertificates"] == [
        {"secretName": "events-cluster-ca-cert", "certificate": "ca.crt"}
    ]
    assert entry["source"]["authentication"]["username"] == "dr-source"
    assert entry["topicsPattern"] == r"orders\.order-created\.v1"
    assert entry["groupsPattern"] == "analytics-revenue|audit-sink|notification-service|payment-service"
    users = {one(two_clusters, "KafkaUser", name).urn for name in ("dr-source", "dr-target")}
    kafkas = {r.urn for r in two_clusters.of_type(f"{STRIMZI}Kafka")}
    assert users | kafkas <= set(mirror.depends_on)
    assert two_clusters.outputs["mirrorMaker2"] == {
        "dr": {"namespace": "kafka", "remoteTopics": ["events.orders.order-created.v1"],
               "userSecrets": {"source": "dr-source", "target": "dr-target"}}
    }  # fmt: skip


# MirrorMaker 2 to an external cluster


@pytest.fixture(scope="module")
def to_external() -> Recording:
    from messaging_platform_tools.offline.engine import run_program

    external = {"bootstrapServers": ["k1.legacy.example.com:9096", "k2.legacy.example.com:9096"], "brokers": 3,
                "caCert": CA}  # fmt: skip
    user = {"mechanism": "scram-sha-512", "username": "mm2-events", "password": PASSWORD}
    raw = {
        "environment": "prod",
        "clusters": {"events": {}},
        "externalClusters": {"legacy": external},
        "catalog": {"cluster": "events"},
        "mirrorMaker2": {"to-legacy": {"source": "events", "target": "legacy", "domains": ["payments"],
                                       "externalUser": user}},
    }  # fmt: skip
    stack = load_stack(raw, PROJECT_DIR, secret_keys={"mirrorMaker2"})
    return run_program(lambda: export_outputs(build_platform(stack)), "messaging-platform", "test")


def test_the_external_password_reaches_kubernetes_only_as_a_secret(to_external: Recording) -> None:
    (component,) = to_external.of_type("messaging-platform:kafka:MirrorMaker2")
    secrets = {r.inputs["metadata"]["name"]: r for r in to_external.of_type(SECRET) if r.parent == component.urn}
    assert set(secrets) == {"to-legacy-target-sasl", "to-legacy-target-ca"}
    assert secrets["to-legacy-target-sasl"].inputs["stringData"] == {"password": "[secret]"}
    assert set(secrets["to-legacy-target-ca"].inputs["stringData"]) == {"ca.crt"}
    texts = [plan_json(to_external), *plan_layout(to_external).files.values()]
    assert not any(PASSWORD in text for text in texts)
    target = one(to_external, "KafkaMirrorMaker2", "to-legacy").inputs["spec"]["target"]
    assert target["authentication"] == {
        "type": "scram-sha-512",
        "username": "mm2-events",
        "passwordSecret": {"secretName": "to-legacy-target-sasl", "password": "password"},
    }
    assert target["bootstrapServers"] == "k1.legacy.example.com:9096,k2.legacy.example.com:9096"
    assert target["tls"] == {"trustedCertificates": [{"secretName": "to-legacy-target-ca", "certificate": "ca.crt"}]}
    assert {secrets[name].urn for name in secrets} <= set(one(to_external, "KafkaMirrorMaker2", "to-legacy").depends_on)


def test_the_external_side_gets_no_user_and_its_acls_are_listed_as_outputs(to_external: Recording) -> None:
    users = {r.inputs["metadata"]["name"] for r in to_external.of_type(f"{STRIMZI}KafkaUser")}
    assert "to-legacy-source" in users and "to-legacy-target" not in users
    assert to_external.of_type("kafka:index/acl:Acl") == []
    output = to_external.outputs["mirrorMaker2"]["to-legacy"]
    assert output["userSecrets"] == {"source": "to-legacy-source"}
    acls = output["externalAcls"]["target"]
    assert {acl["principal"] for acl in acls} == {"User:mm2-events"}
    assert {"principal": "User:mm2-events", "resourceType": "topic", "patternType": "literal",
            "name": "events.payments.payment-settled.v1",
            "operations": ["Alter", "AlterConfigs", "Create", "Describe", "Read", "Write"]} in acls  # fmt: skip


def test_a_mirror_to_the_external_cluster_is_valid_and_passes_the_prod_policies(
    to_external: Recording, crd_schemas: Any
) -> None:
    from messaging_platform_tools.offline.plan import kubernetes_objects
    from messaging_platform_tools.offline.runner import policy_findings

    objects = [obj for obj in kubernetes_objects(to_external) if crd_schemas.covers(obj)]
    assert [violation for obj in objects for violation in crd_schemas.validate(obj)] == []
    assert policy_findings(to_external, "prod", PROJECT_DIR) == []


def test_the_component_refuses_sides_it_cannot_serve(run: Run) -> None:
    def program() -> None:
        east = KafkaCluster("east", KafkaClusterArgs(config=cluster_config("dev")))
        west = KafkaCluster("west", KafkaClusterArgs(config=cluster_config("dev", {"namespace": "dr"})))
        KafkaMirrorMaker2("dr", KafkaMirrorMaker2Args(source=east, target=west, topics=["orders.created.v1"]))

    with pytest.raises(Exception, match="in different namespaces; MirrorMaker 2 reads both cluster CA Secrets"):
        run(program)


@pytest.mark.parametrize("listener", ["source_listener", "target_listener"])
def test_a_listener_the_mirror_cannot_use_is_refused_before_anything_of_it_is_registered(
    run: Run, listener: str
) -> None:
    refused: list[str] = []

    def program() -> None:
        east = KafkaCluster("east", KafkaClusterArgs(config=cluster_config("dev")))
        west = KafkaCluster("west", KafkaClusterArgs(config=cluster_config("dev", WEST)))
        settings = MirrorMaker2Settings.model_validate({listener: "nope"})
        try:
            KafkaMirrorMaker2("dr", KafkaMirrorMaker2Args(source=east, target=west, topics=["orders.created.v1"],
                                                          settings=settings))  # fmt: skip
        except ConfigError as error:
            refused.append(str(error))

    recording = run(program)
    assert refused and "no such listener" in refused[0]
    assert not [r for r in recording.resources if r.name.startswith("dr")]


# Rebalance


def test_a_rebalance_is_labelled_for_its_cluster_and_approved_only_when_asked(run: Run) -> None:
    settings = RebalanceSettings(mode="remove-brokers", brokers=[5], auto_approve=True)

    def program() -> None:
        events = KafkaCluster("events", KafkaClusterArgs(config=cluster_config("prod")))
        KafkaRebalance("shrink", KafkaRebalanceArgs(cluster=events, settings=settings))
        KafkaRebalance("balance", KafkaRebalanceArgs(cluster=events))

    recording = run(program)
    shrink, balance = one(recording, "KafkaRebalance", "shrink"), one(recording, "KafkaRebalance", "balance")
    assert shrink.inputs["metadata"]["labels"]["strimzi.io/cluster"] == "events"
    assert shrink.inputs["metadata"]["annotations"]["strimzi.io/rebalance-auto-approval"] == "true"
    assert shrink.inputs["spec"] == {"mode": "remove-brokers", "brokers": [5]}
    assert "strimzi.io/rebalance-auto-approval" not in balance.inputs["metadata"]["annotations"]
    assert balance.inputs["spec"] == {"mode": "full"}


def test_a_rebalance_is_refused_on_a_cluster_without_cruise_control(run: Run) -> None:
    def program() -> None:
        events = KafkaCluster("events", KafkaClusterArgs(config=cluster_config("dev")))
        KafkaRebalance("balance", KafkaRebalanceArgs(cluster=events))

    with pytest.raises(Exception, match="cluster 'events' does not run Cruise Control") as failure:
        run(program)
    assert failure.type is ConfigError or "ConfigError" in repr(failure.value)
