"""Config of one Kafka cluster: node pools, listeners, security, operations add-ons.

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaSpec-reference
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema, model_validator

from .. import strimzi
from .base import ConfigModel, Problem, json_pattern, raise_problems
from .kubernetes import DnsLabel, Quantity, ResourceRequirements, quantity_value
from .listeners import ListenerConfig
from .storage import Storage

Role = Literal["controller", "broker"]
# Ref: GenericKafkaListener.LISTENER_NAME_REGEX
ListenerName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{1,11}$")]
BrokerConfigValue = bool | int | float | str

# Broker options whose value may not exceed the number of brokers (the operator rejects the cluster).
# Ref: cluster-operator/.../model/KafkaCluster.java at tag 1.2.0.
REPLICATION_OPTIONS = (
    "default.replication.factor",
    "offsets.topic.replication.factor",
    "transaction.state.log.replication.factor",
    "transaction.state.log.min.isr",
)
_HEAP = re.compile(r"^[0-9]+[kKmMgG]?$")


def _check_heap(value: str) -> str:
    if not _HEAP.match(value):
        raise ValueError(f"'{value}' is not a JVM heap size; use e.g. 512m or 2g")
    return value


HeapSize = Annotated[
    str,
    AfterValidator(_check_heap),
    WithJsonSchema(
        {"title": "heap size", "type": "string", "pattern": json_pattern(_HEAP), "examples": ["512m", "2g"]}
    ),
]
_SUPPORTED_VERSIONS = ", ".join(v.version for v in strimzi.SUPPORTED_KAFKA_VERSIONS)
_RESOURCES_PRESET = "The prod preset requests {cpu} CPU and {memory} (memory limit {memory})."


def heap_bytes(value: str) -> int:
    """``"2g"`` -> 2147483648."""
    scale = {"k": 2**10, "m": 2**20, "g": 2**30}
    suffix = value[-1].lower()
    return int(value[:-1]) * scale[suffix] if suffix in scale else int(value)


class SystemProperty(ConfigModel):
    """A ``-Dname=value`` Java system property."""

    name: str = Field(description="Property name (after `-D`).")
    value: str = Field(description="Property value.")


class JvmOptions(ConfigModel):
    """JVM heap and flags for a Kafka container."""

    xms: HeapSize | None = Field(
        default=None, alias="-Xms", description="Initial heap, e.g. `1g`; at most `-Xmx`. Both presets set it."
    )
    xmx: HeapSize | None = Field(
        default=None,
        alias="-Xmx",
        description="Maximum heap, e.g. `4g`; below the container's memory limit. Presets: 1g, prod brokers 4g.",
    )
    xx: dict[str, str] | None = Field(
        default=None, alias="-XX", description='`-XX` JVM options by name, e.g. `{UseG1GC: "true"}`.'
    )
    gc_logging_enabled: bool | None = Field(
        default=None, description="Log garbage collections; unset: Strimzi's default (off)."
    )
    java_system_properties: list[SystemProperty] | None = Field(
        default=None, description="Extra `-Dname=value` Java system properties."
    )

    @model_validator(mode="after")
    def _heap_order(self) -> JvmOptions:
        if self.xms and self.xmx and heap_bytes(self.xms) > heap_bytes(self.xmx):
            raise_problems([(("-Xms",), f"-Xms ({self.xms}) is larger than -Xmx ({self.xmx})", self.xms)])
        return self


class PodTemplate(ConfigModel):
    """Scheduling of Kafka pods (Strimzi ``template.pod``); Kubernetes structures pass through."""

    affinity: dict[str, Any] | None = Field(
        default=None, description="Kubernetes `affinity` of the pods (node affinity, pod (anti-)affinity)."
    )
    tolerations: list[dict[str, Any]] | None = Field(
        default=None, description="Kubernetes tolerations of the pods, for tainted nodes."
    )
    topology_spread_constraints: list[dict[str, Any]] | None = Field(
        default=None,
        description="Kubernetes topology spread constraints; unset with `rack`: each pool spreads over the rack key.",
    )
    priority_class_name: str | None = Field(default=None, description="PriorityClass of the pods.")
    termination_grace_period_seconds: int | None = Field(
        default=None, ge=0, description="Seconds a pod gets to shut down cleanly before it is killed."
    )


class PodDisruptionBudget(ConfigModel):
    """How many Kafka pods voluntary disruptions (node drains) may take down at once."""

    max_unavailable: int = Field(
        default=1, ge=0, description="Kafka pods a voluntary disruption may take down at once; 0 blocks evictions."
    )


class ClusterTemplate(ConfigModel):
    """Pod scheduling for every node pool, and the cluster's PodDisruptionBudget."""

    pod: PodTemplate | None = Field(
        default=None, description="Pod scheduling of every node pool; a pool's own `pod` overrides it key by key."
    )
    pod_disruption_budget: PodDisruptionBudget | None = Field(
        default=None,
        description="The Kafka pods' PodDisruptionBudget; unset: Strimzi's (1 unavailable). The prod preset sets it.",
    )


