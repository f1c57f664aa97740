"""The external stack for real: ``pulumi up`` of the catalog through pulumi-kafka onto a real broker.

One stack is deployed for the module and the tests run in order against it (each leaves the stack
as the next expects). Everything is checked on the broker with Kafka's own admin API.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml
from confluent_kafka.admin import AdminClient

from messaging_platform.config.resolve import ResolvedCatalog

from . import inspect_broker
from .access import seed, wrong_outcomes
from .broker import ADMIN_USER, KafkaBroker
from .engine_record import describe_difference, engine_view, plan_view
from .pulumi_cli import PulumiCommandError, PulumiProjectCopy
from .stacks import EXTERNAL_CLUSTER, catalog_of, external_stack_config
from .toolchain import Toolchain

STACK = "e2e"
pytestmark = pytest.mark.e2e
FIRST_PREVIEW: list[subprocess.CompletedProcess[str]] = []


@pytest.fixture(scope="module")
def workspace(
    toolchain: Toolchain, broker: KafkaBroker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PulumiProjectCopy]:
    """A project copy with stack ``e2e`` (prod environment) aimed at the broker, applied once."""
    project = PulumiProjectCopy(toolchain, tmp_path_factory.mktemp("external-project"))
    config, secrets = external_stack_config(broker)
    project.init_stack(STACK, config, secrets)
    FIRST_PREVIEW.append(project.run("preview", "--stack", STACK, check=False))
    project.run("up", "--stack", STACK, "--yes", "--skip-preview")
    yield project
    # Leave the broker as found even when a test failed half-way.
    project.write_config(STACK, _with_catalog(config, deletion="delete"))
    project.run("up", "--stack", STACK, "--yes", "--skip-preview", check=False)
    project.run("destroy", "--stack", STACK, "--yes", "--skip-preview", "--run-program", check=False)


@pytest.fixture(scope="module")
def admin(broker: KafkaBroker) -> AdminClient:
    """The super user's admin client."""
    return AdminClient(broker.admin_config())


@pytest.fixture(scope="module")
def catalog(workspace: PulumiProjectCopy) -> ResolvedCatalog:
    """The stack's resolved catalog (the source of every expectation)."""
    return catalog_of(workspace.stack_file(STACK))


