"""The root of a stack's config: everything under the ``messaging-platform:`` namespace."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

from pydantic import Field, ValidationError, model_validator

from ..invariants import did_you_mean
from .addons import addon_problems
from .base import ConfigModel, Problem, raise_problems
from .bridge import BridgeConfig
from .catalog import CatalogSettings
from .causes import explain_problems
from .cluster import ClusterConfig
from .connect import ConnectConfig
from .connect_resolve import connect_stack_problems
from .errors import MISSING, SECRET_PLACEHOLDER, ConfigError, ConfigProblem, problems_from_validation_error
from .external import ExternalClusterConfig
from .kubernetes import DnsLabel
from .mirror import MirrorMaker2Config
from .operator import OperatorConfig
from .presets import (
    ENVIRONMENTS,
    Environment,
    bridge_preset,
    catalog_preset,
    cluster_preset,
    connect_preset,
    merge,
    mirror_maker_preset,
    operator_preset,
)
from .rebalance import RebalanceConfig

PROJECT = "messaging-platform"
# Pod names are <cluster>-<pool>-<node id>: leave room for two dashes and a 5-digit id.
MAX_CLUSTER_AND_POOL_NAME = 63 - 2 - 5


class StackConfig(ConfigModel):
    """A whole stack: its environment preset, the Strimzi operator, the Kafka clusters it runs,
    the external clusters it manages topics on, and its use of the shared catalog."""

    environment: Environment = Field(
        description="The preset merged under this stack's values: `dev` (one ephemeral node, topics deletable) or "
        "`prod` (dedicated controllers, 3 brokers, persistent JBOD, protected resources and topics)."
    )
    operator: OperatorConfig = Field(
        default_factory=OperatorConfig,
        description="The Strimzi Cluster Operator (installed when the stack runs clusters), over the operator preset.",
    )
    clusters: dict[DnsLabel, ClusterConfig] = Field(
        default_factory=dict,
        description="Kafka clusters this stack runs, by name (the Kafka resource's); each over the cluster preset, "
        "so `{}` is a whole cluster.",
    )
    external_clusters: dict[DnsLabel, ExternalClusterConfig] = Field(
        default_factory=dict,
        description="Existing Kafka clusters the stack only manages catalog topics, users and ACLs on "
        "(pulumi-kafka), by name; no preset.",
    )
    catalog: CatalogSettings | None = Field(
        default=None,
        description="This stack's use of the shared catalog (`catalog/*.yaml`), over the catalog preset; "
        "unset: no catalog.",
    )
    bridges: dict[DnsLabel, BridgeConfig] = Field(
        default_factory=dict,
        description="HTTP Bridges (KafkaBridge) by name, each over the bridge preset, with a user whose ACLs come "
        "from its intents.",
    )
    mirror_maker2: dict[DnsLabel, MirrorMaker2Config] = Field(
        default_factory=dict,
        description="MirrorMaker 2 mirrors (KafkaMirrorMaker2) by name, each over the MirrorMaker 2 preset: catalog "
        "topics copied from one cluster of the stack to another, with a least-privilege user on each side.",
    )
    connect: dict[DnsLabel, ConnectConfig] = Field(
        default_factory=dict,
        description="Kafka Connect clusters (KafkaConnect) by name, each over the Connect preset, on the catalog's "
        "cluster; each runs the catalog's connectors that name it, as a user whose ACLs come from them.",
    )
    rebalances: dict[DnsLabel, RebalanceConfig] = Field(
        default_factory=dict,
        description="Cruise Control rebalances (KafkaRebalance) by name, on clusters that run Cruise Control.",
    )

    @property
    def watched_namespaces(self) -> list[str]:
        """The namespaces the operator must watch: configured, or those of the clusters."""
        if self.operator.watch_namespaces is not None:
            return list(self.operator.watch_namespaces)
        return sorted({c.namespace for c in self.clusters.values()})

    @model_validator(mode="after")
    def _check_stack(self) -> StackConfig:
        raise_problems(
            [
                *self._cluster_problems(),
                *self._watch_problems(),
                *self._pool_name_problems(),
                *self._catalog_problems(),
                *addon_problems(self),
                *connect_stack_problems(self),
            ]
        )
        return self

    def _cluster_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        if not self.clusters and not self.external_clusters:
            problems.append((("clusters",), "declare at least one cluster (or one of externalClusters)", None))
        for name in sorted(self.clusters.keys() & self.external_clusters.keys()):
            problems.append((("externalClusters", name), f"'{name}' is also a cluster this stack runs", None))
        return problems

    def _catalog_problems(self) -> list[Problem]:
        if self.catalog is None:
            return []
        names = sorted([*self.clusters, *self.external_clusters])
        if self.catalog.cluster is None and len(names) > 1:
            return [(("catalog", "cluster"), f"choose the cluster for the catalog: {', '.join(names)}", None)]
        if self.catalog.cluster is not None and self.catalog.cluster not in names:
            return [
                (("catalog", "cluster"), f"no such cluster; choose one of: {', '.join(names)}", self.catalog.cluster)
            ]
        return []

    @property
    def catalog_cluster(self) -> str | None:
        """The cluster the catalog's topics and users land on."""
        if self.catalog is None:
            return None
        return self.catalog.cluster or next(iter([*self.clusters, *self.external_clusters]), None)

    def _pool_name_problems(self) -> list[Problem]:
        # KafkaNodePools are namespaced objects named after the pool; pods are named
        # <cluster>-<pool>-<node id> and must fit a 63-character DNS label.
        problems: list[Problem] = []
        owners: dict[tuple[str, str], str] = {}
        for name, cluster in self.clusters.items():
            for pool in cluster.node_pools:
                owner = owners.setdefault((cluster.namespace, pool), name)
                if owner != name:
                    problems.append(
                        (
                            ("clusters", name, "nodePools", pool),
                            f"cluster '{owner}' in namespace '{cluster.namespace}' already has a node pool "
                            f"named '{pool}'; KafkaNodePool names are unique per namespace, rename one",
                            pool,
                        )
                    )
                if len(name) + len(pool) > MAX_CLUSTER_AND_POOL_NAME:
                    problems.append(
                        (
                            ("clusters", name, "nodePools", pool),
                            f"pod names '{name}-{pool}-<id>' would exceed 63 characters; keep the cluster and "
                            f"pool names under {MAX_CLUSTER_AND_POOL_NAME} characters together",
                            pool,
                        )
                    )
        return problems

    def _watch_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        watched = self.operator.watch_namespaces
        if watched is not None and not self.operator.watch_any_namespace:
            for name, cluster in self.clusters.items():
                if cluster.namespace not in watched and cluster.namespace != self.operator.namespace:
                    problems.append(
                        (
                            ("operator", "watchNamespaces"),
                            f"does not include '{cluster.namespace}', the namespace of cluster '{name}'; "
                            "the operator would never reconcile it (add it, or remove watchNamespaces)",
                            watched,
                        )
                    )
        return problems


