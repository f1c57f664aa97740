"""Resources Strimzi only reconciles when labelled with their cluster."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...strimzi import CLUSTER_LABEL
from ..facts import CONNECTOR, NODE_POOL, REBALANCE, TOPIC, USER
from ..model import ResourceView, known
from ..registry import resource_rule

# Ref: Strimzi auto-rebalancing: templates are referenced from Kafka.spec.cruiseControl.autoRebalance.
TEMPLATE = "strimzi.io/rebalance-template"


@resource_rule(
    "cluster-label",
    f"Topics, users, node pools, connectors and rebalances carry the {CLUSTER_LABEL} label",
    "Without it the operators ignore the resource: it is never created, and nothing reports why.",
    [TOPIC, USER, NODE_POOL, CONNECTOR, REBALANCE],
)
def cluster_label(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """A non-empty ``strimzi.io/cluster`` label (rebalance templates, which Kafka refers to, need none)."""
    annotations = resource.metadata.get("annotations")
    if resource.type == REBALANCE and isinstance(annotations, Mapping) and annotations.get(TEMPLATE) == "true":
        return
    value = resource.labels.get(CLUSTER_LABEL)
    if known(value) and not value:
        yield f"metadata.labels['{CLUSTER_LABEL}'] is missing: no operator will reconcile this {resource.kind}"


RULES = (cluster_label,)
