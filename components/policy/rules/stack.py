"""Rules over a whole stack: topics against brokers, ACLs against topics, topic name clashes, and the
policy config against the environment the resources belong to."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ...invariants import metric_name, replicas_problem
from ...strimzi import ENVIRONMENT_LABEL
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
    """Literal topic ACLs name a declared topic; prefix ACLs match one; unless the principal may create
    the topic or the topics under the prefix itself (Kafka Streams' internal topics, MirrorMaker 2's remote
    and internal topics and Kafka Connect's worker topics do not exist before the client runs)."""
    names = {t.name for r in resources if (t := topic_facts(r)) is not None and known(t.name)}
    acls = [acl for resource in resources for acl in acl_facts(resource) if acl.resource_type == "topic"]
    creators = {(acl.principal, acl.pattern, acl.name) for acl in acls if "Create" in acl.operations}
    for acl in acls:
        if not known(acl.name) or acl.name == "*" or (acl.principal, acl.pattern, acl.name) in creators:
            continue
        if acl.pattern == "literal" and acl.name not in names:
            yield acl.resource, f"{acl.principal} has an ACL on topic '{acl.name}', which is not declared"
        elif acl.pattern == "prefix" and not any(str(name).startswith(str(acl.name)) for name in names):
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


STACK_TYPE = "pulumi:pulumi:Stack"


@stack_rule(
    "policy-config-environment",
    "The policy config is the one of the environment the resources belong to",
    "Another environment's levels and thresholds pass what this one forbids (one replica, ephemeral storage) "
    "or block what it allows.",
    environment="",
)
def policy_config_environment(resources: Sequence[ResourceView], config: Mapping[str, Any]
                              ) -> Iterator[tuple[ResourceView, str]]:  # fmt: skip
    """Resources labelled with an environment (``messaging-platform.io/environment``; for a stack, its
    ``environment`` output) are judged with that environment's config; ``environment`` unset: not checked."""
    expected = config.get("environment")
    if not expected:
        return
    others: dict[str, list[ResourceView]] = {}
    for resource in resources:
        stack = resource.type == STACK_TYPE
        found = resource.props.get("environment") if stack else resource.labels.get(ENVIRONMENT_LABEL)
        if isinstance(found, str) and found and found != expected:
            others.setdefault(found, []).append(resource)
    for environment, belonging in sorted(others.items()):
        labelled = sum(resource.type != STACK_TYPE for resource in belonging)
        evidence = [f"{labelled} resource{'s' if labelled != 1 else ''} labelled {ENVIRONMENT_LABEL}: {environment}"]
        evidence = evidence[:1] if labelled else []
        if labelled < len(belonging):
            evidence.append("its environment output")
        first = next((r for r in belonging if r.type != STACK_TYPE), belonging[0])
        message = (
            f"the policy config is for environment '{expected}', but this stack is '{environment}' "
            f"({', '.join(evidence)}); run the policies with policies/config/{environment}.json"
        )
        yield first, message


RULES = (topic_replicas_within_brokers, acl_topics_exist, unique_topic_names, policy_config_environment)
