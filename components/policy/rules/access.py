"""Access rules: users authenticate, and ACLs grant no more than a role needs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..facts import EXTERNAL_ACL, USER, acl_facts
from ..model import ResourceView, known
from ..registry import resource_rule

# Operations on the cluster resource that change it (topics, configs, replication).
CLUSTER_WRITES = frozenset({"All", "Alter", "AlterConfigs", "ClusterAction", "Create", "IdempotentWrite"})


@resource_rule(
    "acl-least-privilege",
    "ACLs grant named operations on named resources: no All, no '*', no cluster-wide writes",
    "Broad grants turn one leaked credential into control of every topic or of the cluster itself.",
    [USER, EXTERNAL_ACL],
)
def acl_least_privilege(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """No ``All`` operation, no ``*`` or empty resource name, no write operation on the cluster."""
    for acl in acl_facts(resource):
        if not acl.allow:
            continue
        target = f"{acl.resource_type} '{acl.name}'" if acl.resource_type != "cluster" else "the cluster"
        if "All" in acl.operations:
            yield f"{acl.principal} is granted All on {target}; grant the operations it needs"
        if known(acl.name) and acl.resource_type != "cluster" and acl.name in {"*", ""}:
            yield f"{acl.principal} is granted {', '.join(map(str, acl.operations))} on every {acl.resource_type} ('*')"
        if acl.resource_type == "cluster":
            writes = sorted(str(op) for op in acl.operations if op in CLUSTER_WRITES - {"All"})
            if writes:
                yield f"{acl.principal} is granted cluster-wide {', '.join(writes)}"


@resource_rule(
    "user-authentication",
    "Every KafkaUser authenticates",
    "A KafkaUser without authentication has no credentials: its ACLs protect nothing it can use.",
    [USER],
)
def user_authentication(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """``spec.authentication`` with a type."""
    authentication = resource.spec.get("authentication")
    if not isinstance(authentication, Mapping) or not authentication.get("type"):
        yield "spec.authentication is not set: the user has no credentials"


RULES = (acl_least_privilege, user_authentication)
