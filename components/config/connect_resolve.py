"""Resolve a Kafka Connect cluster: its listener and user, its internal topics, its connectors' config
providers and its ACLs, checked before any resource is registered (pure; no Pulumi imports).

The same function serves the stack loader (``messaging-platform:connect.<name>``, with the catalog's
topics, services and connectors) and the :class:`~messaging_platform.KafkaConnect` component (its args).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .. import strimzi
from ..invariants import did_you_mean, metric_name
from .acls import AclRule, ConnectorGrants, connect_acls
from .catalog import CatalogSettings, CatalogTopic, DeletionPolicy
from .cluster import ClusterConfig
from .connect import ConnectConfig, secret_mount_path
from .connectors import OVERRIDE_PREFIXES, config_references, sink_group
from .errors import ConfigError, ConfigProblem, join_path
from .resolve import ResolvedCatalog, ResolvedConnector, ResolvedTopic, resolve_topic
from .workloads import client_listener, user_authentication

if TYPE_CHECKING:
    from .base import Problem
    from .stack import StackConfig

InternalRole = Literal["configs", "offsets", "status"]
ROLES: tuple[InternalRole, ...] = ("configs", "offsets", "status")
ROLE_KEYS: dict[InternalRole, str] = {
    "configs": "configStorageTopic",
    "offsets": "offsetStorageTopic",
    "status": "statusStorageTopic",
}
# What a connector's clients may override under each policy.
# Ref: Kafka's PrincipalConnectorClientConfigOverridePolicy (sasl.jaas.config, sasl.mechanism, security.protocol).
_PRINCIPAL_OVERRIDES = frozenset({"sasl.jaas.config", "sasl.mechanism", "security.protocol"})
# Config providers a Connect cluster configures for its connectors: from mounted Secrets and env.
# Ref: org.apache.kafka.common.config.provider (DirectoryConfigProvider, FileConfigProvider, EnvVarConfigProvider).
MOUNT_PROVIDERS = ("directory", "file")
ENV_PROVIDER = "env"


def connect_user_name(name: str) -> str:
    """The KafkaUser a Connect cluster authenticates as (also its credentials Secret)."""
    return f"{name}-connect"


@dataclass(frozen=True)
class ResolvedConnect:
    """A Connect cluster as one stack deploys it."""

    name: str
    config: ConnectConfig
    cluster: str
    """The Kafka cluster it runs on (a Strimzi cluster of the stack)."""
    namespace: str
    version: str
    listener: str
    authentication: Literal["scram-sha-512", "tls"]
    user_name: str
    group_id: str
    topics: Mapping[InternalRole, ResolvedTopic]
    """The configs, offsets and status topics, by role."""
    connectors: tuple[ResolvedConnector, ...]
    acls: tuple[AclRule, ...]
    deletion: DeletionPolicy = "delete"
    """What removing the Connect cluster does to its internal topics (the catalog's deletion policy)."""
    passwords: Literal["pulumi", "operator"] = "pulumi"
    """Who makes its user's SCRAM password (the catalog's setting)."""
    providers: tuple[str, ...] = field(default=())
    """The config providers its workers configure for connectors."""


def configured_providers(config: ConnectConfig) -> tuple[str, ...]:
    """The config providers a Connect cluster gives its connectors: ``directory`` and ``file`` when it
    mounts Secrets, ``env`` when it has variables from Secrets."""
    return (*(MOUNT_PROVIDERS if config.secrets else ()), *((ENV_PROVIDER,) if config.env else ()))


def resolve_connect(
    name: str,
    config: ConnectConfig,
    *,
    cluster_name: str,
    cluster: ClusterConfig,
    connectors: Sequence[ResolvedConnector] = (),
    deletion: DeletionPolicy = "delete",
    passwords: Literal["pulumi", "operator"] = "pulumi",
    path: str,
) -> tuple[ResolvedConnect, list[ConfigProblem]]:
    """A Connect cluster on ``cluster`` with the problems found, each at its key under ``path``.

    The listener is an internal TLS listener with scram-sha-512 or tls authentication (the named one,
    or the first such); the cluster enforces ACLs and runs the User and Topic Operators; the internal
    topics fit the cluster's brokers; each connector's config-provider references name a provider and a
    Secret this cluster mounts, and its client overrides are allowed by the override policy.
    """
    from .loader import strimzi_target  # the loader imports this module

    problems: list[ConfigProblem] = []
    target = strimzi_target(cluster_name, cluster)
    chosen = client_listener(cluster, config.listener)
    listener = ""
    authentication: Literal["scram-sha-512", "tls"] = "scram-sha-512"
    if isinstance(chosen, str):
        where = join_path(path, ["listener"]) if config.listener is not None else path
        problems.append(ConfigProblem(where, f"cluster '{cluster_name}': {chosen}", config.listener or cluster_name))
    else:
        listener, listener_config = chosen
        authentication = user_authentication(listener_config)
    for needed, missing in (
        (target.authorization, "has no ACL authorizer; set authorization: {type: simple} to enforce Connect's ACLs"),
        (target.user_operator, "has no User Operator (entityOperator.userOperator.enabled) for Connect's user"),
        (target.topic_operator, "has no Topic Operator (entityOperator.topicOperator.enabled) for Connect's topics"),
    ):
        if not needed:
            problems.append(ConfigProblem(path, f"cluster '{cluster_name}' {missing}"))

    group_id, *names = config.names(name)
    internal = config.internal_topics
    partitions = {"configs": 1, "offsets": internal.offset_partitions, "status": internal.status_partitions}
    settings = CatalogSettings(deletion=deletion)
    at = join_path(path, ["internalTopics"])
    topics: dict[InternalRole, ResolvedTopic] = {}
    for role, kafka_name in zip(ROLES, names, strict=True):
        # The workers need compacted topics; the configs topic must have exactly one partition.
        topic = CatalogTopic.model_validate(
            {"partitions": partitions[role], "replicas": internal.replicas, "cleanupPolicy": "compact",
             "minInsyncReplicas": internal.min_insync_replicas}
        )  # fmt: skip
        resolved, topic_problems = resolve_topic(
            key=kafka_name, file=path, domain="", topic=topic, settings=settings, target=target,
            settings_path=at, declared_at=at,
        )  # fmt: skip
        topics[role] = resolved
        problems += [p for p in topic_problems if all(p.path != q.path for q in problems)]

    for connector in connectors:
        if connector.connect != name:
            problems.append(
                ConfigProblem(
                    join_path(connector.declared_at, ["connect"]),
                    f"names another Connect cluster than '{name}', which was given it",
                    connector.connect,
                )
            )
        problems += connector_problems(connector, config, name)
    grants = [ConnectorGrants(c.consumes, c.produces, sink_group(c.name)) for c in connectors]
    acls = tuple(connect_acls(group_id, [t.kafka_name for t in topics.values()], grants))
    resolved_connect = ResolvedConnect(
        name=name,
        config=config,
        cluster=cluster_name,
        namespace=cluster.namespace,
        version=config.version or cluster.version,
        listener=listener,
        authentication=authentication,
        user_name=connect_user_name(name),
        group_id=group_id,
        topics=topics,
        connectors=tuple(connectors),
        acls=acls,
        deletion=deletion,
        passwords=passwords,
        providers=configured_providers(config),
    )
    return resolved_connect, problems


def connector_problems(connector: ResolvedConnector, config: ConnectConfig, connect: str) -> list[ConfigProblem]:
    """What a connector's config asks of its Connect cluster that the cluster does not give: a config
    provider it does not configure, a Secret it does not mount, a variable it does not set, a client
    override its policy refuses (or one that would leave the connector's ACLs)."""
    problems: list[ConfigProblem] = []
    providers = configured_providers(config)
    mounts = {secret_mount_path(secret): secret for secret in config.secrets}
    policy = config.client_config_override_policy
    for key, value in connector.spec.config.items():
        where = join_path(connector.declared_at, ["config", key])
        override = next((key[len(p) :] for p in OVERRIDE_PREFIXES if key.startswith(p)), None)
        if key == "consumer.override.group.id":
            problems.append(
                ConfigProblem(
                    where, "would move the sink off its group connect-<connector>, which its ACLs name", value
                )
            )
        elif override is not None and (
            policy == "None" or (policy == "Principal" and override not in _PRINCIPAL_OVERRIDES)
        ):
            problems.append(
                ConfigProblem(
                    where,
                    f"overrides a client option, which connect.{connect}.clientConfigOverridePolicy ({policy}) "
                    "refuses; allow it there or drop the override",
                )
            )
        for reference in config_references(value) if isinstance(value, str) else []:
            problem = _reference_problem(
                reference.provider, reference.path, reference.key, providers=providers, mounts=mounts, config=config
            )
            if problem:
                problems.append(ConfigProblem(where, f"${{{reference.provider}:...}}: {problem}"))
    return problems


def _reference_problem(
    provider: str,
    path: str | None,
    key: str,
    *,
    providers: Iterable[str],
    mounts: Mapping[str, str],
    config: ConnectConfig,
) -> str | None:
    if provider in strimzi.STRIMZI_CONFIG_PROVIDERS:
        return "is Strimzi's own provider (the workers' credentials); use directory, file or env"
    if provider not in providers:
        configured = ", ".join(providers) or "none (no secrets or env)"
        return f"the Connect cluster configures no config provider '{provider}' (configured: {configured})"
    if provider == ENV_PROVIDER:
        if key not in config.env:
            return f"variable {key} is not set by the Connect cluster; add it under env{did_you_mean(key, config.env)}"
        return None
    if path is None:
        return f"needs the path of a mounted Secret, e.g. ${{{provider}:{secret_mount_path('<secret>')}:{key}}}"
    folder = path if provider == "directory" else path.rsplit("/", 1)[0]
    if folder not in mounts:
        return (
            f"{path} is not in a Secret the Connect cluster mounts; list the Secret under secrets "
            f"(mounted at {secret_mount_path('<secret>')})"
        )
    return None


def connect_stack_problems(config: StackConfig) -> list[Problem]:
    """What the stack's Connect clusters need of the stack: a catalog (its cluster runs them, its
    connectors are what they run) on a Strimzi cluster, and in prod downloads pinned by SHA-512."""
    if not config.connect:
        return []
    problems: list[Problem] = []
    if config.catalog is None:
        problems.append(
            (("connect",), "Kafka Connect runs on the catalog's cluster and runs its connectors: set "
             "messaging-platform:catalog", None)
        )  # fmt: skip
    elif config.catalog_cluster in config.external_clusters:
        problems.append(
            (("connect",), f"Kafka Connect needs a Strimzi cluster; the catalog's cluster '{config.catalog_cluster}' "
             "is external (externalClusters), and Strimzi runs Connect only beside its own clusters", None)
        )  # fmt: skip
    if config.environment == "prod":
        problems += [
            (("connect", name, *steps), f"is required in prod: pin {url} by its SHA-512 (`sha512sum <file>`), or the "
             "next build runs whatever the URL serves", None)
            for name, connect in config.connect.items()
            for steps, url in connect.downloaded_artifacts_without_checksum()
        ]  # fmt: skip
    return problems


def resolve_stack_connect(
    connect: Mapping[str, ConnectConfig],
    *,
    cluster_name: str | None,
    clusters: Mapping[str, ClusterConfig],
    catalog: ResolvedCatalog | None,
    settings: CatalogSettings | None,
    path: str,
) -> dict[str, ResolvedConnect]:
    """Every Connect cluster of a stack on the catalog's cluster, with the catalog's connectors.

    Beyond :func:`resolve_connect`: every catalog connector names a Connect cluster of the stack (a
    stack without any deploys no connectors); a Connect cluster's topics, user and groups are not
    the catalog's; no service's prefix grant reaches its topics. Raises :class:`ConfigError`.
    """
    if not connect or catalog is None or cluster_name is None or cluster_name not in clusters:
        return {}
    problems = [
        ConfigProblem(
            join_path(c.declared_at, ["connect"]),
            f"is not a Connect cluster of this stack ({', '.join(sorted(connect))}){did_you_mean(c.connect, connect)}",
            c.connect,
        )
        for c in catalog.connectors
        if c.connect not in connect
    ]
    resolved: dict[str, ResolvedConnect] = {}
    for name, config in connect.items():
        where = join_path(path, [name])
        result, found = resolve_connect(
            name,
            config,
            cluster_name=cluster_name,
            cluster=clusters[cluster_name],
            connectors=[c for c in catalog.connectors if c.connect == name],
            deletion=settings.deletion if settings else "delete",
            passwords=settings.passwords if settings else "pulumi",
            path=where,
        )
        resolved[name] = result
        problems += found + catalog_problems(result, catalog, [r for r in resolved.values() if r is not result], where)
    if problems:
        raise ConfigError(problems, "stack config")
    return resolved


def catalog_problems(
    connect: ResolvedConnect, catalog: ResolvedCatalog, others: Iterable[ResolvedConnect], path: str
) -> list[ConfigProblem]:
    """Where a Connect cluster's own names collide with the catalog's or another Connect cluster's."""
    problems: list[ConfigProblem] = []
    taken = {metric_name(t.kafka_name): f"catalog topic '{t.key}'" for t in catalog.topics}
    for other in others:
        taken |= {metric_name(t.kafka_name): f"Connect cluster '{other.name}''s topic" for t in other.topics.values()}
    prefixes = [
        (service.name, acl.name) for service in catalog.services for acl in service.acls
        if acl.resource_type == "topic" and acl.pattern == "prefix"
    ]  # fmt: skip
    for role, topic in connect.topics.items():
        where = join_path(path, [ROLE_KEYS[role]])
        if metric_name(topic.kafka_name) in taken:
            problems.append(
                ConfigProblem(where, f"is (or collides with) {taken[metric_name(topic.kafka_name)]}", topic.kafka_name)
            )
        for service, prefix in prefixes:
            if topic.kafka_name.startswith(prefix):
                problems.append(
                    ConfigProblem(
                        where,
                        f"is inside service '{service}''s prefix grant '{prefix}*': name Connect's topics outside it",
                        topic.kafka_name,
                    )
                )
    if connect.user_name in {service.name for service in catalog.services}:
        problems.append(
            ConfigProblem(path, f"its user '{connect.user_name}' is a catalog service's too; rename one of them")
        )
    service_groups = {
        group: service.name
        for service in catalog.services
        for group in [*(c.group for c in service.spec.consumes), *_streams_group(service.spec.streams)]
    }
    for group in [connect.group_id, *(sink_group(c.name) for c in connect.connectors if c.consumes)]:
        if group in service_groups:
            problems.append(
                ConfigProblem(
                    join_path(path, ["groupId"]) if group == connect.group_id else path,
                    f"group '{group}' is also service '{service_groups[group]}''s consumer group; they would share it",
                    group,
                )
            )
    return problems


def _streams_group(streams: object) -> list[str]:
    application_id = getattr(streams, "application_id", None)
    return [application_id] if isinstance(application_id, str) else []


__all__ = [
    "ROLES",
    "ROLE_KEYS",
    "ResolvedConnect",
    "catalog_problems",
    "configured_providers",
    "connect_stack_problems",
    "connect_user_name",
    "connector_problems",
    "resolve_connect",
    "resolve_stack_connect",
]
