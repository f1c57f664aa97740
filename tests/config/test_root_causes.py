"""One message per root cause: a value the user changed that breaks preset values is reported once, at
the key the user wrote, with the value received and what the preset needs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from messaging_platform.config import ConfigError, ConfigProblem, load_stack
from messaging_platform.config.causes import explain_problems, split_path
from messaging_platform.config.errors import join_path
from messaging_platform_tools.stack_files import read_stack_file
from tests.conftest import PROJECT_DIR, catalog_stack, write_catalog

P = "messaging-platform:"
EVENTS = f"{P}clusters.events"
Values = dict[str, Any]
Mutation = Callable[[Values], None]


def committed(stack: str) -> tuple[Values, set[str]]:
    """A committed stack's values (keys without namespace) and its encrypted paths."""
    return read_stack_file(PROJECT_DIR / f"Pulumi.{stack}.yaml")


def problems_after(mutation: Mutation, stack: str = "prod") -> list[ConfigProblem]:
    """The problems of a committed stack (with the committed catalog) after one edit of its file."""
    values, secret = committed(stack)
    values = copy.deepcopy(values)
    mutation(values)
    with pytest.raises(ConfigError) as caught:
        load_stack(values, PROJECT_DIR, "config of stack 'prod'", secret)
    return caught.value.problems


def events(values: Values) -> Values:
    cluster: Values = values["clusters"]["events"]
    return cluster


def pool(name: str, **fields: Any) -> Mutation:
    return lambda values: events(values)["nodePools"].setdefault(name, {}).update(fields)


def cluster_keys(**fields: Any) -> Mutation:
    return lambda values: events(values).update(fields)


def broker_config(**options: Any) -> Mutation:
    return lambda values: events(values)["config"].update({k.replace("_", "."): v for k, v in options.items()})


def both(*mutations: Mutation) -> Mutation:
    def mutate(values: Values) -> None:
        for mutation in mutations:
            mutation(values)

    return mutate


FIT_ONE_BROKER = broker_config(
    default_replication_factor=1, offsets_topic_replication_factor=1, transaction_state_log_replication_factor=1,
    transaction_state_log_min_isr=1, min_insync_replicas=1,
)  # fmt: skip

# name, edit of Pulumi.prod.yaml, the one key reported, what its message says, the value received
ROOT_CAUSES: list[tuple[str, Mutation, str, list[str], Any]] = [
    ("one-broker", pool("brokers", replicas=1), f"{EVENTS}.nodePools.brokers.replicas",
     ["cluster 'events' has 1 broker, fewer than the prod preset needs (3)", 'config["default.replication.factor"] 3',
      'config["transaction.state.log.min.isr"] 2', "cruiseControl.enabled (needs 2)", "catalog.defaults.replicas 3",
      "set replicas to 3 or more"], 1),
    ("two-brokers", pool("brokers", replicas=2), f"{EVENTS}.nodePools.brokers.replicas",
     ["has 2 brokers", 'config["offsets.topic.replication.factor"] 3', "catalog.defaults.replicas 3"], 2),
    ("one-dual-role-node", cluster_keys(nodePools={"brokers": None, "controllers": None, "dual": {
        "roles": ["controller", "broker"], "replicas": 1, "storage": {"type": "ephemeral"}}}),
     f"{EVENTS}.nodePools.dual.replicas", ["has 1 broker", "cruiseControl.enabled (needs 2)"], 1),
    ("one-broker-cluster-overridden", both(pool("brokers", replicas=1), FIT_ONE_BROKER,
                                           cluster_keys(cruiseControl={"enabled": False})),
     f"{EVENTS}.nodePools.brokers.replicas", ["fewer than the prod preset needs (3): catalog.defaults.replicas 3;"], 1),
    ("scram-listener-removed", lambda values: events(values)["listeners"].update(tls=None), f"{EVENTS}.listeners.tls",
     ["no listener with scram-sha-512 authentication, which", "catalog services use by default (audit-sink, "],
     None),
    ("authorizer-removed", cluster_keys(authorization=None), f"{EVENTS}.authorization",
     ["cluster 'events' has no ACL authorizer"], None),
    ("topic-operator-off", cluster_keys(entityOperator={"topicOperator": {"enabled": False}}),
     f"{EVENTS}.entityOperator.topicOperator.enabled", ["no Topic Operator"], False),
    ("replication-factor-below-preset-isr", broker_config(default_replication_factor=1),
     f'{EVENTS}.config["default.replication.factor"]', ["below the prod preset's min.insync.replicas (2)"], 1),
    ("heap-below-preset-initial-heap", pool("brokers", jvmOptions={"-Xmx": "2g"}),
     f'{EVENTS}.nodePools.brokers.jvmOptions["-Xmx"]', ['initial heap (jvmOptions["-Xms"] 4g)'], "2g"),
    ("memory-limit-below-preset-heap",
     pool("brokers", resources={"requests": {"memory": "1Gi"}, "limits": {"memory": "2Gi"}}),
     f"{EVENTS}.nodePools.brokers.resources.limits.memory", ['preset\'s heap (jvmOptions["-Xmx"] 4g)'], "2Gi"),
    ("catalog-replicas-below-preset-isr", lambda v: v["catalog"].update(defaults={"replicas": 1}),
     f"{P}catalog.defaults.replicas",
     ["topics without room for the prod preset's defaults.minInsyncReplicas (2)", "set replicas to 3 or more"], 1),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutation", "path", "fragments", "received"),
    [
        pytest.param(mutation, path, fragments, received, id=name)
        for name, mutation, path, fragments, received in ROOT_CAUSES
    ],
)
def test_a_value_that_breaks_preset_values_is_one_problem_at_the_key_written(
    mutation: Mutation, path: str, fragments: list[str], received: Any
) -> None:
    (problem,) = problems_after(mutation)
    assert problem.path == path
    for fragment in fragments:
        assert fragment in problem.message
    if received is not None:
        assert problem.received == received


