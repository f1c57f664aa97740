"""Prefix grants stay inside what a service owns: each bypass the intents allowed is refused at
config time, naming the key, and the reviewed escape hatch lets a real cross-domain grant through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from messaging_platform.config import ConfigError
from tests.conftest import catalog_stack, write_catalog

ORDERS: dict[str, Any] = {
    "domain": "orders",
    "topics": {"orders.created.v1": {"partitions": 3}, "orders.state.v1": {"partitions": 3}},
    "services": {"order-service": {"produces": ["orders.created.v1"], "transactional": {"idPrefix": "order-service-"}}},
}


def analytics(**service: Any) -> dict[str, Any]:
    """The analytics domain with one service ``thief`` declaring ``service``."""
    return {
        "domain": "analytics",
        "topics": {"analytics.revenue.v1": {"partitions": 3}},
        "services": {"thief": service},
    }


STREAMS = {"consumes": ["orders.created.v1"], "produces": ["analytics.revenue.v1"]}
BYPASSES = [
    (
        "streams-application-id-in-another-domain",
        analytics(streams={"applicationId": "orders", **STREAMS}),
        "services.thief.streams.applicationId",
        "every topic starting with 'orders', outside domain 'analytics'",
    ),
    (
        "produce-prefix-in-another-domain",
        analytics(produces=[{"prefix": "orders."}]),
        "services.thief.produces[0].prefix",
        "outside domain 'analytics'",
    ),
    (
        "read-prefix-fragment",
        analytics(consumes=[{"prefix": "o", "group": "thief"}]),
        "services.thief.consumes[0].prefix",
        "'o', which is not a whole domain namespace",
    ),
    (
        "transactional-prefix-too-wide",
        analytics(produces=["analytics.revenue.v1"], transactional={"idPrefix": "o"}),
        "services.thief.transactional.idPrefix",
        "start it with the service name 'thief'",
    ),
    (
        "transactional-id-taken",
        analytics(produces=["analytics.revenue.v1"], transactional={"id": "order-service-1"}),
        "services.thief.transactional.id",
        "is covered by service 'order-service''s 'order-service-'",
    ),
]


def _problems(root: Path) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        catalog_stack(root)
    return {p.path: str(p) for p in caught.value.problems}


@pytest.mark.parametrize(("document", "key", "fragment"), [pytest.param(d, k, f, id=n) for n, d, k, f in BYPASSES[:4]])
def test_a_grant_outside_what_the_service_owns_is_refused(
    tmp_path: Path, document: dict[str, Any], key: str, fragment: str
) -> None:
    problems = _problems(write_catalog(tmp_path, {"orders": ORDERS, "analytics": document}))
    path = f"catalog/analytics.yaml: {key}"
    assert path in problems, list(problems)
    assert fragment in problems[path]


def test_a_transactional_prefix_that_covers_another_services_ids_is_refused(tmp_path: Path) -> None:
    other = {
        **ORDERS,
        "services": {
            "order-service": {"produces": ["orders.created.v1"], "transactional": {"idPrefix": "analytics-orders-"}}
        },
    }
    document = analytics(produces=["analytics.revenue.v1"], transactional={"idPrefix": "analytics-"})
    problems = _problems(write_catalog(tmp_path, {"orders": other, "analytics": document}))
    assert (
        "covers service 'order-service''s 'analytics-orders-'"
        in problems["catalog/analytics.yaml: services.thief.transactional.idPrefix"]
    )


def test_a_taken_transactional_id_is_refused(tmp_path: Path) -> None:
    _, document, key, fragment = BYPASSES[4]
    problems = _problems(write_catalog(tmp_path, {"orders": ORDERS, "analytics": document}))
    assert fragment in problems[f"catalog/analytics.yaml: {key}"]


def test_a_reviewed_cross_domain_grant_is_allowed(tmp_path: Path) -> None:
    document = analytics(produces=[{"prefix": "orders."}], reviewedCrossDomainGrants=["orders."])
    stack = catalog_stack(write_catalog(tmp_path, {"orders": ORDERS, "analytics": document}))
    assert stack.catalog is not None
    thief = next(s for s in stack.catalog.services if s.name == "thief")
    assert ("topic", "prefix", "orders.") in {(a.resource_type, a.pattern, a.name) for a in thief.acls}


def test_the_committed_catalog_stays_inside_its_domains() -> None:
    from tests.conftest import PROJECT_DIR

    assert catalog_stack(PROJECT_DIR).catalog is not None
