"""KafkaUser ACLs as Strimzi's User Operator applies them to a broker (pure; no Kafka client).

Ref (strimzi/strimzi-kafka-operator @ 1.2.0, ``user-operator/src/main/java/io/strimzi/operator/user``):
- principal: ``model/KafkaUserModel.java`` ``getUserName()`` - ``User:<metadata.name>`` for
  ``scram-sha-512`` (and no authentication), ``User:CN=<metadata.name>`` for ``tls``/``tls-external``;
- one binding per entry of ``operations``, permission ``allow`` and host ``*`` unless set
  (``model/acl/SimpleAclRule.java`` ``fromCrd``; defaults in ``api/.../user/acl/AclRule.java``);
- resource: ``topic``/``group``/``transactionalId`` by ``name``, ``cluster`` always the literal
  ``kafka-cluster``; ``patternType: prefix`` is PREFIXED, anything else LITERAL
  (``model/acl/SimpleAclRuleResource.java`` ``toKafkaResourcePattern``);
- reconciliation: the principal ends up with exactly these bindings; others are deleted, none are
  added (``operator/SimpleAclOperator.java`` ``reconcile``/``internalUpdate``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CLUSTER_RESOURCE_NAME = "kafka-cluster"
TLS_AUTHENTICATION = frozenset({"tls", "tls-external"})


@dataclass(frozen=True, order=True)
class AclBinding:
    """One Kafka ACL binding, with Kafka's own enum names (as the Admin API lists them)."""

    principal: str
    resource_type: str  # TOPIC | GROUP | CLUSTER | TRANSACTIONAL_ID
    resource_name: str
    pattern_type: str  # LITERAL | PREFIXED
    operation: str  # READ | WRITE | CREATE | DELETE | ALTER | DESCRIBE | ... (upper snake case)
    permission: str = "ALLOW"
    host: str = "*"


_RESOURCE_TYPES = {"topic": "TOPIC", "group": "GROUP", "cluster": "CLUSTER", "transactionalId": "TRANSACTIONAL_ID"}
_OPERATIONS = {
    "Read": "READ",
    "Write": "WRITE",
    "Create": "CREATE",
    "Delete": "DELETE",
    "Alter": "ALTER",
    "Describe": "DESCRIBE",
    "ClusterAction": "CLUSTER_ACTION",
    "AlterConfigs": "ALTER_CONFIGS",
    "DescribeConfigs": "DESCRIBE_CONFIGS",
    "IdempotentWrite": "IDEMPOTENT_WRITE",
    "All": "ALL",
}


def principal(kafka_user: Mapping[str, Any]) -> str:
    """The Kafka principal the User Operator uses for a KafkaUser object."""
    name = kafka_user["metadata"]["name"]
    authentication = (kafka_user.get("spec", {}).get("authentication") or {}).get("type")
    return f"User:CN={name}" if authentication in TLS_AUTHENTICATION else f"User:{name}"


def acl_bindings(kafka_user: Mapping[str, Any]) -> set[AclBinding]:
    """The exact ACL bindings the User Operator reconciles for a KafkaUser (``simple`` authorization)."""
    authorization = kafka_user.get("spec", {}).get("authorization") or {}
    if authorization.get("type") != "simple":
        return set()
    user = principal(kafka_user)
    bindings = set()
    for rule in authorization.get("acls", []):
        resource = rule["resource"]
        kind = resource["type"]
        cluster = kind == "cluster"
        for operation in rule["operations"]:
            bindings.add(
                AclBinding(
                    principal=user,
                    resource_type=_RESOURCE_TYPES[kind],
                    resource_name=CLUSTER_RESOURCE_NAME if cluster else resource["name"],
                    pattern_type="PREFIXED" if not cluster and resource.get("patternType") == "prefix" else "LITERAL",
                    operation=_OPERATIONS[operation],
                    permission=str(rule.get("type", "allow")).upper(),
                    host=rule.get("host", "*"),
                )
            )
    return bindings
