"""Pure builder for the ``KafkaTopic`` custom resource (no Pulumi imports).

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaTopic-reference
"""

from __future__ import annotations

from typing import Any

from ..config.resolve import ResolvedTopic


def topic_spec(topic: ResolvedTopic) -> dict[str, Any]:
    """``KafkaTopic.spec``: the Kafka name is always explicit, so ``metadata.name`` is free to differ."""
    spec: dict[str, Any] = {"topicName": topic.kafka_name, "partitions": topic.partitions, "replicas": topic.replicas}
    if topic.config:
        spec["config"] = dict(topic.config)
    return spec


def topic_config_strings(topic: ResolvedTopic) -> dict[str, str]:
    """The topic config as Kafka's AdminClient takes it (every value a string)."""
    return {key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in topic.config.items()}
