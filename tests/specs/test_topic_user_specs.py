"""Pure builders for KafkaTopic and KafkaUser specs."""

from __future__ import annotations

from pathlib import Path

from messaging_platform.config import ResolvedService, ResolvedTopic, ServiceSpec
from messaging_platform.config.acls import service_acls
from messaging_platform.specs.topics import topic_config_strings, topic_spec
from messaging_platform.specs.users import user_spec
from tests.conftest import catalog_stack, write_catalog


def topic(**overrides: object) -> ResolvedTopic:
    base: dict[str, object] = {
        "key": "Orders_V1", "kafka_name": "Orders_V1", "resource_name": "orders-v1-0a1b2c3d", "partitions": 6,
        "replicas": 3, "config": {"cleanup.policy": "compact", "preallocate": True}, "deletion": "protect",
        "previous_names": (), "source": "catalog/x.yaml", "domain": "orders",
    }  # fmt: skip
    base.update(overrides)
    return ResolvedTopic(**base)  # type: ignore[arg-type]


def service(**intents: object) -> ResolvedService:
    spec = ServiceSpec.model_validate(intents)
    return ResolvedService(
        "billing", spec, tuple(service_acls(spec, {"orders.v1": "orders.v1"})), "catalog/x.yaml", "orders"
    )


def test_topic_spec_always_names_the_kafka_topic() -> None:
    assert topic_spec(topic()) == {
        "topicName": "Orders_V1",
        "partitions": 6,
        "replicas": 3,
        "config": {"cleanup.policy": "compact", "preallocate": True},
    }


def test_topic_config_strings_are_what_the_admin_client_takes() -> None:
    assert topic_config_strings(topic()) == {"cleanup.policy": "compact", "preallocate": "true"}


def test_scram_user_reads_a_pulumi_owned_password_from_a_secret() -> None:
    spec = user_spec(service(produces=["orders.v1"]), pulumi_owned_password=True)
    assert spec["authentication"] == {
        "type": "scram-sha-512",
        "password": {"valueFrom": {"secretKeyRef": {"name": "billing-scram-password", "key": "password"}}},
    }
    assert spec["authorization"] == {
        "type": "simple",
        "acls": [{"resource": {"type": "topic", "patternType": "literal", "name": "orders.v1"},
                  "operations": ["Describe", "Write"], "host": "*"}],
    }  # fmt: skip


def test_operator_owned_and_tls_users_carry_no_password_reference() -> None:
    assert user_spec(service(produces=["orders.v1"]), pulumi_owned_password=False)["authentication"] == {
        "type": "scram-sha-512"
    }
    tls = service(produces=["orders.v1"], authentication="tls")
    assert user_spec(tls, pulumi_owned_password=True)["authentication"] == {"type": "tls"}


def test_quotas_are_rendered_in_bytes() -> None:
    spec = user_spec(
        service(produces=["orders.v1"], quotas={"producerByteRate": "1MiB", "requestPercentage": 50}), True
    )
    assert spec["quotas"] == {"producerByteRate": 1_048_576, "requestPercentage": 50}


def test_resolved_catalog_topics_and_users_pass_the_crds(tmp_path: Path, crd_schemas: object) -> None:
    from messaging_platform_tools.validation.crd_schema import CrdSchemas

    assert isinstance(crd_schemas, CrdSchemas)
    document = {"domain": "orders", "topics": {"Orders_V1": {"partitions": 3, "cleanupPolicy": "compact,delete",
                                                               "retention": "7d", "config": {"preallocate": True}}},
                "services": {"billing": {
                    "consumes": [{"topic": "Orders_V1", "group": "billing"}],
                    "quotas": {"consumerByteRate": "5MiB", "controllerMutationRate": 0.5}}}}  # fmt: skip
    stack = catalog_stack(write_catalog(tmp_path, {"orders": document}))
    assert stack.catalog is not None
    (resolved,) = stack.catalog.topics
    labels = {"strimzi.io/cluster": "events"}
    kafka_topic = {
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "KafkaTopic",
        "metadata": {"name": resolved.resource_name, "labels": labels},
        "spec": topic_spec(resolved),
    }
    kafka_user = {
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "KafkaUser",
        "metadata": {"name": "billing", "labels": labels},
        "spec": user_spec(stack.catalog.services[0], True),
    }
    assert crd_schemas.validate(kafka_topic) == []
    assert crd_schemas.validate(kafka_user) == []
    assert topic_spec(resolved)["config"]["cleanup.policy"] == "compact,delete"
