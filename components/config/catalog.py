"""The topic and service catalog: declared once in ``catalog/*.yaml``, shared by every stack.

A catalog file describes one domain: its topics (keyed by Kafka topic name) and its services,
whose *intents* (``produces``, ``consumes``, ``transactional``, ``streams``) become least-privilege
ACLs. Stacks tune topics per environment through ``messaging-platform:catalog`` (defaults and
per-topic overrides) without copying them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, WithJsonSchema, model_validator

from ..topic_config import CompressionType, topic_config_problems
from .base import ConfigModel, Problem, json_pattern, raise_problems
from .connectors import ConnectorName, ConnectorSpec
from .errors import ConfigError, ConfigProblem, join_path, problems_from_validation_error
from .units import DurationMs, SizeBytes
from .yaml_input import YamlInputError, load_yaml

# Ref: Kafka clients Topic.java (legal characters, MAX_NAME_LENGTH = 249).
_KAFKA_TOPIC = re.compile(r"^[a-zA-Z0-9._-]{1,249}$")
# Ref: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names
_K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")

# Files read as domain files; a YAML extension in another case is refused, never skipped.
CATALOG_SUFFIXES = frozenset({".yaml", ".yml"})

DeletionPolicy = Literal["protect", "retain", "delete"]
CleanupPolicy = Literal["delete", "compact"]
TopicConfigValue = bool | int | float | str | list[str]


def _policy_list(value: Any) -> Any:
    # `compact`, `compact,delete` and [compact, delete] all mean the same to Kafka.
    return [part.strip() for part in value.split(",")] if isinstance(value, str) else value


_POLICY = "|".join(get_args(CleanupPolicy))
CleanupPolicies = Annotated[
    list[CleanupPolicy],
    BeforeValidator(_policy_list),
    WithJsonSchema(
        {
            "title": "cleanup policies",
            "anyOf": [
                {"type": "array", "items": {"enum": list(get_args(CleanupPolicy))}},
                {"type": "string", "pattern": f"^\\s*({_POLICY})\\s*(,\\s*({_POLICY})\\s*)*$"},
            ],
            "examples": ["delete", "compact", "compact,delete"],
        }
    ),
]


def check_kafka_topic_name(name: str) -> str:
    """Kafka's own rules for topic names."""
    if name in {".", ".."} or not _KAFKA_TOPIC.match(name):
        raise ValueError(
            f"'{name}' is not a valid Kafka topic name: use 1-249 characters from a-z, A-Z, 0-9, '.', '_', '-' "
            "(and not '.' or '..')"
        )
    if name.startswith("__"):
        raise ValueError(f"'{name}' starts with '__', which Kafka reserves for internal topics")
    return name


def check_service_name(name: str) -> str:
    """Service names become KafkaUser names (Kubernetes names, principals ``User:<name>``)."""
    if len(name) > 64 or not _K8S_NAME.match(name):
        raise ValueError(
            f"'{name}' is not a valid service name: use at most 64 lowercase letters, digits, '-' and '.', "
            "starting and ending with a letter or digit (it becomes the KafkaUser name)"
        )
    return name


KafkaTopicName = Annotated[
    str,
    AfterValidator(check_kafka_topic_name),
    WithJsonSchema(
        {
            "title": "Kafka topic name",
            "type": "string",
            "pattern": json_pattern(_KAFKA_TOPIC),
            "not": {"anyOf": [{"enum": [".", ".."]}, {"pattern": "^__"}]},
        }
    ),
]
ServiceName = Annotated[
    str,
    AfterValidator(check_service_name),
    WithJsonSchema({"title": "service name", "type": "string", "maxLength": 64, "pattern": json_pattern(_K8S_NAME)}),
]


