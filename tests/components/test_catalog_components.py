"""Topics, users and external clusters under the mock engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from messaging_platform import build_platform, export_outputs
from messaging_platform.config import Stack
from messaging_platform.topic import topic_replacement_problems, topic_update_problems
from messaging_platform_tools.offline.engine import Recording
from tests.conftest import catalog_stack, write_catalog

Run = Callable[[Callable[[], object]], Recording]
TOPIC = "kubernetes:kafka.strimzi.io/v1:KafkaTopic"
USER = "kubernetes:kafka.strimzi.io/v1:KafkaUser"

DOMAIN = {
    "domain": "orders",
    "topics": {
        "orders.created.v1": {"partitions": 6},
        "orders.state.v1": {"partitions": 6, "cleanupPolicy": "compact", "topicName": "orders.state",
                            "previousNames": ["orders.state"]},
    },
    "services": {
        "order-service": {"produces": ["orders.created.v1", "orders.state.v1"]},
        "order-reader": {"consumes": [{"topic": "orders.created.v1", "group": "order-reader"}],
                         "quotas": {"consumerByteRate": "1MiB"}},
    },
}  # fmt: skip


@pytest.fixture
def catalog_root(tmp_path: Path) -> Path:
    return write_catalog(tmp_path, {"orders": DOMAIN})


def planned(run: Run, stack: Stack) -> Recording:
    return run(lambda: export_outputs(build_platform(stack)))


def test_prod_topics_are_protected_children_of_the_catalog_aliased_to_their_cluster(
    run: Run, catalog_root: Path
) -> None:
    recording = planned(run, catalog_stack(catalog_root, "prod"))
    (cluster,) = recording.of_type("messaging-platform:kafka:Cluster")
    (catalog,) = recording.of_type("messaging-platform:kafka:Catalog")
    (kafka,) = recording.of_type("kubernetes:kafka.strimzi.io/v1:Kafka")
    topics = recording.of_type(TOPIC)
    assert catalog.name == "events-catalog" and not catalog.parent.endswith("Cluster::events")
    assert [t.name for t in topics] == ["events-topic-orders.created.v1", "events-topic-orders.state.v1"]
    for topic in topics:
        assert topic.parent == catalog.urn
        # Where the topic lived before KafkaCatalog existed: under the cluster, same name.
        assert topic.urn.replace(catalog.urn.split("::")[2], cluster.urn.split("::")[2]) in topic.aliases
        assert topic.protect and not topic.retain_on_delete
        assert kafka.urn in topic.depends_on
        assert topic.hooks == ("before_update:events-topic-guard",)
        assert topic.inputs["metadata"]["labels"]["strimzi.io/cluster"] == "events"
        assert topic.inputs["spec"]["replicas"] == 3


def test_deletion_policy_per_stack_and_per_topic(run: Run, catalog_root: Path) -> None:
    dev = planned(run, catalog_stack(catalog_root, "dev"))
    assert not any(t.protect or t.retain_on_delete for t in dev.of_type(TOPIC))
    retained = planned(run, catalog_stack(catalog_root, "prod", catalog={
        "deletion": "retain", "topics": {"orders.created.v1": {"deletion": "delete"}}}))  # fmt: skip
    by_name = {t.inputs["spec"]["topicName"]: t for t in retained.of_type(TOPIC)}
    assert by_name["orders.state"].retain_on_delete and not by_name["orders.state"].protect
    assert not by_name["orders.created.v1"].retain_on_delete and not by_name["orders.created.v1"].protect


def test_a_renamed_catalog_entry_keeps_its_topic_through_an_alias(run: Run, catalog_root: Path) -> None:
    recording = planned(run, catalog_stack(catalog_root, "prod"))
    renamed = next(t for t in recording.of_type(TOPIC) if t.name == "events-topic-orders.state.v1")
    # The former URNs: the old name, under the catalog and under the cluster (its parent before
    # KafkaCatalog), and the current name under the cluster (as the engine resolves the aliases).
    under_cluster = renamed.urn.replace("kafka:Catalog$", "kafka:Cluster$")
    assert set(renamed.aliases) == {
        under_cluster,
        renamed.urn.replace("::events-topic-orders.state.v1", "::events-topic-orders.state"),
        under_cluster.replace("::events-topic-orders.state.v1", "::events-topic-orders.state"),
    }
    assert renamed.inputs["spec"]["topicName"] == "orders.state"
    assert renamed.inputs["metadata"]["name"] == "orders.state"


def test_scram_users_get_a_pulumi_owned_password_through_a_secret(run: Run, catalog_root: Path) -> None:
    recording = planned(run, catalog_stack(catalog_root, "prod"))
    (component,) = [c for c in recording.of_type("messaging-platform:kafka:User") if c.name.endswith("order-service")]
    (password,) = [p for p in recording.of_type("random:index/randomPassword:RandomPassword")
                   if p.name == "events-user-order-service-password"]  # fmt: skip
    (secret,) = [s for s in recording.of_type("kubernetes:core/v1:Secret") if s.parent == component.urn]
    (user,) = [u for u in recording.of_type(USER) if u.parent == component.urn]
    assert password.parent == component.urn and password.inputs["length"] == 32
    assert secret.inputs["stringData"] == {"password": "[secret]"}
    assert secret.inputs["metadata"]["name"] == "order-service-scram-password"
    ref = user.inputs["spec"]["authentication"]["password"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "order-service-scram-password", "key": "password"}
    assert secret.urn in user.depends_on
    assert recording.outputs["catalog"]["userSecrets"] == {
        "order-reader": "order-reader",
        "order-service": "order-service",
    }


def test_operator_owned_passwords_need_no_secret_or_random_password(run: Run, catalog_root: Path) -> None:
    recording = planned(run, catalog_stack(catalog_root, "prod", catalog={"passwords": "operator"}))
    assert recording.of_type("random:index/randomPassword:RandomPassword") == []
    assert recording.of_type("kubernetes:core/v1:Secret") == []
    assert {u.inputs["spec"]["authentication"]["type"] for u in recording.of_type(USER)} == {"scram-sha-512"}


def test_every_user_has_authentication_and_acls_on_catalog_topics(run: Run, catalog_root: Path) -> None:
    recording = planned(run, catalog_stack(catalog_root, "prod"))
    topic_names = {t.inputs["spec"]["topicName"] for t in recording.of_type(TOPIC)}
    for user in recording.of_type(USER):
        assert user.inputs["spec"]["authentication"]["type"] in {"scram-sha-512", "tls"}
        for rule in user.inputs["spec"]["authorization"]["acls"]:
            if rule["resource"]["type"] == "topic":
                assert rule["resource"]["name"] in topic_names


EXTERNAL = {
    "legacy": {
        "bootstrapServers": ["kafka-1.example.com:9096"],
        "brokers": 3,
        "sasl": {"username": "admin", "password": "[secret]"},
    }
}


def test_external_cluster_gets_provider_topics_credentials_acls_and_quotas(run: Run, catalog_root: Path) -> None:
    stack = catalog_stack(catalog_root, "prod", clusters={}, externalClusters=EXTERNAL)
    recording = planned(run, stack)
    (provider,) = recording.of_type("pulumi:providers:kafka")
    assert provider.inputs["saslPassword"] == "[secret]"
    assert provider.inputs["saslMechanism"] == "scram-sha512"
    topics = {t.inputs["name"]: t for t in recording.of_type("kafka:index/topic:Topic")}
    assert set(topics) == {"orders.created.v1", "orders.state"}
    assert topics["orders.state"].inputs["config"] == {"cleanup.policy": "compact", "min.insync.replicas": "2"}
    hooks = ("before_delete:legacy-topic-replacement-guard", "before_update:legacy-topic-guard")
    assert all(t.protect and t.hooks == hooks for t in topics.values())
    credentials = recording.of_type("kafka:index/userScramCredential:UserScramCredential")
    assert {c.inputs["username"] for c in credentials} == {"order-reader", "order-service"}
    assert {c.inputs["password"] for c in credentials} == {"[secret]"}
    acls = {(a.inputs["aclPrincipal"], a.inputs["aclResourceType"], a.inputs["aclResourceName"],
             a.inputs["aclOperation"], a.inputs["resourcePatternTypeFilter"])
            for a in recording.of_type("kafka:index/acl:Acl")}  # fmt: skip
    assert acls == {
        ("User:order-reader", "Group", "order-reader", "Read", "Literal"),
        ("User:order-reader", "Topic", "orders.created.v1", "Describe", "Literal"),
        ("User:order-reader", "Topic", "orders.created.v1", "Read", "Literal"),
        ("User:order-service", "Topic", "orders.created.v1", "Describe", "Literal"),
        ("User:order-service", "Topic", "orders.created.v1", "Write", "Literal"),
        ("User:order-service", "Topic", "orders.state", "Describe", "Literal"),
        ("User:order-service", "Topic", "orders.state", "Write", "Literal"),
    }
    (quota,) = recording.of_type("kafka:index/quota:Quota")
    assert quota.inputs == {"config": {"consumer_byte_rate": "1048576"}, "entityName": "order-reader",
                            "entityType": "user"}  # fmt: skip
    assert recording.of_type(TOPIC) == []


def test_external_password_must_be_a_pulumi_secret(catalog_root: Path) -> None:
    from messaging_platform.config import ConfigError, load_stack

    raw = {"environment": "prod", "externalClusters": EXTERNAL, "catalog": {}}
    with pytest.raises(ConfigError, match="must be a Pulumi secret"):
        load_stack(raw, catalog_root, secret_keys=())
    assert load_stack(raw, catalog_root, secret_keys={"externalClusters"}).catalog is not None


STRIMZI_TOPIC = {"spec": {"topicName": "orders", "partitions": 12, "replicas": 3,
                          "config": {"cleanup.policy": "compact"}}}  # fmt: skip


@pytest.mark.parametrize(
    ("new_spec", "cruise_control", "fragment"),
    [
        ({"partitions": 6}, False, "partitions cannot decrease (12 -> 6)"),
        ({"topicName": "orders-v2"}, False, "the Kafka topic name cannot change"),
        ({"replicas": 2}, False, "replicas cannot change (3 -> 2) without Cruise Control"),
        ({"config": {"cleanup.policy": "delete"}}, True, "would drop 'compact'"),
    ],
)
def test_guard_refuses_updates_that_lose_data(new_spec: dict[str, object], cruise_control: bool, fragment: str) -> None:
    new = {"spec": {**STRIMZI_TOPIC["spec"], **new_spec}}
    (problem,) = topic_update_problems(STRIMZI_TOPIC, new, cruise_control)
    assert fragment in problem


@pytest.mark.parametrize(
    "new_spec",
    [{"partitions": 24}, {"replicas": 5}, {"config": {"cleanup.policy": "compact,delete", "retention.ms": 1}}],
)
def test_guard_allows_safe_updates(new_spec: dict[str, object]) -> None:
    assert topic_update_problems(STRIMZI_TOPIC, {"spec": {**STRIMZI_TOPIC["spec"], **new_spec}}, True) == []


def test_guard_reads_pulumi_kafka_topics_too() -> None:
    old = {"name": "orders", "partitions": 12.0, "replicationFactor": 3.0, "config": {}}
    (problem,) = topic_update_problems(old, {**old, "partitions": 3.0}, cruise_control=True)
    assert "partitions cannot decrease (12 -> 3)" in problem


PULUMI_KAFKA_TOPIC = {"name": "orders.v1", "partitions": 12.0, "replicationFactor": 3.0, "config": {}}


def test_replacement_guard_refuses_deleting_a_topic_still_declared_with_fewer_partitions() -> None:
    (problem,) = topic_replacement_problems(PULUMI_KAFKA_TOPIC, {**PULUMI_KAFKA_TOPIC, "partitions": 6})
    assert problem.startswith("[partitions-decreased] orders.v1: ")
    assert "partitions cannot decrease (12 -> 6)" in problem


def test_replacement_guard_refuses_recreating_a_topic_to_change_its_replicas() -> None:
    (problem,) = topic_replacement_problems(PULUMI_KAFKA_TOPIC, {**PULUMI_KAFKA_TOPIC, "replicationFactor": 1})
    assert problem.startswith(
        "[replicas-changed] orders.v1: the provider would recreate the topic to change its replicas (3 -> 1)"
    )


def test_replacement_guard_lets_pulumi_destroy_delete_a_topic_declared_unchanged() -> None:
    assert topic_replacement_problems(PULUMI_KAFKA_TOPIC, {**PULUMI_KAFKA_TOPIC, "partitions": 12}) == []


def test_replacement_guard_lets_a_topic_removed_from_the_catalog_go() -> None:
    assert topic_replacement_problems(PULUMI_KAFKA_TOPIC, None) == []


def test_external_password_is_checked_leaf_by_leaf(catalog_root: Path) -> None:
    """An encrypted username beside a plain-text password does not make the password a secret."""
    from messaging_platform.config import ConfigError, load_stack

    raw = {"environment": "prod", "externalClusters": EXTERNAL, "catalog": {}}
    with pytest.raises(ConfigError, match="must be a Pulumi secret"):
        load_stack(raw, catalog_root, secret_keys={"externalClusters.legacy.sasl.username"})
    assert load_stack(raw, catalog_root, secret_keys={"externalClusters.legacy.sasl.password"}).catalog is not None


@pytest.mark.parametrize(
    ("encrypted", "shown"),
    [
        ({"externalClusters.legacy.sasl.password"}, "admin"),
        ({"externalClusters.legacy.sasl.password", "externalClusters.legacy.sasl.username"}, "[secret]"),
        ({"externalClusters"}, "[secret]"),
    ],
)
def test_an_encrypted_sasl_username_reaches_the_provider_as_a_secret(
    run: Run, catalog_root: Path, encrypted: set[str], shown: str
) -> None:
    from messaging_platform.config import load_stack

    raw = {"environment": "prod", "externalClusters": EXTERNAL, "catalog": {}}
    recording = planned(run, load_stack(raw, catalog_root, secret_keys=encrypted))
    (provider,) = recording.of_type("pulumi:providers:kafka")
    assert provider.inputs["saslUsername"] == shown


def code_catalog(target: str = "strimzi") -> Callable[[], None]:
    """A program declaring a cluster, a catalog, two topics and a service in code."""
    from messaging_platform import (
        ExternalKafkaCluster,
        ExternalKafkaClusterArgs,
        KafkaCatalog,
        KafkaCatalogArgs,
        KafkaCluster,
        KafkaClusterArgs,
        ServiceArgs,
        TopicArgs,
    )
    from messaging_platform.config import ExternalClusterConfig, cluster_config

    def program() -> None:
        cluster: KafkaCluster | ExternalKafkaCluster
        if target == "strimzi":
            cluster = KafkaCluster("events", KafkaClusterArgs(config=cluster_config("prod")))
        else:
            config = ExternalClusterConfig.model_validate({**EXTERNAL["legacy"], "sasl": None})
            cluster = ExternalKafkaCluster("legacy", ExternalKafkaClusterArgs(config=config))
        catalog = KafkaCatalog(f"{target}-catalog", KafkaCatalogArgs(target=cluster))
        catalog.add_topic(TopicArgs(name="orders.created.v1", domain="orders", partitions=6, replicas=3))
        catalog.add_topic({"name": "orders.state.v1", "domain": "orders", "partitions": 3, "replicas": 3,
                           "cleanupPolicy": "compact", "deletion": "delete"})  # fmt: skip
        catalog.add_service(ServiceArgs(name="order-service", domain="orders", produces=["orders.created.v1"]))

    return program


@pytest.mark.parametrize("target", ["strimzi", "external"])
def test_topics_and_services_added_in_code_land_on_either_backend(run: Run, target: str) -> None:
    recording = run(code_catalog(target))
    (catalog,) = recording.of_type("messaging-platform:kafka:Catalog")
    topic_type = TOPIC if target == "strimzi" else "kafka:index/topic:Topic"
    topics = {t.name: t for t in recording.of_type(topic_type)}
    prefix = "events" if target == "strimzi" else "legacy"
    assert set(topics) == {f"{prefix}-topic-orders.created.v1", f"{prefix}-topic-orders.state.v1"}
    assert all(t.parent == catalog.urn for t in topics.values())
    # Protected unless the topic says otherwise.
    assert topics[f"{prefix}-topic-orders.created.v1"].protect
    assert not topics[f"{prefix}-topic-orders.state.v1"].protect
    grants = (
        {(r["resource"]["name"], op) for u in recording.of_type(USER)
         for r in u.inputs["spec"]["authorization"]["acls"] for op in r["operations"]}
        if target == "strimzi"
        else {(a.inputs["aclResourceName"], a.inputs["aclOperation"]) for a in recording.of_type("kafka:index/acl:Acl")}
    )  # fmt: skip
    assert grants == {("orders.created.v1", "Describe"), ("orders.created.v1", "Write")}


@pytest.mark.parametrize(
    ("call", "args", "fragment"),
    [
        ("add_topic", {"name": "orders.big.v1", "domain": "orders", "partitions": 3, "replicas": 5},
         "add_topic('orders.big.v1').replicas: topic 'orders.big.v1' asks for 5 replicas but cluster 'events' has 3"),
        ("add_topic", {"name": "orders.isr.v1", "domain": "orders", "partitions": 3, "replicas": 3,
                       "minInsyncReplicas": 3}, "needs min.insync.replicas below its 3 replicas"),
        ("add_topic", {"name": "orders_created.v1", "domain": "orders", "partitions": 3, "replicas": 3},
         "collides with 'orders.created.v1'"),
        ("add_topic", {"name": "orders.created.v1", "domain": "orders", "partitions": 3, "replicas": 3},
         "declares a topic this catalog already has"),
        ("add_topic", {"name": "orders.typo.v1", "domain": "orders", "partitions": 3, "replica": 3},
         "add_topic('orders.typo.v1').replica: unknown key 'replica'"),
        ("add_service", {"name": "reader", "domain": "orders", "consumes": [{"topic": "orders.created", "group": "g"}]},
         "is not a catalog topic; did you mean 'orders.created.v1'?"),
        ("add_service", {"name": "thief", "domain": "billing", "produces": [{"prefix": "orders."}]},
         "billing"),
    ],
)  # fmt: skip
def test_code_declarations_get_the_catalog_files_checks(
    run: Run, call: str, args: dict[str, object], fragment: str
) -> None:
    from messaging_platform import KafkaCatalog, KafkaCatalogArgs, KafkaCluster, KafkaClusterArgs
    from messaging_platform.config import ConfigError, cluster_config

    def program() -> None:
        cluster = KafkaCluster("events", KafkaClusterArgs(config=cluster_config("prod")))
        catalog = KafkaCatalog("events-catalog", KafkaCatalogArgs(target=cluster))
        catalog.add_topic({"name": "orders.created.v1", "domain": "orders", "partitions": 6, "replicas": 3})
        getattr(catalog, call)(args)

    with pytest.raises(ConfigError) as error:
        run(program)
    assert fragment in str(error.value)
    assert str(error.value).startswith("KafkaCatalog 'events-catalog")
