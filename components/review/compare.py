"""Match the resources of two versions of a stack and say what the change does and risks.

Matching, in order (each step only sees what earlier steps left unmatched):

1. **URN**: the same Pulumi resource.
2. **Alias**: the new resource lists the old URN among its aliases (a catalog ``previousNames``
   entry, a moved component): the engine moves the resource, nothing is deleted. Reported as
   *renamed* (``via: alias``) with no finding.
3. **Identity**: the same object under another URN, without an alias: the same Strimzi resource
   kind and namespace with the same Kafka topic name (``spec.topicName``, else ``metadata.name``)
   and cluster for ``KafkaTopic``s, the same API group, kind, namespace and ``metadata.name`` for
   other Kubernetes objects, the same topic name / ACL rule / user and mechanism / quota entity
   under the same parent for pulumi-kafka resources. A catalog entry re-keyed with the same Kafka
   topic name is therefore *renamed*, never a deleted and an added topic. Without an alias the
   engine still creates the new resource and deletes the old one, and both are one object:
   pulumi-kubernetes >= 4.29 fails with AlreadyExists, older releases (the library allows 4.25)
   adopt the object and then delete it (and Strimzi the topic), pulumi-kafka fails to create an
   existing topic or deletes a re-created ACL. So it is also ``resource-replaced``: add the alias.
   An identity shared by several resources on one side matches nothing.
4. The rest is **added** or **removed**.

Findings (ids in :data:`~messaging_platform.review.model.FINDING_IDS`) come from each pair: see
:func:`pair_findings`. A replacement that a more specific finding already explains on the same
resource (``topic-renamed``, ``user-deleted``, ``acl-removed``) is not reported again as
``resource-replaced``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..strimzi import CLUSTER_LABEL
from .access import AclRule, acl_rule, removed_rule_messages, user_acl_rules, user_findings, user_name
from .cluster import connect_findings, kafka_findings, mirror_maker_findings, pool_findings, pool_roles
from .fields import field_changes
from .model import (
    FINDING_IDS,
    KAFKA_ACL,
    KAFKA_QUOTA,
    KAFKA_SCRAM,
    KAFKA_TOPIC,
    STACK_TYPE,
    Changed,
    Finding,
    Pair,
    Renamed,
    Resource,
    Review,
    known,
    mapping,
    number,
)
from .topics import TopicContext, broker_topic_defaults, topic_change_findings, topic_facts

ClusterKey = tuple[str | None, str]
"""(namespace, name) of a Strimzi Kafka cluster."""
Scope = tuple[Any, ...]
"""Where a Kafka name is unique: a Strimzi cluster, or a pulumi-kafka resource's parent."""
_SPECIFIC_REPLACEMENTS = frozenset({"topic-renamed", "user-deleted", "acl-removed"})
# Findings about resources (not topic updates, which say it themselves) that always lose data.
_DATA_LOSS = frozenset({"topic-deleted"})


@dataclass
class ClusterState:
    """A Strimzi Kafka cluster as declared on one side of the change."""

    kafka: Resource | None = None
    pools: list[Resource] = field(default_factory=list)

    @property
    def brokers(self) -> int | None:
        """Replicas of the node pools with the broker role; None when there are none or one is not a number."""
        counts = [number(pool.spec.get("replicas")) for pool in self.pools if "broker" in pool_roles(pool)]
        return sum(c for c in counts if c is not None) if counts and None not in counts else None

    @property
    def cruise_control(self) -> bool | None:
        """Whether the Kafka resource runs Cruise Control (None without a Kafka resource)."""
        return None if self.kafka is None else bool(self.kafka.spec.get("cruiseControl"))

    @property
    def topic_defaults(self) -> dict[str, Any]:
        """Topic-level defaults from the brokers' config (empty without a Kafka resource)."""
        if self.kafka is None:
            return {}
        return broker_topic_defaults(mapping(mapping(self.kafka.spec.get("kafka")).get("config")))