class TopicSettings(ConfigModel):
    """Topic settings in human units; each maps to one Kafka topic config key."""

    partitions: int | None = Field(
        default=None, ge=1, description="Partition count; it can only grow (the update guard refuses a decrease)."
    )
    replicas: int | None = Field(
        default=None, ge=1, le=32767, description="Replication factor; at most the target cluster's brokers."
    )
    retention: DurationMs | None = Field(
        default=None, description="How long records are kept (`retention.ms`): `7d`, `12h`, ... or `infinite`."
    )
    retention_bytes: SizeBytes | None = Field(
        default=None, description="Most bytes kept per partition (`retention.bytes`): `10GiB`, ... or `unlimited`."
    )
    cleanup_policy: CleanupPolicies | None = Field(
        default=None, description="`delete`, `compact` or both (`cleanup.policy`), as a list or `compact,delete`."
    )
    min_insync_replicas: int | None = Field(
        default=None,
        ge=1,
        description="Replicas that must have an `acks=all` write (`min.insync.replicas`); below `replicas` "
        "unless that is 1.",
    )
    max_message_bytes: SizeBytes | None = Field(
        default=None, description="Largest record batch the topic accepts (`max.message.bytes`), e.g. `1MiB`."
    )
    segment_bytes: SizeBytes | None = Field(
        default=None, description="Size of each log segment file (`segment.bytes`), e.g. `1GiB`."
    )
    compression_type: CompressionType | None = Field(
        default=None,
        description="Compression the brokers store the topic with (`compression.type`); `producer` keeps the "
        "producer's.",
    )
    min_compaction_lag: DurationMs | None = Field(
        default=None, description="Least time a record stays uncompacted (`min.compaction.lag.ms`), e.g. `1h`."
    )
    delete_retention: DurationMs | None = Field(
        default=None, description="How long a compacted topic keeps tombstones (`delete.retention.ms`), e.g. `1d`."
    )
    config: dict[str, TopicConfigValue] | None = Field(
        default=None,
        description="Any other Kafka topic config by its Kafka key (checked for Kafka 4.x); not one a typed key sets.",
    )

    @model_validator(mode="after")
    def _check_settings(self) -> TopicSettings:
        raw = self.config or {}
        typed = self.kafka_config(include_raw=False)
        problems: list[Problem] = [
            (("config", key), f"is also set by a typed key; set it once ({_TYPED_KEYS[key]})", raw[key])
            for key in sorted(typed.keys() & raw.keys())
        ]
        merged = {**typed, **raw}
        for key, message in topic_config_problems(merged):
            where: tuple[str, ...] = ("config", key) if key in raw else (_TYPED_KEYS.get(key, key),)
            problems.append((where, message, merged.get(key)))
        raise_problems(problems)
        return self

    def kafka_config(self, include_raw: bool = True) -> dict[str, TopicConfigValue]:
        """The Kafka topic config these settings amount to (typed keys and raw ``config``)."""
        result: dict[str, TopicConfigValue] = {}
        for field, key in _FIELD_KEYS.items():
            value = getattr(self, field)
            if value is None:
                continue
            result[key] = ",".join(value) if isinstance(value, list) else value
        if include_raw and self.config:
            result.update({k: ",".join(v) if isinstance(v, list) else v for k, v in self.config.items()})
        return result


_FIELD_KEYS = {
    "retention": "retention.ms",
    "retention_bytes": "retention.bytes",
    "cleanup_policy": "cleanup.policy",
    "min_insync_replicas": "min.insync.replicas",
    "max_message_bytes": "max.message.bytes",
    "segment_bytes": "segment.bytes",
    "compression_type": "compression.type",
    "min_compaction_lag": "min.compaction.lag.ms",
    "delete_retention": "delete.retention.ms",
}
_TYPED_KEYS = {key: TopicSettings.model_fields[field].alias or field for field, key in _FIELD_KEYS.items()}


class CatalogTopic(TopicSettings):
    """A topic in a domain's catalog file; its key is its Kafka name unless ``topicName`` says otherwise."""

    description: str | None = Field(default=None, description="What the topic carries (documentation).")
    topic_name: KafkaTopicName | None = Field(
        default=None, description="The topic's Kafka name when it differs from its key (e.g. after renaming the entry)."
    )
    previous_names: list[str] = Field(
        default_factory=list,
        description="Former keys of this entry, kept as Pulumi aliases so a rename updates in place; "
        "needs `topicName`.",
    )


class TopicOverride(TopicSettings):
    """A stack's override of one catalog topic, including its deletion policy."""

    deletion: DeletionPolicy | None = Field(
        default=None, description="This topic's deletion policy; unset: `catalog.deletion`."
    )


class TopicRef(ConfigModel):
    """A reference to every topic whose Kafka name starts with ``prefix``."""

    prefix: str = Field(min_length=1, description="The name prefix: every topic whose Kafka name starts with it.")


ProducedTopic = str | TopicRef


class ConsumeIntent(ConfigModel):
    """Consume a topic (or every topic under a prefix) as a member of consumer group ``group``."""

    topic: str | None = Field(default=None, description="Key of the catalog topic to read; or set `prefix`.")
    prefix: str | None = Field(
        default=None,
        min_length=1,
        description="Read every topic starting with this, at least a whole domain (`orders.`); or set `topic`.",
    )
    group: str = Field(min_length=1, description="Consumer group the service reads in.")

    @model_validator(mode="after")
    def _one_target(self) -> ConsumeIntent:
        if (self.topic is None) == (self.prefix is None):
            raise_problems([((), "set exactly one of 'topic' or 'prefix'", None)])
        return self