def test_a_key_the_user_wrote_keeps_its_own_problem_beside_the_root_cause() -> None:
    problems = problems_after(both(pool("brokers", replicas=1), broker_config(default_replication_factor=3)))
    by_path = {problem.path: problem.message for problem in problems}
    assert sorted(by_path) == [f'{EVENTS}.config["default.replication.factor"]', f"{EVENTS}.nodePools.brokers.replicas"]
    assert "exceeds the number of brokers (1)" in by_path[f'{EVENTS}.config["default.replication.factor"]']
    assert 'config["default.replication.factor"]' not in by_path[f"{EVENTS}.nodePools.brokers.replicas"]


def test_no_broker_pool_adds_what_the_preset_needs_to_the_role_problem() -> None:
    (problem,) = problems_after(pool("brokers", roles=["controller"]))
    assert problem.path == f"{EVENTS}.nodePools"
    assert "no node pool with the 'broker' role" in problem.message
    assert "add a node pool with the broker role and 3 replicas" in problem.message


def test_an_external_cluster_with_fewer_brokers_than_the_preset_replicas() -> None:
    values, secret = committed("external")
    values = copy.deepcopy(values)
    values["externalClusters"]["legacy"]["brokers"] = 1
    with pytest.raises(ConfigError) as caught:
        load_stack(values, PROJECT_DIR, "config of stack 'external'", secret)
    (problem,) = caught.value.problems
    assert problem.path == f"{P}externalClusters.legacy.brokers"
    assert "external cluster 'legacy' has 1 broker, fewer than the prod preset needs (3)" in problem.message


@pytest.mark.parametrize(
    ("catalog", "path"),
    [({}, 'catalog/orders.yaml: topics["orders.v1"].replicas'),
     ({"topics": {"orders.v1": {"replicas": 2}}}, f'{P}catalog.topics["orders.v1"].replicas')],
)  # fmt: skip
def test_a_topic_replica_count_at_the_preset_min_insync_is_reported_at_that_count(
    tmp_path: Path, catalog: dict[str, Any], path: str
) -> None:
    domain = {"domain": "orders", "owner": "team-orders", "topics": {"orders.v1": {"partitions": 3, "replicas": 2}}}
    root = write_catalog(tmp_path, {"orders": domain})
    with pytest.raises(ConfigError) as caught:
        catalog_stack(root, catalog=catalog)
    (problem,) = caught.value.problems
    assert problem.path == path
    assert problem.received == 2
    assert "not above the prod preset's catalog.defaults.minInsyncReplicas (2)" in problem.message


def test_a_preset_value_of_unknown_cause_says_where_it_comes_from() -> None:
    problem = ConfigProblem(f"{P}operator.replicas", "clashes with something", 2)
    (noted,) = explain_problems([problem], {"environment": "prod", "operator": {"namespace": "x"}}, "prod", P)
    assert noted.message == (
        "clashes with something; the prod preset sets this value, not this stack: override operator.replicas "
        "or change the value of yours it conflicts with"
    )


def test_problems_at_keys_the_user_wrote_are_left_alone() -> None:
    problems = [ConfigProblem(f"{P}operator.replicas", "bad", 0), ConfigProblem("catalog/x.yaml: topics.a", "bad")]
    assert explain_problems(problems, {"operator": {"replicas": 0}}, "prod", P) == problems


@pytest.mark.parametrize(
    "steps",
    [("clusters", "events", "config", "min.insync.replicas"), ("clusters", "e", "nodePools", "b", "jvmOptions", "-Xmx"),
     ("catalog", "topics", "orders.v1", "replicas"), ("clusters", "e", "listeners", "tls", "x", 0, "y")],
)  # fmt: skip
def test_key_paths_split_back_into_their_steps(steps: tuple[str | int, ...]) -> None:
    assert split_path(join_path(P, steps), P) == steps


@pytest.mark.parametrize("path", [f"{P}", "other:clusters", f'{P}clusters["unterminated', f"{P}a..b"])
def test_what_is_not_a_key_path_does_not_split(path: str) -> None:
    assert split_path(path, P) is None
