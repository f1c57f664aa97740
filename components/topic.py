"""``KafkaTopic``: one Kafka topic as a Strimzi ``KafkaTopic``, with data-loss guards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pulumi

from .config.catalog import DeletionPolicy
from .config.resolve import kubernetes_topic_name
from .resources import StrimziResource
from .review import TopicContext, topic_change_findings
from .specs.topics import topic_spec
from .strimzi import CLUSTER_LABEL, ready_annotations

if TYPE_CHECKING:
    from .cluster import KafkaCluster

DOMAIN_LABEL = "messaging-platform.io/domain"
TOPIC_READY_TIMEOUT_SECONDS = 300


def topic_resource_name(cluster: str, key: str) -> str:
    """The Pulumi name of a catalog topic: a public contract (renaming it needs an alias)."""
    return f"{cluster}-topic-{key}"


def deletion_options(deletion: DeletionPolicy) -> pulumi.ResourceOptions:
    """A topic's deletion policy as resource options (``protect``, ``retain``: retain on delete)."""
    return pulumi.ResourceOptions(protect=deletion == "protect", retain_on_delete=deletion == "retain")


@dataclass(frozen=True)
class KafkaTopicArgs:
    """Inputs of a :class:`KafkaTopic`: one Kafka topic on a Strimzi cluster.

    Values are taken as given: declare topics through :meth:`KafkaCatalog.add_topic
    <messaging_platform.KafkaCatalog.add_topic>` to have them checked against the cluster
    (replicas vs brokers, ``min.insync.replicas``, name clashes, config keys Kafka accepts).
    """

    cluster: KafkaCluster
    """The cluster the topic lives on: gives the namespace, the ``strimzi.io/cluster`` label, the
    dependency on the Kafka resource and the update guard (required)."""
    kafka_name: str
    """The Kafka topic name, written to ``spec.topicName`` (required)."""
    partitions: int
    """Number of partitions; Kafka can add partitions but never remove them (required)."""
    replicas: int
    """Replication factor; at most the cluster's broker count (required)."""
    config: Mapping[str, Any] = field(default_factory=dict)
    """Kafka topic config (``retention.ms``, ``cleanup.policy``, ...) (default: none, broker defaults)."""
    domain: str | None = None
    """Owning domain, written to the ``messaging-platform.io/domain`` label (default: no label)."""
    resource_name: str | None = None
    """``metadata.name`` of the KafkaTopic (default: the Kafka name when Kubernetes accepts it, else a
    lowercase form with a hash of the Kafka name)."""


class KafkaTopic(StrimziResource):
    """A Strimzi ``KafkaTopic`` in its cluster's namespace, waiting until Strimzi reports it Ready.

    The cluster's guard hook (``before_update``, run in previews too) refuses updates Kafka cannot
    apply without losing data: a changed topic name, fewer partitions, dropping compaction, and a
    replication change without Cruise Control. Deletion policy and former names come in ``opts``
    (see :func:`deletion_options`; ``aliases`` for renames).
    """

    def __init__(self, name: str, args: KafkaTopicArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        cluster = args.cluster
        labels = {**cluster.labels, CLUSTER_LABEL: cluster.cluster_name}
        if args.domain is not None:
            labels[DOMAIN_LABEL] = args.domain
        super().__init__(
            name,
            kind="KafkaTopic",
            metadata={
                "name": args.resource_name or kubernetes_topic_name(args.kafka_name),
                "namespace": cluster.namespace,
                "labels": labels,
                "annotations": ready_annotations(TOPIC_READY_TIMEOUT_SECONDS),
            },
            spec=topic_spec(args),
            opts=pulumi.ResourceOptions.merge(
                pulumi.ResourceOptions(
                    parent=cluster,
                    depends_on=[cluster.kafka],
                    hooks=pulumi.ResourceHookBinding(before_update=[cluster.topic_guard]),
                ),
                opts,
            ),
        )


def topic_update_problems(old: Mapping[str, Any], new: Mapping[str, Any], cruise_control: bool) -> list[str]:
    """Why an update of a topic would lose data or be refused by Kafka (empty when safe).

    Takes the inputs of a Strimzi ``KafkaTopic`` or of a pulumi-kafka ``Topic``. The findings come
    from the change review (:func:`messaging_platform.review.topic_change_findings`), the same
    function ``messaging-platform diff`` and ``diff --preview-json`` use, so the guard and the review
    never disagree: the guard refuses the ones marked unsafe. Each message starts with the finding id
    in brackets (``[partitions-decreased] orders.v1: ...``), so ``diff --preview-json`` can report a
    refusal from a failed preview's diagnostics as that finding.
    """
    findings = topic_change_findings(old, new, TopicContext(cruise_control=cruise_control))
    name = _topic_spec(new).get("topicName") or _topic_spec(old).get("topicName") or "topic"
    return [f"[{finding.id}] {name}: {finding.message}" for finding in findings if finding.unsafe]


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
            f"[replicas-changed] {after.get('topicName') or 'topic'}: the provider would recreate the topic to "
            "change its replicas "
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