@dataclass
class StackFacts:
    """What findings about one resource need to know about the rest of the stack, before and after."""

    old_clusters: dict[ClusterKey, ClusterState] = field(default_factory=dict)
    new_clusters: dict[ClusterKey, ClusterState] = field(default_factory=dict)
    new_topics: dict[Scope, set[str]] = field(default_factory=dict)
    new_users: dict[Scope, set[str]] = field(default_factory=dict)
    new_acl_rules: set[AclRule] = field(default_factory=set)

    @classmethod
    def of(cls, old: Iterable[Resource], new: Iterable[Resource]) -> StackFacts:
        """The facts of both sides of a change."""
        old, new = list(old), list(new)
        facts = cls(_clusters(old))
        facts.new_clusters = _clusters(new)
        for resource in new:
            if _is_topic(resource):
                name = topic_facts(resource.inputs).name
                if name:
                    facts.new_topics.setdefault(_scope(resource), set()).add(name)
            elif resource.kind == "KafkaUser" or resource.type == KAFKA_SCRAM:
                user = user_name(resource)
                if user:
                    facts.new_users.setdefault(_scope(resource), set()).add(user)
            if resource.type == KAFKA_ACL:
                facts.new_acl_rules.add(acl_rule(resource))
            elif resource.kind == "KafkaUser":
                facts.new_acl_rules.update(user_acl_rules(resource))
        return facts

    def topic_context(self, topic: Resource) -> TopicContext:
        """What a topic's change is judged against: its cluster's brokers, Cruise Control and defaults."""
        declared = frozenset(self.new_topics.get(_scope(topic), set()))
        if not topic.is_strimzi:
            return TopicContext(declared_topics=declared)
        cluster = self.new_clusters.get(_cluster_key(topic), ClusterState())
        return TopicContext(cluster.cruise_control, cluster.brokers, cluster.topic_defaults, declared)


def match(old: Iterable[Resource], new: Iterable[Resource]) -> list[Pair]:
    """Pair the old and new resources (URN, then alias, then identity; see the module docstring)."""
    before = {r.urn: r for r in old if r.type != STACK_TYPE}
    after = {r.urn: r for r in new if r.type != STACK_TYPE}
    pairs = [Pair(before.pop(urn), after.pop(urn), "urn") for urn in sorted(set(before) & set(after))]
    for urn, resource in sorted(after.items()):
        former = next((alias for alias in resource.aliases if alias in before), None)
        if former is not None:
            pairs.append(Pair(before.pop(former), resource, "alias"))
            del after[urn]
    old_ids, new_ids = _unique_identities(before.values()), _unique_identities(after.values())
    for key in sorted(set(old_ids) & set(new_ids), key=repr):
        pairs.append(Pair(before.pop(old_ids[key].urn), after.pop(new_ids[key].urn), "identity"))
    pairs.extend(Pair(resource, None) for _, resource in sorted(before.items()))
    pairs.extend(Pair(None, resource) for _, resource in sorted(after.items()))
    return pairs


def review(old: Iterable[Resource], new: Iterable[Resource]) -> Review:
    """Review a change from every resource before and after (e.g. two ``plan.json`` files)."""
    return review_pairs(match(list(old), list(new)))


def review_pairs(pairs: Iterable[Pair], facts: StackFacts | None = None) -> Review:
    """Review already matched pairs (e.g. the steps of ``pulumi preview --json``, which the engine matched).

    ``facts`` default to those of the pairs' own old and new sides.
    """
    pairs = list(pairs)
    if facts is None:
        facts = StackFacts.of([p.old for p in pairs if p.old], [p.new for p in pairs if p.new])
    added, removed, changed, renamed, findings = [], [], [], [], []
    for pair in pairs:
        if pair.old is not None and pair.new is not None:
            if pair.via in ("alias", "identity"):
                renamed.append(Renamed(pair.old, pair.new, pair.via))
            changes = field_changes(pair.old.inputs, pair.new.inputs)
            if changes:
                changed.append(Changed(pair.new, tuple(changes)))
        elif pair.old is not None:
            removed.append(pair.old)
        elif pair.new is not None:
            added.append(pair.new)
        findings.extend(pair_findings(pair, facts))
    order = {finding_id: index for index, finding_id in enumerate(FINDING_IDS)}
    return Review(
        added=tuple(sorted(added, key=lambda r: r.urn)),
        removed=tuple(sorted(removed, key=lambda r: r.urn)),
        changed=tuple(sorted(changed, key=lambda c: c.resource.urn)),
        renamed=tuple(sorted(renamed, key=lambda r: r.new.urn)),
        findings=tuple(sorted(set(findings), key=lambda f: (order[f.id], f.resource, f.message))),
    )


