"""The Strimzi path: the planned KafkaUsers' ACLs, applied as the User Operator applies them, give
every service exactly its intents on a real broker (the same client matrix as pulumi-kafka's).

Nothing here runs Strimzi: the planned ``KafkaTopic``/``KafkaUser`` objects of the committed dev and
prod stacks are translated the way the Topic and User Operators would (see ``user_operator.py`` for
the cited mapping) and applied with Kafka's admin API as the super user. Replication is the one
difference: the test broker has a single node, so topics get one replica.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from confluent_kafka.admin import (
    AdminClient,
    NewTopic,
)

from messaging_platform.config.resolve import ResolvedCatalog
from messaging_platform_tools.offline.project import PulumiProject
from messaging_platform_tools.offline.runner import plan_stack

from . import inspect_broker
from .access import CLIENT_TIMEOUT_S, seed, wrong_outcomes
from .broker import KafkaBroker
from .stacks import catalog_of
from .toolchain import PROJECT_DIR
from .user_operator import AclBinding, acl_bindings

pytestmark = pytest.mark.e2e
KAFKA_USER = "kubernetes:kafka.strimzi.io/v1:KafkaUser"
KAFKA_TOPIC = "kubernetes:kafka.strimzi.io/v1:KafkaTopic"


def _planned(stack: str, type_token: str) -> list[dict[str, Any]]:
    recording = plan_stack(PulumiProject.find(PROJECT_DIR), stack, None).recording
    return [r.inputs for r in recording.of_type(type_token)]


@pytest.fixture(scope="module")
def planned_users() -> dict[str, list[dict[str, Any]]]:
    """The KafkaUser objects of the committed dev and prod plans."""
    return {stack: _planned(stack, KAFKA_USER) for stack in ("dev", "prod")}


@pytest.fixture(scope="module")
def catalog() -> ResolvedCatalog:
    return catalog_of(PROJECT_DIR / "Pulumi.prod.yaml")


@pytest.fixture(scope="module")
def passwords(broker: KafkaBroker, planned_users: dict[str, list[dict[str, Any]]]) -> Iterator[dict[str, str]]:
    """Topics and SCRAM users as the Topic and User Operators would create them from the prod plan;
    what this created is removed afterwards."""
    admin = AdminClient(broker.admin_config())
    existing = set(inspect_broker.topics(admin))
    wanted = {(t["spec"].get("topicName") or t["metadata"]["name"]): t for t in _planned("prod", KAFKA_TOPIC)}
    created = sorted(set(wanted) - existing)
    if created:
        futures = admin.create_topics(
            [
                NewTopic(
                    name,
                    wanted[name]["spec"]["partitions"],
                    1,
                    config={k: str(v) for k, v in wanted[name]["spec"].get("config", {}).items()},
                )
                for name in created
            ]
        )
        for future in futures.values():
            future.result(CLIENT_TIMEOUT_S)
    existing_users = set(inspect_broker.scram_users(admin))
    users = {u["metadata"]["name"]: secrets.token_urlsafe(24) for u in planned_users["prod"]}
    inspect_broker.set_scram_passwords(admin, users)
    yield users
    inspect_broker.delete_scram_users(admin, sorted(set(users) - existing_users))
    if created:
        for future in admin.delete_topics(created).values():
            future.result(CLIENT_TIMEOUT_S)


@pytest.fixture(scope="module")
def reconciled(broker: KafkaBroker, planned_users: dict[str, list[dict[str, Any]]]) -> Iterator[set[AclBinding]]:
    """The prod plan's ACLs reconciled as the User Operator does: each principal gets exactly its
    planned bindings. Whatever the broker had before is put back afterwards."""
    admin = AdminClient(broker.admin_config())
    before = inspect_broker.acls(admin)
    desired = set().union(*(acl_bindings(u) for u in planned_users["prod"]))
    principals = {b.principal for b in desired}
    inspect_broker.delete_acls(admin, {b for b in before if b.principal in principals} - desired)
    inspect_broker.apply_acls(admin, desired - before)
    yield desired
    inspect_broker.delete_acls(admin, desired - before)
    inspect_broker.apply_acls(admin, {b for b in before if b.principal in principals} - desired)


def test_dev_and_prod_plans_grant_the_same_acls(planned_users: dict[str, list[dict[str, Any]]]) -> None:
    """Every user both stacks plan (the catalog's services, Connect) has the same ACLs in each; prod's
    extra users are its own add-ons (the HTTP bridge)."""
    by_user = {stack: {u["metadata"]["name"]: acl_bindings(u) for u in users} for stack, users in planned_users.items()}
    shared = by_user["dev"].keys() & by_user["prod"].keys()
    assert {name: by_user["dev"][name] for name in shared} == {name: by_user["prod"][name] for name in shared}
    assert len(shared) >= 7 and sum(len(by_user["prod"][name]) for name in shared) > 20
    assert by_user["dev"].keys() <= by_user["prod"].keys()


def test_every_planned_user_authenticates_with_scram_as_user_name(
    planned_users: dict[str, list[dict[str, Any]]],
) -> None:
    for user in planned_users["prod"]:
        assert user["spec"]["authentication"]["type"] == "scram-sha-512"


def test_the_broker_holds_exactly_the_reconciled_acls_for_the_planned_principals(
    broker: KafkaBroker, reconciled: set[AclBinding]
) -> None:
    principals = {b.principal for b in reconciled}
    on_broker = {b for b in inspect_broker.acls(AdminClient(broker.admin_config())) if b.principal in principals}
    assert on_broker == reconciled


def test_every_service_can_do_what_its_intents_need_and_nothing_else(
    broker: KafkaBroker, catalog: ResolvedCatalog, passwords: dict[str, str], reconciled: set[AclBinding]
) -> None:
    seed(broker.admin_config(), sorted(t.kafka_name for t in catalog.topics))
    wrong = wrong_outcomes(catalog, lambda service: broker.sasl_config(service, passwords[service]))
    assert not wrong, "\n".join(wrong)