class NodePoolConfig(ConfigModel):
    """A KafkaNodePool: a set of identical nodes with the controller and/or broker role."""

    roles: list[Role] = Field(min_length=1, description="KRaft roles of the nodes: `controller`, `broker` or both.")
    replicas: int = Field(ge=0, description="Number of nodes in the pool.")
    storage: Storage = Field(description="Storage of each node: `ephemeral`, `persistent-claim` or `jbod`.")
    resources: ResourceRequirements | None = Field(
        default=None, description="CPU and memory of each Kafka container; the memory limit must exceed `-Xmx`."
    )
    jvm_options: JvmOptions | None = Field(default=None, description="JVM heap and flags of the Kafka containers.")
    pod: PodTemplate | None = Field(
        default=None, description="Pod scheduling of this pool, over the cluster's `template.pod` key by key."
    )

    @model_validator(mode="after")
    def _check_pool(self) -> NodePoolConfig:
        problems: list[Problem] = []
        if len(set(self.roles)) != len(self.roles):
            problems.append((("roles",), "each role may be listed once", self.roles))
        heap = self.jvm_options.xmx if self.jvm_options else None
        limit = self.resources.limits.memory if self.resources and self.resources.limits else None
        if heap and limit and heap_bytes(heap) >= quantity_value(limit):
            problems.append(
                (
                    ("jvmOptions", "-Xmx"),
                    f"the heap ({heap}) must be smaller than resources.limits.memory ({limit}), "
                    "or the container is killed for running out of memory; leave room for page cache",
                    heap,
                )
            )
        raise_problems(problems)
        return self


_SUPER_USERS = "Principals that bypass ACLs: `CN=<name>` for TLS clients, the user name for SCRAM."


class SimpleAuthorization(ConfigModel):
    """Kafka's built-in ACL authorizer; super users bypass ACLs."""

    type: Literal["simple"] = Field(default="simple", description="Authorization type: `simple` (Kafka's ACLs).")
    super_users: list[str] = Field(default_factory=list, description=_SUPER_USERS)


class CustomAuthorization(ConfigModel):
    """A third-party authorizer class."""

    type: Literal["custom"] = Field(default="custom", description="Authorization type: `custom`.")
    authorizer_class: str = Field(description="Authorizer class, on the brokers' classpath.")
    super_users: list[str] = Field(default_factory=list, description=_SUPER_USERS)
    supports_admin_api: bool = Field(
        default=False,
        description="The authorizer manages ACLs through Kafka's Admin API; without it the catalog's service ACLs "
        "cannot be applied and are refused.",
    )


Authorization = Annotated[SimpleAuthorization | CustomAuthorization, Field(discriminator="type")]


