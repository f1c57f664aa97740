"""Load a whole stack: its validated config and its resolved catalog, before any resource exists."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .resolve import ResolvedCatalog, TargetCluster, resolve_catalog
from .stack import PROJECT, StackConfig, load_stack_config

AUTHENTICATION_TYPES = frozenset({"scram-sha-512", "tls"})


@dataclass(frozen=True)
class Stack:
    """What a stack declares: config, and the catalog resolved for its target cluster."""

    config: StackConfig
    catalog: ResolvedCatalog | None = None


def load_stack(
    values: Mapping[str, Any], root: Path, source: str = "stack config", secret_keys: Collection[str] = ()
) -> Stack:
    """Validate the config, then load ``<root>/<catalog.path>`` and resolve it (ConfigError on any problem)."""
    config = load_stack_config(values, source, secret_keys)
    if config.catalog is None:
        return Stack(config)
    catalog = Catalog.load(root / config.catalog.path, label=config.catalog.path)
    return Stack(config, resolve_catalog(catalog, config.catalog, target_cluster(config), f"{PROJECT}:catalog"))


def target_cluster(config: StackConfig) -> TargetCluster:
    """What the catalog may rely on in the stack's catalog cluster."""
    name = config.catalog_cluster
    assert name is not None
    if name in config.external_clusters:
        external = config.external_clusters[name]
        return TargetCluster(
            name=name,
            kind="external",
            brokers=external.brokers,
            authorization=external.authorization,
            authentication=frozenset(external.client_authentication),
        )
    cluster = config.clusters[name]
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