@pytest.fixture(scope="module")
def plan(workspace: PulumiProjectCopy, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The offline planner's ``plan.json`` for the same stack."""
    out = tmp_path_factory.mktemp("plan")
    planned = workspace.plan(STACK, out)
    # Exit 1 is expected: one replica per topic breaks the prod policies (the broker has one node).
    assert planned.returncode in (0, 1), planned.stdout + planned.stderr
    document: dict[str, Any] = json.loads((out / "plan.json").read_text())
    return document


def test_a_first_preview_fails_in_the_kafka_plugin_while_passwords_are_unknown(workspace: PulumiProjectCopy) -> None:
    """Pinned limitation: before the first deployment the RandomPasswords have no value, and the
    Terraform kafka provider's password check panics on the unknown value (Mongey v0.13.1,
    ``getPasswordFromConfig``). Later previews pass (see below); the first deployment needs
    ``pulumi up --skip-preview``, unless SCRAM credentials are managed elsewhere (``passwords: operator``)."""
    (preview,) = FIRST_PREVIEW
    output = preview.stdout + preview.stderr
    assert preview.returncode != 0
    assert "kafka:index:UserScramCredential" in output and "value is unknown" in output, output


def test_every_catalog_topic_exists_with_the_planned_partitions_replicas_and_config(
    catalog: ResolvedCatalog, admin: AdminClient
) -> None:
    on_broker = inspect_broker.topics(admin)
    assert set(on_broker) == {t.kafka_name for t in catalog.topics}
    for topic in catalog.topics:
        state = on_broker[topic.kafka_name]
        assert (state.partitions, state.replicas) == (topic.partitions, topic.replicas), topic.kafka_name
        assert state.config == {k: str(v) for k, v in topic.config.items()}, topic.kafka_name


def test_every_service_has_a_scram_sha_512_user(catalog: ResolvedCatalog, admin: AdminClient) -> None:
    users = {name: mechanisms for name, mechanisms in inspect_broker.scram_users(admin).items() if name != ADMIN_USER}
    assert users == {s.name: {"SCRAM-SHA-512"} for s in catalog.services}


def test_broker_acls_are_exactly_the_planned_ones(plan: dict[str, Any], admin: AdminClient) -> None:
    planned = inspect_broker.planned_acls(plan["resources"])
    assert planned, "the plan declares ACLs"
    assert inspect_broker.acls(admin) == planned


def test_planner_records_what_the_engine_recorded(plan: dict[str, Any], workspace: PulumiProjectCopy) -> None:
    engine = engine_view(workspace.export(STACK))
    planned = plan_view(plan)
    assert sorted(planned) == sorted(engine)
    differences = [
        f"{urn}: {field}: {difference}"
        for urn in sorted(planned)
        for field in planned[urn]
        for difference in describe_difference(planned[urn][field], engine[urn][field])
    ]
    assert not differences, "\n".join(differences)


def test_second_preview_expects_no_changes(workspace: PulumiProjectCopy) -> None:
    workspace.run("preview", "--stack", STACK, "--expect-no-changes")


# ---- least privilege, proven by clients -------------------------------------------------------


def _service_passwords(workspace: PulumiProjectCopy) -> dict[str, str]:
    outputs = json.loads(workspace.run("stack", "output", "--stack", STACK, "--json", "--show-secrets").stdout)
    passwords: dict[str, str] = outputs["externalClusters"][EXTERNAL_CLUSTER]["passwords"]
    return passwords


def test_every_service_can_do_what_its_intents_need_and_nothing_else(
    workspace: PulumiProjectCopy, catalog: ResolvedCatalog, broker: KafkaBroker, admin: AdminClient
) -> None:
    seed(broker.admin_config(), sorted(t.kafka_name for t in catalog.topics))
    passwords = _service_passwords(workspace)
    wrong = wrong_outcomes(catalog, lambda service: broker.sasl_config(service, passwords[service]))
    assert not wrong, "\n".join(wrong)


# ---- changes: in place, refused, drift, destroy ------------------------------------------------


def _edit_catalog(
    workspace: PulumiProjectCopy, file: str, change: Callable[[dict[str, Any]], None]
) -> Callable[[], None]:
    """Apply ``change`` to ``catalog/<file>.yaml`` of the copy; returns a function that restores it."""
    path = workspace.directory / "catalog" / f"{file}.yaml"
    original = path.read_text()
    document = yaml.safe_load(original)
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False))

    def restore() -> None:
        path.write_text(original)

    return restore


def _preview_steps(workspace: PulumiProjectCopy) -> list[dict[str, Any]]:
    result = workspace.run("preview", "--stack", STACK, "--json")
    steps: list[dict[str, Any]] = json.loads(result.stdout).get("steps", [])
    return [s for s in steps if s["op"] != "same"]


def test_partition_increase_updates_the_topic_in_place(workspace: PulumiProjectCopy, admin: AdminClient) -> None:
    _edit_catalog(workspace, "orders", lambda d: d["topics"]["orders.order-cancelled.v1"].update(partitions=8))
    steps = _preview_steps(workspace)
    assert [(s["op"], s["urn"].rsplit("::", 1)[1]) for s in steps] == [
        ("update", "local-topic-orders.order-cancelled.v1")
    ]
    workspace.run("up", "--stack", STACK, "--yes", "--skip-preview")
    assert inspect_broker.topics(admin, ["orders.order-cancelled.v1"])["orders.order-cancelled.v1"].partitions == 8


def _with_catalog(config: dict[str, Any], **catalog: Any) -> dict[str, Any]:
    key = "messaging-platform:catalog"
    return {**config, key: {**config[key], **catalog}}


def _refused(workspace: PulumiProjectCopy) -> str:
    """Run ``pulumi up --yes`` as a user would (preview first); it must fail. Its output."""
    with pytest.raises(PulumiCommandError) as failure:
        workspace.run("up", "--stack", STACK, "--yes")
    return failure.value.result.stdout + failure.value.result.stderr


