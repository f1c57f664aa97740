"""The planned stacks every review test changes: the repository's own prod and external stacks."""

from __future__ import annotations

import pytest
import yaml

from messaging_platform.review import Resource
from messaging_platform_tools.offline.plan import plan_document
from messaging_platform_tools.offline.runner import PlanResult
from tests.conftest import STRIMZI_DIR

from .changes import Stack, resources_of

CONNECT_TYPE = "kubernetes:kafka.strimzi.io/v1:KafkaConnect"
CONNECT_URN = f"urn:pulumi:prod::messaging-platform::{CONNECT_TYPE}::events-connect"


@pytest.fixture(scope="session")
def prod(stack_plans: dict[str, PlanResult]) -> Stack:
    """The prod stack as plan.json records it (Strimzi: dedicated controllers, 3 brokers, Cruise Control)."""
    return resources_of(plan_document(stack_plans["prod"].recording))


@pytest.fixture(scope="session")
def external(stack_plans: dict[str, PlanResult]) -> Stack:
    """The external stack as plan.json records it (pulumi-kafka topics, ACLs, SCRAM credentials)."""
    return resources_of(plan_document(stack_plans["external"].recording))


@pytest.fixture(scope="session")
def with_connect(prod: Stack) -> Stack:
    """prod plus Strimzi 1.2.0's example KafkaConnect (the program declares none)."""
    example = yaml.safe_load((STRIMZI_DIR / "examples" / "connect" / "kafka-connect.yaml").read_text())
    example["metadata"]["namespace"] = "kafka"
    return (*prod, Resource(CONNECT_TYPE, CONNECT_URN, example))
