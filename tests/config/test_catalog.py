"""The shared catalog: loading, validation at config time, per-stack resolution."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from messaging_platform.config import Catalog, ConfigError
from messaging_platform.config.resolve import kubernetes_topic_name
from tests.conftest import PROJECT_DIR, catalog_stack, write_catalog

BASE_TOPICS: dict[str, Any] = {
    "orders.order-created.v1": {"partitions": 6, "retention": "7d"},
    "orders.order-state.v1": {"partitions": 6, "cleanupPolicy": "compact"},
}
BASE_SERVICES: dict[str, Any] = {
    "order-service": {"produces": ["orders.order-created.v1"]},
}


def domain(topics: dict[str, Any] | None = None, services: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"domain": "orders", "topics": BASE_TOPICS if topics is None else topics,
            "services": BASE_SERVICES if services is None else services}  # fmt: skip


def problems_of(root: Path, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        catalog_stack(root, **kwargs)
    return {p.path: str(p) for p in caught.value.problems}


def test_committed_catalog_is_realistic() -> None:
    catalog = Catalog.load(PROJECT_DIR / "catalog")
    assert len(catalog.domains) >= 3
    assert len(catalog.topics) >= 8
    assert len(catalog.services) >= 5
    compacted = [k for k, (_, t) in catalog.topics.items() if "compact" in (t.cleanup_policy or [])]
    assert compacted, "the catalog shows a compacted topic"


def test_units_are_normalised_into_kafka_config(tmp_path: Path) -> None:
    topics = {"orders.a.v1": {"partitions": 3, "retention": "7d", "maxMessageBytes": "1MiB",
                              "retentionBytes": "10GiB", "segmentBytes": "256MiB"}}  # fmt: skip
    stack = catalog_stack(write_catalog(tmp_path, {"orders": domain(topics, {})}))
    (topic,) = stack.catalog.topics if stack.catalog else ()
    assert topic.config == {
        "max.message.bytes": 1_048_576,
        "min.insync.replicas": 2,
        "retention.bytes": 10 * 2**30,
        "retention.ms": 604_800_000,
        "segment.bytes": 256 * 2**20,
    }


def test_stack_defaults_then_catalog_then_stack_override(tmp_path: Path) -> None:
    root = write_catalog(tmp_path, {"orders": domain()})
    stack = catalog_stack(root, catalog={"defaults": {"retention": "1d"},
                                         "topics": {"orders.order-created.v1": {"partitions": 24}}})  # fmt: skip
    assert stack.catalog is not None
    topics = {t.key: t for t in stack.catalog.topics}
    assert topics["orders.order-created.v1"].partitions == 24  # stack override
    assert topics["orders.order-created.v1"].config["retention.ms"] == 604_800_000  # catalog beats default
    assert topics["orders.order-state.v1"].config["retention.ms"] == 86_400_000  # stack default
    assert topics["orders.order-state.v1"].replicas == 3  # prod preset


def test_same_topics_in_dev_and_prod_with_environment_replicas(tmp_path: Path) -> None:
    root = write_catalog(tmp_path, {"orders": domain()})
    dev, prod = catalog_stack(root, "dev"), catalog_stack(root, "prod")
    assert dev.catalog and prod.catalog
    assert [t.kafka_name for t in dev.catalog.topics] == [t.kafka_name for t in prod.catalog.topics]
    assert {t.replicas for t in dev.catalog.topics} == {1}
    assert {t.replicas for t in prod.catalog.topics} == {3}
    assert {t.deletion for t in dev.catalog.topics} == {"delete"}
    assert {t.deletion for t in prod.catalog.topics} == {"protect"}


def test_kafka_names_kubernetes_rejects_get_a_valid_distinct_metadata_name() -> None:
    assert kubernetes_topic_name("orders.order-created.v1") == "orders.order-created.v1"
    upper, lower = kubernetes_topic_name("Orders_V1"), kubernetes_topic_name("orders-v1")
    assert upper.startswith("orders-v1-") and len(upper) == len("orders-v1-") + 8
    assert upper != lower


BAD_CATALOGS: list[tuple[str, dict[str, Any], dict[str, Any], str, str]] = [
    ("bad-characters", domain({"orders/created": {"partitions": 1}}, {}), {},
     'catalog/orders.yaml: topics["orders/created"]',
     "not a valid Kafka topic name"),
    ("internal-prefix", domain({"__orders": {"partitions": 1}}, {}), {}, "catalog/orders.yaml: topics.__orders",
     "reserves for internal topics"),
    ("too-long", domain({"o" * 250: {"partitions": 1}}, {}), {}, "catalog/orders.yaml: topics." + "o" * 250,
     "1-249 characters"),
    ("zero-partitions", domain({"orders.a.v1": {"partitions": 0}}, {}), {},
     'catalog/orders.yaml: topics["orders.a.v1"].partitions', "greater than or equal to 1"),
    ("unknown-config-key", domain({"orders.a.v1": {"partitions": 1, "config": {"retention.hours": 5}}}, {}), {},
     'catalog/orders.yaml: topics["orders.a.v1"].config["retention.hours"]', "not a Kafka topic config key"),
    ("removed-config-key", domain({"orders.a.v1": {"partitions": 1, "config": {"message.format.version": "3.0"}}}, {}),
     {}, 'catalog/orders.yaml: topics["orders.a.v1"].config["message.format.version"]', "removed in Kafka 4.0"),
    ("bad-cleanup-policy", domain({"orders.a.v1": {"partitions": 1, "cleanupPolicy": "compacted"}}, {}), {},
     'catalog/orders.yaml: topics["orders.a.v1"].cleanupPolicy', "'delete' or 'compact'"),
    ("bad-cleanup-in-raw-config", domain({"orders.a.v1": {"partitions": 1, "config": {"cleanup.policy": "purge"}}}, {}),
     {}, 'catalog/orders.yaml: topics["orders.a.v1"].config["cleanup.policy"]', "allowed values: delete, compact"),
    ("segment-too-small", domain({"orders.a.v1": {"partitions": 1, "segmentBytes": "512KiB"}}, {}), {},
     'catalog/orders.yaml: topics["orders.a.v1"].segmentBytes', "at least 1048576"),
    ("typed-and-raw", domain({"orders.a.v1": {"partitions": 1, "retention": "1d", "config": {"retention.ms": 5}}}, {}),
     {}, 'catalog/orders.yaml: topics["orders.a.v1"].config["retention.ms"]', "set it once (retention)"),
    ("bad-duration", domain({"orders.a.v1": {"partitions": 1, "retention": "a week"}}, {}), {},
     'catalog/orders.yaml: topics["orders.a.v1"].retention', "use e.g. 500ms"),
    ("unknown-topic-key", domain({"orders.a.v1": {"partitions": 1, "retentoin": "1d"}}, {}), {},
     'catalog/orders.yaml: topics["orders.a.v1"].retentoin', "did you mean 'retention'"),
    ("replicas-above-brokers", domain(), {"defaults": {"replicas": 5}}, "messaging-platform:catalog.defaults.replicas",
     "asks for 5 replicas but cluster 'events' has 3 broker(s)"),
    ("min-isr-not-below-replicas", domain(), {"topics": {"orders.order-created.v1": {"minInsyncReplicas": 3}}},
     'messaging-platform:catalog.topics["orders.order-created.v1"].minInsyncReplicas', "below its 3 replicas"),
    ("override-unknown-topic", domain(), {"topics": {"orders.order-creatd.v1": {"partitions": 3}}},
     'messaging-platform:catalog.topics["orders.order-creatd.v1"]', "did you mean 'orders.order-created.v1'"),
    ("dot-underscore-collision", domain({"orders.a_b": {"partitions": 1}, "orders_a.b": {"partitions": 1}}, {}), {},
     'catalog/orders.yaml: topics["orders_a.b"]', "collides with 'orders.a_b'"),
    ("rename-changes-kafka-name", domain({"orders.b.v1": {"partitions": 1, "previousNames": ["orders.a.v1"]}}, {}), {},
     'catalog/orders.yaml: topics["orders.b.v1"].previousNames', "Kafka cannot rename a topic"),
    ("service-unknown-topic", domain(services={"order-service": {"produces": ["orders.order-creatd.v1"]}}), {},
     "catalog/orders.yaml: services.order-service.produces[0]", "did you mean 'orders.order-created.v1'"),
    ("service-prefix-matches-nothing", domain(services={"audit": {"consumes": [{"prefix": "billing.", "group": "a"}]}}),
     {}, "catalog/orders.yaml: services.audit.consumes[0].prefix", "matches no catalog topic"),
    ("service-no-intent", domain(services={"idle": {"description": "does nothing"}}), {},
     "catalog/orders.yaml: services.idle", "declare at least one intent"),
    ("service-bad-name", domain(services={"Order_Service": {"produces": ["orders.order-created.v1"]}}), {},
     "catalog/orders.yaml: services.Order_Service", "not a valid service name"),
    ("consume-without-group", domain(services={"s": {"consumes": [{"topic": "orders.order-created.v1"}]}}), {},
     "catalog/orders.yaml: services.s.consumes[0].group", "required but missing"),
    ("transactional-without-produces", domain(services={"s": {"transactional": {"id": "s"},
                                                              "consumes": [{"topic": "orders.order-created.v1",
                                                                            "group": "s"}]}}),
     {}, "catalog/orders.yaml: services.s.transactional", "must also declare what it produces"),
    ("tls-user-without-tls-listener", domain(services={"s": {"authentication": "tls",
                                                             "produces": ["orders.order-created.v1"]}}),
     {}, "catalog/orders.yaml: services.s.authentication", "no listener with tls authentication"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("document", "catalog", "path", "fragment"),
    [pytest.param(d, c, p, f, id=name) for name, d, c, p, f in BAD_CATALOGS],
)
def test_bad_catalogs_fail_at_config_time_naming_file_and_key(
    tmp_path: Path, document: dict[str, Any], catalog: dict[str, Any], path: str, fragment: str
) -> None:
    problems = problems_of(write_catalog(tmp_path, {"orders": document}), catalog=catalog)
    assert path in problems, f"no problem at {path}; got {list(problems)}"
    assert fragment in problems[path]


def test_a_topic_declared_in_two_files_is_refused(tmp_path: Path) -> None:
    root = write_catalog(tmp_path, {"orders": domain(), "more": {**domain(services={}), "domain": "more"}})
    problems = problems_of(root)
    assert 'catalog/orders.yaml: topics["orders.order-created.v1"]' in problems
    assert "also declared in catalog/more.yaml" in problems['catalog/orders.yaml: topics["orders.order-created.v1"]']


def test_a_service_declared_in_two_files_is_refused_beside_its_topics(tmp_path: Path) -> None:
    root = write_catalog(tmp_path, {"orders": domain(), "more": {**domain(), "domain": "more"}})
    clashes = {path for path, message in problems_of(root).items() if "also declared in catalog/more.yaml" in message}
    assert "catalog/orders.yaml: services.order-service" in clashes
    assert any(path.startswith("catalog/orders.yaml: topics[") for path in clashes), clashes


def test_a_missing_catalog_folder_is_a_config_error(tmp_path: Path) -> None:
    assert "does not exist" in problems_of(tmp_path)["catalog"]


def test_topics_need_the_topic_operator_and_acls_need_an_authorizer(tmp_path: Path) -> None:
    root = write_catalog(tmp_path, {"orders": domain()})
    with pytest.raises(ConfigError) as caught:
        catalog_stack(root, clusters={"events": {"authorization": None,
                                                 "entityOperator": {"topicOperator": {"enabled": False}}}})  # fmt: skip
    text = str(caught.value)
    assert "no Topic Operator" in text and "no ACL authorizer" in text
