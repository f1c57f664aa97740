"""Bridges, mirrors and rebalances in the stack config: checked against the clusters, resolved
against the catalog (topics, groups, ACLs), presets, and secrets."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from messaging_platform.config import ConfigError, load_stack, load_stack_config
from messaging_platform.config.acls import AclRule
from tests.conftest import PROJECT_DIR

EXTERNAL = {"bootstrapServers": ["kafka-1.legacy.example.com:9096"], "brokers": 3}
MM2_USER = {"username": "mm2-events", "password": "s3cret-mm2"}
# The second cluster shares the namespace, so its pools need names of their own.
WEST = {
    "nodePools": {
        "dual": None,
        "west": {"roles": ["controller", "broker"], "replicas": 1, "storage": {"type": "ephemeral"}},
    }
}


def problems(exc: pytest.ExceptionInfo[ConfigError]) -> list[str]:
    return [str(problem) for problem in exc.value.problems]


def load(environment: str = "dev", **values: Any) -> Any:
    raw = {"environment": environment, "clusters": {"events": {}}, "catalog": {}, **values}
    return load_stack(raw, PROJECT_DIR, secret_keys={"externalClusters", "mirrorMaker2"})


def bridge(**values: Any) -> dict[str, Any]:
    return {"domain": "orders", "produces": ["orders.order-cancelled.v1"], **values}


# Bridges


def test_a_bridge_user_gets_the_acls_of_its_intents() -> None:
    stack = load(
        bridges={
            "storefront": bridge(
                consumes=[{"topic": "payments.payment-settled.v1", "group": "storefront"}, {"prefix": "shipping.",
                          "group": "storefront"}],
            )
        }
    )  # fmt: skip
    resolved = stack.addons.bridges["storefront"]
    assert (resolved.cluster, resolved.user_name) == ("events", "storefront-bridge")
    assert resolved.acls == (
        AclRule("group", "literal", "storefront", ("Read",)),
        AclRule("topic", "literal", "orders.order-cancelled.v1", ("Describe", "Write")),
        AclRule("topic", "literal", "payments.payment-settled.v1", ("Describe", "Read")),
        AclRule("topic", "prefix", "shipping.", ("Describe", "Read")),
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (bridge(produces=["orders.order-creatd.v1"]),
         "bridges.b.produces[0]: is not a catalog topic; did you mean 'orders.order-created.v1'?"),
        (bridge(produces=[{"prefix": "payments."}]),
         "bridges.b.produces[0].prefix: grants writing, creating and deleting every topic starting with 'payments.', "
         "outside domain 'orders'"),
        (bridge(consumes=[{"prefix": "o", "group": "g"}]),
         "bridges.b.consumes[0].prefix: reads every topic starting with 'o', which is not a whole domain namespace"),
        ({"domain": "orders"}, "bridges.b: declare what HTTP clients may do: produces, consumes or both"),
        (bridge(listener="plain"),
         "bridges.b.listener: cluster 'events': listener 'plain' is not an internal TLS listener"),
        (bridge(cluster="legacy"), "bridges.b.cluster: 'legacy' is an external cluster; the HTTP Bridge runs beside"),
        (bridge(http={"port": 80}), "bridges.b.http.port: Input should be greater than or equal to 1023"),
        (bridge(logging={"loggers": {"rootLogger.level": "LOUD"}}),
         "bridges.b.logging.loggers[\"rootLogger.level\"]: is not a log level"),
    ],
)  # fmt: skip
def test_a_bridge_that_cannot_work_is_refused_at_its_key(values: dict[str, Any], expected: str) -> None:
    with pytest.raises(ConfigError) as failure:
        load(bridges={"b": values}, externalClusters={"legacy": EXTERNAL}, catalog={"cluster": "events"})
    assert any(expected in problem for problem in problems(failure)), problems(failure)


def test_a_bridge_needs_the_catalog() -> None:
    with pytest.raises(ConfigError) as failure:
        load_stack({"environment": "dev", "clusters": {"events": {}}, "bridges": {"b": bridge()}}, PROJECT_DIR)
    assert problems(failure) == [
        "messaging-platform:bridges.b: needs the stack's catalog (messaging-platform:catalog): its intents name "
        "catalog topics"
    ]


def test_platform_users_may_not_take_a_name_already_taken_in_their_namespace(tmp_path: Path) -> None:
    shutil.copytree(PROJECT_DIR / "catalog", tmp_path / "catalog")
    (tmp_path / "catalog" / "web.yaml").write_text(
        "domain: web\nservices:\n  shop-bridge:\n    consumes: [{topic: orders.order-created.v1, group: g}]\n"
    )
    raw = {"environment": "dev", "clusters": {"events": {}}, "catalog": {}, "bridges": {"shop": bridge()}}
    with pytest.raises(ConfigError) as failure:
        load_stack(raw, tmp_path)
    assert problems(failure) == [
        "messaging-platform:bridges.shop: KafkaUser 'shop-bridge' in namespace 'kafka' would be both catalog "
        "service 'shop-bridge', the user of bridge 'shop'; rename one"
    ]


def test_the_prod_preset_gives_bridges_two_pods_with_resources() -> None:
    config = load("prod", bridges={"b": bridge()}).config.bridges["b"]
    assert config.replicas == 2
    assert config.resources is not None and config.resources.limits is not None
    assert config.resources.limits.memory == "512Mi"
    assert load("prod", bridges={"b": bridge(replicas=3)}).config.bridges["b"].replicas == 3
    assert load("dev", bridges={"b": bridge()}).config.bridges["b"].resources is None


# MirrorMaker 2


def mirror(**values: Any) -> dict[str, Any]:
    return {"source": "events", "target": "west", "domains": ["orders"], **values}


def two_clusters(**mirrors: dict[str, Any]) -> Any:
    return load(clusters={"events": {}, "west": WEST}, catalog={"cluster": "events"}, mirrorMaker2=mirrors)


def test_a_mirror_takes_its_topics_from_catalog_domains_and_keys_and_the_groups_reading_them() -> None:
    stack = two_clusters(m=mirror(topics=["payments.payment-settled.v1"]))
    resolved = stack.addons.mirrors["m"]
    assert resolved.topics == (
        "orders.order-cancelled.v1",
        "orders.order-created.v1",
        "orders.order-state.v1",
        "payments.payment-settled.v1",
    )
    assert resolved.groups == {
        "analytics-revenue": ("orders.order-created.v1", "payments.payment-settled.v1"),  # a Streams application
        "audit-sink": ("orders.order-cancelled.v1", "orders.order-created.v1", "orders.order-state.v1",
                       "payments.payment-settled.v1"),  # prefix consumers
        "notification-service": ("orders.order-created.v1",),
        "order-service": ("payments.payment-settled.v1",),
        "payment-service": ("orders.order-created.v1",),
        "shipping-service": ("orders.order-cancelled.v1", "payments.payment-settled.v1"),
    }  # fmt: skip


def test_bridges_reading_mirrored_topics_are_checkpointed_too() -> None:
    stack = load(
        clusters={"events": {}, "west": WEST},
        catalog={"cluster": "events"},
        bridges={"b": bridge(consumes=[{"topic": "orders.order-state.v1", "group": "web"}])},
        mirrorMaker2={"m": mirror()},
    )
    assert stack.addons.mirrors["m"].groups["web"] == ("orders.order-state.v1",)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (mirror(domains=["order"]), "mirrorMaker2.m.domains[0]: no catalog topic is in this domain"),
        (mirror(topics=["orders.nope.v1"]), "mirrorMaker2.m.topics[0]: is not a catalog topic"),
        (mirror(domains=[]), "mirrorMaker2.m.topics: name what to mirror: catalog domains, topics or both"),
        (mirror(target="events"), "mirrorMaker2.m.target: is the source too"),
        (mirror(target="nowhere"), "mirrorMaker2.m.target: no such cluster; choose one of: events, legacy, west"),
        (mirror(source="west", target="events"), "mirrorMaker2.m.source: the catalog's topics are on cluster 'events'"),
        (mirror(externalUser=MM2_USER), "mirrorMaker2.m.externalUser: both sides are Strimzi clusters"),
        (mirror(target="legacy"), "mirrorMaker2.m.externalUser: the target 'legacy' is external: give the SASL user"),
        (mirror(targetListener="tls", target="legacy", externalUser=MM2_USER),
         "mirrorMaker2.m.targetListener: the target is external; remove it"),
        (mirror(sourceListener="plain"), "mirrorMaker2.m.sourceListener: cluster 'events': listener 'plain' is not"),
        (mirror(replicationPolicy="identity"), "mirrorMaker2.m.replicationPolicy: mirror 'back' copies back from"),
    ],
)  # fmt: skip
def test_a_mirror_that_cannot_work_is_refused_at_its_key(values: dict[str, Any], expected: str) -> None:
    mirrors = {"m": values, "back": {"source": "west", "target": "events", "domains": ["orders"]}}
    with pytest.raises(ConfigError) as failure:
        load(
            clusters={"events": {}, "west": WEST},
            externalClusters={"legacy": EXTERNAL},
            catalog={"cluster": "events"},
            mirrorMaker2=mirrors,
        )
    assert any(expected in problem for problem in problems(failure)), problems(failure)


def test_mirrored_clusters_share_a_namespace() -> None:
    with pytest.raises(ConfigError) as failure:
        load(clusters={"events": {}, "west": {**WEST, "namespace": "dr"}}, catalog={"cluster": "events"},
             mirrorMaker2={"m": mirror()})  # fmt: skip
    assert any("are in different namespaces (kafka, dr); MirrorMaker 2 reads both cluster CA" in p for p in
               problems(failure))  # fmt: skip


def test_the_external_user_password_must_be_a_pulumi_secret() -> None:
    raw = {
        "environment": "dev",
        "clusters": {"events": {}},
        "externalClusters": {"legacy": EXTERNAL},
        "mirrorMaker2": {"m": mirror(target="legacy", externalUser=MM2_USER)},
    }
    with pytest.raises(ConfigError) as failure:
        load_stack_config(raw)
    assert problems(failure) == [
        "messaging-platform:mirrorMaker2.m.externalUser.password: must be a Pulumi secret, not plain text in the "
        "stack file: pulumi config set --secret --path 'mirrorMaker2.m.externalUser.password' <password>"
    ]
    config = load_stack_config(raw, secret_keys={"mirrorMaker2.m.externalUser.password"})
    user = config.mirror_maker2["m"].external_user
    assert user is not None
    assert "s3cret-mm2" not in repr(user)


def test_an_external_ca_must_be_the_certificate_not_a_path() -> None:
    with pytest.raises(ConfigError) as failure:
        load(externalClusters={"legacy": {**EXTERNAL, "caCert": "/etc/ca.pem"}}, catalog={"cluster": "events"},
             mirrorMaker2={"m": mirror(target="legacy", externalUser=MM2_USER)})  # fmt: skip
    assert any("externalClusters.legacy.caCert: MirrorMaker 2 needs the CA certificate itself" in p
               for p in problems(failure))  # fmt: skip


def test_the_prod_preset_gives_mirrors_two_workers_with_resources() -> None:
    stack = load_stack_config(
        {"environment": "prod", "clusters": {"events": {}}, "externalClusters": {"legacy": EXTERNAL},
         "mirrorMaker2": {"m": mirror(target="legacy", externalUser=MM2_USER)}},
        secret_keys={"mirrorMaker2"},
    )  # fmt: skip
    settings = stack.mirror_maker2["m"]
    assert settings.replicas == 2
    assert settings.resources is not None and settings.resources.requests is not None
    assert (settings.resources.requests.cpu, settings.resources.requests.memory) == ("500m", "2Gi")


# Rebalances


def test_a_rebalance_is_refused_on_a_cluster_without_cruise_control() -> None:
    with pytest.raises(ConfigError) as failure:
        load_stack_config({"environment": "dev", "clusters": {"events": {}}, "rebalances": {"r": {}}})
    assert problems(failure) == [
        "messaging-platform:rebalances.r.cluster: cluster 'events' does not run Cruise Control "
        "(clusters.events.cruiseControl.enabled: false); a KafkaRebalance needs it: enable it or remove the "
        'rebalance (received: "events")'
    ]
    config = load_stack_config({"environment": "prod", "clusters": {"events": {}}, "rebalances": {"r": {}}})
    assert config.rebalances["r"].mode == "full"


@pytest.mark.parametrize(
    ("rebalance", "expected"),
    [
        ({"mode": "add-brokers"}, "rebalances.r.brokers: list the node ids of the brokers add-brokers is about"),
        ({"mode": "full", "brokers": [3]}, "rebalances.r.brokers: applies to add-brokers and remove-brokers only"),
        ({"mode": "remove-brokers", "brokers": [3, 3]}, "rebalances.r.brokers: each broker may be listed once"),
        ({"mode": "remove-disks"}, "rebalances.r.mode: Input should be 'full', 'add-brokers' or 'remove-brokers'"),
        ({"goals": ["RackAware"]}, "rebalances.r.goals[0]: 'RackAware' is not a Cruise Control goal name"),
        ({"cluster": "legacy"}, "rebalances.r.cluster: 'legacy' is an external cluster"),
        ({"cluster": "nowhere"}, "rebalances.r.cluster: no such cluster; choose one of: events"),
    ],
)
def test_a_rebalance_that_cannot_work_is_refused_at_its_key(rebalance: dict[str, Any], expected: str) -> None:
    raw = {"environment": "prod", "clusters": {"events": {}}, "externalClusters": {"legacy": EXTERNAL},
           "rebalances": {"r": rebalance}}  # fmt: skip
    with pytest.raises(ConfigError) as failure:
        load_stack_config(raw, secret_keys={"externalClusters"})
    assert any(expected in problem for problem in problems(failure)), problems(failure)


def test_a_rebalance_names_its_cluster_when_the_stack_has_several() -> None:
    raw = {"environment": "prod", "clusters": {"events": {}, "west": {"namespace": "west"}}, "rebalances": {"r": {}}}
    with pytest.raises(ConfigError) as failure:
        load_stack_config(raw)
    assert problems(failure) == [
        "messaging-platform:rebalances.r.cluster: choose the cluster to rebalance: events, west"
    ]


def test_the_committed_stacks_resolve_their_bridge_and_mirror(tmp_path: Path) -> None:
    from messaging_platform_tools.stack_files import load_stack_file

    prod = load_stack_file(PROJECT_DIR / "Pulumi.prod.yaml")
    assert list(prod.addons.bridges) == ["storefront"]
    mirror_stack = load_stack_file(PROJECT_DIR / "Pulumi.mirror.yaml")
    (resolved,) = mirror_stack.addons.mirrors.values()
    assert {topic.split(".")[0] for topic in resolved.topics} == {"orders", "payments"}
