"""`plan` findings name the stack config key or catalog entry behind what they judge; every object the
platform declares carries its environment."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from messaging_platform.strimzi import ENVIRONMENT_LABEL
from messaging_platform_tools.offline.plan import kubernetes_objects
from messaging_platform_tools.offline.project import PulumiProject
from messaging_platform_tools.offline.provenance import stack_provenance
from messaging_platform_tools.offline.runner import PlanResult, plan_stack, policy_findings
from tests.conftest import PROJECT_DIR

P = "messaging-platform:"
Config = dict[str, Any]
# Kinds whose components take no environment yet (their objects carry the managed-by labels only).
UNLABELLED_KINDS = {"KafkaBridge", "KafkaMirrorMaker2"}


def project_copy(
    tmp_path: Path, stack: str, edit: Callable[[Config], None], catalog_edit: tuple[str, str] = ("", "")
) -> PulumiProject:
    """A copy of this project whose ``Pulumi.<stack>.yaml`` config went through ``edit``, and whose
    ``catalog/orders.yaml`` has the first ``catalog_edit[0]`` replaced by ``catalog_edit[1]``."""
    target = tmp_path / "project"
    target.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / name, target / name)
    shutil.copytree(PROJECT_DIR / "catalog", target / "catalog")
    document = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())
    edit(document["config"])
    (target / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    if catalog_edit[0]:
        orders = target / "catalog" / "orders.yaml"
        orders.write_text(orders.read_text().replace(*catalog_edit, 1))
    return PulumiProject.find(target)


def flawed_prod(config: Config) -> None:
    events = config[f"{P}clusters"]["events"]
    events["listeners"]["tls"] = {"tls": False}
    events["nodePools"]["brokers"]["storage"] = {"type": "ephemeral"}
    catalog = config[f"{P}catalog"]
    catalog["topics"]["orders.order-created.v1"]["partitions"] = 500
    catalog["defaults"] = {"replicas": 3, "minInsyncReplicas": 2, "partitions": 6, "retention": "10m"}


@pytest.fixture(scope="module")
def flawed_plan(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    """The prod stack with a handful of faults, from the stack file and from a catalog file."""
    project = project_copy(tmp_path_factory.mktemp("flawed"), "prod", flawed_prod, ("retention: 7d", "retention: 20m"))
    return plan_stack(project, "prod", None)


@pytest.mark.parametrize(
    ("rule", "resource", "source"),
    [
        ("topic-partitions", "KafkaTopic kafka/orders.order-created.v1",
         f'{P}catalog.topics["orders.order-created.v1"].partitions'),
        ("topic-retention", "KafkaTopic kafka/orders.order-created.v1",
         'catalog/orders.yaml: topics["orders.order-created.v1"]'),
        ("topic-retention", "KafkaTopic kafka/orders.order-state.v1", f"{P}catalog.defaults"),
        ("listener-tls", "Kafka kafka/events", f"{P}clusters.events.listeners.tls"),
        ("storage-persistent", "KafkaNodePool kafka/brokers", f"{P}clusters.events.nodePools.brokers.storage"),
    ],
)  # fmt: skip
def test_a_finding_names_the_key_that_set_what_it_judges(
    flawed_plan: PlanResult, rule: str, resource: str, source: str
) -> None:
    sources = {f.source for f in flawed_plan.findings if f.rule == rule and f.resource == resource}
    assert sources == {source}


def test_the_printed_finding_ends_with_its_source(flawed_plan: PlanResult) -> None:
    (finding,) = [f for f in flawed_plan.findings if f.rule == "topic-partitions"]
    assert str(finding).endswith(
        f'partitions 500 is outside [1, 200] (at {P}catalog.topics["orders.order-created.v1"].partitions)'
    )


def test_a_value_the_stack_does_not_set_is_marked_as_the_presets(stack_plans: dict[str, PlanResult]) -> None:
    project = PulumiProject.find(PROJECT_DIR)
    findings = policy_findings(stack_plans["dev"].recording, "prod", PROJECT_DIR, stack_provenance(project, "dev"))
    storage = {f.source for f in findings if f.rule == "storage-persistent"}
    assert storage == {f"{P}clusters.events.nodePools.dual.storage (dev preset)"}
    assert "policy-config-environment" in {f.rule for f in findings}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_kubernetes_object_is_labelled_with_its_environment(
    stack: str, stack_plans: dict[str, PlanResult]
) -> None:
    objects = [o for o in kubernetes_objects(stack_plans[stack].recording) if o["kind"] not in UNLABELLED_KINDS]
    assert {o["kind"] for o in objects} >= {"Namespace", "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Secret"}
    assert {(o["kind"], o["metadata"]["name"], o["metadata"]["labels"].get(ENVIRONMENT_LABEL)) for o in objects} == {
        (o["kind"], o["metadata"]["name"], stack) for o in objects
    }


def test_pulumi_kafka_resources_carry_their_environment_in_the_stack_output(stack_plans: dict[str, PlanResult]) -> None:
    assert stack_plans["external"].recording.outputs["environment"] == "prod"
    assert stack_plans["external"].findings == []
