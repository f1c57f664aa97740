"""Facts about Strimzi 1.2.0 that the components and validators rely on.

Everything here is checked against the Strimzi 1.2.0 release data (CRDs, ``kafka-versions.yaml``,
the Helm chart's ``values.yaml``) by ``tests/conformance``, so a Strimzi upgrade is one place to edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STRIMZI_VERSION = "1.2.0"
API_GROUP = "kafka.strimzi.io"
API_VERSION = f"{API_GROUP}/v1"

# Ref: https://strimzi.io/docs/operators/latest/deploying#deploying-cluster-operator-helm-chart-str
HELM_CHART = "oci://quay.io/strimzi-helm/strimzi-kafka-operator"
# Ref: https://github.com/strimzi/strimzi-kafka-operator/releases/tag/1.2.0 (release asset)
CRDS_URL = (
    "https://github.com/strimzi/strimzi-kafka-operator/releases/download/"
    f"{STRIMZI_VERSION}/strimzi-crds-{STRIMZI_VERSION}.yaml"
)

# Labels and annotations Strimzi reads.
CLUSTER_LABEL = "strimzi.io/cluster"

# pulumi-kubernetes await annotations (provider >= 4.18): wait for the operator's verdict.
# Ref: https://www.pulumi.com/registry/packages/kubernetes/api-docs/#await-logic
WAIT_FOR_ANNOTATION = "pulumi.com/waitFor"
WAIT_FOR_READY = "condition=Ready"
TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds"


def ready_annotations(timeout_seconds: int) -> dict[str, str]:
    """The annotations that make Pulumi wait, at most ``timeout_seconds``, for the operator to set the
    resource's Ready condition."""
    return {WAIT_FOR_ANNOTATION: WAIT_FOR_READY, TIMEOUT_ANNOTATION: str(timeout_seconds)}


KINDS = (
    "Kafka",
    "KafkaNodePool",
    "KafkaTopic",
    "KafkaUser",
    "KafkaConnect",
    "KafkaConnector",
    "KafkaMirrorMaker2",
    "KafkaBridge",
    "KafkaRebalance",
    "StrimziPodSet",
)


@dataclass(frozen=True)
class KafkaVersion:
    """A Kafka version the Strimzi 1.2.0 Cluster Operator can deploy."""

    version: str
    metadata_version: str
    default: bool = False


# The `supported: true` entries of Strimzi 1.2.0's kafka-versions.yaml.
SUPPORTED_KAFKA_VERSIONS: tuple[KafkaVersion, ...] = (
    KafkaVersion("4.2.0", "4.2-IV1"),
    KafkaVersion("4.2.1", "4.2-IV1"),
    KafkaVersion("4.3.0", "4.3-IV0"),
    KafkaVersion("4.3.1", "4.3-IV0", default=True),
)
DEFAULT_KAFKA_VERSION = next(v for v in SUPPORTED_KAFKA_VERSIONS if v.default)


def kafka_version(version: str) -> KafkaVersion | None:
    """The supported Kafka version with this number, or None."""
    return next((v for v in SUPPORTED_KAFKA_VERSIONS if v.version == version), None)


def parse_metadata_version(value: str) -> tuple[int, int, int] | None:
    """``"4.3-IV0"`` -> ``(4, 3, 0)``; ``"4.3"`` -> ``(4, 3, 0)``; anything else -> None."""
    major_minor, _, iv = value.partition("-IV")
    parts = major_minor.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    if iv and not iv.isdigit():
        return None
    if "-" in value and not iv:
        return None
    return int(parts[0]), int(parts[1]), int(iv or 0)


# Ref: operator-common/.../featuregates/FeatureGates.java at tag 1.2.0 (unknown gates stop the operator).
FEATURE_GATES: frozenset[str] = frozenset({"UseConnectBuildWithBuildah", "UseBackgroundPodDeletion"})


class _FreeForm:
    """Marks a chart value whose content is Kubernetes data the chart passes through unchecked."""

    def __repr__(self) -> str:
        return "FREE_FORM"


FREE_FORM: Any = _FreeForm()

_IMAGE = {"registry": None, "repository": None, "name": None, "tag": None, "digest": None}
_IMAGE_PREFIXED = {**_IMAGE, "tagPrefix": None}
_PROBE = {"initialDelaySeconds": None, "periodSeconds": None}

