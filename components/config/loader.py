"""Load a whole stack: its validated config and its resolved catalog, before any resource exists."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .addons import Addons, resolve_addons
from .catalog import Catalog
from .causes import explain_problems
from .cluster import ClusterConfig
from .connect_resolve import ResolvedConnect, resolve_stack_connect
from .errors import ConfigError, problems_from_validation_error
from .external import ExternalClusterConfig
from .presets import Environment, cluster_preset, merge
from .resolve import ResolvedCatalog, TargetCluster, resolve_catalog
from .stack import PROJECT, StackConfig, load_stack_config, mask_secret_values

AUTHENTICATION_TYPES = frozenset({"scram-sha-512", "tls"})


@dataclass(frozen=True)
class Stack:
    """What a stack declares: config, and the catalog resolved for its target cluster."""

    config: StackConfig
    catalog: ResolvedCatalog | None = None
    addons: Addons = field(default_factory=Addons)
    """Bridges and mirrors resolved against the catalog (their topics, groups and ACLs)."""
    connect: Mapping[str, ResolvedConnect] = field(default_factory=dict)
    """Kafka Connect clusters with their topics, user, ACLs and the catalog connectors they run."""


def load_stack(
    values: Mapping[str, Any], root: Path, source: str = "stack config", secret_keys: Collection[str] = ()
) -> Stack:
    """Validate the config, then load ``<root>/<catalog.path>`` and resolve it (ConfigError on any problem)."""
    config = load_stack_config(values, source, secret_keys)
    if config.catalog is None:
        return Stack(config, addons=_addons(config, None, source))
    catalog = Catalog.load(root / config.catalog.path, label=config.catalog.path)
    try:
        resolved = resolve_catalog(catalog, config.catalog, target_cluster(config), f"{PROJECT}:catalog")
    except ConfigError as exc:
        # Problems a stack value causes (a preset's replicas over its brokers) are reported at that value.
        problems = explain_problems(exc.problems, values, config.environment, f"{PROJECT}:", catalog)
        raise ConfigError(mask_secret_values(problems, secret_keys), exc.source) from None
    return Stack(config, resolved, _addons(config, resolved, source), _connect(config, resolved, source))


def _connect(config: StackConfig, catalog: ResolvedCatalog, source: str) -> dict[str, ResolvedConnect]:
    try:
        return resolve_stack_connect(
            config.connect,
            cluster_name=config.catalog_cluster,
            clusters=config.clusters,
            catalog=catalog,
            settings=config.catalog,
            path=f"{PROJECT}:connect",
        )
    except ConfigError as exc:
        raise ConfigError(exc.problems, source) from None


def _addons(config: StackConfig, catalog: ResolvedCatalog | None, source: str) -> Addons:
    try:
        return resolve_addons(config, catalog, f"{PROJECT}:")
    except ConfigError as exc:
        raise ConfigError(exc.problems, source) from None


def cluster_config(
    environment: Environment, values: Mapping[str, Any] | None = None, path: str = "cluster"
) -> ClusterConfig:
    """One cluster's config for a program of its own: the environment's preset with ``values`` (YAML
    keys, camelCase) merged over it, validated. A :class:`ConfigError` names each bad key under
    ``path`` (the config key the values came from), as ``load_stack`` does for stack files."""
    raw = merge(cluster_preset(environment), dict(values or {}))
    try:
        return ClusterConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation_error(exc, raw, path), path) from None


def target_cluster(config: StackConfig) -> TargetCluster:
    """What the catalog may rely on in the stack's catalog cluster."""
    name = config.catalog_cluster
    assert name is not None
    if name in config.external_clusters:
        return external_target(name, config.external_clusters[name])
    return strimzi_target(name, config.clusters[name])


def external_target(name: str, external: ExternalClusterConfig) -> TargetCluster:
    """What a catalog may rely on in an external cluster (as its config declares it)."""
    return TargetCluster(
        name=name,
        kind="external",
        brokers=external.brokers,
        authorization=external.authorization,
        authentication=frozenset(external.client_authentication),
    )


def strimzi_target(name: str, cluster: ClusterConfig) -> TargetCluster:
    """What a catalog may rely on in a Strimzi cluster: brokers, authorizer, listeners' authentication."""
    authorization = cluster.authorization is not None and (
        cluster.authorization.type == "simple" or getattr(cluster.authorization, "supports_admin_api", False)
    )
    offered = {listener.authentication.type for listener in cluster.listeners.values() if listener.authentication}
    return TargetCluster(
        name=name,
        kind="strimzi",
        brokers=cluster.broker_count,
        authorization=authorization,
        authentication=frozenset(offered & AUTHENTICATION_TYPES),
        topic_operator=cluster.entity_operator.topic_operator.enabled,
        user_operator=cluster.entity_operator.user_operator.enabled,
        cruise_control=cluster.cruise_control.enabled,
    )
