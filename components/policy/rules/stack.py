"""Rules over a whole stack: topics against brokers, ACLs against topics, topic name clashes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ...invariants import metric_name, replicas_problem
from ..facts import acl_facts, clusters, topic_facts
from ..model import ResourceView, known
from ..registry import stack_rule


@stack_rule(
    "topic-replicas-within-brokers",
    "No topic asks for more replicas than its cluster has brokers",
    "Kafka refuses to create such a topic; the Topic Operator retries forever.",
)
def topic_replicas_within_brokers(resources: Sequence[ResourceView], config: Mapping[str, Any]
                                  ) -> Iterator[tuple[ResourceView, str]]:  # fmt: skip
    """Replicas of each KafkaTopic <= broker replicas of its cluster's node pools."""
    found = clusters(resources)
    for resource in resources:
        topic = topic_facts(resource)
        if topic is None or topic.cluster is None or not isinstance(topic.replicas, int):
            continue
        cluster = found.get((topic.namespace, topic.cluster))
        brokers = cluster.replicas_with_role("broker") if cluster else None
        problem = replicas_problem(topic.replicas, brokers) if isinstance(brokers, int) else None
        if problem:
            yield resource, f"topic {problem.replace('the cluster', f'cluster {topic.cluster!r}')}"


@stack_rule(
    "acl-topics-exist",
    "Topic ACLs name topics that exist (or prefixes that match some)",
    "An ACL on a misspelt topic grants nothing the service needs and hides the real mistake.",
)
def acl_topics_exist(
    resources: Sequence[ResourceView], config: Mapping[str, Any]
) -> Iterator[tuple[ResourceView, str]]:
    """Literal topic ACLs name a declared topic; prefix ACLs match one, unless the principal may create
    topics under the prefix (Kafka Streams' internal topics do not exist before the application runs)."""
    names = {t.name for r in resources if (t := topic_facts(r)) is not None and known(t.name)}
    acls = [acl for resource in resources for acl in acl_facts(resource) if acl.resource_type == "topic"]
    creators = {(acl.principal, acl.name) for acl in acls if acl.pattern == "prefix" and "Create" in acl.operations}
    for acl in acls:
        if not known(acl.name) or acl.name == "*":
            continue
        if acl.pattern == "literal" and acl.name not in names:
            yield acl.resource, f"{acl.principal} has an ACL on topic '{acl.name}', which is not declared"
        elif (
            acl.pattern == "prefix"
            and (acl.principal, acl.name) not in creators
            and not any(str(name).startswith(str(acl.name)) for name in names)
        ):
            yield acl.resource, f"{acl.principal} has an ACL on topics '{acl.name}*', and none is declared"


@stack_rule(
    "unique-topic-names",
    "Each Kafka topic is declared once per cluster, and no two names collide",
    "Two declarations fight over one topic; names differing only by '.' and '_' collide in Kafka's metrics.",
)
def unique_topic_names(resources: Sequence[ResourceView], config: Mapping[str, Any]
                       ) -> Iterator[tuple[ResourceView, str]]:  # fmt: skip
    """No two topics with the same Kafka name, or with names equal once '.' is read as '_'."""
    seen: dict[tuple[Any, Any, str], ResourceView] = {}
    for resource in resources:
        topic = topic_facts(resource)
        if topic is None or not known(topic.name):
            continue
        scope = (topic.namespace, topic.cluster)
        key = (*scope, metric_name(str(topic.name)))
        if key in seen:
            other = topic_facts(seen[key])
            same = other is not None and other.name == topic.name
            how = "declares the same topic as" if same else "collides ('.' vs '_') with"
            yield resource, f"topic '{topic.name}' {how} {seen[key].display}"
        else:
            seen[key] = resource


RULES = (topic_replicas_within_brokers, acl_topics_exist, unique_topic_names)
