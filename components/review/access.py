"""Changes of who may connect and what they may do: KafkaUsers, SCRAM credentials and ACLs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .model import Resource, known, mapping

AclRule = tuple[str, str, str, str, str, str, str]
"""(principal, resource type, pattern type, resource name, operation, host, allow|deny), normalised."""

_PULUMI_KAFKA_TYPES = {"topic": "topic", "group": "group", "cluster": "cluster", "transactionalid": "transactionalId"}
_PULUMI_KAFKA_PATTERNS = {"literal": "literal", "prefixed": "prefix", "prefix": "prefix"}


def user_acl_rules(user: Resource) -> set[AclRule]:
    """The ACL rules a Strimzi ``KafkaUser`` grants, one per operation (so removing one operation shows)."""
    principal = f"User:{user.metadata.get('name')}"
    rules = mapping(user.spec.get("authorization")).get("acls")
    found = set()
    for entry in rules if isinstance(rules, list) else []:
        rule = mapping(entry)
        target = mapping(rule.get("resource"))
        operations = rule.get("operations")
        for operation in operations if isinstance(operations, list) else [rule.get("operation")]:
            found.add(
                (
                    principal,
                    str(target.get("type")),
                    str(target.get("patternType", "literal")),
                    str(target.get("name", "*")),
                    str(operation),
                    str(rule.get("host", "*")),
                    str(rule.get("type", "allow")),
                )
            )
    return found


def acl_rule(acl: Resource) -> AclRule:
    """The rule of a pulumi-kafka ``Acl``, in the same normal form as :func:`user_acl_rules`."""
    props = acl.inputs
    resource_type = str(props.get("aclResourceType", ""))
    pattern = str(props.get("resourcePatternTypeFilter", "Literal"))
    return (
        str(props.get("aclPrincipal")),
        _PULUMI_KAFKA_TYPES.get(resource_type.lower(), resource_type),
        _PULUMI_KAFKA_PATTERNS.get(pattern.lower(), pattern),
        str(props.get("aclResourceName")),
        str(props.get("aclOperation")),
        str(props.get("aclHost", "*")),
        str(props.get("aclPermissionType", "Allow")).lower(),
    )


def removed_rule_messages(rules: Iterable[AclRule]) -> list[str]:
    """What losing rules means, one message per principal, resource and permission (operations
    grouped): access lost for ``allow`` rules, access possibly widened for ``deny`` rules."""
    grouped: dict[tuple[str, ...], list[str]] = {}
    for principal, resource_type, pattern, name, operation, host, permission in sorted(rules):
        grouped.setdefault((permission, principal, resource_type, name, pattern, host), []).append(operation)
    messages = []
    for (permission, principal, resource_type, name, pattern, host), operations in grouped.items():
        rule = f"{permission} {principal} {', '.join(operations)} on {resource_type} {name} ({pattern}) from {host}"
        if permission == "deny":
            messages.append(f"deny ACL removed: {rule}; what it denied becomes possible if another rule allows it")
        else:
            messages.append(f"ACL removed: {rule}; a client relying on it is refused from its next request")
    return messages


def user_findings(old: Resource, new: Resource) -> Iterator[tuple[str, str]]:
    """``acl-removed`` for the rules an updated ``KafkaUser`` no longer grants (authorization removed
    altogether included), one finding per resource. A new user name is the stack review's concern."""
    for message in removed_rule_messages(user_acl_rules(old) - user_acl_rules(new)):
        yield ("acl-removed", message)


def user_name(resource: Resource) -> str | None:
    """The Kafka user a ``KafkaUser`` or a pulumi-kafka SCRAM credential is about."""
    if resource.kind == "KafkaUser":
        return _text(resource.metadata.get("name"))
    return _text(resource.inputs.get("username"))


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value and known(value) else None
