"""Kafka Connect at config time: connectors in the catalog, Connect clusters in the stack, every
problem reported at the key that causes it before anything is registered."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from messaging_platform.config import ConfigError, Stack
from messaging_platform.config.connectors import password_like
from messaging_platform.config.errors import join_path
from tests.conftest import catalog_stack, write_catalog

TOPIC = "shipping.carrier-update.v1"
SOURCE: dict[str, Any] = {
    "connect": "integration",
    "class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
    "produces": [TOPIC],
    "config": {"file": "/tmp/feed.txt", "topic": TOPIC},
}
SINK: dict[str, Any] = {
    "connect": "integration",
    "class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
    "consumes": [TOPIC],
    "config": {"file": "/tmp/archive.txt", "topics": TOPIC},
}
JDBC_SINK: dict[str, Any] = {
    "connect": "integration",
    "class": "io.confluent.connect.jdbc.JdbcSinkConnector",
    "consumes": [TOPIC],
    "config": {"topics": TOPIC, "connection.url": "jdbc:postgresql://db:5432/shipping"},
}
SHA512 = "ab" * 64


def shipping(**connectors: dict[str, Any]) -> dict[str, Any]:
    return {
        "domain": "shipping",
        "topics": {TOPIC: {"partitions": 3}, "shipping.parcel-scan.v1": {"partitions": 3}},
        "services": {"tracker": {"consumes": [{"topic": TOPIC, "group": "tracker"}]}},
        "connectors": connectors or {"carrier-import": SOURCE, "carrier-archive": SINK},
    }


def connect_stack(
    root: Path,
    environment: str = "prod",
    domain: dict[str, Any] | None = None,
    connect: dict[str, Any] | None = None,
    **values: Any,
) -> Stack:
    """A stack with Connect cluster ``integration`` (``connect``: its config) and the shipping domain."""
    write_catalog(root, {"shipping": domain or shipping()})
    return catalog_stack(root, environment, connect={"integration": connect or {}}, **values)


def problems_of(root: Path, **kwargs: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        connect_stack(root, **kwargs)
    return [str(p) for p in caught.value.problems]


def with_config(connector: dict[str, Any], **config: Any) -> dict[str, Any]:
    changed = copy.deepcopy(connector)
    changed["config"].update(config)
    return changed


# --- the happy path -------------------------------------------------------------------------------


@pytest.mark.parametrize(("environment", "replicas", "isr"), [("dev", 1, 1), ("prod", 3, 2)])
def test_internal_topics_are_compacted_with_the_environments_replication(
    tmp_path: Path, environment: str, replicas: int, isr: int
) -> None:
    connect = connect_stack(tmp_path, environment).connect["integration"]
    topics = {role: (t.kafka_name, t.partitions, t.replicas, t.config) for role, t in connect.topics.items()}
    compacted = {"cleanup.policy": "compact", "min.insync.replicas": isr}
    assert topics == {
        "configs": ("connect.integration.configs", 1, replicas, compacted),
        "offsets": ("connect.integration.offsets", 25, replicas, compacted),
        "status": ("connect.integration.status", 5, replicas, compacted),
    }
    assert connect.group_id == "connect.integration"
    assert connect.deletion == ("protect" if environment == "prod" else "delete")


def test_the_connect_cluster_runs_the_catalog_connectors_that_name_it(tmp_path: Path) -> None:
    stack = connect_stack(tmp_path)
    connect = stack.connect["integration"]
    assert [c.name for c in connect.connectors] == ["carrier-archive", "carrier-import"]
    assert [(c.consumes, c.produces) for c in connect.connectors] == [((TOPIC,), ()), ((), (TOPIC,))]
    assert (connect.cluster, connect.namespace, connect.user_name) == ("events", "kafka", "integration-connect")


def test_a_stack_without_connect_clusters_deploys_no_connectors(tmp_path: Path) -> None:
    write_catalog(tmp_path, {"shipping": shipping()})
    stack = catalog_stack(tmp_path)
    assert stack.catalog is not None and len(stack.catalog.connectors) == 2
    assert stack.connect == {}


MTLS = {"mtls": {"port": 9094, "type": "internal", "tls": True, "authentication": {"type": "tls"}}}


@pytest.mark.parametrize(
    ("listeners", "wanted", "listener", "authentication"),
    [
        ({}, None, "tls", "scram-sha-512"),  # prod preset: tls (SCRAM) only
        (MTLS, None, "tls", "scram-sha-512"),  # SCRAM first, as every platform client chooses
        (MTLS, "mtls", "mtls", "tls"),  # the user authenticates as the listener asks
    ],
)
def test_the_listener_is_an_internal_tls_listener_with_authentication(
    tmp_path: Path, listeners: dict[str, Any], wanted: str | None, listener: str, authentication: str
) -> None:
    stack = connect_stack(tmp_path, clusters={"events": {"listeners": listeners}}, connect={"listener": wanted})
    connect = stack.connect["integration"]
    assert (connect.listener, connect.authentication) == (listener, authentication)


@pytest.mark.parametrize(
    ("key", "secret"),
    [("connection.password", True), ("aws.secret.access.key", True), ("api.key", True), ("apiKey", True),
     ("oauth.token", True), ("gcp.credentials", True), ("key.converter", False), ("aws.access.key.id", False),
     ("transforms.route.key.field", False), ("token.endpoint.url", False), ("keystore.type", False)],
)  # fmt: skip
def test_password_like_keys_are_judged_by_their_last_part(key: str, secret: bool) -> None:
    assert password_like(key) is secret


# --- secrets --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["connection.password", "aws.secret.access.key", "api.key", "oauth.client.secret", "apiToken",
            "gcp.credentials", "ssl.key.password"]
)  # fmt: skip
def test_a_literal_secret_in_a_connector_is_refused_naming_the_key(tmp_path: Path, key: str) -> None:
    domain = shipping(**{"db-sink": with_config(JDBC_SINK, **{key: "hunter2"})})
    (problem,) = problems_of(tmp_path, domain=domain)
    where = join_path("catalog/shipping.yaml: ", ["connectors", "db-sink", "config", key])
    assert problem.startswith(f"{where}: is a literal secret")
    assert "hunter2" not in problem


def test_a_literal_secret_in_the_worker_config_is_refused_naming_the_key(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, connect={"config": {"producer.ssl.key.password": "hunter2"}})
    assert problem.startswith(
        'messaging-platform:connect.integration.config["producer.ssl.key.password"]: is a literal secret'
    )
    assert "hunter2" not in problem


def test_config_provider_references_and_keys_that_are_not_secrets_pass(tmp_path: Path) -> None:
    sink = with_config(
        JDBC_SINK,
        **{
            "connection.password": "${directory:/mnt/secrets/shipping-db:password}",
            "connection.user": "${file:/mnt/secrets/shipping-db/db.properties:user}",
            "aws.secret.access.key": "${env:AWS_SECRET_ACCESS_KEY}",
            "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "transforms.route.key.field": "parcel",
            "keystore.type": "PKCS12",
        },
    )
    connect = {"secrets": ["shipping-db"], "env": {"AWS_SECRET_ACCESS_KEY": {"secret": "aws", "key": "secret"}}}
    stack = connect_stack(tmp_path, domain=shipping(**{"db-sink": sink}), connect=connect)
    assert stack.connect["integration"].providers == ("directory", "file", "env")


@pytest.mark.parametrize(
    ("reference", "connect", "fragment"),
    [
        ("${directory:/mnt/secrets/other:password}", {"secrets": ["shipping-db"]},
         "/mnt/secrets/other is not in a Secret the Connect cluster mounts"),
        ("${directory:/mnt/secrets/shipping-db:password}", {},
         "configures no config provider 'directory' (configured: none (no secrets or env))"),
        ("${strimzidir:/opt/kafka/connect-password/integration-connect:password}", {"secrets": ["shipping-db"]},
         "is Strimzi's own provider"),
        ("${env:DB_PASWORD}", {"env": {"DB_PASSWORD": {"secret": "db", "key": "password"}}},
         "variable DB_PASWORD is not set by the Connect cluster; add it under env; did you mean 'DB_PASSWORD'?"),
        ("${directory:password}", {"secrets": ["shipping-db"]}, "needs the path of a mounted Secret"),
    ],
)  # fmt: skip
def test_references_name_a_provider_and_a_secret_the_connect_cluster_gives(
    tmp_path: Path, reference: str, connect: dict[str, Any], fragment: str
) -> None:
    domain = shipping(**{"db-sink": with_config(JDBC_SINK, **{"connection.password": reference})})
    (problem,) = problems_of(tmp_path, domain=domain, connect=connect)
    assert problem.startswith('catalog/shipping.yaml: connectors.db-sink.config["connection.password"]: ')
    assert fragment in problem


# --- references to the catalog and the stack ------------------------------------------------------


def test_connector_topics_are_catalog_topics(tmp_path: Path) -> None:
    source = {**SOURCE, "produces": ["shipping.carrier-updates.v1"]}
    (problem,) = problems_of(tmp_path, domain=shipping(**{"carrier-import": source}))
    assert problem == (
        "catalog/shipping.yaml: connectors.carrier-import.produces[0]: is not a catalog topic; "
        f"did you mean '{TOPIC}'? (received: \"shipping.carrier-updates.v1\")"
    )


def test_a_sink_reads_only_what_it_consumes(tmp_path: Path) -> None:
    sink = with_config(SINK, topics=f"{TOPIC},shipping.parcel-scan.v1")
    (problem,) = problems_of(tmp_path, domain=shipping(**{"carrier-archive": sink}))
    assert problem.startswith("catalog/shipping.yaml: connectors.carrier-archive.config.topics: reads "
                              "shipping.parcel-scan.v1, which `consumes` does not list")  # fmt: skip


def test_a_connector_names_a_connect_cluster_of_the_stack(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, domain=shipping(**{"carrier-import": {**SOURCE, "connect": "integratoin"}}))
    assert problem == (
        "catalog/shipping.yaml: connectors.carrier-import.connect: is not a Connect cluster of this stack "
        "(integration); did you mean 'integration'? (received: \"integratoin\")"
    )


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("name", "is set by Strimzi from the connector's own keys"),
        ("tasks.max", "is set by Strimzi from the connector's own keys"),
    ],
)
def test_connector_config_strimzi_sets_is_refused(tmp_path: Path, key: str, fragment: str) -> None:
    (problem,) = problems_of(tmp_path, domain=shipping(**{"carrier-import": with_config(SOURCE, **{key: "x"})}))
    where = join_path("catalog/shipping.yaml: ", ["connectors", "carrier-import", "config", key])
    assert problem.startswith(f"{where}: {fragment}")


def test_a_connector_declares_what_it_reads_or_writes(tmp_path: Path) -> None:
    source = {k: v for k, v in SOURCE.items() if k != "produces"}
    (problem,) = problems_of(tmp_path, domain=shipping(**{"carrier-import": source}))
    assert problem.startswith("catalog/shipping.yaml: connectors.carrier-import: declare what it reads (consumes)")


@pytest.mark.parametrize(
    ("key", "policy", "refused"),
    [
        ("consumer.override.max.poll.records", "None", True),
        ("consumer.override.max.poll.records", "Principal", True),
        ("consumer.override.max.poll.records", "All", False),
        ("consumer.override.sasl.mechanism", "Principal", False),
        ("consumer.override.group.id", "All", True),
    ],
)
def test_client_overrides_follow_the_override_policy(tmp_path: Path, key: str, policy: str, refused: bool) -> None:
    domain = shipping(**{"carrier-archive": with_config(SINK, **{key: "100"})})
    connect = {"clientConfigOverridePolicy": policy}
    if refused:
        (problem,) = problems_of(tmp_path, domain=domain, connect=connect)
        assert problem.startswith(f'catalog/shipping.yaml: connectors.carrier-archive.config["{key}"]: ')
    else:
        assert connect_stack(tmp_path, domain=domain, connect=connect).connect


# --- the Connect cluster against its stack --------------------------------------------------------


@pytest.mark.parametrize("artifact_type", ["jar", "tgz", "zip", "other"])
def test_prod_refuses_downloaded_artifacts_without_sha512sum(tmp_path: Path, artifact_type: str) -> None:
    url = f"https://repo.example.com/debezium/plugin.{artifact_type}"
    artifact: dict[str, Any] = {"type": artifact_type, "url": url}
    build = {"output": {"image": "registry.example.com/connect:1"}, "plugins": {"debezium": {"artifacts": [artifact]}}}
    (problem,) = problems_of(tmp_path, connect={"build": build})
    assert problem.startswith(
        "messaging-platform:connect.integration.build.plugins.debezium.artifacts[0].sha512sum: is required in prod: "
        f"pin {url} by its SHA-512"
    )
    assert connect_stack(tmp_path, "dev", connect={"build": build}).connect
    artifact["sha512sum"] = SHA512
    assert connect_stack(tmp_path, "prod", connect={"build": build}).connect


def test_maven_artifacts_need_no_checksum_in_prod(tmp_path: Path) -> None:
    maven = {"type": "maven", "group": "org.apache.kafka", "artifact": "connect-file", "version": "4.3.1"}
    build = {"output": {"image": "registry.example.com/connect:1"}, "plugins": {"connect-file": {"artifacts": [maven]}}}
    assert connect_stack(tmp_path, connect={"build": build}).connect


def test_connect_needs_a_catalog(tmp_path: Path) -> None:
    from messaging_platform.config import load_stack

    raw = {"environment": "prod", "clusters": {"events": {}}, "connect": {"integration": {}}}
    with pytest.raises(ConfigError) as caught:
        load_stack(raw, tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "messaging-platform:connect: Kafka Connect runs on the catalog's cluster and runs its connectors: set "
        "messaging-platform:catalog"
    ]


def test_connect_needs_the_catalog_on_a_strimzi_cluster(tmp_path: Path) -> None:
    external = {"legacy": {"bootstrapServers": ["kafka-1.example.com:9096"], "brokers": 3,
                           "sasl": {"username": "admin", "password": "[secret]"}}}  # fmt: skip
    (problem,) = problems_of(tmp_path, clusters={}, externalClusters=external)
    assert problem.startswith(
        "messaging-platform:connect: Kafka Connect needs a Strimzi cluster; the catalog's cluster 'legacy' is external"
    )


@pytest.mark.parametrize(
    ("values", "connect", "expected"),
    [
        ({"clusters": {"events": {"listeners": {"tls": None, "plain": {
            "port": 9092, "type": "internal", "tls": False, "authentication": {"type": "scram-sha-512"}}}}}}, {},
         "messaging-platform:connect.integration: cluster 'events': has no internal TLS listener with scram-sha-512 "
         "or tls authentication for its clients"),
        ({}, {"listener": "plain"},
         "messaging-platform:connect.integration.listener: cluster 'events': no such listener; the cluster has: tls"),
        ({"clusters": {"events": {"authorization": None}}}, {},
         "messaging-platform:connect.integration: cluster 'events' has no ACL authorizer"),
        ({}, {"internalTopics": {"replicas": 5, "minInsyncReplicas": 2}},
         "messaging-platform:connect.integration.internalTopics.replicas: topic 'connect.integration.configs' asks for "
         "5 replicas but cluster 'events' has 3 broker(s)"),
        ({}, {"configStorageTopic": TOPIC},
         f"messaging-platform:connect.integration.configStorageTopic: is (or collides with) catalog topic '{TOPIC}'"),
        ({}, {"offsetStorageTopic": "shipping.connect-offsets"},
         "messaging-platform:connect.integration.offsetStorageTopic: is inside service 'tracker''s prefix grant"),
        ({}, {"groupId": "tracker"},
         "messaging-platform:connect.integration.groupId: group 'tracker' is also service 'tracker''s consumer group"),
        ({}, {"config": {"group.id": "x"}},
         'messaging-platform:connect.integration.config["group.id"]: is managed by Strimzi'),
        ({}, {"config": {"config.providers": "secrets"}},
         'messaging-platform:connect.integration.config["config.providers"]: is set by messaging-platform from '
         "secrets and env"),
        ({}, {"config": {"offset.storage.replication.factor": 1}},
         'messaging-platform:connect.integration.config["offset.storage.replication.factor"]: is set by '
         "messaging-platform from internalTopics.replicas"),
    ],
    ids=["no-usable-listener", "unknown-listener", "no-authorizer", "replicas-over-brokers", "catalog-topic-clash",
         "inside-a-prefix-grant", "group-clash", "strimzi-key", "provider-key", "replication-key"],
)  # fmt: skip
def test_a_connect_cluster_that_cannot_work_is_refused(
    tmp_path: Path, values: dict[str, Any], connect: dict[str, Any], expected: str
) -> None:
    domain = shipping()
    if "prefix" in expected:
        domain["services"]["tracker"] = {"produces": [{"prefix": "shipping."}]}
    if "authorizer" in expected:
        domain["services"] = {}  # or the catalog's services are refused first
    problems = problems_of(tmp_path, domain=domain, connect=connect, **values)
    assert any(p.startswith(expected) for p in problems), problems
