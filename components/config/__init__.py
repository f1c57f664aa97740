"""Typed stack config: one pydantic model tree, validated once, with environment presets."""

from .catalog import Catalog, CatalogSettings, ServiceSpec
from .cluster import ClusterConfig, NodePoolConfig
from .errors import ConfigError, ConfigProblem
from .external import ExternalClusterConfig
from .listeners import ListenerConfig
from .loader import Stack, cluster_config, load_stack, target_cluster
from .operator import OperatorConfig
from .presets import ENVIRONMENTS, Environment, catalog_preset, cluster_preset, merge, operator_preset
from .resolve import ResolvedCatalog, ResolvedService, ResolvedTopic, TargetCluster, resolve_catalog
from .source import config_errors_exit, from_pulumi
from .stack import PROJECT, StackConfig, load_stack_config

__all__ = [
    "ENVIRONMENTS",
    "PROJECT",
    "Catalog",
    "CatalogSettings",
    "ClusterConfig",
    "ConfigError",
    "ConfigProblem",
    "Environment",
    "ExternalClusterConfig",
    "ListenerConfig",
    "NodePoolConfig",
    "OperatorConfig",
    "ResolvedCatalog",
    "ResolvedService",
    "ResolvedTopic",
    "ServiceSpec",
    "Stack",
    "StackConfig",
    "TargetCluster",
    "catalog_preset",
    "cluster_config",
    "cluster_preset",
    "config_errors_exit",
    "from_pulumi",
    "load_stack",
    "load_stack_config",
    "merge",
    "operator_preset",
    "resolve_catalog",
    "target_cluster",
]
