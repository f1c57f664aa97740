"""Cluster rules: authorization, storage, KRaft quorum, broker defaults and container resources."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ...config.kubernetes import quantity_value
from ..facts import (
    BRIDGE,
    CONNECT,
    EXTERNAL_TOPIC,
    KAFKA,
    MIRROR_MAKER,
    NODE_POOL,
    TOPIC,
    clusters,
    mapping,
    topic_facts,
)
from ..model import ResourceView, known
from ..registry import resource_rule, stack_rule


def _broker_config(resource: ResourceView) -> Mapping[str, Any]:
    kafka = resource.spec.get("kafka")
    config = kafka.get("config") if isinstance(kafka, Mapping) else None
    return config if isinstance(config, Mapping) else {}


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


# A principal every client can be: listed as a super user it switches ACLs off for everyone.
_ANYONE = frozenset({"ANONYMOUS", "User:ANONYMOUS", "*", "User:*"})


@resource_rule(
    "cluster-authorization",
    "Kafka clusters enforce ACLs, and nothing in their config bypasses them",
    "Without an authorizer, with allow.everyone.if.no.acl.found, or with an anonymous super user, every "
    "client may read and write every topic.",
    [KAFKA],
)
def cluster_authorization(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """``spec.kafka.authorization`` is set, no broker option lets a resource without ACLs be used by
    anyone, and no super user is a principal every client has."""
    kafka = resource.spec.get("kafka")
    if not isinstance(kafka, Mapping):
        return
    authorization = kafka.get("authorization")
    if not authorization:
        yield "spec.kafka.authorization is not set: any authenticated client can use any topic"
    if _is_true(_broker_config(resource).get("allow.everyone.if.no.acl.found")):
        yield (
            "spec.kafka.config allow.everyone.if.no.acl.found is true: every topic, group and transactional id "
            "without an ACL is open to every client"
        )
    super_users = authorization.get("superUsers") if isinstance(authorization, Mapping) else None
    for user in super_users if isinstance(super_users, list) else []:
        if isinstance(user, str) and user.strip() in _ANYONE:
            yield f"spec.kafka.authorization.superUsers lists '{user}': every client would be a super user"


@resource_rule(
    "storage-persistent",
    "Node pools keep data on persistent volumes that outlive the pool",
    "Ephemeral storage loses every partition on a pod restart; deleteClaim: true loses it with the pool.",
    [NODE_POOL],
    allowDeleteClaim=False,
)
def storage_persistent(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """No ephemeral volume; no ``deleteClaim: true`` unless allowed."""
    storage = resource.spec.get("storage")
    if not isinstance(storage, Mapping):
        return
    volumes = storage.get("volumes") if storage.get("type") == "jbod" else [storage]
    for volume in volumes if isinstance(volumes, list) else []:
        if not isinstance(volume, Mapping):
            continue
        label = f"volume {volume.get('id')}" if storage.get("type") == "jbod" else "storage"
        if volume.get("type") == "ephemeral":
            yield f"{label} is ephemeral: data is lost when the pod restarts"
        elif _is_true(volume.get("deleteClaim")) and not config["allowDeleteClaim"]:
            yield f"{label} has deleteClaim: true: the data is deleted with the node pool"


@stack_rule(
    "controller-quorum",
    "Each cluster has a dedicated controller pool with an odd number (>= 3) of controllers",
    "KRaft needs a majority of controllers; an even count adds no tolerance, fewer than 3 tolerate no loss, "
    "and dual-role nodes couple broker load with quorum health.",
    minControllers=3,
    requireDedicated=True,
)
def controller_quorum(
    resources: Sequence[ResourceView], config: Mapping[str, Any]
) -> Iterator[tuple[ResourceView, str]]:
    """Per Kafka cluster: dedicated controller pools; total controllers odd and >= ``minControllers``."""
    for cluster in clusters(resources).values():
        controllers = cluster.replicas_with_role("controller")
        if not isinstance(controllers, int):
            continue
        dedicated = [p for p in cluster.pools if p.spec.get("roles") == ["controller"]]
        if config["requireDedicated"] and not dedicated:
            yield cluster.kafka, "no dedicated controller pool (roles: [controller])"
        if controllers < config["minControllers"]:
            yield cluster.kafka, f"{controllers} controller(s); at least {config['minControllers']} are needed"
        elif controllers % 2 == 0:
            yield cluster.kafka, f"{controllers} controllers: an even quorum tolerates no more failures than one less"


@resource_rule(
    "unclean-leader-election",
    "Unclean leader election is never enabled",
    "An out-of-sync replica becoming leader silently discards acknowledged records.",
    [KAFKA, TOPIC, EXTERNAL_TOPIC],
)
def unclean_leader_election(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """``unclean.leader.election.enable`` is not true on brokers or topics."""
    facts = topic_facts(resource)
    options = facts.config if facts is not None else _broker_config(resource)
    if _is_true(options.get("unclean.leader.election.enable")):
        yield "unclean.leader.election.enable is true: acknowledged records can be lost"


@resource_rule(
    "auto-create-topics",
    "Brokers do not create topics on first use",
    "Auto-created topics bypass review, naming, replication and ACL design.",
    [KAFKA],
)
def auto_create_topics(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """``auto.create.topics.enable`` is explicitly false (Kafka's default is true)."""
    value = _broker_config(resource).get("auto.create.topics.enable")
    if known(value) and value is not False and not (isinstance(value, str) and value.lower() == "false"):
        yield "auto.create.topics.enable is not false (Kafka defaults to true)"


def _containers(resource: ResourceView) -> list[tuple[str, Any]]:
    """(name, resources) of every container spec the resource controls."""
    spec = resource.spec
    if resource.type in (NODE_POOL, CONNECT, BRIDGE, MIRROR_MAKER):
        return [("spec.resources", spec.get("resources"))]
    if resource.type == KAFKA:
        found: list[tuple[str, Any]] = []
        operators = spec.get("entityOperator")
        if isinstance(operators, Mapping):
            found += [(f"spec.entityOperator.{key}.resources", (operators.get(key) or {}).get("resources"))
                      for key in ("topicOperator", "userOperator") if operators.get(key) is not None]  # fmt: skip
        for key in ("cruiseControl", "kafkaExporter"):
            if isinstance(spec.get(key), Mapping):
                found.append((f"spec.{key}.resources", spec[key].get("resources")))
        return found
    return []


@resource_rule(
    "resources-required",
    "Kafka pods request CPU and memory and limit memory",
    "Without requests the scheduler overcommits nodes; without a memory limit one JVM can starve the node.",
    [KAFKA, NODE_POOL, CONNECT, BRIDGE, MIRROR_MAKER],
)
def resources_required(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """``requests.cpu``, ``requests.memory`` and ``limits.memory`` on every container spec."""
    for where, given in _containers(resource):
        if not known(given):
            continue
        resources = mapping(given)
        requests, limits = mapping(resources.get("requests")), mapping(resources.get("limits"))
        missing = [f"requests.{k}" for k in ("cpu", "memory") if not requests.get(k)]
        missing += ["limits.memory"] if not limits.get("memory") else []
        if missing:
            yield f"{where} lacks {', '.join(missing)}"
        elif _exceeds(requests.get("memory"), limits.get("memory")):
            yield f"{where}: requests.memory is above limits.memory"


def _exceeds(request: Any, limit: Any) -> bool:
    try:
        return quantity_value(str(request)) > quantity_value(str(limit))
    except ValueError:
        return False


RULES = (
    cluster_authorization,
    storage_persistent,
    controller_quorum,
    unclean_leader_election,
    auto_create_topics,
    resources_required,
)
