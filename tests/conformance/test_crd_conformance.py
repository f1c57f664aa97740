"""Rendered custom resources against the real Strimzi 1.2.0 CRD schemas, strictly."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from messaging_platform.specs.kafka import kafka_spec, node_pool_spec
from messaging_platform.strimzi import API_VERSION
from messaging_platform_tools.offline.plan import kubernetes_objects
from messaging_platform_tools.offline.runner import PlanResult
from messaging_platform_tools.validation.crd_schema import CrdSchemas
from tests.conftest import STACKS, STRIMZI_DIR, stack_config

EVERY_LISTENER_TYPE: dict[str, dict[str, Any]] = {
    "plain": {"port": 9092, "type": "internal", "tls": False},
    "tls": {"port": 9093, "type": "internal", "tls": True, "authentication": {"type": "tls"},
            "networkPolicyPeers": [{"namespaceSelector": {"matchLabels": {"team": "payments"}}}]},
    "clusterip": {"port": 9094, "type": "cluster-ip", "tls": True, "authentication": {"type": "scram-sha-512"}},
    "nodeport": {"port": 9095, "type": "nodeport", "tls": True,
                 "configuration": {"preferredNodePortAddressType": "InternalDNS", "bootstrap": {"nodePort": 32100}}},
    "lb": {"port": 9096, "type": "loadbalancer", "tls": True, "authentication": {"type": "scram-sha-512"},
           "configuration": {"loadBalancerSourceRanges": ["10.0.0.0/8"], "externalTrafficPolicy": "Local"}},
    "ingress": {"port": 9097, "type": "ingress", "tls": True,
                "configuration": {"class": "nginx", "bootstrap": {"host": "kafka.example.com"},
                                  "hostTemplate": "broker-{nodeId}.kafka.example.com"}},
    "route": {"port": 9098, "type": "route", "tls": True, "authentication": {"type": "tls"}},
    "tlsroute": {"port": 9099, "type": "tlsroute", "tls": True,
                 "configuration": {"bootstrap": {"host": "kafka.example.com"},
                                   "hostTemplate": "broker-{nodeId}.kafka.example.com",
                                   "parentRefs": [{"name": "kafka-gateway", "namespace": "gateways"}]}},
    "custom": {"port": 9100, "type": "internal", "tls": True,
               "authentication": {"type": "custom", "sasl": True,
                                  "listenerConfig": {"oauthbearer.sasl.jaas.config": "x"}}},
}  # fmt: skip


def as_object(kind: str, name: str, spec: dict[str, Any], labels: dict[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": "kafka", **({"labels": labels} if labels else {})}
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


@pytest.mark.parametrize("stack", STACKS)
def test_every_strimzi_object_of_the_committed_stacks_is_valid(stack: str, stack_plans: dict[str, PlanResult]) -> None:
    result = stack_plans[stack]
    assert result.validated >= 2
    assert [str(v) for v in result.violations] == []


def test_every_listener_type_with_tls_auth_and_peers_is_valid(crd_schemas: CrdSchemas) -> None:
    events = stack_config("prod", listeners=EVERY_LISTENER_TYPE).clusters["events"]
    kafka = as_object("Kafka", "events", kafka_spec(events, "events-metrics"))
    assert {entry["type"] for entry in kafka["spec"]["kafka"]["listeners"]} == {
        "internal", "cluster-ip", "nodeport", "loadbalancer", "ingress", "route", "tlsroute"}  # fmt: skip
    assert crd_schemas.validate(kafka) == []


@pytest.mark.parametrize(
    "storage",
    [
        {"type": "ephemeral", "sizeLimit": "1Gi"},
        {"type": "persistent-claim", "size": "10Gi", "class": "fast", "deleteClaim": True, "kraftMetadata": "shared"},
        {"type": "jbod", "volumes": [
            {"id": 0, "type": "persistent-claim", "size": "10Gi", "kraftMetadata": "shared"},
            {"id": 1, "type": "persistent-claim", "size": "100Gi", "class": "bulk", "deleteClaim": False}]},
    ],
    ids=["ephemeral", "persistent-claim", "jbod"],
)  # fmt: skip
def test_every_storage_type_is_valid(storage: dict[str, Any], crd_schemas: CrdSchemas) -> None:
    events = stack_config("prod", nodePools={"brokers": {"storage": storage}}).clusters["events"]
    spec = node_pool_spec("events", "brokers", events.node_pools["brokers"], events)
    assert crd_schemas.validate(as_object("KafkaNodePool", "brokers", spec, {"strimzi.io/cluster": "events"})) == []


def test_a_fully_loaded_cluster_is_valid(crd_schemas: CrdSchemas) -> None:
    events = stack_config(
        "prod",
        template={"pod": {"affinity": {"nodeAffinity": {}}, "tolerations": [{"key": "kafka", "operator": "Exists"}],
                          "priorityClassName": "kafka", "terminationGracePeriodSeconds": 120}},
        kafkaExporter={"enabled": True, "topicExcludeRegex": "^__.*", "groupExcludeRegex": "^console-.*"},
        cruiseControl={"enabled": True, "config": {"goals": "x"}},
        entityOperator={"topicOperator": {"reconciliationIntervalMs": 60000}},
        authorization={"type": "custom", "authorizerClass": "io.example.Authorizer", "supportsAdminApi": True},
        nodePools={"brokers": {"jvmOptions": {"-XX": {"UseG1GC": "true"}, "gcLoggingEnabled": False,
                                              "javaSystemProperties": [{"name": "a", "value": "b"}]}}},
    ).clusters["events"]  # fmt: skip
    assert crd_schemas.validate(as_object("Kafka", "events", kafka_spec(events, "m"))) == []
    for name, pool in events.node_pools.items():
        obj = as_object(
            "KafkaNodePool", name, node_pool_spec("events", name, pool, events), {"strimzi.io/cluster": "x"}
        )
        assert crd_schemas.validate(obj) == []


def test_strict_validation_rejects_unknown_and_mistyped_fields(crd_schemas: CrdSchemas) -> None:
    topic = as_object("KafkaTopic", "Orders_V1", {"partitions": 0, "replicas": "3", "retention": "7d"})
    messages = [f"{v.path}: {v.message}" for v in crd_schemas.validate(topic)]
    assert any(m.startswith("metadata.name") for m in messages)
    assert "spec: Additional properties are not allowed ('retention' was unexpected)" in messages
    assert "spec.partitions: 0 is less than the minimum of 1" in messages
    assert "spec.replicas: '3' is not of type 'integer'" in messages


def test_old_api_versions_are_refused(crd_schemas: CrdSchemas) -> None:
    kafka = {**as_object("Kafka", "old", {}), "apiVersion": "kafka.strimzi.io/v1beta2"}
    (violation,) = crd_schemas.validate(kafka)
    assert "kafka.strimzi.io/v1beta2 Kafka is not served (served: kafka.strimzi.io/v1 Kafka)" in str(violation)


def test_strimzi_own_examples_pass_strict_validation(crd_schemas: CrdSchemas) -> None:
    checked = 0
    for path in sorted((STRIMZI_DIR / "examples").rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document and crd_schemas.covers(document):
                checked += 1
                assert crd_schemas.validate(document) == [], path.name
    assert checked >= 70


@pytest.mark.parametrize("stack", STACKS)
def test_plans_declare_only_kafka_strimzi_io_v1(stack: str, stack_plans: dict[str, PlanResult]) -> None:
    versions = {
        o["apiVersion"] for o in kubernetes_objects(stack_plans[stack].recording) if "strimzi" in o["apiVersion"]
    }
    assert versions == {API_VERSION}