def pair_findings(pair: Pair, facts: StackFacts) -> list[Finding]:
    """The findings of one resource's change (added, removed or updated), given the stack's facts.

    Removed: ``topic-deleted`` (a topic, unless retained on delete), ``user-deleted`` (a KafkaUser or
    SCRAM credential, unless retained), ``acl-removed`` (a pulumi-kafka Acl), node pool findings.
    Added: ``controller-pool-changed`` for a controller pool joining an existing cluster. Updated:
    the topic, cluster, node pool, Connect, user and ACL rules of their modules, then
    ``resource-replaced`` for an identity change not already explained.
    """
    old, new = pair.old, pair.new
    subject = new or old
    assert subject is not None, "a pair has at least one side"

    def found(hazards: Iterable[tuple[str, str]]) -> list[Finding]:
        return [Finding(fid, subject.display, message, subject.urn, fid in _DATA_LOSS) for fid, message in hazards]

    if old is None:
        assert new is not None
        if new.kind == "KafkaNodePool" and new.is_strimzi:
            return found(pool_findings(None, new, _cluster_key(new) in facts.old_clusters))
        return []
    if new is None:
        return found(_removal_hazards(old))
    findings: list[Finding] = []
    if _is_topic(old) and _is_topic(new):
        findings += topic_change_findings(
            old.inputs, new.inputs, facts.topic_context(new), resource=new.display, urn=new.urn
        )
    findings += found(_update_hazards(old, new, facts))
    explained = {f.id for f in findings} & _SPECIFIC_REPLACEMENTS
    reasons = list(_replacement_reasons(pair))
    if reasons and not explained:
        findings += found([("resource-replaced", "; ".join(reasons))])
    return findings


def _removal_hazards(old: Resource) -> Iterator[tuple[str, str]]:
    protected = " (protected: pulumi up refuses to delete it until it is unprotected)" if old.protect else ""
    if old.retain_on_delete:
        return
    if _is_topic(old):
        name = topic_facts(old.inputs).name
        who = "Strimzi's Topic Operator" if old.is_strimzi else "pulumi-kafka"
        yield (
            "topic-deleted",
            f"topic {name} is removed: {who} deletes it with every record{protected}; "
            "set its deletion to 'retain' to keep the data, or to 'delete' first to delete it on purpose",
        )
    elif (old.kind == "KafkaUser" and old.is_strimzi) or old.type == KAFKA_SCRAM:
        yield (
            "user-deleted",
            f"user {user_name(old)} is removed: its credentials go and every client using them is refused{protected}",
        )
    elif old.type == KAFKA_ACL:
        yield ("acl-removed", removed_rule_messages([acl_rule(old)])[0])
    elif old.kind == "KafkaNodePool" and old.is_strimzi:
        yield from pool_findings(old, None, cluster_existed=True)


def _update_hazards(old: Resource, new: Resource, facts: StackFacts) -> Iterator[tuple[str, str]]:
    if old.is_strimzi and new.is_strimzi:
        if new.kind == "Kafka":
            yield from kafka_findings(old, new, facts.new_clusters.get(_cluster_key(new), ClusterState()).brokers)
        elif new.kind == "KafkaNodePool":
            yield from pool_findings(old, new, cluster_existed=True)
        elif new.kind == "KafkaConnect":
            yield from connect_findings(old, new)
        elif new.kind == "KafkaMirrorMaker2":
            yield from mirror_maker_findings(old, new)
        elif new.kind == "KafkaUser":
            yield from user_findings(old, new)
    if (old.kind == "KafkaUser" and old.is_strimzi) or old.type == KAFKA_SCRAM:
        before, after = user_name(old), user_name(new)
        # An unknown new name (a preview's computed value) is not judged: it may well be the same.
        if before and after and before != after and before not in facts.new_users.get(_scope(new), set()):
            yield (
                "user-deleted",
                f"the user name changes ({before} -> {after}): user {before} and its "
                "credentials are deleted and every client using them is refused",
            )
    if old.type == KAFKA_ACL and new.type == KAFKA_ACL:
        rule = acl_rule(old)
        if rule != acl_rule(new) and rule not in facts.new_acl_rules:
            yield ("acl-removed", removed_rule_messages([rule])[0])