class TransactionalIntent(ConfigModel):
    """A transactional producer: one ``id``, or ids under ``idPrefix`` (one per instance)."""

    id: str | None = Field(
        default=None, min_length=1, description="The producer's one transactional id; or `idPrefix`."
    )
    id_prefix: str | None = Field(
        default=None,
        min_length=1,
        description="Prefix of its transactional ids (one per instance), starting with the service's name or "
        "domain; or `id`.",
    )

    @model_validator(mode="after")
    def _one_id(self) -> TransactionalIntent:
        if (self.id is None) == (self.id_prefix is None):
            raise_problems([((), "set exactly one of 'id' or 'idPrefix'", None)])
        return self


class StreamsIntent(ConfigModel):
    """A Kafka Streams application: its ``application.id``, input and output topics."""

    application_id: str = Field(
        min_length=1,
        description="`application.id`: its consumer group and the prefix of its internal topics; in the service's "
        "domain.",
    )
    consumes: list[str] = Field(default_factory=list, description="Keys of the catalog topics it reads.")
    produces: list[str] = Field(default_factory=list, description="Keys of the catalog topics it writes.")
    exactly_once: bool = Field(
        default=False, description="Exactly-once processing: also grants its transactional ids `<applicationId>*`."
    )


class Quotas(ConfigModel):
    """Broker-enforced client quotas (per broker)."""

    producer_byte_rate: SizeBytes | None = Field(
        default=None, description="Bytes per second the service may produce to each broker, e.g. `10MiB`."
    )
    consumer_byte_rate: SizeBytes | None = Field(
        default=None, description="Bytes per second the service may fetch from each broker, e.g. `20MiB`."
    )
    request_percentage: int | None = Field(
        default=None, ge=0, description="Percent of one broker thread's time its requests may take (per thread)."
    )
    controller_mutation_rate: float | None = Field(
        default=None, ge=0, description="Partitions per second it may create or delete (topic and partition requests)."
    )


class ServiceSpec(ConfigModel):
    """A client application: how it authenticates and what it does with which topics."""

    description: str | None = Field(default=None, description="What the service does (documentation).")
    authentication: Literal["scram-sha-512", "tls"] = Field(
        default="scram-sha-512", description="How it authenticates; a listener of the target cluster must offer it."
    )
    produces: list[ProducedTopic] = Field(
        default_factory=list, description="What it writes: catalog topic keys, or `{prefix: ...}` in its own domain."
    )
    consumes: list[ConsumeIntent] = Field(
        default_factory=list, description="What it reads: a topic or a prefix, each with its consumer group."
    )
    transactional: TransactionalIntent | None = Field(
        default=None, description="Its transactional ids, as a transactional producer (needs `produces`)."
    )
    streams: StreamsIntent | None = Field(
        default=None, description="A Kafka Streams application: application id, input and output topics."
    )
    quotas: Quotas | None = Field(default=None, description="Quotas the brokers enforce on its user.")
    reviewed_cross_domain_grants: list[str] = Field(
        default_factory=list, description="Write prefixes outside the service's own domain, allowed after review."
    )

    @model_validator(mode="after")
    def _has_intent(self) -> ServiceSpec:
        if not (self.produces or self.consumes or self.transactional or self.streams):
            raise_problems([((), "declare at least one intent: produces, consumes, transactional or streams", None)])
        if self.transactional and not self.produces:
            raise_problems([(("transactional",), "a transactional producer must also declare what it produces", None)])
        return self


class DomainFile(ConfigModel):
    """One ``catalog/<domain>.yaml`` file."""

    domain: str = Field(
        pattern=r"^[a-z][a-z0-9-]*$",
        description="Domain name; its services' prefix grants stay under `<domain>.`, `<domain>-` or `<domain>_`.",
    )
    owner: str | None = Field(default=None, description="Team that owns the domain (documentation).")
    description: str | None = Field(default=None, description="What the domain covers (documentation).")
    topics: dict[KafkaTopicName, CatalogTopic] = Field(
        default_factory=dict, description="Topics by key, their Kafka name unless `topicName` says otherwise."
    )
    services: dict[ServiceName, ServiceSpec] = Field(
        default_factory=dict, description="Client applications by name, which is their KafkaUser's (`User:<name>`)."
    )
    connectors: dict[ConnectorName, ConnectorSpec] = Field(
        default_factory=dict,
        description="Kafka Connect connectors by name (their KafkaConnector's), run by a Connect cluster of the stack.",
    )


