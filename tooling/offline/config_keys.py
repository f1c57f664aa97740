"""Which stack config key a CRD violation in a planned stack comes from, where that is known."""

from __future__ import annotations

import json

from ..validation.crd_schema import SchemaViolation
from .project import PulumiProject

# The Kafka resource of cluster <name> is named <name>; these parts of its spec come from these keys
# of ``clusters.<name>`` (messaging_platform.specs.kafka.kafka_spec).
_KAFKA_SPEC_KEYS = (
    ("spec.kafka.rack", "rack"),
    ("spec.kafka.listeners", "listeners"),
    ("spec.kafka.authorization", "authorization"),
    ("spec.kafka.config", "config"),
    ("spec.kafka.metricsConfig", "metrics"),
    ("spec.cruiseControl", "cruiseControl"),
    ("spec.kafkaExporter", "kafkaExporter"),
    ("spec.entityOperator", "entityOperator"),
)


def stack_config_key(violation: SchemaViolation, project: PulumiProject, stack: str) -> str | None:
    """The key, in ``pulumi config set --path`` syntax (``messaging-platform:clusters.events.rack``),
    whose value the violating part of a cluster's Kafka resource was built from; None when unknown."""
    if violation.kind != "Kafka":
        return None
    key = next((k for prefix, k in _KAFKA_SPEC_KEYS if violation.path.startswith(prefix)), None)
    if key is None:
        return None
    config, _ = project.stack_config(stack)
    clusters = json.loads(config.get(f"{project.name}:clusters", "{}"))
    return f"{project.name}:clusters.{violation.name}.{key}" if violation.name in clusters else None
