"""A sound production platform, as the objects and resources the rules see."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from messaging_platform.policy import ResourceView, view_of_object

LABELS = {"strimzi.io/cluster": "events"}
RESOURCES = {"requests": {"cpu": "500m", "memory": "2Gi"}, "limits": {"memory": "2Gi"}}


def _pool(name: str, roles: list[str]) -> dict[str, Any]:
    return {
        "apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaNodePool",
        "metadata": {"name": name, "namespace": "kafka", "labels": dict(LABELS)},
        "spec": {"replicas": 3, "roles": roles, "resources": copy.deepcopy(RESOURCES),
                 "storage": {"type": "jbod", "volumes": [{"id": 0, "type": "persistent-claim", "size": "100Gi",
                                                          "deleteClaim": False, "kraftMetadata": "shared"}]}},
    }  # fmt: skip


def sound_platform() -> dict[str, dict[str, Any]]:
    """Every kind the rules judge, each configured as production wants it (keyed for mutation)."""
    return {
        "kafka": {
            "apiVersion": "kafka.strimzi.io/v1", "kind": "Kafka", "metadata": {"name": "events", "namespace": "kafka"},
            "spec": {
                "kafka": {
                    "listeners": [
                        {"name": "tls", "port": 9093, "type": "internal", "tls": True,
                         "authentication": {"type": "scram-sha-512"}},
                        {"name": "external", "port": 9094, "type": "loadbalancer", "tls": True,
                         "authentication": {"type": "tls"}},
                    ],
                    "authorization": {"type": "simple"},
                    "config": {"auto.create.topics.enable": False, "unclean.leader.election.enable": False,
                               "default.replication.factor": 3, "min.insync.replicas": 2},
                },
                "entityOperator": {"topicOperator": {"resources": copy.deepcopy(RESOURCES)},
                                   "userOperator": {"resources": copy.deepcopy(RESOURCES)}},
                "cruiseControl": {"resources": copy.deepcopy(RESOURCES)},
            },
        },
        "controllers": _pool("controllers", ["controller"]),
        "brokers": _pool("brokers", ["broker"]),
        "topic": {
            "apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaTopic",
            "metadata": {"name": "orders.order-created.v1", "namespace": "kafka", "labels": dict(LABELS)},
            "spec": {"partitions": 12, "replicas": 3,
                     "config": {"retention.ms": 604800000, "min.insync.replicas": 2, "cleanup.policy": "delete"}},
        },
        "user": {
            "apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaUser",
            "metadata": {"name": "order-service", "namespace": "kafka", "labels": dict(LABELS)},
            "spec": {"authentication": {"type": "scram-sha-512"},
                     "authorization": {"type": "simple", "acls": [
                         {"resource": {"type": "topic", "name": "orders.order-created.v1", "patternType": "literal"},
                          "operations": ["Describe", "Write"]},
                         {"resource": {"type": "topic", "name": "orders.", "patternType": "prefix"},
                          "operations": ["Describe", "Read"]},
                         {"resource": {"type": "group", "name": "order-service", "patternType": "literal"},
                          "operations": ["Read"]},
                         {"resource": {"type": "cluster"}, "operations": ["Describe"]}]}},
        },
        "connect": {
            "apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaConnect",
            "metadata": {"name": "connect", "namespace": "kafka"},
            "spec": {"replicas": 2, "bootstrapServers": "events-kafka-bootstrap:9093",
                     "tls": {"trustedCertificates": [{"secretName": "events-cluster-ca-cert", "pattern": "*.crt"}]},
                     "authentication": {"type": "scram-sha-512", "username": "connect",
                                        "passwordSecret": {"secretName": "connect", "password": "password"}},
                     "resources": copy.deepcopy(RESOURCES),
                     "build": {"output": {"type": "docker", "image": "registry.example.com/connect:1"},
                               "plugins": [{"name": "debezium", "artifacts": [
                                   {"type": "tgz", "url": "https://example.com/debezium.tgz",
                                    "sha512sum": "ab" * 64}]}]}},
        },
        "connector": {
            "apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaConnector",
            "metadata": {"name": "orders-cdc", "namespace": "kafka", "labels": {"strimzi.io/cluster": "connect"}},
            "spec": {"class": "io.debezium.connector.postgresql.PostgresConnector", "tasksMax": 1},
        },
    }  # fmt: skip


EXTERNAL_TOPIC: dict[str, Any] = {
    "name": "payments.payment-settled.v1",
    "partitions": 6,
    "replicationFactor": 3,
    "config": {"retention.ms": "604800000", "min.insync.replicas": "2"},
}
EXTERNAL_ACL: dict[str, Any] = {
    "aclPrincipal": "User:payments",
    "aclHost": "*",
    "aclOperation": "Read",
    "aclPermissionType": "Allow",
    "aclResourceType": "Topic",
    "aclResourceName": "payments.payment-settled.v1",
    "resourcePatternTypeFilter": "Literal",
}


def as_views(
    objects: dict[str, dict[str, Any]], external: dict[str, dict[str, Any]] | None = None
) -> list[ResourceView]:
    """Objects as resource views, plus pulumi-kafka resources (``topic``/``acl`` keys) and the stack
    (``stack``: its outputs)."""
    views = [view_of_object(obj, "platform.yaml") for obj in objects.values()]
    external = external if external is not None else {"topic": EXTERNAL_TOPIC, "acl": EXTERNAL_ACL}
    types = {"topic": "kafka:index/topic:Topic", "acl": "kafka:index/acl:Acl", "stack": "pulumi:pulumi:Stack"}
    for key, props in external.items():
        views.append(ResourceView(types[key.split("-")[0]], f"legacy-{key}", f"urn:legacy-{key}", copy.deepcopy(props)))
    return views


@pytest.fixture
def platform() -> dict[str, dict[str, Any]]:
    return sound_platform()
