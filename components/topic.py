"""``KafkaTopic``: one catalog topic as a Strimzi ``KafkaTopic``, with data-loss guards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pulumi

from .config.resolve import ResolvedTopic
from .resources import StrimziResource
from .specs.topics import topic_spec
from .strimzi import CLUSTER_LABEL, MANAGED_BY_LABELS, TIMEOUT_ANNOTATION, WAIT_FOR_ANNOTATION, WAIT_FOR_READY
from .topic_config import cleanup_policies

if TYPE_CHECKING:
    from .cluster import KafkaCluster

DOMAIN_LABEL = "messaging-platform.io/domain"
TOPIC_READY_TIMEOUT_SECONDS = 300


def topic_resource_name(cluster: str, key: str) -> str:
    """The Pulumi name of a catalog topic: a public contract (renaming it needs an alias)."""
    return f"{cluster}-topic-{key}"


def topic_options(topic: ResolvedTopic, cluster: str) -> pulumi.ResourceOptions:
    """Deletion policy and former names of a topic as resource options."""
    return pulumi.ResourceOptions(
        protect=topic.deletion == "protect",
        retain_on_delete=topic.deletion == "retain",
        aliases=[pulumi.Alias(name=topic_resource_name(cluster, old)) for old in topic.previous_names],
    )


class KafkaTopic(StrimziResource):
    """A Strimzi ``KafkaTopic`` for a resolved catalog topic, in its cluster's namespace.

    Options follow the stack's deletion policy (``protect``: an update that drops the topic fails;
    ``retain``: Pulumi forgets it but the topic and data stay; ``delete``). ``previousNames``
    become aliases, so renaming a catalog entry never deletes and recreates the topic. The
    cluster's guard hook refuses updates Kafka cannot apply without losing data.
    """

    def __init__(self, topic: ResolvedTopic, cluster: KafkaCluster, opts: pulumi.ResourceOptions | None = None) -> None:
        options = pulumi.ResourceOptions.merge(
            topic_options(topic, cluster.cluster_name),
            pulumi.ResourceOptions(
                parent=cluster,
                depends_on=[cluster.kafka],
                hooks=pulumi.ResourceHookBinding(before_update=[cluster.topic_guard]),
            ),
        )
        super().__init__(
            topic_resource_name(cluster.cluster_name, topic.key),
            kind="KafkaTopic",
            metadata={
                "name": topic.resource_name,
                "namespace": cluster.namespace,
                "labels": {**MANAGED_BY_LABELS, CLUSTER_LABEL: cluster.cluster_name, DOMAIN_LABEL: topic.domain},
                "annotations": {
                    WAIT_FOR_ANNOTATION: WAIT_FOR_READY,
                    TIMEOUT_ANNOTATION: str(TOPIC_READY_TIMEOUT_SECONDS),
                },
            },
            spec=topic_spec(topic),
            opts=pulumi.ResourceOptions.merge(options, opts),
        )


def topic_update_problems(old: Mapping[str, Any], new: Mapping[str, Any], cruise_control: bool) -> list[str]:
    """Why an update of a topic would lose data or be refused by Kafka (empty when safe).

    Takes the inputs of a Strimzi ``KafkaTopic`` or of a pulumi-kafka ``Topic``.
    """
    before, after = _topic_spec(old), _topic_spec(new)
    name = after.get("topicName") or before.get("topicName") or "topic"
    problems = []
    if before.get("topicName") and after.get("topicName") != before.get("topicName"):
        problems.append(
            f"{name}: the Kafka topic name cannot change ({before['topicName']} -> {after.get('topicName')}); "
            "Kafka cannot rename topics: declare a new topic and decommission the old one"
        )
    old_partitions, new_partitions = _number(before.get("partitions")), _number(after.get("partitions"))
    if old_partitions is not None and new_partitions is not None and new_partitions < old_partitions:
        problems.append(
            f"{name}: partitions cannot decrease ({old_partitions} -> {new_partitions}); Kafka cannot remove "
            f"partitions: keep {old_partitions}, or create a new topic and migrate"
        )
    old_replicas, new_replicas = _number(before.get("replicas")), _number(after.get("replicas"))
    if old_replicas is not None and new_replicas is not None and new_replicas != old_replicas and not cruise_control:
        problems.append(
            f"{name}: replicas cannot change ({old_replicas} -> {new_replicas}) without Cruise Control; "
            "enable cruiseControl on the cluster, or keep the replication factor"
        )
    was_compacted = "compact" in cleanup_policies(before.get("config") or {})
    if was_compacted and "compact" not in cleanup_policies(after.get("config") or {}):
        problems.append(
            f"{name}: cleanup.policy would drop 'compact'; records older than retention.ms would then be "
            "deleted, losing the latest value per key. Use 'compact,delete' or a new topic"
        )
    return problems


def guard_hook(name: str, cruise_control: bool) -> pulumi.ResourceHook:
    """A ``before_update`` hook (run in previews too) that stops unsafe topic updates."""

    def guard(args: pulumi.ResourceHookArgs) -> None:
        problems = topic_update_problems(args.old_inputs or {}, args.new_inputs or {}, cruise_control)
        if problems:
            raise pulumi.RunError("unsafe topic update refused:\n  - " + "\n  - ".join(problems))

    return pulumi.ResourceHook(name, guard, pulumi.ResourceHookOptions(on_dry_run=True))


def topic_replacement_problems(old: Mapping[str, Any], wanted: Mapping[str, Any] | None) -> list[str]:
    """Why deleting a topic that the program still declares (as ``wanted``) would lose data.

    pulumi-kafka replaces (deletes, then recreates) a topic whose name changes, whose partition
    count goes down, or whose replication factor changes on a broker that cannot reassign. A
    topic no longer declared is being removed on purpose; one declared unchanged is being
    destroyed (``pulumi destroy --run-program``): both are left to the deletion policy.
    """
    if wanted is None:
        return []
    problems = topic_update_problems(old, wanted, cruise_control=True)
    before, after = _topic_spec(old), _topic_spec(wanted)
    old_replicas, new_replicas = _number(before.get("replicas")), _number(after.get("replicas"))
    if old_replicas is not None and new_replicas is not None and old_replicas != new_replicas:
        problems.append(
            f"{after.get('topicName') or 'topic'}: the provider would recreate the topic to change its replicas "
            f"({old_replicas} -> {new_replicas}), losing its records; reassign partitions on the cluster instead"
        )
    return problems


def replacement_guard_hook(name: str, declared: Mapping[str, Mapping[str, Any]]) -> pulumi.ResourceHook:
    """A ``before_delete`` hook (run in previews too) that refuses to delete a topic the program still
    declares: the provider is replacing it (pulumi-kafka deletes and recreates a topic whose
    partition count goes down), which would lose every record.

    ``declared`` maps the Pulumi names of the topics declared in this run to their inputs; it is
    read when the hook runs, after the program registered them. A topic no longer declared is being
    removed on purpose, and its deletion policy (protect, retain, delete) decides.
    """

    def guard(args: pulumi.ResourceHookArgs) -> None:
        problems = topic_replacement_problems(args.old_inputs or {}, declared.get(args.name))
        if problems:
            raise pulumi.RunError("unsafe topic replacement refused:\n  - " + "\n  - ".join(problems))

    return pulumi.ResourceHook(name, guard, pulumi.ResourceHookOptions(on_dry_run=True))


def _topic_spec(inputs: Mapping[str, Any]) -> Mapping[str, Any]:
    if "spec" in inputs:
        return inputs.get("spec") or {}
    # pulumi-kafka Topic inputs
    return {
        "topicName": inputs.get("name"),
        "partitions": inputs.get("partitions"),
        "replicas": inputs.get("replicationFactor"),
        "config": inputs.get("config") or {},
    }


def _number(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