class RackAwareness(ConfigModel):
    """Spread partition replicas across failure domains (zones) and tell clients where they are."""

    topology_key: str = Field(
        default="topology.kubernetes.io/zone",
        description="Node label whose value is each broker's rack (`broker.rack`), usually the zone.",
    )


class MetricsConfig(ConfigModel):
    """Prometheus JMX exporter metrics from a ConfigMap this project generates."""

    enabled: bool = Field(
        default=True,
        description="Expose Kafka (and Cruise Control) metrics with rules from a generated ConfigMap "
        "`<cluster>-metrics`.",
    )


class KafkaExporterConfig(ConfigModel):
    """Kafka Exporter: consumer lag and topic offsets as Prometheus metrics."""

    enabled: bool = Field(default=False, description="Run Kafka Exporter. On in the prod preset.")
    topic_regex: str = Field(default=".*", description="Topics to report (regular expression).")
    group_regex: str = Field(default=".*", description="Consumer groups to report (regular expression).")
    topic_exclude_regex: str | None = Field(default=None, description="Topics to leave out (regular expression).")
    group_exclude_regex: str | None = Field(
        default=None, description="Consumer groups to leave out (regular expression)."
    )
    resources: ResourceRequirements | None = Field(
        default=None,
        description="CPU and memory of the exporter. " + _RESOURCES_PRESET.format(cpu="100m", memory="256Mi"),
    )


class CruiseControlConfig(ConfigModel):
    """Cruise Control: partition rebalancing and replication-factor changes."""

    enabled: bool = Field(
        default=False,
        description="Run Cruise Control (needs 2 brokers or more); Strimzi changes topic replicas only through it. "
        "On in the prod preset.",
    )
    resources: ResourceRequirements | None = Field(
        default=None,
        description="CPU and memory of Cruise Control. " + _RESOURCES_PRESET.format(cpu="500m", memory="1Gi"),
    )
    config: dict[str, BrokerConfigValue] = Field(
        default_factory=dict, description="Cruise Control properties; Strimzi ignores the ones it manages."
    )


class EntityOperatorComponent(ConfigModel):
    """The Topic Operator or User Operator sidecar of the Entity Operator."""

    enabled: bool = Field(
        default=True,
        description="Run this operator; catalog topics need the Topic Operator, catalog services the User Operator.",
    )
    resources: ResourceRequirements | None = Field(
        default=None,
        description="CPU and memory of this operator. " + _RESOURCES_PRESET.format(cpu="100m", memory="512Mi"),
    )
    reconciliation_interval_ms: int | None = Field(
        default=None, ge=1000, description="Milliseconds between periodic reconciliations; unset: Strimzi's default."
    )


class EntityOperatorConfig(ConfigModel):
    """The Entity Operator: reconciles KafkaTopic and KafkaUser resources."""

    topic_operator: EntityOperatorComponent = Field(
        default_factory=EntityOperatorComponent, description="The Topic Operator: reconciles KafkaTopics."
    )
    user_operator: EntityOperatorComponent = Field(
        default_factory=EntityOperatorComponent,
        description="The User Operator: reconciles KafkaUsers (credentials, ACLs, quotas).",
    )


