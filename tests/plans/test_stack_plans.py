"""The committed stacks planned whole: what each environment declares, and what it never leaks."""

from __future__ import annotations

import pytest

from messaging_platform_tools.offline.engine import GENERATED_OUTPUTS
from messaging_platform_tools.offline.plan import plan_json, plan_layout
from messaging_platform_tools.offline.runner import PlanResult
from messaging_platform_tools.stack_files import load_stack_file
from tests.conftest import ALL_STACKS, PROJECT_DIR

TOPIC = "kubernetes:kafka.strimzi.io/v1:KafkaTopic"
USER = "kubernetes:kafka.strimzi.io/v1:KafkaUser"


def topics(result: PlanResult) -> dict[str, int]:
    return {t.inputs["spec"]["topicName"]: t.inputs["spec"]["replicas"] for t in result.recording.of_type(TOPIC)}


def test_every_committed_stack_plans(stack_plans: dict[str, PlanResult]) -> None:
    assert set(ALL_STACKS) <= set(stack_plans)
    assert all(result.ok for result in stack_plans.values())


def test_dev_and_prod_plan_the_same_topics_with_their_own_replicas(stack_plans: dict[str, PlanResult]) -> None:
    dev, prod = topics(stack_plans["dev"]), topics(stack_plans["prod"])
    assert len(dev) >= 8
    assert dev.keys() == prod.keys()
    assert set(dev.values()) == {1}
    assert set(prod.values()) == {3}


def test_every_prod_topic_is_protected_or_retained(stack_plans: dict[str, PlanResult]) -> None:
    for stack in ("prod", "external", "mirror"):
        kinds = (TOPIC, "kafka:index/topic:Topic")
        planned = [r for kind in kinds for r in stack_plans[stack].recording.of_type(kind)]
        assert planned
        assert all(r.protect or r.retain_on_delete for r in planned), stack


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_user_authenticates_and_only_reaches_catalog_topics(
    stack: str, stack_plans: dict[str, PlanResult]
) -> None:
    recording = stack_plans[stack].recording
    names = set(topics(stack_plans[stack]))
    catalog = load_stack_file(PROJECT_DIR / f"Pulumi.{stack}.yaml").catalog
    assert catalog is not None
    streams_prefixes = {s.spec.streams.application_id for s in catalog.services if s.spec.streams}
    users = recording.of_type(USER)
    assert len(users) >= 5
    for user in users:
        spec = user.inputs["spec"]
        assert spec["authentication"]["type"] in {"scram-sha-512", "tls"}
        assert spec["authorization"]["acls"], user.name
        for rule in spec["authorization"]["acls"]:
            resource = rule["resource"]
            assert "All" not in rule["operations"] and resource.get("name") != "*"
            if resource["type"] == "topic" and resource["patternType"] == "literal":
                assert resource["name"] in names
            elif resource["type"] == "topic":
                declared = resource["name"] in streams_prefixes
                assert declared or any(name.startswith(resource["name"]) for name in names)


def test_the_external_stack_plans_pulumi_kafka_resources(stack_plans: dict[str, PlanResult]) -> None:
    recording = stack_plans["external"].recording
    for kind in ("pulumi:providers:kafka", "kafka:index/topic:Topic", "kafka:index/acl:Acl",
                 "kafka:index/userScramCredential:UserScramCredential", "kafka:index/quota:Quota"):  # fmt: skip
        assert recording.of_type(kind), kind
    assert recording.of_type(TOPIC) == []
    # The same catalog topics as prod; prod also runs Kafka Connect, whose topics are not the catalog's.
    catalog_topics = {t.inputs["spec"]["topicName"] for t in stack_plans["prod"].recording.of_type(TOPIC)
                      if t.parent.endswith("kafka:Catalog::events-catalog")}  # fmt: skip
    assert {t.inputs["name"] for t in recording.of_type("kafka:index/topic:Topic")} == catalog_topics


@pytest.mark.parametrize("stack", ALL_STACKS)
def test_no_secret_value_reaches_plan_json_or_manifests(stack: str, stack_plans: dict[str, PlanResult]) -> None:
    texts = [plan_json(stack_plans[stack].recording)]
    texts += list(plan_layout(stack_plans[stack].recording).files.values())
    generated = [value for outputs in GENERATED_OUTPUTS.values() for value in outputs.values()]
    for text in texts:
        for value in generated:
            assert value not in text
    assert "[secret]" in texts[0]
