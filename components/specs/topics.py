"""Pure builder for the ``KafkaTopic`` custom resource (no Pulumi imports).

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaTopic-reference
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class TopicShape(Protocol):
    """What the builders need of a topic (a resolved catalog topic or a component's args)."""

    @property
    def kafka_name(self) -> str: ...
    @property
    def partitions(self) -> int: ...
    @property
    def replicas(self) -> int: ...
    @property
    def config(self) -> Mapping[str, Any]: ...


def topic_spec(topic: TopicShape) -> dict[str, Any]:
    """``KafkaTopic.spec``: the Kafka name is always explicit, so ``metadata.name`` is free to differ."""
    spec: dict[str, Any] = {"topicName": topic.kafka_name, "partitions": topic.partitions, "replicas": topic.replicas}
    if topic.config:
        spec["config"] = dict(topic.config)
    return spec


def topic_config_strings(topic: TopicShape) -> dict[str, str]:
    """The topic config as Kafka's AdminClient takes it (every value a string)."""
    return {key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in topic.config.items()}
