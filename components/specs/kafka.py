"""Pure builders for the ``Kafka`` and ``KafkaNodePool`` custom resources (no Pulumi imports).

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-Kafka-reference
Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaNodePool-reference
"""

from __future__ import annotations

from typing import Any

from ..config.cluster import ClusterConfig, NodePoolConfig, PodTemplate
from ..config.listeners import ListenerConfig
from ..strimzi import CLUSTER_LABEL
from .metrics import CRUISE_CONTROL_METRICS_KEY, KAFKA_METRICS_KEY

POOL_LABEL = "strimzi.io/pool-name"


def listener_spec(name: str, listener: ListenerConfig) -> dict[str, Any]:
    """One entry of ``spec.kafka.listeners``."""
    return {"name": name, **listener.to_dict()}


def kafka_spec(cluster: ClusterConfig, metrics_config_map: str | None) -> dict[str, Any]:
    """``Kafka.spec`` for a KRaft cluster whose nodes come from KafkaNodePools."""
    kafka: dict[str, Any] = {
        "version": cluster.version,
        "metadataVersion": cluster.effective_metadata_version,
        "listeners": [
            listener_spec(name, listener)
            for name, listener in sorted(cluster.listeners.items(), key=lambda item: item[1].port)
        ],
        "config": dict(sorted(cluster.config.items())),
    }
    if cluster.authorization is not None:
        kafka["authorization"] = cluster.authorization.to_dict()
    if cluster.rack is not None:
        kafka["rack"] = {"topologyKey": cluster.rack.topology_key}
    if metrics_config_map is not None:
        kafka["metricsConfig"] = _jmx_metrics(metrics_config_map, KAFKA_METRICS_KEY)
    if cluster.template is not None and cluster.template.pod_disruption_budget is not None:
        kafka["template"] = {"podDisruptionBudget": cluster.template.pod_disruption_budget.to_dict()}

    spec: dict[str, Any] = {"kafka": kafka}
    operators = _entity_operator(cluster)
    if operators:
        spec["entityOperator"] = operators
    if cluster.cruise_control.enabled:
        cruise: dict[str, Any] = {}
        if cluster.cruise_control.resources is not None:
            cruise["resources"] = cluster.cruise_control.resources.to_dict()
        if cluster.cruise_control.config:
            cruise["config"] = dict(sorted(cluster.cruise_control.config.items()))
        if metrics_config_map is not None:
            cruise["metricsConfig"] = _jmx_metrics(metrics_config_map, CRUISE_CONTROL_METRICS_KEY)
        spec["cruiseControl"] = cruise
    if cluster.kafka_exporter.enabled:
        spec["kafkaExporter"] = cluster.kafka_exporter.to_dict()
        spec["kafkaExporter"].pop("enabled")
    return spec


def node_pool_spec(cluster_name: str, pool_name: str, pool: NodePoolConfig, cluster: ClusterConfig) -> dict[str, Any]:
    """``KafkaNodePool.spec``: roles, replicas, storage, resources, JVM and the pool's pod template."""
    spec: dict[str, Any] = {
        "replicas": pool.replicas,
        "roles": list(pool.roles),
        "storage": pool.storage.to_dict(),
    }
    if pool.resources is not None:
        spec["resources"] = pool.resources.to_dict()
    if pool.jvm_options is not None:
        spec["jvmOptions"] = pool.jvm_options.to_dict()
    pod = pool_pod_template(cluster_name, pool_name, pool, cluster)
    if pod:
        spec["template"] = {"pod": pod}
    return spec


def pool_pod_template(
    cluster_name: str, pool_name: str, pool: NodePoolConfig, cluster: ClusterConfig
) -> dict[str, Any]:
    """The pod template a pool runs with: the cluster's, overridden by the pool's own.

    With rack awareness and no spread constraints of its own, the pool's pods are spread across
    the racks (zones): rack-aware replica placement is pointless if all pods share one zone.
    """
    merged: dict[str, Any] = {}
    for template in (cluster.template.pod if cluster.template else None, pool.pod):
        if template is not None:
            merged.update(template.to_dict())
    if cluster.rack is not None and "topologySpreadConstraints" not in merged:
        merged["topologySpreadConstraints"] = [
            {
                "maxSkew": 1,
                "topologyKey": cluster.rack.topology_key,
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": {CLUSTER_LABEL: cluster_name, POOL_LABEL: pool_name}},
            }
        ]
    return merged


def _entity_operator(cluster: ClusterConfig) -> dict[str, Any]:
    operators: dict[str, Any] = {}
    for key, component in (
        ("topicOperator", cluster.entity_operator.topic_operator),
        ("userOperator", cluster.entity_operator.user_operator),
    ):
        if component.enabled:
            operators[key] = component.model_dump(by_alias=True, exclude_none=True, mode="json", exclude={"enabled"})
    return operators


def _jmx_metrics(config_map: str, key: str) -> dict[str, Any]:
    return {"type": "jmxPrometheusExporter", "valueFrom": {"configMapKeyRef": {"name": config_map, "key": key}}}


__all__ = ["POOL_LABEL", "PodTemplate", "kafka_spec", "listener_spec", "node_pool_spec", "pool_pod_template"]