def _replacement_reasons(pair: Pair) -> Iterator[str]:
    old, new = pair.old, pair.new
    assert old is not None and new is not None
    if pair.via == "identity":
        yield (
            f"renamed without an alias ({old.name} -> {new.name}): the engine creates the new resource and "
            "deletes the old one, which are the same object; add an alias (catalog: previousNames)"
        )
    if old.is_kubernetes_object and new.is_kubernetes_object:
        for key in ("name", "namespace"):
            before, after = old.metadata.get(key), new.metadata.get(key)
            if before != after and known(before) and known(after):
                yield (
                    f"metadata.{key} changes ({before} -> {after}): the {new.kind} is deleted and created "
                    f"again{_strimzi_consequence(new)}"
                )
    elif old.type == new.type:
        for key in _IDENTITY_INPUTS.get(new.type, ()):
            before, after = old.inputs.get(key), new.inputs.get(key)
            if before != after and known(before) and known(after):
                yield f"{key} changes ({before} -> {after}): the provider deletes it and creates it again"


_IDENTITY_INPUTS = {
    KAFKA_TOPIC: ("name",),
    KAFKA_SCRAM: ("username", "scramMechanism"),
    KAFKA_QUOTA: ("entityType", "entityName"),
}


def _strimzi_consequence(resource: Resource) -> str:
    return (
        {
            "KafkaTopic": " (the Topic Operator deletes the Kafka topic of a deleted KafkaTopic)",
            "KafkaUser": " (the User Operator deletes the user, its credentials and ACLs)",
            "Kafka": " (the whole cluster is rebuilt)",
            "KafkaNodePool": " (its brokers are removed and new ones created)",
        }.get(resource.kind, "")
        if resource.is_strimzi
        else ""
    )


def _is_topic(resource: Resource) -> bool:
    return (resource.kind == "KafkaTopic" and resource.is_strimzi) or resource.type == KAFKA_TOPIC


def _cluster_key(resource: Resource) -> ClusterKey:
    if resource.kind == "Kafka":
        return resource.metadata.get("namespace"), str(resource.metadata.get("name"))
    return resource.metadata.get("namespace"), str(mapping(resource.metadata.get("labels")).get(CLUSTER_LABEL))


def _scope(resource: Resource) -> Scope:
    if resource.is_strimzi:
        return ("strimzi", *_cluster_key(resource))
    return ("pulumi-kafka", resource.parent)


def _clusters(resources: list[Resource]) -> dict[ClusterKey, ClusterState]:
    found: dict[ClusterKey, ClusterState] = {}
    for resource in resources:
        if resource.is_strimzi and resource.kind == "Kafka":
            found.setdefault(_cluster_key(resource), ClusterState()).kafka = resource
    for resource in resources:
        if resource.is_strimzi and resource.kind == "KafkaNodePool":
            found.setdefault(_cluster_key(resource), ClusterState()).pools.append(resource)
    return {key: state for key, state in found.items() if state.kafka is not None}


def identity(resource: Resource) -> tuple[Any, ...] | None:
    """What makes a resource the same object whatever its URN (None: only its URN does)."""
    if resource.is_strimzi and resource.kind == "KafkaTopic":
        return ("KafkaTopic", *_cluster_key(resource), topic_facts(resource.inputs).name)
    if resource.is_kubernetes_object and resource.metadata.get("name"):
        group = resource.type.split(":")[1].rsplit("/", 1)[0]
        return (group, resource.kind, resource.metadata.get("namespace"), resource.metadata.get("name"))
    if resource.type == KAFKA_ACL:
        return (resource.type, resource.parent, acl_rule(resource))
    if resource.type in _IDENTITY_INPUTS:
        return (resource.type, resource.parent, *(str(resource.inputs.get(k)) for k in _IDENTITY_INPUTS[resource.type]))
    return None


def _unique_identities(resources: Iterable[Resource]) -> dict[tuple[Any, ...], Resource]:
    keyed = [(identity(resource), resource) for resource in resources]
    counts = Counter(key for key, _ in keyed if key is not None)
    return {key: resource for key, resource in keyed if key is not None and counts[key] == 1}
