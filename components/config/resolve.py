"""Resolve the catalog for one stack: per-stack settings applied, references checked, ACLs derived.

Everything a topic or user needs is decided here, before any resource is registered; problems are
reported at the file and key that caused them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..invariants import did_you_mean, metric_name, min_insync_problem, replicas_problem
from .acls import AclRule, service_acls
from .catalog import (
    Catalog,
    CatalogSettings,
    CatalogTopic,
    DeletionPolicy,
    Quotas,
    ServiceSpec,
    TopicRef,
    TopicSettings,
)
from .connectors import ConnectorSpec
from .errors import ConfigError, ConfigProblem, join_path
from .intent_bounds import IntentProblem, overlap_problems, prefix_problems

_K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_NOT_K8S = re.compile(r"[^a-z0-9.-]+")
_K8S_NAME_MAX = 253


@dataclass(frozen=True)
class TargetCluster:
    """What the catalog needs to know about the cluster it lands on."""

    name: str
    kind: Literal["strimzi", "external"]
    brokers: int
    authorization: bool
    authentication: frozenset[str]
    topic_operator: bool = True
    user_operator: bool = True
    cruise_control: bool = False


@dataclass(frozen=True)
class ResolvedTopic:
    """A topic as one stack deploys it."""

    key: str
    kafka_name: str
    resource_name: str
    partitions: int
    replicas: int
    config: dict[str, Any]
    deletion: DeletionPolicy
    previous_names: tuple[str, ...]
    source: str
    domain: str
    declared_at: str = ""
    """Where the topic is declared, as error messages name it (``catalog/orders.yaml: topics.x``)."""
    sources: Mapping[str, str] = dataclasses.field(default_factory=dict, compare=False)
    """Where ``partitions``, ``replicas`` and each Kafka config option were set: the layer's key path
    (``messaging-platform:catalog.defaults``, ``declared_at`` or the stack's per-topic override)."""


@dataclass(frozen=True)
class ResolvedService:
    """A service with the ACLs its intents need."""

    name: str
    spec: ServiceSpec
    acls: tuple[AclRule, ...]
    source: str
    domain: str

    @property
    def user_name(self) -> str:
        """The KafkaUser name (the service's name)."""
        return self.name

    @property
    def authentication(self) -> str:
        """How the service authenticates."""
        return self.spec.authentication

    @property
    def quotas(self) -> Quotas | None:
        """The service's client quotas."""
        return self.spec.quotas


@dataclass(frozen=True)
class ResolvedConnector:
    """A catalog connector with the Kafka names of the topics it reads and writes."""

    name: str
    spec: ConnectorSpec
    consumes: tuple[str, ...]
    """Kafka names of the topics it reads (a sink, in group ``connect-<name>``)."""
    produces: tuple[str, ...]
    """Kafka names of the topics it writes (a source)."""
    source: str
    domain: str
    declared_at: str = ""
    """Where the connector is declared, as error messages name it (``catalog/shipping.yaml: connectors.x``)."""

    @property
    def connect(self) -> str:
        """The Connect cluster that runs it."""
        return self.spec.connect


@dataclass(frozen=True)
class ResolvedCatalog:
    """The catalog as one stack deploys it, on one cluster."""

    target: TargetCluster
    topics: tuple[ResolvedTopic, ...]
    services: tuple[ResolvedService, ...]
    passwords: Literal["pulumi", "operator"]
    connectors: tuple[ResolvedConnector, ...] = ()
    """Kafka Connect connectors; the stack's Connect clusters run them (none: they are not deployed)."""


def kubernetes_topic_name(kafka_name: str) -> str:
    """``metadata.name`` for a KafkaTopic: the Kafka name when Kubernetes accepts it, else a
    lowercase form with a hash of the real name (so ``Orders_V1`` and ``orders-v1`` stay distinct)."""
    if len(kafka_name) <= _K8S_NAME_MAX and _K8S_NAME.match(kafka_name):
        return kafka_name
    base = _NOT_K8S.sub("-", kafka_name.lower()).strip("-.")[:200] or "topic"
    return f"{base}-{hashlib.sha1(kafka_name.encode()).hexdigest()[:8]}"


def resolve_catalog(
    catalog: Catalog, settings: CatalogSettings, target: TargetCluster, settings_path: str
) -> ResolvedCatalog:
    """Apply a stack's catalog settings and check the result against its target cluster."""
    problems: list[ConfigProblem] = []
    for key in settings.topics:
        if key not in catalog.topics:
            problems.append(
                ConfigProblem(
                    join_path(settings_path, ["topics", key]), f"is not a catalog topic{_hint(key, catalog.topics)}"
                )
            )
    topics = []
    for key, (file, topic) in sorted(catalog.topics.items()):
        resolved, topic_problems = resolve_topic(
            key=key,
            file=file,
            domain=catalog.domains[file].domain,
            topic=topic,
            settings=settings,
            target=target,
            settings_path=settings_path,
        )
        topics.append(resolved)
        problems += topic_problems
    problems += name_clashes(topics)
    kafka_names = {t.key: t.kafka_name for t in topics}
    overlaps = overlap_problems({name: service for name, (_, service) in catalog.services.items()})
    domains = sorted(d.domain for d in catalog.domains.values())
    services = []
    for name, (file, spec) in sorted(catalog.services.items()):
        service, service_problems = resolve_service(
            name,
            file,
            catalog.domains[file].domain,
            spec,
            target=target,
            kafka_names=kafka_names,
            domains=domains,
            overlaps=overlaps.get(name, []),
        )
        problems += service_problems
        services.append(service)
    connectors = []
    for name, (file, connector_spec) in sorted(catalog.connectors.items()):
        connector, connector_problems = resolve_connector(
            name, file, catalog.domains[file].domain, connector_spec, kafka_names
        )
        problems += connector_problems
        connectors.append(connector)
    if topics and not target.topic_operator:
        problems.append(
            ConfigProblem(
                join_path(settings_path, ["cluster"]),
                f"cluster '{target.name}' has no Topic Operator "
                "(entityOperator.topicOperator.enabled: false) to create catalog topics",
            )
        )
    if services and not target.user_operator:
        problems.append(
            ConfigProblem(
                join_path(settings_path, ["cluster"]),
                f"cluster '{target.name}' has no User Operator "
                "(entityOperator.userOperator.enabled: false) to create service users",
            )
        )
    if any(s.acls for s in services) and not target.authorization:
        problems.append(
            ConfigProblem(
                join_path(settings_path, ["cluster"]),
                f"cluster '{target.name}' has no ACL authorizer; "
                "set authorization: {type: simple} to enforce the services' ACLs",
            )
        )
    if problems:
        raise ConfigError(problems, "catalog")
    return ResolvedCatalog(target, tuple(topics), tuple(services), settings.passwords, tuple(connectors))


def resolve_topic(
    *,
    key: str,
    file: str,
    domain: str,
    topic: CatalogTopic,
    settings: CatalogSettings,
    target: TargetCluster,
    settings_path: str,
    declared_at: str | None = None,
) -> tuple[ResolvedTopic, list[ConfigProblem]]:
    """One topic as the stack deploys it (stack defaults, the topic's own settings, the stack's
    override, in that order), with the problems found at the key that caused each.

    ``declared_at`` is how messages name the topic's own settings (default: ``<file>: topics.<key>``).
    """
    problems: list[ConfigProblem] = []
    declared_at = declared_at or join_path(f"{file}: ", ["topics", key])
    override = settings.topics.get(key)
    layers: list[tuple[str, TopicSettings | None]] = [
        (join_path(settings_path, ["defaults"]), settings.defaults),
        (declared_at, topic),
        (join_path(settings_path, ["topics", key]), override),
    ]
    chosen: dict[str, tuple[Any, str]] = {}
    config: dict[str, Any] = {}
    config_source: dict[str, str] = {}
    for where, layer in layers:
        if layer is None:
            continue
        for field in ("partitions", "replicas"):
            if getattr(layer, field) is not None:
                chosen[field] = (getattr(layer, field), where)
        for option, value in layer.kafka_config().items():
            config[option], config_source[option] = value, where
    kafka_name = topic.topic_name or key
    partitions, partitions_from = chosen.get("partitions", (None, layers[1][0]))
    replicas, replicas_from = chosen.get("replicas", (None, layers[0][0]))
    if partitions is None:
        problems.append(
            ConfigProblem(
                join_path(partitions_from, ["partitions"]), "is required (set it here or in catalog.defaults)"
            )
        )
        partitions = 1
    if replicas is None:
        problems.append(
            ConfigProblem(join_path(replicas_from, ["replicas"]), "is required (set it in catalog.defaults)")
        )
        replicas = 1
    too_many = replicas_problem(replicas, target.brokers)
    if too_many:
        problems.append(
            ConfigProblem(
                join_path(replicas_from, ["replicas"]),
                f"topic '{kafka_name}' {too_many.replace('the cluster', f'cluster {target.name!r}')}",
                replicas,
            )
        )
    isr = config.get("min.insync.replicas")
    isr_problem = min_insync_problem(isr, replicas) if isinstance(isr, int) else None
    if isr_problem:
        problems.append(
            ConfigProblem(
                join_path(config_source["min.insync.replicas"], ["minInsyncReplicas"]),
                f"topic '{kafka_name}' {isr_problem}",
                isr,
            )
        )
    if topic.previous_names and topic.topic_name is None:
        problems.append(
            ConfigProblem(
                join_path(layers[1][0], ["previousNames"]),
                "Kafka cannot rename a topic: to rename "
                "the catalog entry, set topicName to the topic's existing Kafka name; to rename "
                "the topic, declare a new topic and decommission the old one",
                topic.previous_names,
            )
        )
    deletion = override.deletion if override and override.deletion else settings.deletion
    resolved = ResolvedTopic(
        key=key,
        kafka_name=kafka_name,
        resource_name=kubernetes_topic_name(kafka_name),
        partitions=partitions,
        replicas=replicas,
        config=dict(sorted(config.items())),
        deletion=deletion,
        previous_names=tuple(topic.previous_names),
        source=file,
        domain=domain,
        declared_at=declared_at,
        sources={**{name: where for name, (_, where) in chosen.items()}, **config_source},
    )
    return resolved, problems


def name_clashes(topics: Iterable[ResolvedTopic]) -> list[ConfigProblem]:
    """Topics that are the same Kafka topic, or that Kafka refuses beside each other (metric names)."""
    problems: list[ConfigProblem] = []
    by_kafka: dict[str, ResolvedTopic] = {}
    by_metric: dict[str, ResolvedTopic] = {}
    for topic in topics:
        where = topic.declared_at or join_path(f"{topic.source}: ", ["topics", topic.key])
        if topic.kafka_name in by_kafka:
            problems.append(
                ConfigProblem(
                    where,
                    f"is the Kafka topic '{topic.kafka_name}' again "
                    f"(also catalog entry '{by_kafka[topic.kafka_name].key}')",
                )
            )
        elif metric_name(topic.kafka_name) in by_metric:
            other = by_metric[metric_name(topic.kafka_name)]
            problems.append(
                ConfigProblem(
                    where,
                    f"collides with '{other.kafka_name}': Kafka treats '.' and '_' alike "
                    "in metric names and refuses the second topic",
                )
            )
        by_kafka.setdefault(topic.kafka_name, topic)
        by_metric.setdefault(metric_name(topic.kafka_name), topic)
    return problems


def resolve_service(
    name: str,
    file: str,
    domain: str,
    service: ServiceSpec,
    *,
    target: TargetCluster,
    kafka_names: Mapping[str, str],
    domains: Iterable[str],
    overlaps: Iterable[IntentProblem] = (),
    declared_at: str | None = None,
) -> tuple[ResolvedService, list[ConfigProblem]]:
    """One service with the ACLs its intents need, and the problems of its intents.

    ``kafka_names`` maps the catalog's topic keys to their Kafka names, ``domains`` are every domain
    of the catalog, and ``overlaps`` what :func:`overlap_problems` found for this service among all
    of the catalog's (transactional ids, Streams application ids). ``declared_at`` is how messages
    name the service (default: ``<file>: services.<name>``).
    """
    where = declared_at or join_path(f"{file}: ", ["services", name])
    problems = _reference_problems(where, service, target, kafka_names)
    # One message per key: a prefix that matches nothing is reported as such, not also as too wide.
    reported = {problem.path for problem in problems}
    for bound in [*prefix_problems(name, domain, service, list(domains)), *overlaps]:
        path = join_path(where, bound.path)
        if path not in reported:
            reported.add(path)
            problems.append(ConfigProblem(path, bound.message, bound.value))
    acls = () if problems else tuple(service_acls(service, dict(kafka_names)))
    return ResolvedService(name, service, acls, file, domain), problems


def resolve_connector(
    name: str, file: str, domain: str, connector: ConnectorSpec, kafka_names: Mapping[str, str]
) -> tuple[ResolvedConnector, list[ConfigProblem]]:
    """One connector with the Kafka names of its topics, and the problems of its references: each
    topic it reads or writes is a catalog topic, and a sink's ``topics`` config reads only those."""
    where = join_path(f"{file}: ", ["connectors", name])
    problems = [
        ConfigProblem(join_path(where, [field, i]), f"is not a catalog topic{_hint(key, kafka_names)}", key)
        for field in ("consumes", "produces")
        for i, key in enumerate(getattr(connector, field))
        if key not in kafka_names
    ]
    consumes = tuple(kafka_names.get(key, key) for key in connector.consumes)
    produces = tuple(kafka_names.get(key, key) for key in connector.produces)
    listed = connector.config.get("topics")
    if isinstance(listed, str):
        unread = [t for t in (part.strip() for part in listed.split(",")) if t and t not in consumes]
        if unread:
            problems.append(
                ConfigProblem(
                    join_path(where, ["config", "topics"]),
                    f"reads {', '.join(unread)}, which `consumes` does not list; add the catalog topic to consumes "
                    "(its ACLs come from there)",
                    listed,
                )
            )
    resolved = ResolvedConnector(name, connector, consumes, produces, file, domain, where)
    return resolved, problems


def _reference_problems(
    where: str, service: ServiceSpec, target: TargetCluster, kafka_names: Mapping[str, str]
) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    references: list[tuple[list[str | int], str | TopicRef]] = [
        (["produces", i], ref) for i, ref in enumerate(service.produces)
    ]
    references += [
        (["consumes", i], c.topic if c.topic is not None else TopicRef(prefix=c.prefix or ""))
        for i, c in enumerate(service.consumes)
    ]
    if service.streams:
        references += [(["streams", "consumes", i], t) for i, t in enumerate(service.streams.consumes)]
        references += [(["streams", "produces", i], t) for i, t in enumerate(service.streams.produces)]
    for path, ref in references:
        if isinstance(ref, TopicRef):
            if not any(n.startswith(ref.prefix) for n in kafka_names.values()):
                problems.append(
                    ConfigProblem(join_path(where, [*path, "prefix"]), "matches no catalog topic", ref.prefix)
                )
        elif ref not in kafka_names:
            problems.append(
                ConfigProblem(join_path(where, path), f"is not a catalog topic{_hint(ref, kafka_names)}", ref)
            )
    if service.authentication not in target.authentication:
        offered = ", ".join(sorted(target.authentication)) or "none"
        problems.append(
            ConfigProblem(
                join_path(where, ["authentication"]),
                f"cluster '{target.name}' has no listener with "
                f"{service.authentication} authentication (offered: {offered})",
                service.authentication,
            )
        )
    return problems


def _hint(key: str, known: Iterable[str]) -> str:
    return did_you_mean(key, known)
