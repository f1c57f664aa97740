"""Every rule: the sound platform passes; one mutation makes exactly that rule fire, per environment."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from messaging_platform.policy import all_rules, evaluate, load_policy_config, resolve_settings
from messaging_platform.strimzi import ENVIRONMENT_LABEL
from tests.policies.conftest import EXTERNAL_ACL, EXTERNAL_TOPIC, as_views, sound_platform

Objects = dict[str, dict[str, Any]]
Mutation = Callable[[Objects, dict[str, dict[str, Any]]], None]


def spec(objects: Objects, key: str) -> dict[str, Any]:
    return objects[key]["spec"]


def kafka(objects: Objects) -> dict[str, Any]:
    return objects["kafka"]["spec"]["kafka"]


def listener(objects: Objects, index: int) -> dict[str, Any]:
    return kafka(objects)["listeners"][index]


def acls(objects: Objects) -> list[dict[str, Any]]:
    return objects["user"]["spec"]["authorization"]["acls"]


def topic_config(objects: Objects) -> dict[str, Any]:
    return objects["topic"]["spec"]["config"]


def labelled(environment: str) -> Mutation:
    """Every object labelled with ``environment``, as the platform labels what it declares."""

    def mutate(objects: Objects, _: dict[str, Any]) -> None:
        for obj in objects.values():
            obj["metadata"].setdefault("labels", {})[ENVIRONMENT_LABEL] = environment

    return mutate


def dual_role_only(objects: Objects) -> None:
    objects.pop("controllers")
    spec(objects, "brokers").update(roles=["controller", "broker"])


def duplicate_topic(name: str) -> Mutation:
    def mutate(objects: Objects, _: dict[str, Any]) -> None:
        twin = copy.deepcopy(objects["topic"])
        twin["metadata"]["name"] = "twin"
        twin["spec"]["topicName"] = name
        objects["twin"] = twin

    return mutate


def also(*rules: str) -> Callable[[Mutation], Mutation]:
    def mark(mutation: Mutation) -> Mutation:
        mutation.also = set(rules)  # type: ignore[attr-defined]
        return mutation

    return mark


def both_replication_rules(mutation: Mutation) -> Mutation:
    """Fewer than 2 replicas also leaves no valid min.insync.replicas."""
    return also("topic-min-insync-replicas")(mutation)


CASES: list[tuple[str, str, str | None, Mutation]] = [
    # rule id, environment, expected level (None: passes or disabled), mutation
    ("topic-name", "prod", "mandatory", duplicate_topic("OrdersCreated")),
    ("topic-name", "dev", "mandatory", duplicate_topic("orders")),
    ("topic-name", "prod", "mandatory", lambda o, e: e.update({"topic-2": {**e["topic"], "name": "legacy_payments"}})),
    ("topic-retention", "prod", "mandatory", lambda o, e: topic_config(o).update({"retention.ms": 600000})),
    ("topic-retention", "prod", "mandatory", lambda o, e: topic_config(o).update({"retention.ms": -1})),
    ("topic-retention", "prod", None,
     lambda o, e: topic_config(o).update({"retention.ms": -1, "cleanup.policy": "compact"})),
    ("topic-retention", "dev", "advisory", lambda o, e: topic_config(o).update({"retention.ms": 30000})),
    ("topic-retention", "dev", None, lambda o, e: topic_config(o).update({"retention.ms": 600000})),
    ("topic-replication", "prod", "mandatory",
     both_replication_rules(lambda o, e: spec(o, "topic").update(replicas=2))),
    ("topic-replication", "prod", "mandatory", lambda o, e: spec(o, "topic").pop("replicas")),
    ("topic-replication", "prod", "mandatory",
     both_replication_rules(lambda o, e: e["topic"].update(replicationFactor=1))),
    ("topic-replication", "dev", None, lambda o, e: spec(o, "topic").pop("replicas")),
    ("topic-replication", "dev", "advisory", both_replication_rules(lambda o, e: spec(o, "topic").update(replicas=0))),
    ("topic-min-insync-replicas", "prod", "mandatory", lambda o, e: topic_config(o).update({"min.insync.replicas": 1})),
    ("topic-min-insync-replicas", "prod", "mandatory", lambda o, e: topic_config(o).update({"min.insync.replicas": 3})),
    ("topic-min-insync-replicas", "prod", "mandatory", lambda o, e: topic_config(o).pop("min.insync.replicas")),
    ("topic-min-insync-replicas", "dev", None, lambda o, e: topic_config(o).update({"min.insync.replicas": 1})),
    ("topic-min-insync-replicas", "dev", "advisory", lambda o, e: topic_config(o).update({"min.insync.replicas": 3})),
    ("topic-partitions", "prod", "mandatory", lambda o, e: spec(o, "topic").update(partitions=500)),
    ("topic-partitions", "dev", "advisory", lambda o, e: spec(o, "topic").update(partitions=500)),
    ("topic-config-keys", "prod", "mandatory", lambda o, e: topic_config(o).update({"retention.hours": 5})),
    ("topic-config-keys", "dev", "mandatory", lambda o, e: topic_config(o).update({"cleanup.policy": "purge"})),
    ("topic-config-keys", "prod", "mandatory",
     lambda o, e: e["topic"]["config"].update({"message.format.version": "3.0"})),
    ("listener-tls", "prod", "mandatory", lambda o, e: listener(o, 0).update(tls=False)),
    ("listener-tls", "dev", None, lambda o, e: listener(o, 0).update(tls=False)),
    ("listener-tls", "dev", "mandatory", lambda o, e: listener(o, 1).update(tls=False)),
    ("listener-authentication", "prod", "mandatory", lambda o, e: listener(o, 0).pop("authentication")),
    ("listener-authentication", "dev", None, lambda o, e: listener(o, 0).pop("authentication")),
    ("listener-authentication", "dev", "mandatory", lambda o, e: listener(o, 1).pop("authentication")),
    ("cluster-authorization", "prod", "mandatory", lambda o, e: kafka(o).pop("authorization")),
    ("cluster-authorization", "dev", "advisory", lambda o, e: kafka(o).pop("authorization")),
    ("cluster-authorization", "prod", "mandatory",
     lambda o, e: kafka(o)["config"].update({"allow.everyone.if.no.acl.found": "true"})),
    ("cluster-authorization", "prod", "mandatory",
     lambda o, e: kafka(o)["authorization"].update(superUsers=["CN=admin", "ANONYMOUS"])),
    ("storage-persistent", "prod", "mandatory",
     lambda o, e: spec(o, "brokers").update(storage={"type": "ephemeral"})),
    ("storage-persistent", "prod", "mandatory",
     lambda o, e: spec(o, "brokers")["storage"]["volumes"][0].update(deleteClaim=True)),
    ("storage-persistent", "dev", None, lambda o, e: spec(o, "brokers").update(storage={"type": "ephemeral"})),
    ("controller-quorum", "prod", "mandatory", lambda o, e: spec(o, "controllers").update(replicas=2)),
    ("controller-quorum", "prod", "mandatory", lambda o, e: spec(o, "controllers").update(replicas=1)),
    ("controller-quorum", "prod", "mandatory", lambda o, e: dual_role_only(o)),
    ("controller-quorum", "dev", None, lambda o, e: spec(o, "controllers").update(replicas=1)),
    ("unclean-leader-election", "prod", "mandatory",
     lambda o, e: kafka(o)["config"].update({"unclean.leader.election.enable": True})),
    ("unclean-leader-election", "dev", "mandatory",
     lambda o, e: topic_config(o).update({"unclean.leader.election.enable": "true"})),
    ("auto-create-topics", "prod", "mandatory", lambda o, e: kafka(o)["config"].pop("auto.create.topics.enable")),
    ("auto-create-topics", "dev", "advisory",
     lambda o, e: kafka(o)["config"].update({"auto.create.topics.enable": True})),
    ("acl-least-privilege", "prod", "mandatory", lambda o, e: acls(o)[0].update(operations=["All"])),
    ("acl-least-privilege", "dev", "mandatory", lambda o, e: acls(o)[2]["resource"].update(name="*")),
    ("acl-least-privilege", "prod", "mandatory", lambda o, e: acls(o)[3].update(operations=["Alter"])),
    ("acl-least-privilege", "dev", "mandatory", lambda o, e: e["acl"].update(aclOperation="All")),
    ("user-authentication", "prod", "mandatory", lambda o, e: spec(o, "user").pop("authentication")),
    ("user-authentication", "dev", "mandatory", lambda o, e: spec(o, "user").pop("authentication")),
    ("connect-tls", "prod", "mandatory", lambda o, e: spec(o, "connect").pop("tls")),
    ("connect-tls", "dev", "advisory", lambda o, e: spec(o, "connect").pop("authentication")),
    ("connect-artifact-checksum", "prod", "mandatory",
     lambda o, e: spec(o, "connect")["build"]["plugins"][0]["artifacts"][0].pop("sha512sum")),
    ("connect-artifact-checksum", "dev", "advisory",
     lambda o, e: spec(o, "connect")["build"]["plugins"][0]["artifacts"][0].pop("sha512sum")),
    ("resources-required", "prod", "mandatory", lambda o, e: spec(o, "brokers").pop("resources")),
    ("resources-required", "prod", "mandatory",
     lambda o, e: spec(o, "kafka")["cruiseControl"]["resources"].pop("limits")),
    ("resources-required", "dev", None, lambda o, e: spec(o, "brokers").pop("resources")),
    ("cluster-label", "prod", "mandatory", lambda o, e: o["connector"]["metadata"].pop("labels")),
    ("cluster-label", "dev", "mandatory", lambda o, e: o["user"]["metadata"].pop("labels")),
    ("topic-replicas-within-brokers", "prod", "mandatory", lambda o, e: spec(o, "topic").update(replicas=5)),
    ("topic-replicas-within-brokers", "dev", "mandatory", lambda o, e: spec(o, "brokers").update(replicas=1)),
    ("acl-topics-exist", "prod", "mandatory",
     lambda o, e: acls(o)[0]["resource"].update(name="orders.order-creatd.v1")),
    ("acl-topics-exist", "prod", "mandatory", lambda o, e: e["acl"].update(aclResourceName="payments.refunded.v1")),
    ("acl-topics-exist", "dev", "advisory", lambda o, e: acls(o)[1]["resource"].update(name="billing.")),
    # A principal that may create the topic itself (MirrorMaker 2's remote topics, Connect's own) needs no declaration.
    ("acl-topics-exist", "prod", None, lambda o, e: acls(o).append(
        {"resource": {"type": "topic", "name": "east.orders.order-created.v1", "patternType": "literal"},
         "operations": ["Create", "Describe", "Write"], "host": "*"})),
    ("unique-topic-names", "prod", "mandatory", duplicate_topic("orders.order-created.v1")),
    ("policy-config-environment", "prod", "mandatory", labelled("dev")),
    ("policy-config-environment", "dev", "mandatory", labelled("prod")),
    ("policy-config-environment", "dev", "mandatory", lambda o, e: e.update(stack={"environment": "prod"})),
    ("policy-config-environment", "prod", None, labelled("prod")),
    ("policy-config-environment", "dev", None, lambda o, e: e.update(stack={"environment": "dev"})),
    ("unique-topic-names", "dev", "mandatory", also("topic-name")(duplicate_topic("orders_order-created.v1"))),
]  # fmt: skip


def findings_for(environment: str, mutation: Mutation | None = None) -> list[tuple[str, str]]:
    objects = sound_platform()
    external = {"topic": copy.deepcopy(EXTERNAL_TOPIC), "acl": copy.deepcopy(EXTERNAL_ACL)}
    if mutation is not None:
        mutation(objects, external)
    settings = resolve_settings(load_policy_config(environment))
    return [(f.rule, f.level) for f in evaluate(as_views(objects, external), settings)]


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_a_sound_platform_passes_every_rule(environment: str) -> None:
    assert findings_for(environment) == []


@pytest.mark.parametrize(
    ("rule", "environment", "level", "mutation"),
    [pytest.param(r, e, lvl, m, id=f"{r}-{e}-{i}") for i, (r, e, lvl, m) in enumerate(CASES)],
)
def test_one_mutation_fires_exactly_its_rule(
    rule: str, environment: str, level: str | None, mutation: Mutation
) -> None:
    allowed = {rule} | getattr(mutation, "also", set())
    findings = findings_for(environment, mutation)
    assert {r for r, _ in findings} <= allowed, f"other rules fired: {findings}"
    own = [lvl for r, lvl in findings if r == rule]
    if level is None:
        assert own == []
    else:
        assert own and set(own) == {level}


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_every_rule_has_a_failing_case_or_is_disabled_in_each_environment(environment: str) -> None:
    settings = resolve_settings(load_policy_config(environment))
    failing = {rule for rule, env, level, _ in CASES if env == environment and level is not None}
    disabled = {rule for rule, s in settings.items() if s.level == "disabled"}
    assert {rule.id for rule in all_rules()} - disabled <= failing
    assert disabled <= {rule for rule, env, level, _ in CASES if env == environment and level is None}