# The values the strimzi-kafka-operator 1.2.0 chart reads (values.yaml plus its README's table).
# None: a scalar; FREE_FORM: Kubernetes data passed through; a dict: nested chart keys.
HELM_VALUE_KEYS: dict[str, Any] = {
    "replicas": None,
    "revisionHistoryLimit": None,
    "watchNamespaces": FREE_FORM,
    "watchAnyNamespace": None,
    "defaultImageRegistry": None,
    "defaultImageRepository": None,
    "defaultImageTag": None,
    "imageTagOverride": None,
    "image": {**_IMAGE, "imagePullPolicy": None, "imagePullSecrets": FREE_FORM},
    "logVolume": None,
    "logConfigMap": None,
    "logConfiguration": None,
    "logLevel": None,
    "fullReconciliationIntervalMs": None,
    "operationTimeoutMs": None,
    "kubernetesServiceDnsDomain": None,
    "featureGates": None,
    "tmpDirSizeLimit": None,
    "extraEnvs": FREE_FORM,
    "tolerations": FREE_FORM,
    "topologySpreadConstraints": FREE_FORM,
    "affinity": FREE_FORM,
    "annotations": FREE_FORM,
    "labels": FREE_FORM,
    "nodeSelector": FREE_FORM,
    "deploymentAnnotations": FREE_FORM,
    "deploymentLabels": FREE_FORM,
    "deploymentStrategy": FREE_FORM,
    "priorityClassName": None,
    "hostUsers": None,
    "enableServiceLinks": None,
    "podSecurityContext": FREE_FORM,
    "securityContext": FREE_FORM,
    "operatorNamespaceLabels": FREE_FORM,
    "rbac": {"create": None},
    "serviceAccountCreate": None,
    "serviceAccount": None,
    "leaderElection": {"enable": None},
    "podDisruptionBudget": {
        "enabled": None,
        "minAvailable": None,
        "maxUnavailable": None,
        "unhealthyPodEvictionPolicy": None,
    },
    "operatorNetworkPolicy": {"enabled": None, "ingress": FREE_FORM, "egress": FREE_FORM},
    "dashboards": {
        "enabled": None,
        "namespace": None,
        "label": None,
        "labelValue": None,
        "annotations": FREE_FORM,
        "extraLabels": FREE_FORM,
    },
    "kafka": {"image": _IMAGE_PREFIXED},
    "kafkaConnect": {"image": _IMAGE_PREFIXED},
    "kafkaExporter": {"image": _IMAGE_PREFIXED},
    "kafkaMirrorMaker2": {"image": _IMAGE_PREFIXED},
    "cruiseControl": {"image": _IMAGE_PREFIXED},
    "topicOperator": {"image": _IMAGE},
    "userOperator": {"image": _IMAGE},
    "kafkaInit": {"image": _IMAGE},
    "kafkaBridge": {"image": _IMAGE},
    "kanikoExecutor": {"image": _IMAGE},
    "buildah": {"image": _IMAGE},
    "mavenBuilder": {"image": _IMAGE},
    "resources": FREE_FORM,
    "livenessProbe": _PROBE,
    "readinessProbe": _PROBE,
    "createGlobalResources": None,
    "createAggregateRoles": None,
    "labelsExclusionPattern": None,
    "generateNetworkPolicy": None,
    "connectBuildTimeoutMs": None,
    "generatePodDisruptionBudget": None,
}

# Broker options Strimzi manages itself; it ignores them in `spec.kafka.config`.
# Ref: api/.../kafka/KafkaClusterSpec.java at tag 1.2.0 (FORBIDDEN_PREFIXES, FORBIDDEN_PREFIX_EXCEPTIONS).
FORBIDDEN_BROKER_CONFIG_PREFIXES: tuple[str, ...] = (
    "listeners", "advertised.", "broker.", "listener.", "host.name", "port",
    "inter.broker.listener.name", "sasl.", "ssl.", "security.", "password.", "log.dir",
    "zookeeper.connect", "zookeeper.set.acl", "zookeeper.ssl", "zookeeper.clientCnxnSocket",
    "authorizer.", "super.user", "cruise.control.metrics.topic",
    "cruise.control.metrics.reporter.bootstrap.servers", "node.id", "process.roles", "controller.",
    "metadata.log.dir", "zookeeper.metadata.migration.enable", "client.quota.callback.static.kafka.admin.",
    "client.quota.callback.static.produce", "client.quota.callback.static.fetch",
    "client.quota.callback.static.storage.per.volume.limit.min.available.",
    "client.quota.callback.static.excluded.principal.name.list", "prometheus.metrics.reporter.",
    "cordoned.log.dirs",
)  # fmt: skip
FORBIDDEN_BROKER_CONFIG_EXCEPTIONS: frozenset[str] = frozenset({
    "zookeeper.connection.timeout.ms", "sasl.server.max.receive.size", "ssl.cipher.suites", "ssl.protocol",
    "ssl.enabled.protocols", "ssl.secure.random.implementation", "cruise.control.metrics.topic.num.partitions",
    "cruise.control.metrics.topic.replication.factor", "cruise.control.metrics.topic.retention.ms",
    "cruise.control.metrics.topic.auto.create.retries", "cruise.control.metrics.topic.auto.create.timeout.ms",
    "cruise.control.metrics.topic.min.insync.replicas", "broker.session.timeout.ms",
    "broker.heartbeat.interval.ms", "controller.socket.timeout.ms", "controller.quorum.election.backoff.max.ms",
    "controller.quorum.election.timeout.ms", "controller.quorum.fetch.timeout.ms",
})  # fmt: skip


