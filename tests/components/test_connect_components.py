"""KafkaConnect under the mock engine: its user, topics, Connect cluster and connectors, wired to the
Kafka cluster it runs on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from messaging_platform import (
    ConfigError,
    KafkaCluster,
    KafkaClusterArgs,
    KafkaConnect,
    KafkaConnectArgs,
    build_platform,
    export_outputs,
)
from messaging_platform.config import cluster_config
from messaging_platform.config.connect import ConnectConfig
from messaging_platform.config.connectors import ConnectorSpec
from messaging_platform.config.presets import connect_preset
from messaging_platform.config.resolve import ResolvedConnector
from messaging_platform.strimzi import USE_CONNECTOR_RESOURCES_ANNOTATION, WAIT_FOR_ANNOTATION
from messaging_platform_tools.offline.engine import Recording, run_program
from tests.conftest import catalog_stack, write_catalog

Run = Callable[[Callable[[], object]], Recording]
STRIMZI = "kubernetes:kafka.strimzi.io/v1"
TOPIC = "shipping.carrier-update.v1"
SHIPPING: dict[str, Any] = {
    "domain": "shipping",
    "topics": {TOPIC: {"partitions": 3}, "shipping.parcel-scan.v1": {"partitions": 3}},
    "connectors": {
        "carrier-import": {"connect": "integration", "class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
                           "produces": [TOPIC], "config": {"topic": TOPIC}},
        "carrier-archive": {"connect": "integration", "class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
                            "consumes": [TOPIC], "config": {"topics": TOPIC, "file": "/tmp/archive.txt"}},
    },
}  # fmt: skip
MTLS = {"mtls": {"port": 9094, "type": "internal", "tls": True, "authentication": {"type": "tls"}}}


def platform(run: Run, root: Path, environment: str = "prod", **values: Any) -> Recording:
    stack = catalog_stack(write_catalog(root, {"shipping": SHIPPING}), environment, **values)
    return run(lambda: export_outputs(build_platform(stack)))


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """The prod platform, planned once for the tests that only read it."""
    root = tmp_path_factory.mktemp("connect")
    stack = catalog_stack(write_catalog(root, {"shipping": SHIPPING}), "prod", connect={"integration": {}})
    return run_program(lambda: export_outputs(build_platform(stack)), "messaging-platform", "test")


def one(recording: Recording, kind: str, name: str) -> Any:
    (found,) = [r for r in recording.of_type(f"{STRIMZI}:{kind}") if r.name == name]
    return found


def test_every_child_is_under_the_connect_component(prod: Recording) -> None:
    (component,) = prod.of_type("messaging-platform:kafka:Connect")
    (user_component,) = [u for u in prod.of_type("messaging-platform:kafka:User") if u.name == "integration-user"]
    children = [
        one(prod, "KafkaConnect", "integration-connect"),
        *(one(prod, "KafkaTopic", f"integration-topic-{role}") for role in ("configs", "offsets", "status")),
        one(prod, "KafkaConnector", "integration-connector-carrier-import"),
        one(prod, "KafkaConnector", "integration-connector-carrier-archive"),
        user_component,
    ]
    assert {child.parent for child in children} == {component.urn}
    assert component.name == "integration"


def test_the_connect_cluster_manages_connectors_through_resources_and_waits_for_ready(prod: Recording) -> None:
    connect = one(prod, "KafkaConnect", "integration-connect")
    annotations = connect.inputs["metadata"]["annotations"]
    assert annotations[USE_CONNECTOR_RESOURCES_ANNOTATION] == "true"
    assert annotations[WAIT_FOR_ANNOTATION] == "condition=Ready"
    assert (connect.inputs["metadata"]["name"], connect.inputs["metadata"]["namespace"]) == ("integration", "kafka")


def test_bootstrap_trust_and_credentials_come_from_the_cluster_and_the_user(prod: Recording) -> None:
    spec = one(prod, "KafkaConnect", "integration-connect").inputs["spec"]
    assert spec["bootstrapServers"] == prod.outputs["clusters"]["events"]["bootstrapServers"]["tls"]
    assert spec["tls"]["trustedCertificates"] == [
        {"secretName": prod.outputs["clusters"]["events"]["clusterCaSecret"], "pattern": "*.crt"}
    ]
    user = one(prod, "KafkaUser", "integration-user-user")
    assert user.inputs["metadata"]["labels"]["strimzi.io/cluster"] == "events"
    assert spec["authentication"]["username"] == user.inputs["metadata"]["name"] == "integration-connect"
    assert spec["authentication"]["passwordSecret"] == {"secretName": "integration-connect", "password": "password"}


def test_the_connect_user_acls_are_its_group_its_topics_and_its_connectors_topics(prod: Recording) -> None:
    acls = one(prod, "KafkaUser", "integration-user-user").inputs["spec"]["authorization"]["acls"]
    granted = {(a["resource"]["type"], a["resource"].get("name"), a["resource"]["patternType"], tuple(a["operations"]))
               for a in acls}  # fmt: skip
    internal = ("Describe", "DescribeConfigs", "Read", "Write")
    assert granted == {
        ("group", "connect.integration", "literal", ("Read",)),
        ("topic", "connect.integration.configs", "literal", internal),
        ("topic", "connect.integration.offsets", "literal", internal),
        ("topic", "connect.integration.status", "literal", internal),
        ("group", "connect-carrier-archive", "literal", ("Read",)),  # the sink's consumer group
        ("topic", TOPIC, "literal", ("Describe", "Read", "Write")),  # the source writes, the sink reads
    }


def test_workers_start_after_their_user_topics_and_cluster(prod: Recording) -> None:
    connect = one(prod, "KafkaConnect", "integration-connect")
    user = one(prod, "KafkaUser", "integration-user-user")  # the SDK expands a component dependency to its children
    topics = {one(prod, "KafkaTopic", f"integration-topic-{role}").urn for role in ("configs", "offsets", "status")}
    assert {user.urn, one(prod, "Kafka", "events-kafka").urn} | topics <= set(connect.depends_on)


@pytest.mark.parametrize(("environment", "protected"), [("prod", True), ("dev", False)])
def test_internal_topics_follow_the_catalog_deletion_policy(
    run: Run, tmp_path: Path, environment: str, protected: bool
) -> None:
    recording = platform(run, tmp_path, environment, connect={"integration": {}})
    configs = one(recording, "KafkaTopic", "integration-topic-configs")
    assert configs.protect is protected
    assert configs.inputs["spec"]["partitions"] == 1
    assert configs.inputs["spec"]["config"]["cleanup.policy"] == "compact"
    assert configs.hooks == ("before_update:events-topic-guard",)


def test_connectors_are_labelled_with_their_connect_cluster(prod: Recording) -> None:
    connect = one(prod, "KafkaConnect", "integration-connect")
    for name in ("carrier-import", "carrier-archive"):
        connector = one(prod, "KafkaConnector", f"integration-connector-{name}")
        labels = connector.inputs["metadata"]["labels"]
        assert labels["strimzi.io/cluster"] == "integration"
        assert labels["messaging-platform.io/domain"] == "shipping"
        assert connector.inputs["metadata"]["name"] == name
        assert connect.urn in connector.depends_on
    assert prod.outputs["connect"] == {
        "integration": {
            "namespace": "kafka",
            "restApi": "http://integration-connect-api.kafka.svc:8083",
            "userSecret": "integration-connect",
            "connectors": ["carrier-archive", "carrier-import"],
        }
    }


def test_on_a_mutual_tls_listener_the_user_is_a_certificate_user(run: Run, tmp_path: Path) -> None:
    recording = platform(
        run, tmp_path, clusters={"events": {"listeners": MTLS}}, connect={"integration": {"listener": "mtls"}}
    )
    spec = one(recording, "KafkaConnect", "integration-connect").inputs["spec"]
    assert spec["bootstrapServers"] == "events-kafka-bootstrap.kafka.svc:9094"
    assert spec["authentication"]["type"] == "tls"
    assert one(recording, "KafkaUser", "integration-user-user").inputs["spec"]["authentication"] == {"type": "tls"}
    assert not [s for s in recording.of_type("kubernetes:core/v1:Secret") if s.name.startswith("integration-")]


@pytest.mark.parametrize(
    ("connect", "expected"),
    [
        ("integration", 'db-sink.config["connection.password"]: ${directory:...}: the Connect cluster configures no '
                        "config provider 'directory' (configured: none (no secrets or env))"),
        ("reporting", "db-sink.connect: names another Connect cluster than 'integration', which was given it "
                      '(received: "reporting")'),
    ],
)  # fmt: skip
def test_a_connect_cluster_in_code_refuses_what_cannot_work_before_registering_anything(
    run: Run, connect: str, expected: str
) -> None:
    spec = ConnectorSpec.model_validate(
        {"connect": connect, "class": "io.example.JdbcSink", "consumes": ["orders"],
         "config": {"connection.password": "${directory:/mnt/secrets/db:password}"}}
    )  # fmt: skip
    connector = ResolvedConnector("db-sink", spec, ("orders",), (), "code", "orders", "db-sink")
    registered: list[str] = []

    def program() -> None:
        cluster = KafkaCluster("events", KafkaClusterArgs(config=cluster_config("prod")))
        config = ConnectConfig.model_validate(connect_preset("prod"))
        registered.append("cluster")
        KafkaConnect("integration", KafkaConnectArgs(cluster=cluster, config=config, connectors=[connector]))
        registered.append("connect")

    with pytest.raises(ConfigError) as caught:
        run(program)
    assert expected in [str(p) for p in caught.value.problems]
    assert registered == ["cluster"]
