"""Kafka Connect in the committed stacks: what prod plans, and that no secret is ever written in clear."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from messaging_platform.config.connectors import literal_secrets
from messaging_platform_tools.offline.plan import plan_json
from messaging_platform_tools.offline.runner import PlanResult
from tests.conftest import STACKS

STRIMZI = "kubernetes:kafka.strimzi.io/v1"
FILE_CONNECTORS = {
    "org.apache.kafka.connect.file.FileStreamSourceConnector",
    "org.apache.kafka.connect.file.FileStreamSinkConnector",
}


def strimzi_objects(result: PlanResult, kind: str) -> list[dict[str, Any]]:
    plan = json.loads(plan_json(result.recording))
    return [r["inputs"] for r in plan["resources"] if r["type"] == f"{STRIMZI}:{kind}"]


@pytest.mark.parametrize("stack", STACKS)
def test_the_stack_runs_kafka_connect_with_a_file_source_and_sink_on_a_catalog_topic(
    stack: str, stack_plans: dict[str, PlanResult]
) -> None:
    result = stack_plans[stack]
    assert result.violations == [] and result.findings == []
    (connect,) = strimzi_objects(result, "KafkaConnect")
    name = connect["metadata"]["name"]
    assert connect["metadata"]["annotations"]["strimzi.io/use-connector-resources"] == "true"
    connectors = [c for c in strimzi_objects(result, "KafkaConnector")
                  if c["metadata"]["labels"]["strimzi.io/cluster"] == name]  # fmt: skip
    assert len(connectors) >= 2
    assert {c["spec"]["class"] for c in connectors} >= FILE_CONNECTORS
    written = {c["spec"]["config"]["topic"] for c in connectors if "topic" in c["spec"]["config"]}
    read = {c["spec"]["config"]["topics"] for c in connectors if "topics" in c["spec"]["config"]}
    catalog_topics = {t["spec"]["topicName"] for t in strimzi_objects(result, "KafkaTopic")}
    assert written & read & catalog_topics, "a source and a sink meet on a catalog topic"
    replicas = {"dev": 1, "prod": 3}[stack]
    internal = [connect["spec"][key] for key in ("configStorageTopic", "offsetStorageTopic", "statusStorageTopic")]
    topics = {t["spec"]["topicName"]: t["spec"] for t in strimzi_objects(result, "KafkaTopic")}
    assert all(topics[t]["replicas"] == replicas for t in internal)
    assert connect["spec"]["config"]["config.storage.replication.factor"] == replicas


def _configs(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(node.get("config"), dict):
            yield node["config"]
        for value in node.values():
            yield from _configs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _configs(item)


@pytest.mark.parametrize("stack", STACKS)
def test_no_literal_secret_is_in_any_connect_or_connector_config(
    stack: str, stack_plans: dict[str, PlanResult]
) -> None:
    objects = strimzi_objects(stack_plans[stack], "KafkaConnect") + strimzi_objects(
        stack_plans[stack], "KafkaConnector"
    )
    configs = [config for obj in objects for config in _configs(obj["spec"])]
    assert configs
    assert [key for config in configs for key in literal_secrets(config)] == []
    # The Connect user's password is generated and only ever written as a placeholder.
    plan = json.loads(plan_json(stack_plans[stack].recording))
    (secret,) = [r for r in plan["resources"] if r["name"] == "integration-user-password-secret"]
    assert secret["inputs"]["stringData"] == {"password": "[secret]"}