def forbidden_broker_config(key: str) -> bool:
    """Whether Strimzi manages this broker option itself (and would ignore a user's value)."""
    if key in FORBIDDEN_BROKER_CONFIG_EXCEPTIONS:
        return False
    return any(key.startswith(prefix) for prefix in FORBIDDEN_BROKER_CONFIG_PREFIXES)


# Labels this project puts on every Kubernetes object it declares.
MANAGED_BY_LABELS: dict[str, str] = {
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/part-of": "messaging-platform",
}
# The environment (preset) of the stack that declares an object: the policy pack compares it with the
# environment its own config is for (rule policy-config-environment).
ENVIRONMENT_LABEL = "messaging-platform.io/environment"


def managed_labels(environment: str | None = None) -> dict[str, str]:
    """:data:`MANAGED_BY_LABELS`, and :data:`ENVIRONMENT_LABEL` when the environment is known (a fresh dict)."""
    return {**MANAGED_BY_LABELS, **({ENVIRONMENT_LABEL: environment} if environment else {})}


# Kafka Connect (KafkaConnect / KafkaConnector).
# Ref: the KafkaConnect CRD's `spec.config` description, and api/.../connect/KafkaConnectSpec.java at
# tag 1.2.0 (FORBIDDEN_PREFIXES, FORBIDDEN_PREFIX_EXCEPTIONS).
CONNECT_FORBIDDEN_CONFIG_PREFIXES: tuple[str, ...] = (
    "group.id", "config.storage.topic", "offset.storage.topic", "status.storage.topic", "ssl.", "sasl.",
    "security.", "listeners", "plugin.path", "rest.", "bootstrap.servers", "consumer.interceptor.classes",
    "producer.interceptor.classes", "prometheus.metrics.reporter.",
)  # fmt: skip
CONNECT_FORBIDDEN_CONFIG_EXCEPTIONS: frozenset[str] = frozenset(
    {"ssl.endpoint.identification.algorithm", "ssl.cipher.suites", "ssl.protocol", "ssl.enabled.protocols"}
)
# Ref: the KafkaConnector CRD's `spec.config` description (set through the resource's own fields).
CONNECTOR_FORBIDDEN_CONFIG: frozenset[str] = frozenset(
    {"name", "connector.class", "tasks.max", "connector.plugin.version"}
)
# KafkaConnectors are only reconciled for a KafkaConnect with this annotation set to "true".
USE_CONNECTOR_RESOURCES_ANNOTATION = "strimzi.io/use-connector-resources"
# Additional volumes (template.pod.volumes) may only be mounted under this path.
# Ref: cluster-operator/.../model/TemplateUtils.java at tag 1.2.0 (ALLOWED_MOUNT_PATH).
ALLOWED_MOUNT_PATH = "/mnt"
# Config providers Strimzi configures on every Connect worker for its own credentials (appended to
# the user's `config.providers`). Ref: KafkaConnectConfigurationBuilder.configProviders at tag 1.2.0.
STRIMZI_CONFIG_PROVIDERS: frozenset[str] = frozenset({"strimzienv", "strimzifile", "strimzidir"})
# The Connect REST API port of a KafkaConnect's `<name>-connect-api` service.
CONNECT_REST_PORT = 8083


def forbidden_connect_config(key: str) -> bool:
    """Whether Strimzi manages this Connect worker option itself (and refuses a user's value)."""
    if key in CONNECT_FORBIDDEN_CONFIG_EXCEPTIONS:
        return False
    return any(key.startswith(prefix) for prefix in CONNECT_FORBIDDEN_CONFIG_PREFIXES)