class ClusterConfig(ConfigModel):
    """One Kafka cluster (KRaft) and its node pools. Its name is its key under ``clusters``."""

    namespace: DnsLabel = Field(
        default="kafka", description="Namespace of the cluster; the stack creates it (unless it is the operator's)."
    )
    version: str = Field(
        default=strimzi.DEFAULT_KAFKA_VERSION.version,
        description=f"Kafka version; Strimzi {strimzi.STRIMZI_VERSION} runs {_SUPPORTED_VERSIONS}.",
    )
    metadata_version: str | None = Field(
        default=None,
        description="KRaft metadata version (`X.Y` or `X.Y-IVn`), from 3.3-IV3 up to what `version` supports; "
        f"unset: the version's own (`{strimzi.DEFAULT_KAFKA_VERSION.metadata_version}` for "
        f"{strimzi.DEFAULT_KAFKA_VERSION.version}).",
    )
    protect: bool = Field(
        default=False,
        description="Protect the Kafka resource and node pools: an update that would delete them fails. "
        "Preset: dev false, prod true.",
    )
    ready_timeout_seconds: int = Field(
        default=1800, ge=60, description="Seconds `pulumi up` waits for Strimzi to report the cluster Ready."
    )
    node_pools: dict[DnsLabel, NodePoolConfig] = Field(
        min_length=1,
        description="KafkaNodePools by name; at least one controller and one broker. Presets: dev `dual` (1 node, "
        "both roles, ephemeral); prod `controllers` (3) and `brokers` (3) on persistent JBOD.",
    )
    listeners: dict[ListenerName, ListenerConfig] = Field(
        min_length=1,
        description="Listeners by name (1-11 lowercase letters or digits). Presets: dev `plain` (9092, no TLS) and "
        "`tls` (9093); prod `tls` (9093); all internal with SCRAM-SHA-512.",
    )
    authorization: Authorization | None = Field(
        default=None,
        description="How brokers authorize clients: `simple` (ACLs) or `custom`; unset: no authorizer. "
        "Both presets use `simple`.",
    )
    config: dict[str, BrokerConfigValue] = Field(
        default_factory=dict,
        description="Kafka broker config; options Strimzi manages (`ssl.*`, `listeners`, ...) are errors. "
        "Presets: replication factors dev 1, "
        "prod 3; min.insync.replicas dev 1, prod 2; no unclean leader election or automatic topic creation.",
    )
    rack: RackAwareness | None = Field(
        default=None,
        description="Rack awareness: replicas spread over failure domains, pools' pods spread over zones. "
        "Set in the prod preset.",
    )
    metrics: MetricsConfig = Field(
        default_factory=MetricsConfig, description="Prometheus metrics through the JMX exporter."
    )
    kafka_exporter: KafkaExporterConfig = Field(
        default_factory=KafkaExporterConfig, description="Kafka Exporter: consumer lag and offsets as metrics."
    )
    cruise_control: CruiseControlConfig = Field(
        default_factory=CruiseControlConfig, description="Cruise Control: rebalancing and replication-factor changes."
    )
    entity_operator: EntityOperatorConfig = Field(
        default_factory=EntityOperatorConfig, description="The Topic and User Operators, which reconcile the catalog."
    )
    template: ClusterTemplate | None = Field(
        default=None,
        description="Pod scheduling of every pool and the PodDisruptionBudget. The prod preset sets the budget.",
    )

    @property
    def broker_count(self) -> int:
        """Nodes with the broker role."""
        return sum(p.replicas for p in self.node_pools.values() if "broker" in p.roles)

    @property
    def controller_count(self) -> int:
        """Nodes with the controller role (the KRaft quorum)."""
        return sum(p.replicas for p in self.node_pools.values() if "controller" in p.roles)

    @property
    def effective_metadata_version(self) -> str:
        """The metadata version Strimzi will run: the configured one or the version's default."""
        if self.metadata_version:
            return self.metadata_version
        known = strimzi.kafka_version(self.version)
        return known.metadata_version if known else ""

    @model_validator(mode="after")
    def _check_cluster(self) -> ClusterConfig:
        raise_problems(
            [
                *self._version_problems(),
                *self._role_problems(),
                *self._listener_problems(),
                *self._broker_config_problems(),
                *self._cruise_control_problems(),
            ]
        )
        return self

    def _version_problems(self) -> list[Problem]:
        known = strimzi.kafka_version(self.version)
        supported = ", ".join(v.version for v in strimzi.SUPPORTED_KAFKA_VERSIONS)
        if known is None:
            return [(("version",), f"Strimzi {strimzi.STRIMZI_VERSION} supports Kafka {supported}", self.version)]
        if self.metadata_version is None:
            return []
        wanted = strimzi.parse_metadata_version(self.metadata_version)
        ceiling = strimzi.parse_metadata_version(known.metadata_version)
        if wanted is None:
            return [(("metadataVersion",), "use the form X.Y or X.Y-IVn, e.g. 4.3-IV0", self.metadata_version)]
        if ceiling is not None and wanted[:2] > ceiling[:2]:
            return [
                (
                    ("metadataVersion",),
                    f"is newer than Kafka {self.version} supports (at most {known.metadata_version})",
                    self.metadata_version,
                )
            ]
        if wanted[:2] < (3, 3):
            return [(("metadataVersion",), "the oldest supported metadata version is 3.3-IV3", self.metadata_version)]
        return []

    def _role_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for role in ("controller", "broker"):
            if not any(role in p.roles and p.replicas > 0 for p in self.node_pools.values()):
                problems.append(
                    (
                        ("nodePools",),
                        f"no node pool with the '{role}' role and replicas > 0; KRaft needs at least one",
                        sorted(self.node_pools),
                    )
                )
        return problems

    def _listener_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        by_port: dict[int, str] = {}
        for name, listener in self.listeners.items():
            if listener.port in by_port:
                problems.append(
                    (
                        ("listeners", name, "port"),
                        f"port {listener.port} is already used by listener '{by_port[listener.port]}'",
                        listener.port,
                    )
                )
            by_port.setdefault(listener.port, name)
        return problems

    def _broker_config_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for key, value in self.config.items():
            if strimzi.forbidden_broker_config(key.lower()) and not _per_listener_option(key, self.listeners):
                problems.append(
                    (
                        ("config", key),
                        "is managed by Strimzi and would be ignored; configure it through the cluster's "
                        "own keys (listeners, authorization, rack, ...) instead",
                        value,
                    )
                )
        brokers = self.broker_count
        for key in REPLICATION_OPTIONS:
            if key not in self.config:
                continue
            number = _as_int(self.config[key])
            if number is None:
                problems.append((("config", key), "must be an integer", self.config[key]))
            elif number > brokers:
                problems.append(
                    (("config", key), f"exceeds the number of brokers ({brokers}); the operator rejects this", number)
                )
        rf, isr = (
            _as_int(self.config.get("default.replication.factor")),
            _as_int(self.config.get("min.insync.replicas")),
        )
        if rf is not None and isr is not None and isr > rf:
            problems.append(
                (
                    ("config", "min.insync.replicas"),
                    f"is greater than default.replication.factor ({rf}); producers with acks=all could never write",
                    isr,
                )
            )
        return problems

    def _cruise_control_problems(self) -> list[Problem]:
        if self.cruise_control.enabled and self.broker_count < 2:
            return [
                (
                    ("cruiseControl", "enabled"),
                    f"Cruise Control needs at least 2 brokers; this cluster has {self.broker_count}",
                    True,
                )
            ]
        return []


def _per_listener_option(key: str, listeners: dict[str, ListenerConfig]) -> bool:
    # Ref: KafkaClusterSpec.ALLOWED_PER_LISTENER_CONFIGS (listener.name.<name>-<port>.<option>).
    for name, listener in listeners.items():
        prefix = f"listener.name.{name}-{listener.port}."
        if key.startswith(prefix) and key[len(prefix) :] in {
            "connections.max.reauth.ms",
            "max.connections",
            "max.connection.creation.rate",
        }:
            return True
    return False


def _as_int(value: BrokerConfigValue | None) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return int(value) if value.strip().isdigit() else None


__all__ = [
    "ClusterConfig",
    "ClusterTemplate",
    "CruiseControlConfig",
    "EntityOperatorConfig",
    "JvmOptions",
    "KafkaExporterConfig",
    "NodePoolConfig",
    "PodTemplate",
    "Quantity",
    "RackAwareness",
    "SimpleAuthorization",
]