def load_stack_config(
    values: Mapping[str, Any], source: str = "stack config", secret_keys: Collection[str] = ()
) -> StackConfig:
    """Validate a stack's config (keys without the ``messaging-platform:`` prefix).

    The environment's preset is merged under the given values first. ``secret_keys`` are the keys
    Pulumi holds encrypted; credentials anywhere else are refused. Raises :class:`ConfigError`
    listing every problem with its full key path, the value received and what is allowed.
    """
    prefix = f"{PROJECT}:"
    allowed = sorted(StackConfig.allowed_keys())
    problems = [
        ConfigProblem(f"{prefix}{key}", _unknown_key_message(key, allowed)) for key in values if key not in allowed
    ]
    environment = values.get("environment")
    if environment not in ENVIRONMENTS:
        problems.append(
            ConfigProblem(
                f"{prefix}environment",
                f"choose the preset: {' or '.join(ENVIRONMENTS)}",
                environment if "environment" in values else MISSING,
            )
        )
    maps = ("operator", "clusters", "externalClusters", "catalog", "bridges", "mirrorMaker2", "rebalances", "connect")
    for key in maps:
        if key in values and not isinstance(values[key], Mapping):
            problems.append(ConfigProblem(f"{prefix}{key}", "must be a map of keys", values[key]))
    if problems:
        raise ConfigError(problems, source)

    raw = _with_presets(cast(Environment, environment), values)
    try:
        config = StackConfig.model_validate(raw)
    except ValidationError as exc:
        problems = explain_problems(problems_from_validation_error(exc, raw, prefix), values, environment, prefix)
        raise ConfigError(mask_secret_values(problems, secret_keys, prefix), source) from None
    plain_passwords = [
        ConfigProblem(
            f"{prefix}externalClusters.{name}.sasl.password",
            "must be a Pulumi secret, not plain text in the stack file: "
            f"pulumi config set --secret --path 'externalClusters.{name}.sasl.password' <password>",
        )
        for name, external in config.external_clusters.items()
        if external.sasl is not None and not is_secret(f"externalClusters.{name}.sasl.password", secret_keys)
    ] + [
        ConfigProblem(
            f"{prefix}mirrorMaker2.{name}.externalUser.password",
            "must be a Pulumi secret, not plain text in the stack file: "
            f"pulumi config set --secret --path 'mirrorMaker2.{name}.externalUser.password' <password>",
        )
        for name, mirror in config.mirror_maker2.items()
        if mirror.external_user is not None and not is_secret(f"mirrorMaker2.{name}.externalUser.password", secret_keys)
    ]
    if plain_passwords:
        raise ConfigError(plain_passwords, source)
    return _mark_secret_usernames(config, secret_keys)


