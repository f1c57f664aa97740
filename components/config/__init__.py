"""Typed stack config: one pydantic model tree, validated once, with environment presets."""

from .cluster import ClusterConfig, NodePoolConfig
from .errors import ConfigError, ConfigProblem
from .listeners import ListenerConfig
from .operator import OperatorConfig
from .presets import ENVIRONMENTS, Environment, cluster_preset, merge, operator_preset
from .source import from_pulumi, load_stack_file, read_stack_file
from .stack import PROJECT, StackConfig, load_stack_config

__all__ = [
    "ENVIRONMENTS",
    "PROJECT",
    "ClusterConfig",
    "ConfigError",
    "ConfigProblem",
    "Environment",
    "ListenerConfig",
    "NodePoolConfig",
    "OperatorConfig",
    "StackConfig",
    "cluster_preset",
    "from_pulumi",
    "load_stack_config",
    "load_stack_file",
    "merge",
    "operator_preset",
    "read_stack_file",
]
