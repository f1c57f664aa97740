"""Where a planned resource comes from: the stack config key or catalog entry a finding points at.

``plan`` runs the program, so a policy finding names a Kubernetes object (``KafkaTopic
kafka/orders.x``); the fix is in ``Pulumi.<stack>.yaml`` or ``catalog/*.yaml``. This module maps each
resource the platform declares back to what declared it, and a finding to the key its rule judges:
a topic's partitions to the layer that set them (``catalog.defaults``, the catalog file's entry or
the stack's per-topic override), a Kafka listener finding to ``clusters.<name>.listeners.<listener>``.
A key the stack does not set is marked as the preset's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from messaging_platform.config.causes import preset_provides, split_path
from messaging_platform.config.errors import ConfigError, join_path
from messaging_platform.config.loader import Stack, load_stack
from messaging_platform.config.resolve import ResolvedService, ResolvedTopic
from messaging_platform.policy import Finding, ResourceView
from messaging_platform.policy.facts import EXTERNAL_ACL, EXTERNAL_TOPIC, KAFKA, NODE_POOL, TOPIC, USER
from messaging_platform.strimzi import CLUSTER_LABEL

from ..stack_files import read_stack_file
from .project import PulumiProject

EXTERNAL_SCRAM = "kafka:index/userScramCredential:UserScramCredential"
EXTERNAL_QUOTA = "kafka:index/quota:Quota"
# What of a topic a rule judges: a key of ResolvedTopic.sources (partitions, replicas, a Kafka option).
_TOPIC_VALUES = {
    "topic-partitions": "partitions",
    "topic-replication": "replicas",
    "topic-replicas-within-brokers": "replicas",
    "topic-min-insync-replicas": "min.insync.replicas",
    "topic-retention": "retention.ms",
}
# What of a cluster a rule judges, as keys under clusters.<name> (Kafka resource, node pools).
_KAFKA_KEYS: dict[str, tuple[str, ...]] = {
    "cluster-authorization": ("authorization",),
    "unclean-leader-election": ("config", "unclean.leader.election.enable"),
    "auto-create-topics": ("config", "auto.create.topics.enable"),
    "controller-quorum": ("nodePools",),
}
_POOL_KEYS: dict[str, tuple[str, ...]] = {"storage-persistent": ("storage",), "resources-required": ("resources",)}
# resources-required names the part of the Kafka spec; these come from these cluster keys.
_KAFKA_SPEC_PARTS = (
    ("spec.entityOperator.topicOperator", ("entityOperator", "topicOperator", "resources")),
    ("spec.entityOperator.userOperator", ("entityOperator", "userOperator", "resources")),
    ("spec.cruiseControl", ("cruiseControl", "resources")),
    ("spec.kafkaExporter", ("kafkaExporter", "resources")),
)
_LISTENER = re.compile(r"listener '([a-z0-9]+)'")


@dataclass
class Provenance:
    """What declared each resource of one stack, from its config and resolved catalog."""

    prefix: str
    values: Mapping[str, Any]
    stack: Stack
    topics: dict[tuple[str, str], ResolvedTopic] = field(default_factory=dict)
    """Catalog topics by (resource type, name): KafkaTopic ``metadata.name`` or pulumi-kafka topic name."""
    services: dict[str, ResolvedService] = field(default_factory=dict)

    @classmethod
    def of(cls, stack: Stack, values: Mapping[str, Any], prefix: str) -> Provenance:
        """The provenance of a loaded stack whose own config values (keys without ``prefix``) are ``values``."""
        provenance = cls(prefix, values, stack)
        if stack.catalog is not None:
            for topic in stack.catalog.topics:
                provenance.topics[(TOPIC, topic.resource_name)] = topic
                provenance.topics[(EXTERNAL_TOPIC, topic.kafka_name)] = topic
            provenance.services = {service.user_name: service for service in stack.catalog.services}
        return provenance

    def locate(self, finding: Finding, resource: ResourceView | None) -> Finding:
        """``finding`` with its source: the key or catalog entry behind what it judges (unchanged if unknown)."""
        if resource is None:
            return finding
        where = self._topic(finding, resource) or self._service(finding, resource) or self._cluster(finding, resource)
        return replace(finding, source=where) if where else finding

    def _topic(self, finding: Finding, resource: ResourceView) -> str | None:
        key = resource.metadata.get("name") if resource.type == TOPIC else resource.props.get("name")
        topic = self.topics.get((resource.type, key)) if isinstance(key, str) else None
        if topic is None:
            return None
        judged = _TOPIC_VALUES.get(finding.rule)
        layer = topic.sources.get(judged) if judged else None
        if layer is None:
            return topic.declared_at
        if judged in ("partitions", "replicas"):
            return self._marked(join_path(layer, [judged]))
        return self._marked(layer)

    def _service(self, finding: Finding, resource: ResourceView) -> str | None:
        if resource.type == USER:
            name = resource.metadata.get("name")
        elif resource.type == EXTERNAL_ACL:
            principal = resource.props.get("aclPrincipal")
            name = principal.removeprefix("User:") if isinstance(principal, str) else None
        elif resource.type in (EXTERNAL_SCRAM, EXTERNAL_QUOTA):
            name = resource.props.get("username", resource.props.get("entityName"))
        else:
            return None
        service = self.services.get(name) if isinstance(name, str) else None
        if service is None:
            return None
        where = join_path(f"{service.source}: ", ["services", service.name])
        return join_path(where, ["authentication"]) if finding.rule == "user-authentication" else where

    def _cluster(self, finding: Finding, resource: ResourceView) -> str | None:
        if resource.type == KAFKA:
            name = str(resource.metadata.get("name"))
            keys: tuple[str | int, ...] = _KAFKA_KEYS.get(finding.rule, ())
            listener = _LISTENER.search(finding.message)
            if finding.rule in ("listener-tls", "listener-authentication") and listener:
                keys = ("listeners", listener.group(1))
            if finding.rule == "resources-required":
                keys = next((k for part, k in _KAFKA_SPEC_PARTS if finding.message.startswith(part)), ())
        elif resource.type == NODE_POOL:
            name = str(resource.labels.get(CLUSTER_LABEL))
            keys = ("nodePools", str(resource.metadata.get("name")), *_POOL_KEYS.get(finding.rule, ()))
        else:
            return None
        cluster = self.stack.config.clusters.get(name)
        if cluster is None or resource.metadata.get("namespace") != cluster.namespace:
            return None
        return self._marked(join_path(self.prefix, ["clusters", name, *keys]))

    def _marked(self, key: str) -> str:
        """The key, marked ``(<env> preset)`` when the value there comes from the environment's preset."""
        if not key.startswith(self.prefix):
            return key
        steps = split_path(key, self.prefix)
        environment = self.stack.config.environment
        if steps is not None and preset_provides(self.values, environment, steps):
            return f"{key} ({environment} preset)"
        return key


def stack_provenance(project: PulumiProject, stack: str) -> Provenance | None:
    """The provenance of a project's stack, or None when its config does not load (``plan`` then
    reports the config error itself)."""
    try:
        values, secret = read_stack_file(project.stack_file(stack), project.name)
        loaded = load_stack(values, project.directory, f"config of stack '{stack}'", secret)
    except ConfigError:
        return None
    return Provenance.of(loaded, values, f"{project.name}:")
