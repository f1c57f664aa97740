"""messaging-platform: Apache Kafka on Kubernetes through Strimzi 1.2.0, as Pulumi components."""

from .cluster import KafkaCluster
from .config import ClusterConfig, ConfigError, OperatorConfig, Stack, StackConfig, load_stack, load_stack_config
from .external import ExternalKafkaCluster
from .operator import StrimziOperator
from .platform import Platform, build_platform, export_outputs
from .topic import KafkaTopic
from .user import KafkaUser

__all__ = [
    "ClusterConfig",
    "ConfigError",
    "ExternalKafkaCluster",
    "KafkaCluster",
    "KafkaTopic",
    "KafkaUser",
    "OperatorConfig",
    "Platform",
    "Stack",
    "StackConfig",
    "StrimziOperator",
    "build_platform",
    "export_outputs",
    "load_stack",
    "load_stack_config",
]
