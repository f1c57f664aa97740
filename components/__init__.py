"""messaging-platform: Apache Kafka on Kubernetes through Strimzi 1.2.0, as Pulumi components."""

from .cluster import KafkaCluster
from .config import ClusterConfig, ConfigError, OperatorConfig, StackConfig, load_stack_config
from .operator import StrimziOperator
from .platform import Platform, build_platform, export_outputs

__all__ = [
    "ClusterConfig",
    "ConfigError",
    "KafkaCluster",
    "OperatorConfig",
    "Platform",
    "StackConfig",
    "StrimziOperator",
    "build_platform",
    "export_outputs",
    "load_stack_config",
]
