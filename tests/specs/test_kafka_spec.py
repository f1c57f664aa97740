"""Pure spec builders: typed config in, Strimzi CR spec out (no Pulumi involved)."""

from __future__ import annotations

from messaging_platform.config import OperatorConfig
from messaging_platform.specs.kafka import POOL_LABEL, kafka_spec, node_pool_spec
from messaging_platform.specs.metrics import KAFKA_METRICS_KEY, metrics_config_map_data
from messaging_platform.specs.operator import operator_values
from messaging_platform.strimzi import CLUSTER_LABEL
from tests.conftest import stack_config


def test_kafka_spec_carries_version_listeners_and_security() -> None:
    events = stack_config("prod").clusters["events"]
    spec = kafka_spec(events, "events-metrics")
    kafka = spec["kafka"]
    assert (kafka["version"], kafka["metadataVersion"]) == ("4.3.1", "4.3-IV0")
    assert kafka["listeners"] == [
        {"name": "tls", "port": 9093, "type": "internal", "tls": True, "authentication": {"type": "scram-sha-512"}}
    ]
    assert kafka["authorization"] == {"type": "simple", "superUsers": []}
    assert kafka["rack"] == {"topologyKey": "topology.kubernetes.io/zone"}
    assert kafka["metricsConfig"]["valueFrom"]["configMapKeyRef"] == {
        "name": "events-metrics",
        "key": KAFKA_METRICS_KEY,
    }
    assert kafka["template"] == {"podDisruptionBudget": {"maxUnavailable": 1}}
    assert set(spec) == {"kafka", "entityOperator", "cruiseControl", "kafkaExporter"}


def test_listeners_are_ordered_by_port_whatever_the_config_order() -> None:
    events = stack_config("dev", listeners={"zed": {"port": 9094, "type": "internal"}}).clusters["events"]
    assert [entry["port"] for entry in kafka_spec(events, None)["kafka"]["listeners"]] == [9092, 9093, 9094]


def test_disabled_add_ons_are_left_out() -> None:
    events = stack_config("dev", metrics={"enabled": False}, entityOperator={"userOperator": {"enabled": False}})
    spec = kafka_spec(events.clusters["events"], None)
    assert "metricsConfig" not in spec["kafka"]
    assert spec["entityOperator"] == {"topicOperator": {}}
    assert "cruiseControl" not in spec and "kafkaExporter" not in spec


def test_rack_awareness_spreads_each_pool_across_zones() -> None:
    events = stack_config("prod").clusters["events"]
    spec = node_pool_spec("events", "brokers", events.node_pools["brokers"], events)
    (constraint,) = spec["template"]["pod"]["topologySpreadConstraints"]
    assert constraint["topologyKey"] == "topology.kubernetes.io/zone"
    assert constraint["labelSelector"]["matchLabels"] == {CLUSTER_LABEL: "events", POOL_LABEL: "brokers"}


def test_pool_pod_template_overrides_the_cluster_template() -> None:
    events = stack_config(
        "prod",
        template={"pod": {"priorityClassName": "kafka", "tolerations": [{"key": "a", "operator": "Exists"}]}},
        nodePools={"brokers": {"pod": {"tolerations": [{"key": "b", "operator": "Exists"}]}}},
    ).clusters["events"]
    pod = node_pool_spec("events", "brokers", events.node_pools["brokers"], events)["template"]["pod"]
    assert pod["priorityClassName"] == "kafka"
    assert pod["tolerations"] == [{"key": "b", "operator": "Exists"}]


def test_node_pool_spec_has_roles_replicas_storage_and_jvm() -> None:
    events = stack_config("dev").clusters["events"]
    spec = node_pool_spec("events", "dual", events.node_pools["dual"], events)
    assert spec["roles"] == ["controller", "broker"]
    assert spec["replicas"] == 1
    assert spec["storage"] == {"type": "ephemeral", "sizeLimit": "5Gi", "kraftMetadata": "shared"}
    assert spec["jvmOptions"] == {"-Xms": "1g", "-Xmx": "1g"}
    assert "template" not in spec


def test_operator_values_watch_only_the_cluster_namespaces() -> None:
    values = operator_values(OperatorConfig(namespace="strimzi", feature_gates=["+UseBackgroundPodDeletion"]),
                             ["kafka", "strimzi", "audit"])  # fmt: skip
    assert values["watchNamespaces"] == ["kafka", "audit"]
    assert values["featureGates"] == "+UseBackgroundPodDeletion"
    assert values["watchAnyNamespace"] is False


def test_operator_values_merge_extra_chart_values_and_enable_leader_election_for_replicas() -> None:
    values = operator_values(OperatorConfig(replicas=2, values={"generateNetworkPolicy": False}), ["kafka"])
    assert values["generateNetworkPolicy"] is False
    assert values["leaderElection"] == {"enable": True}


def test_metrics_config_map_has_kafka_and_cruise_control_rules() -> None:
    data = metrics_config_map_data()
    assert set(data) == {"kafka-metrics-config.yml", "cruise-control-metrics-config.yml"}
    assert "lowercaseOutputName: true" in data[KAFKA_METRICS_KEY]
    assert "kafka_server_raftmetrics" in data[KAFKA_METRICS_KEY]
