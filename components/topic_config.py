"""Kafka 4.x topic-level configuration: the keys brokers accept, their types and allowed values.

Ref: https://kafka.apache.org/documentation/#topicconfigs and Kafka's LogConfig (4.2/4.3):
keys removed in 4.0 (``message.format.version``, ``message.timestamp.difference.max.ms``) are unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

LONG_MAX = 2**63 - 1
INT_MAX = 2**31 - 1
CLEANUP_POLICIES = ("delete", "compact")
CompressionType = Literal["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]
COMPRESSION_TYPES: tuple[str, ...] = get_args(CompressionType)


@dataclass(frozen=True)
class TopicOption:
    """One topic config key: its type and the values Kafka accepts."""

    kind: str  # "int", "long", "double", "boolean", "string", "list"
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def problem(self, value: Any) -> str | None:
        """Why Kafka would reject this value, or None."""
        if self.kind == "boolean":
            if isinstance(value, bool) or (isinstance(value, str) and value.lower() in {"true", "false"}):
                return None
            return "must be true or false"
        if self.kind in {"int", "long", "double"}:
            return self._number_problem(value)
        if self.kind == "list":
            items = value if isinstance(value, list) else [v.strip() for v in str(value).split(",") if v.strip()]
            bad = [item for item in items if item not in self.choices]
            return f"allowed values: {', '.join(self.choices)}" if bad else None
        if self.choices and str(value) not in self.choices:
            return f"allowed values: {', '.join(self.choices)}"
        return None

    def _number_problem(self, value: Any) -> str | None:
        if isinstance(value, bool):
            return f"must be a{'n integer' if self.kind != 'double' else ' number'}"
        try:
            number = float(value) if self.kind == "double" else int(str(value))
        except ValueError:
            return f"must be a{'n integer' if self.kind != 'double' else ' number'}"
        upper = self.maximum if self.maximum is not None else (INT_MAX if self.kind == "int" else LONG_MAX)
        if self.minimum is not None and number < self.minimum:
            return f"must be at least {_show(self.minimum)}"
        if number > upper:
            return f"must be at most {_show(upper)}"
        return None


def _show(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


TOPIC_OPTIONS: dict[str, TopicOption] = {
    "cleanup.policy": TopicOption("list", choices=CLEANUP_POLICIES),
    "compression.type": TopicOption("string", choices=COMPRESSION_TYPES),
    "compression.gzip.level": TopicOption("int", minimum=-1, maximum=9),
    "compression.lz4.level": TopicOption("int", minimum=1, maximum=17),
    "compression.zstd.level": TopicOption("int", minimum=-131072, maximum=22),
    "delete.retention.ms": TopicOption("long", minimum=0),
    "file.delete.delay.ms": TopicOption("long", minimum=0),
    "flush.messages": TopicOption("long", minimum=1),
    "flush.ms": TopicOption("long", minimum=0),
    "follower.replication.throttled.replicas": TopicOption("string"),
    "leader.replication.throttled.replicas": TopicOption("string"),
    "index.interval.bytes": TopicOption("int", minimum=0),
    "local.retention.bytes": TopicOption("long", minimum=-2),
    "local.retention.ms": TopicOption("long", minimum=-2),
    "max.compaction.lag.ms": TopicOption("long", minimum=1),
    "max.message.bytes": TopicOption("int", minimum=0),
    "message.timestamp.after.max.ms": TopicOption("long", minimum=0),
    "message.timestamp.before.max.ms": TopicOption("long", minimum=0),
    "message.timestamp.type": TopicOption("string", choices=("CreateTime", "LogAppendTime")),
    "min.cleanable.dirty.ratio": TopicOption("double", minimum=0, maximum=1),
    "min.compaction.lag.ms": TopicOption("long", minimum=0),
    "min.insync.replicas": TopicOption("int", minimum=1),
    "preallocate": TopicOption("boolean"),
    "remote.log.copy.disable": TopicOption("boolean"),
    "remote.log.delete.on.disable": TopicOption("boolean"),
    "remote.storage.enable": TopicOption("boolean"),
    "retention.bytes": TopicOption("long", minimum=-1),
    "retention.ms": TopicOption("long", minimum=-1),
    "segment.bytes": TopicOption("int", minimum=1_048_576),
    "segment.index.bytes": TopicOption("int", minimum=4),
    "segment.jitter.ms": TopicOption("long", minimum=0),
    "segment.ms": TopicOption("long", minimum=1),
    "unclean.leader.election.enable": TopicOption("boolean"),
}

REMOVED_OPTIONS: dict[str, str] = {
    "message.format.version": "removed in Kafka 4.0 (KIP-724)",
    "message.timestamp.difference.max.ms": "removed in Kafka 4.0; use message.timestamp.before.max.ms/after.max.ms",
    "message.downconversion.enable": "has no effect since Kafka 4.0",
}


def topic_config_problems(config: dict[str, Any]) -> list[tuple[str, str]]:
    """``(key, problem)`` for every key Kafka does not know or value it would reject."""
    problems = []
    for key, value in config.items():
        option = TOPIC_OPTIONS.get(key)
        if option is None:
            reason = REMOVED_OPTIONS.get(key, "is not a Kafka topic config key")
            problems.append((key, reason))
            continue
        problem = option.problem(value)
        if problem:
            problems.append((key, problem))
    low, high = as_int(config.get("min.compaction.lag.ms")), as_int(config.get("max.compaction.lag.ms"))
    if low is not None and high is not None and low > high:
        problems.append(("min.compaction.lag.ms", "must not exceed max.compaction.lag.ms"))
    return problems


def cleanup_policies(config: dict[str, Any]) -> set[str]:
    """The topic's cleanup policies (``delete`` by default)."""
    value = config.get("cleanup.policy", "delete")
    items = value if isinstance(value, list) else str(value).split(",")
    return {item.strip() for item in items if item.strip()}


def as_int(value: Any) -> int | None:
    """An integer config value (given as a number or as text), else None."""
    if isinstance(value, bool):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None
