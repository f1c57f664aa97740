"""Kafka facts from resources of either backend: Strimzi custom resources or pulumi-kafka resources."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..strimzi import API_VERSION, CLUSTER_LABEL
from .model import UNKNOWN, ResourceView, known

STRIMZI = f"kubernetes:{API_VERSION}:"
KAFKA = f"{STRIMZI}Kafka"
NODE_POOL = f"{STRIMZI}KafkaNodePool"
TOPIC = f"{STRIMZI}KafkaTopic"
USER = f"{STRIMZI}KafkaUser"
CONNECT = f"{STRIMZI}KafkaConnect"
CONNECTOR = f"{STRIMZI}KafkaConnector"
REBALANCE = f"{STRIMZI}KafkaRebalance"
BRIDGE = f"{STRIMZI}KafkaBridge"
MIRROR_MAKER = f"{STRIMZI}KafkaMirrorMaker2"
EXTERNAL_TOPIC = "kafka:index/topic:Topic"
EXTERNAL_ACL = "kafka:index/acl:Acl"

_RESOURCE_TYPES = {"Topic": "topic", "Group": "group", "Cluster": "cluster", "TransactionalID": "transactionalId"}
_PATTERNS = {"Literal": "literal", "Prefixed": "prefix"}


@dataclass(frozen=True)
class TopicFacts:
    """A topic's Kafka name, size and config, whichever resource declares it."""

    resource: ResourceView
    name: Any
    partitions: Any
    replicas: Any
    config: Mapping[str, Any]
    cluster: str | None
    namespace: str | None


@dataclass(frozen=True)
class AclFacts:
    """One ACL rule: who may do what on which resource."""

    resource: ResourceView
    principal: str
    resource_type: Any
    pattern: Any
    name: Any
    operations: tuple[Any, ...]
    allow: bool = True
    cluster: str | None = None


@dataclass
class ClusterFacts:
    """A Strimzi Kafka cluster and the node pools labelled for it."""

    kafka: ResourceView
    pools: list[ResourceView] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        """(namespace, name) of the Kafka resource."""
        return self.kafka.metadata.get("namespace"), str(self.kafka.metadata.get("name"))

    def replicas_with_role(self, role: str) -> Any:
        """Total replicas of pools with ``role``; UNKNOWN if any such pool's replicas are unknown."""
        total = 0
        for pool in self.pools:
            roles = pool.spec.get("roles")
            if not known(roles) or role not in (roles or []):
                continue
            replicas = pool.spec.get("replicas")
            if not isinstance(replicas, int):
                return UNKNOWN
            total += replicas
        return total


def topic_facts(resource: ResourceView) -> TopicFacts | None:
    """Facts of a KafkaTopic or a pulumi-kafka Topic (None for other resources); derived once per view."""
    if "topic" not in resource.derived:
        resource.derived["topic"] = _topic_facts(resource)
    facts: TopicFacts | None = resource.derived["topic"]
    return facts


def _topic_facts(resource: ResourceView) -> TopicFacts | None:
    if resource.type == TOPIC:
        spec = resource.spec
        name = spec.get("topicName") or resource.metadata.get("name")
        return TopicFacts(resource, name, spec.get("partitions"), spec.get("replicas"), mapping(spec.get("config")),
                          resource.labels.get(CLUSTER_LABEL), resource.metadata.get("namespace"))  # fmt: skip
    if resource.type == EXTERNAL_TOPIC:
        props = resource.props
        return TopicFacts(resource, props.get("name"), props.get("partitions"), props.get("replicationFactor"),
                          mapping(props.get("config")), None, None)  # fmt: skip
    return None


def acl_facts(resource: ResourceView) -> list[AclFacts]:
    """The ACL rules a KafkaUser or a pulumi-kafka Acl grants (empty for other resources); derived once
    per view."""
    if "acls" not in resource.derived:
        resource.derived["acls"] = _acl_facts(resource)
    facts: list[AclFacts] = resource.derived["acls"]
    return facts


def _acl_facts(resource: ResourceView) -> list[AclFacts]:
    if resource.type == USER:
        principal = f"User:{resource.metadata.get('name')}"
        authorization = mapping(resource.spec.get("authorization"))
        rules = authorization.get("acls")
        facts = []
        for entry in rules if isinstance(rules, list) else []:
            rule = mapping(entry)
            target = mapping(rule.get("resource"))
            operations = rule.get("operations")
            facts.append(
                AclFacts(
                    resource,
                    principal,
                    target.get("type"),
                    target.get("patternType", "literal"),
                    target.get("name"),
                    tuple(operations) if isinstance(operations, list) else (),
                    rule.get("type", "allow") != "deny",
                    resource.labels.get(CLUSTER_LABEL),
                )
            )
        return facts
    if resource.type == EXTERNAL_ACL:
        props = resource.props
        resource_type = props.get("aclResourceType")
        pattern = props.get("resourcePatternTypeFilter", "Literal")
        return [
            AclFacts(
                resource,
                str(props.get("aclPrincipal")),
                _RESOURCE_TYPES.get(str(resource_type), resource_type) if known(resource_type) else UNKNOWN,
                _PATTERNS.get(str(pattern), pattern) if known(pattern) else UNKNOWN,
                props.get("aclResourceName"),
                (props.get("aclOperation"),),
                props.get("aclPermissionType", "Allow") != "Deny",
            )
        ]
    return []


def clusters(resources: Iterable[ResourceView]) -> dict[tuple[str | None, str], ClusterFacts]:
    """Every Strimzi Kafka cluster in ``resources`` with its node pools."""
    views = list(resources)
    found = {
        (r.metadata.get("namespace"), str(r.metadata.get("name"))): ClusterFacts(r) for r in views if r.type == KAFKA
    }
    for pool in (r for r in views if r.type == NODE_POOL):
        key = (pool.metadata.get("namespace"), str(pool.labels.get(CLUSTER_LABEL)))
        if key in found:
            found[key].pools.append(pool)
    return found


def mapping(value: Any) -> Mapping[str, Any]:
    """The value if it is a map, else an empty one (rules read optional nested fields)."""
    return value if isinstance(value, Mapping) else {}
