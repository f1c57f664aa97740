"""Components under the mock engine: what each registers, with which parent, inputs and options."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from messaging_platform import (
    KafkaCluster,
    KafkaClusterArgs,
    Stack,
    StrimziOperator,
    StrimziOperatorArgs,
    build_platform,
    export_outputs,
)
from messaging_platform.strimzi import CRDS_URL, HELM_CHART, WAIT_FOR_ANNOTATION
from messaging_platform_tools.offline.engine import DuplicateUrnError, Recording
from tests.conftest import stack_config

Run = Callable[[Callable[[], object]], Recording]
KAFKA = "kubernetes:kafka.strimzi.io/v1:Kafka"
POOL = "kubernetes:kafka.strimzi.io/v1:KafkaNodePool"


@pytest.fixture
def prod_platform(run: Run) -> Recording:
    return run(lambda: export_outputs(build_platform(Stack(stack_config("prod")))))


def test_operator_installs_crds_then_the_chart_without_its_crds(run: Run) -> None:
    config = stack_config("prod")
    recording = run(lambda: StrimziOperator("strimzi", StrimziOperatorArgs(config.operator, ["kafka"])))
    (component,) = recording.of_type("messaging-platform:strimzi:Operator")
    (crds,) = recording.of_type("kubernetes:yaml/v2:ConfigFile")
    (release,) = recording.of_type("kubernetes:helm.sh/v3:Release")
    (namespace,) = recording.of_type("kubernetes:core/v1:Namespace")
    assert {crds.parent, release.parent, namespace.parent} == {component.urn}
    assert crds.inputs == {"file": CRDS_URL}
    assert crds.retain_on_delete
    assert release.inputs["chart"] == HELM_CHART
    assert release.inputs["version"] == "1.2.0"
    assert release.inputs["skipCrds"] is True
    assert release.inputs["atomic"] is True
    assert release.inputs["values"]["replicas"] == 2
    assert release.inputs["values"]["watchNamespaces"] == ["kafka"]
    assert set(release.depends_on) == {crds.urn, namespace.urn}


def test_operator_leaves_crds_alone_when_not_managing_them(run: Run) -> None:
    operator = stack_config("dev").operator.model_copy(update={"manage_crds": False})
    recording = run(lambda: StrimziOperator("strimzi", StrimziOperatorArgs(operator, ["kafka"])))
    assert recording.of_type("kubernetes:yaml/v2:ConfigFile") == []


def test_cluster_children_are_parented_protected_and_wait_for_the_operator(prod_platform: Recording) -> None:
    (cluster,) = prod_platform.of_type("messaging-platform:kafka:Cluster")
    (release,) = prod_platform.of_type("kubernetes:helm.sh/v3:Release")
    (kafka,) = prod_platform.of_type(KAFKA)
    pools = prod_platform.of_type(POOL)
    assert [p.name for p in pools] == ["events-pool-brokers", "events-pool-controllers"]
    for resource in (kafka, *pools):
        assert resource.parent == cluster.urn
        assert resource.protect
        assert release.urn in resource.depends_on
    assert {p.urn for p in pools} <= set(kafka.depends_on)


def test_kafka_waits_for_ready_and_pools_carry_the_cluster_label(prod_platform: Recording) -> None:
    (kafka,) = prod_platform.of_type(KAFKA)
    assert kafka.inputs["metadata"]["name"] == "events"
    assert kafka.inputs["metadata"]["namespace"] == "kafka"
    assert kafka.inputs["metadata"]["annotations"][WAIT_FOR_ANNOTATION] == "condition=Ready"
    for pool in prod_platform.of_type(POOL):
        assert pool.inputs["metadata"]["labels"]["strimzi.io/cluster"] == "events"
        assert pool.inputs["apiVersion"] == "kafka.strimzi.io/v1"


def test_dev_cluster_is_not_protected(run: Run) -> None:
    recording = run(lambda: build_platform(Stack(stack_config("dev"))))
    assert not any(r.protect for r in recording.resources)


def test_metrics_config_map_is_referenced_by_the_kafka_resource(prod_platform: Recording) -> None:
    (config_map,) = prod_platform.of_type("kubernetes:core/v1:ConfigMap")
    (kafka,) = prod_platform.of_type(KAFKA)
    reference = kafka.inputs["spec"]["kafka"]["metricsConfig"]["valueFrom"]["configMapKeyRef"]
    assert reference["name"] == config_map.inputs["metadata"]["name"]
    assert reference["key"] in config_map.inputs["data"]
    assert config_map.urn in kafka.depends_on


def test_outputs_give_clients_bootstrap_addresses_and_ca_secret(prod_platform: Recording) -> None:
    events = prod_platform.outputs["clusters"]["events"]
    assert events["bootstrapServers"] == {"tls": "events-kafka-bootstrap.kafka.svc:9093"}
    assert events["clusterCaSecret"] == "events-cluster-ca-cert"
    assert events["clientsCaSecret"] == "events-clients-ca-cert"
    assert prod_platform.outputs["operatorNamespace"] == "strimzi"


def test_external_listener_address_is_unknown_until_strimzi_reports_it(run: Run) -> None:
    config = stack_config("prod", listeners={"external": {"port": 9095, "type": "loadbalancer", "tls": True,
                                                          "authentication": {"type": "scram-sha-512"}}})  # fmt: skip
    recording = run(lambda: export_outputs(build_platform(Stack(config))))
    servers = recording.outputs["clusters"]["events"]["bootstrapServers"]
    assert servers["tls"] == "events-kafka-bootstrap.kafka.svc:9093"
    assert servers["external"] == "[unknown]"


def test_two_clusters_with_one_name_are_refused_like_the_real_engine(run: Run) -> None:
    cluster = stack_config("dev").clusters["events"]

    def program() -> None:
        KafkaCluster("events", KafkaClusterArgs(cluster))
        KafkaCluster("events", KafkaClusterArgs(cluster))

    with pytest.raises(DuplicateUrnError):
        run(program)