def _mark_secret_usernames(config: StackConfig, secret_keys: Collection[str]) -> StackConfig:
    """``config`` with every SASL username stored encrypted marked so (it must stay a secret in resources)."""
    marked = {
        name: external.model_copy(update={"sasl": external.sasl.with_secret_username()})
        for name, external in config.external_clusters.items()
        if external.sasl is not None and is_secret(f"externalClusters.{name}.sasl.username", secret_keys)
    }
    if not marked:
        return config
    return config.model_copy(update={"external_clusters": {**config.external_clusters, **marked}})


def is_secret(path: str, secret_keys: Collection[str]) -> bool:
    """Whether the value at ``path`` is encrypted: it, or a key above it, is among ``secret_keys``
    (paths without the namespace; a whole key when its provenance is not known leaf by leaf)."""
    parts = path.split(".")
    return any(".".join(parts[:end]) in secret_keys for end in range(1, len(parts) + 1))


def mask_secret_values(
    problems: Sequence[ConfigProblem], secret_keys: Collection[str], prefix: str = f"{PROJECT}:"
) -> list[ConfigProblem]:
    """The problems with every value under a secret config key shown as ``[secret]``.

    Pulumi marks a whole structured key secret when any value in it is, and ``pulumi up`` hands the
    program decrypted values: an error must never echo them.
    """
    secret_prefixes = tuple(f"{prefix}{key}" for key in secret_keys)
    return [
        replace(problem, received=SECRET_PLACEHOLDER)
        if problem.received is not MISSING and problem.path.startswith(secret_prefixes)
        else problem
        for problem in problems
    ]


def _with_presets(environment: Environment, values: Mapping[str, Any]) -> dict[str, Any]:
    clusters = values.get("clusters") or {}
    catalog = {"catalog": merge(catalog_preset(environment), values["catalog"] or {})} if "catalog" in values else {}
    return {
        **{k: v for k, v in values.items() if k not in {"operator", "clusters", "catalog"}},
        **catalog,
        **_entries_over(values, "bridges", bridge_preset(environment)),
        **_entries_over(values, "mirrorMaker2", mirror_maker_preset(environment)),
        **_entries_over(values, "connect", connect_preset(environment)),
        "operator": merge(operator_preset(environment), values.get("operator") or {}),
        "clusters": {
            name: merge(cluster_preset(environment), cluster if isinstance(cluster, Mapping) else {})
            if cluster is None or isinstance(cluster, Mapping)
            else cluster
            for name, cluster in clusters.items()
        },
    }


def _unknown_key_message(key: str, allowed: list[str]) -> str:
    return f"unknown config key; allowed keys: {', '.join(allowed)}{did_you_mean(key, allowed)}"


def _entries_over(values: Mapping[str, Any], key: str, preset: Mapping[str, Any]) -> dict[str, Any]:
    """``{key: {name: preset + entry}}`` for a map of entries that each sit over a preset (as clusters do)."""
    entries = values.get(key)
    if not isinstance(entries, Mapping):
        return {}
    return {
        key: {
            name: merge(preset, entry or {}) if isinstance(entry, Mapping) or entry is None else entry
            for name, entry in entries.items()
        }
    }