class CatalogSettings(ConfigModel):
    """A stack's use of the catalog (``messaging-platform:catalog``)."""

    path: str = Field(default="catalog", description="Folder of the domain files, relative to the project.")
    cluster: str | None = Field(
        default=None,
        description="Cluster (of `clusters` or `externalClusters`) that gets the topics and users; needed when "
        "there are several.",
    )
    deletion: DeletionPolicy = Field(
        default="delete",
        description="Removing a topic from the catalog: `delete` it, `retain` it (Pulumi forgets it) or `protect` "
        "it (the update fails). Preset: dev delete, prod protect.",
    )
    passwords: Literal["pulumi", "operator"] = Field(
        default="pulumi",
        description="Who makes the SCRAM passwords: `pulumi` (a random password kept as a Pulumi secret) or "
        "`operator` (the User Operator).",
    )
    defaults: TopicSettings = Field(
        default_factory=TopicSettings,
        description="Settings every topic starts from, under the topic's own and the stack's `topics`. Presets: "
        "partitions 3 / 6, replicas 1 / 3, minInsyncReplicas 1 / 2 (dev / prod).",
    )
    topics: dict[str, TopicOverride] = Field(
        default_factory=dict, description="This stack's overrides of catalog topics, by catalog key."
    )


class Catalog:
    """Every domain file of a catalog folder, merged and checked for clashes."""

    def __init__(self, directory: Path, domains: dict[str, DomainFile]) -> None:
        self.directory = directory
        self.domains = domains
        self.topics: dict[str, tuple[str, CatalogTopic]] = {}
        self.services: dict[str, tuple[str, ServiceSpec]] = {}
        self.connectors: dict[str, tuple[str, ConnectorSpec]] = {}
        for file, domain in domains.items():
            self.topics.update({key: (file, topic) for key, topic in domain.topics.items()})
            self.services.update({name: (file, service) for name, service in domain.services.items()})
            self.connectors.update({name: (file, connector) for name, connector in domain.connectors.items()})

    @classmethod
    def load(cls, directory: Path, label: str = "catalog") -> Catalog:
        """Read every ``directory/*.yaml`` and ``*.yml`` file; a ConfigError lists every problem as
        ``<file>: <key path>`` (unreadable files, YAML other than the project reads, bad content)."""
        if not directory.is_dir():
            raise ConfigError([ConfigProblem(label, f"catalog folder {directory} does not exist")], label)
        problems: list[ConfigProblem] = []
        domains: dict[str, DomainFile] = {}
        try:
            entries = sorted(directory.iterdir())
        except OSError as exc:
            raise ConfigError(
                [ConfigProblem(label, f"catalog folder cannot be read ({exc.strerror})")], label
            ) from None
        for path in entries:
            name = f"{label}/{path.name}"
            if path.name.startswith(".") or path.suffix.lower() not in CATALOG_SUFFIXES:
                continue
            if path.suffix not in CATALOG_SUFFIXES:
                problems.append(ConfigProblem(name, "name catalog files <domain>.yaml (lowercase extension)"))
                continue
            try:
                raw = load_yaml(path, name) or {}
                domains[name] = DomainFile.model_validate(raw)
            except YamlInputError as exc:
                problems.append(ConfigProblem(name, str(exc).removeprefix(f"{name}: ")))
            except ValidationError as exc:
                problems.extend(problems_from_validation_error(exc, raw, f"{name}: "))
        if problems:
            raise ConfigError(problems, label)
        catalog = cls(directory, domains)
        problems = catalog._clashes()
        if problems:
            raise ConfigError(problems, label)
        return catalog

    def _clashes(self) -> list[ConfigProblem]:
        """A connector, topic or service declared in more than one file (each repeat, at its key)."""
        problems: list[ConfigProblem] = []
        first_file: dict[str, dict[str, str]] = {"connectors": {}, "topics": {}, "services": {}}
        for file, domain in self.domains.items():
            for section, names in (("connectors", domain.connectors), ("topics", domain.topics),
                                   ("services", domain.services)):  # fmt: skip
                for name in names:
                    if name in first_file[section]:
                        problems.append(ConfigProblem(join_path(f"{file}: ", [section, name]),
                                                      f"is also declared in {first_file[section][name]}"))  # fmt: skip
                    first_file[section].setdefault(name, file)
        return problems


__all__ = [
    "Catalog",
    "CatalogSettings",
    "CatalogTopic",
    "ConnectorSpec",
    "ConsumeIntent",
    "DeletionPolicy",
    "DomainFile",
    "ServiceSpec",
    "StreamsIntent",
    "TopicOverride",
    "TopicRef",
    "TopicSettings",
    "TransactionalIntent",
]
