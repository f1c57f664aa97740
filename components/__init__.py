"""messaging-platform: Apache Kafka on Kubernetes through Strimzi 1.2.0, as Pulumi components."""

from .backend import CatalogBackend, ServiceCredentials
from .bridge import KafkaBridge, KafkaBridgeArgs
from .catalog import KafkaCatalog, KafkaCatalogArgs, ServiceArgs, TopicArgs
from .cluster import KafkaCluster, KafkaClusterArgs
from .config import ClusterConfig, ConfigError, OperatorConfig, Stack, StackConfig, load_stack, load_stack_config
from .connect import KafkaConnect, KafkaConnectArgs
from .external import ExternalKafkaCluster, ExternalKafkaClusterArgs
from .mirror_maker import KafkaMirrorMaker2, KafkaMirrorMaker2Args
from .operator import StrimziOperator, StrimziOperatorArgs
from .platform import Platform, build_platform, export_outputs
from .rebalance import KafkaRebalance, KafkaRebalanceArgs
from .topic import KafkaTopic, KafkaTopicArgs
from .user import KafkaUser, KafkaUserArgs

__all__ = [
    "CatalogBackend",
    "ClusterConfig",
    "ConfigError",
    "ExternalKafkaCluster",
    "ExternalKafkaClusterArgs",
    "KafkaBridge",
    "KafkaBridgeArgs",
    "KafkaCatalog",
    "KafkaCatalogArgs",
    "KafkaCluster",
    "KafkaClusterArgs",
    "KafkaConnect",
    "KafkaConnectArgs",
    "KafkaMirrorMaker2",
    "KafkaMirrorMaker2Args",
    "KafkaRebalance",
    "KafkaRebalanceArgs",
    "KafkaTopic",
    "KafkaTopicArgs",
    "KafkaUser",
    "KafkaUserArgs",
    "OperatorConfig",
    "Platform",
    "ServiceArgs",
    "ServiceCredentials",
    "Stack",
    "StackConfig",
    "StrimziOperator",
    "StrimziOperatorArgs",
    "TopicArgs",
    "build_platform",
    "export_outputs",
    "load_stack",
    "load_stack_config",
]