def test_partition_decrease_is_refused_and_the_broker_untouched(
    workspace: PulumiProjectCopy, broker: KafkaBroker, admin: AdminClient
) -> None:
    """pulumi-kafka would delete and recreate the topic; with protection off (as in dev) only the
    replacement guard stands between the user and the loss of every record."""
    config, _ = external_stack_config(broker)
    unprotected = {"topics": {"orders.order-cancelled.v1": {"deletion": "delete"}}}
    workspace.write_config(STACK, _with_catalog(config, **unprotected))
    workspace.run("up", "--stack", STACK, "--yes")
    before = (inspect_broker.topics(admin), inspect_broker.acls(admin))
    restore = _edit_catalog(
        workspace, "orders", lambda d: d["topics"]["orders.order-cancelled.v1"].update(partitions=4)
    )
    try:
        output = _refused(workspace)
        assert "unsafe topic replacement refused" in output, output
        assert "partitions cannot decrease (8 -> 4)" in output, output
        assert (inspect_broker.topics(admin), inspect_broker.acls(admin)) == before
    finally:
        restore()
        workspace.write_config(STACK, config)
    workspace.run("up", "--stack", STACK, "--yes")


def test_dropping_compaction_is_refused_and_the_broker_untouched(
    workspace: PulumiProjectCopy, admin: AdminClient
) -> None:
    before = inspect_broker.topics(admin)
    restore = _edit_catalog(
        workspace, "orders", lambda d: d["topics"]["orders.order-state.v1"].update(cleanupPolicy="delete")
    )
    try:
        output = _refused(workspace)
        assert "compact" in output, output
        assert inspect_broker.topics(admin) == before
    finally:
        restore()


def test_removing_a_protected_topic_is_refused_and_the_broker_untouched(
    workspace: PulumiProjectCopy, admin: AdminClient
) -> None:
    before = (inspect_broker.topics(admin), inspect_broker.acls(admin))

    def drop_failed_payments(document: dict[str, Any]) -> None:
        del document["topics"]["payments.payment-failed.v1"]
        produces = document["services"]["payment-service"]["produces"]
        produces.remove("payments.payment-failed.v1")

    restore = _edit_catalog(workspace, "payments", drop_failed_payments)
    try:
        output = _refused(workspace)
        assert "protected" in output, output
        assert (inspect_broker.topics(admin), inspect_broker.acls(admin)) == before
    finally:
        restore()
    workspace.run("preview", "--stack", STACK, "--expect-no-changes")


def test_refresh_reports_a_topic_deleted_out_of_band(workspace: PulumiProjectCopy, admin: AdminClient) -> None:
    topic = "shipping.shipment-delivered.v1"
    admin.delete_topics([topic])[topic].result(30)
    workspace.run("refresh", "--stack", STACK, "--yes")
    urns = {r["urn"] for r in workspace.export(STACK)["deployment"]["resources"]}
    assert not any(urn.endswith(f"::local-topic-{topic}") for urn in urns)
    workspace.run("up", "--stack", STACK, "--yes", "--skip-preview")
    assert topic in inspect_broker.topics(admin)


def test_destroy_of_an_unprotected_stack_leaves_nothing_it_created(
    workspace: PulumiProjectCopy, catalog: ResolvedCatalog, admin: AdminClient, broker: KafkaBroker
) -> None:
    config, _ = external_stack_config(broker)
    workspace.write_config(STACK, _with_catalog(config, deletion="delete"))
    workspace.run("up", "--stack", STACK, "--yes", "--skip-preview")
    # --run-program: the topics' before_delete hooks live in the program.
    workspace.run("destroy", "--stack", STACK, "--yes", "--skip-preview", "--run-program")
    assert set(inspect_broker.topics(admin)) == set()
    assert set(inspect_broker.scram_users(admin)) == {ADMIN_USER}  # the broker's own super user only
    assert inspect_broker.acls(admin) == set()
