"""Adopting a cluster for real: topics, configs, ACLs and SCRAM users made with the admin client,
``messaging-platform import``, ``pulumi import --file``, then the external stack manages them
without recreating anything."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from confluent_kafka import TopicCollection
from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    NewTopic,
    ResourcePatternType,
    ResourceType,
)

from . import inspect_broker
from .access import CLIENT_TIMEOUT_S
from .broker import KafkaBroker
from .pulumi_cli import PulumiProjectCopy
from .stacks import EXTERNAL_CLUSTER, catalog_of, external_stack_config
from .toolchain import Toolchain

STACK = "adopt"
pytestmark = pytest.mark.e2e

TOPICS = {
    "shop.orders.v1": (6, {"retention.ms": "259200000", "max.message.bytes": "2097152"}),
    "shop.order-state.v1": (3, {"cleanup.policy": "compact", "min.compaction.lag.ms": "3600000"}),
    "billing.invoices.v1": (2, {"compression.type": "zstd", "segment.ms": "3600000"}),
    "_schemas": (1, {"cleanup.policy": "compact"}),
}
USERS = ("shop-api", "billing-worker")
STACK_DEFAULT_CONFIG = {"min.insync.replicas": "1"}


def _acl(user: str, restype: ResourceType, name: str, operation: AclOperation) -> AclBinding:
    return AclBinding(
        restype, name, ResourcePatternType.LITERAL, f"User:{user}", "*", operation, AclPermissionType.ALLOW
    )


ACLS = [
    _acl("shop-api", ResourceType.TOPIC, "shop.orders.v1", AclOperation.WRITE),
    _acl("shop-api", ResourceType.TOPIC, "shop.orders.v1", AclOperation.DESCRIBE),
    _acl("shop-api", ResourceType.TOPIC, "shop.order-state.v1", AclOperation.WRITE),
    _acl("shop-api", ResourceType.TOPIC, "shop.order-state.v1", AclOperation.DESCRIBE),
    _acl("billing-worker", ResourceType.TOPIC, "shop.orders.v1", AclOperation.READ),
    _acl("billing-worker", ResourceType.TOPIC, "shop.orders.v1", AclOperation.DESCRIBE),
    _acl("billing-worker", ResourceType.GROUP, "billing-worker", AclOperation.READ),
    _acl("billing-worker", ResourceType.TOPIC, "billing.invoices.v1", AclOperation.WRITE),
    _acl("billing-worker", ResourceType.TOPIC, "billing.invoices.v1", AclOperation.DESCRIBE),
    # Not an intent: reported, not adopted.
    _acl("billing-worker", ResourceType.TOPIC, "billing.invoices.v1", AclOperation.DESCRIBE_CONFIGS),
]


@dataclass
class Adopted:
    project: PulumiProjectCopy
    import_output: str
    import_file: dict[str, Any]
    ids_before: dict[str, str]


def _topic_ids(admin: AdminClient) -> dict[str, str]:
    names = [n for n in TOPICS if not n.startswith("_")]
    described = admin.describe_topics(TopicCollection(names), request_timeout=CLIENT_TIMEOUT_S)
    return {name: str(future.result(CLIENT_TIMEOUT_S).topic_id) for name, future in described.items()}


def _populate(admin: AdminClient) -> None:
    new = [NewTopic(name, partitions, 1, config=config) for name, (partitions, config) in TOPICS.items()]
    for future in admin.create_topics(new, request_timeout=CLIENT_TIMEOUT_S).values():
        future.result(CLIENT_TIMEOUT_S)
    for future in admin.create_acls(ACLS, request_timeout=CLIENT_TIMEOUT_S).values():
        future.result(CLIENT_TIMEOUT_S)
    inspect_broker.set_scram_passwords(admin, {user: f"{user}-original" for user in USERS})


def _clean(admin: AdminClient) -> None:
    for future in admin.delete_topics(list(TOPICS), request_timeout=CLIENT_TIMEOUT_S).values():
        with contextlib.suppress(Exception):  # already gone
            future.result(CLIENT_TIMEOUT_S)
    filters = [
        AclBindingFilter(
            ResourceType.ANY,
            None,  # type: ignore[arg-type]
            ResourcePatternType.ANY,
            f"User:{user}",
            None,  # type: ignore[arg-type]
            AclOperation.ANY,
            AclPermissionType.ANY,
        )
        for user in USERS
    ]
    for future in admin.delete_acls(filters, request_timeout=CLIENT_TIMEOUT_S).values():
        future.result(CLIENT_TIMEOUT_S)
    inspect_broker.delete_scram_users(admin, USERS, missing_ok=True)  # some may be gone already


@pytest.fixture(scope="module")
def admin(broker: KafkaBroker) -> AdminClient:
    return AdminClient(broker.admin_config())


@pytest.fixture(scope="module")
def adopted(
    toolchain: Toolchain,
    broker: KafkaBroker,
    admin: AdminClient,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Adopted]:
    """The broker populated by hand, imported into a fresh external stack (``passwords: operator``:
    SCRAM users stay as they are)."""
    _populate(admin)
    ids_before = _topic_ids(admin)
    project = PulumiProjectCopy(toolchain, tmp_path_factory.mktemp("adopt-project"))
    shutil.rmtree(project.directory / "catalog")
    properties = project.directory / "client.properties"
    config = broker.admin_config()
    properties.write_text("".join(f"{k}={v}\n" for k, v in config.items() if k != "bootstrap.servers"))
    result = subprocess.run(
        [sys.executable, "-m", "messaging_platform_tools.cli", "import", "--bootstrap", broker.bootstrap,
         "--command-config", str(properties), "--cluster", EXTERNAL_CLUSTER,
         "--stack", STACK, "--out", str(project.directory / "catalog")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    stack_config, secrets = external_stack_config(broker, passwords="operator")
    project.init_stack(STACK, stack_config, secrets)
    # The next steps the command prints: the provider first (from the program), then the import.
    targets = [line for line in result.stdout.splitlines() if line.strip().startswith("pulumi up")]
    assert len(targets) == 1, result.stdout
    urns = [part.strip("'") for part in targets[0].split() if part.startswith("'urn:")]
    project.run("up", "--stack", STACK, "--yes", "--skip-preview", *(f"--target={urn}" for urn in urns))
    project.run("import", "--stack", STACK, "--file", "import.json", "--yes", "--protect=false",
                "--generate-code=false")  # fmt: skip
    import_file = json.loads((project.directory / "import.json").read_text())
    print(result.stdout)
    yield Adopted(project, result.stdout, import_file, ids_before)
    _clean(admin)


def test_import_reports_what_it_skipped_and_what_needs_a_step(adopted: Adopted) -> None:
    output = adopted.import_output
    assert "topic _schemas: platform internal topic" in output, output
    assert "ALLOW User:billing-worker DESCRIBE_CONFIGS on TOPIC LITERAL 'billing.invoices.v1'" in output, output
    for user in USERS:
        assert f"SCRAM user {user} (SCRAM-SHA-512): its password cannot be read back" in output, output


def test_catalog_holds_the_topics_with_their_configs(adopted: Adopted) -> None:
    catalog = catalog_of(adopted.project.stack_file(STACK))
    topics = {t.kafka_name: t for t in catalog.topics}
    assert set(topics) == {n for n in TOPICS if not n.startswith("_")}
    for name, topic in topics.items():
        partitions, config = TOPICS[name]
        assert (topic.partitions, topic.replicas) == (partitions, 1)
        # The stack's catalog.defaults (minInsyncReplicas 1 here) add to what the broker had.
        assert {k: str(v) for k, v in topic.config.items()} == {**config, **STACK_DEFAULT_CONFIG}
    services = {s.name: s.spec for s in catalog.services}
    assert services["shop-api"].produces == ["shop.order-state.v1", "shop.orders.v1"]
    assert [(c.topic, c.group) for c in services["billing-worker"].consumes] == [("shop.orders.v1", "billing-worker")]


def test_import_file_names_resources_as_the_components_do(adopted: Adopted) -> None:
    names = {r["name"]: r for r in adopted.import_file["resources"]}
    topic = names[f"{EXTERNAL_CLUSTER}-topic-shop.orders.v1"]
    assert (topic["id"], topic["parent"]) == ("shop.orders.v1", f"{EXTERNAL_CLUSTER}-catalog")
    acl = names[f"{EXTERNAL_CLUSTER}-user-shop-api-acl-topic-literal-shop.orders.v1-write"]
    assert acl["id"] == "User:shop-api|*|Write|Allow|Topic|shop.orders.v1|Literal"


def test_after_import_the_stack_converges_without_recreating_anything(adopted: Adopted, admin: AdminClient) -> None:
    project = adopted.project
    preview = json.loads(project.run("preview", "--stack", STACK, "--json").stdout)
    changes = sorted((s["op"], s["urn"].rsplit("::", 1)[1]) for s in preview.get("steps", []) if s["op"] != "same")
    updates = {
        s["urn"].rsplit("::", 1)[1]: s.get("diffReasons") for s in preview.get("steps", []) if s["op"] == "update"
    }
    # Only what the stack's defaults add to the topics (min.insync.replicas here) is an update.
    assert updates == {f"{EXTERNAL_CLUSTER}-topic-{n}": ["config"] for n in TOPICS if not n.startswith("_")}, changes
    replaced = [c for c in changes if c[0] in ("replace", "create-replacement", "delete-replaced", "delete")]
    assert not replaced, changes
    project.run("up", "--stack", STACK, "--yes")
    project.run("preview", "--stack", STACK, "--expect-no-changes")
    assert _topic_ids(admin) == adopted.ids_before
    state = inspect_broker.topics(admin, list(TOPICS))
    for name, (partitions, config) in TOPICS.items():
        expected = config if name.startswith("_") else {**config, **STACK_DEFAULT_CONFIG}
        assert (state[name].partitions, state[name].config) == (partitions, expected), name
