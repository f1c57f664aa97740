"""What a real broker holds, read with Kafka's admin API, in the shapes the tests compare."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from confluent_kafka.admin import (
    AclBinding as ClientAclBinding,
)
from confluent_kafka.admin import (
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    ConfigResource,
    ResourcePatternType,
    ResourceType,
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialAlteration,
    UserScramCredentialDeletion,
    UserScramCredentialUpsertion,
)

from .access import CLIENT_TIMEOUT_S
from .user_operator import AclBinding

# confluent-kafka calls Kafka's CLUSTER resource type BROKER.
_CLIENT_RESOURCE_TYPES = {"BROKER": "CLUSTER"}
_KAFKA_TO_CLIENT_RESOURCE = {
    "TOPIC": ResourceType.TOPIC,
    "GROUP": ResourceType.GROUP,
    "CLUSTER": ResourceType.BROKER,
    "TRANSACTIONAL_ID": ResourceType.TRANSACTIONAL_ID,
}


@dataclass(frozen=True)
class TopicState:
    """A topic as the broker has it: partitions, replication factor, and its non-default configs."""

    partitions: int
    replicas: int
    config: dict[str, str]


def topics(admin: AdminClient, names: Iterable[str] | None = None) -> dict[str, TopicState]:
    """Every (or the named) non-internal topic with partitions, replication and explicitly set configs."""
    metadata = admin.list_topics(timeout=CLIENT_TIMEOUT_S).topics
    wanted = sorted(n for n in metadata if not n.startswith("__") and (names is None or n in set(names)))
    if not wanted:
        return {}
    resources = [ConfigResource("topic", name) for name in wanted]
    configs = admin.describe_configs(resources)
    result = {}
    for resource in resources:
        entries = configs[resource].result(CLIENT_TIMEOUT_S)
        explicit = {key: entry.value for key, entry in entries.items() if entry.source == 1}  # DYNAMIC_TOPIC_CONFIG
        partitions = metadata[resource.name].partitions
        result[resource.name] = TopicState(len(partitions), len(partitions[0].replicas), explicit)
    return result


def acls(admin: AdminClient) -> set[AclBinding]:
    """Every ACL binding on the broker."""
    # None matches any name, principal and host (the client's stubs type them as str).
    pattern = AclBindingFilter(
        ResourceType.ANY,
        None,  # type: ignore[arg-type]
        ResourcePatternType.ANY,
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        AclOperation.ANY,
        AclPermissionType.ANY,
    )
    found = admin.describe_acls(pattern).result(CLIENT_TIMEOUT_S)
    return {
        AclBinding(
            principal=b.principal,
            resource_type=_CLIENT_RESOURCE_TYPES.get(b.restype.name, b.restype.name),
            resource_name=b.name,
            pattern_type=b.resource_pattern_type.name,
            operation=b.operation.name,
            permission=b.permission_type.name,
            host=b.host,
        )
        for b in found
    }


_Binding = TypeVar("_Binding", bound=ClientAclBinding)


def _client(binding: AclBinding, kind: type[_Binding]) -> _Binding:
    """A binding (or, with ``AclBindingFilter``, an exact-match filter) in the client's types."""
    return kind(
        _KAFKA_TO_CLIENT_RESOURCE[binding.resource_type],
        binding.resource_name,
        ResourcePatternType[binding.pattern_type],
        binding.principal,
        binding.host,
        AclOperation[binding.operation],
        AclPermissionType[binding.permission],
    )


def apply_acls(admin: AdminClient, bindings: Iterable[AclBinding]) -> None:
    """Create ACL bindings (as the User Operator's batch reconciler does)."""
    wanted = [_client(b, ClientAclBinding) for b in bindings]
    if wanted:
        for future in admin.create_acls(wanted).values():
            future.result(CLIENT_TIMEOUT_S)


def delete_acls(admin: AdminClient, bindings: Iterable[AclBinding]) -> None:
    """Delete exactly these ACL bindings."""
    filters = [_client(b, AclBindingFilter) for b in bindings]
    if filters:
        for future in admin.delete_acls(filters).values():
            future.result(CLIENT_TIMEOUT_S)


def scram_users(admin: AdminClient) -> dict[str, set[str]]:
    """SCRAM users on the broker and their mechanisms (``SCRAM-SHA-512`` ...)."""
    future = admin.describe_user_scram_credentials()
    assert not isinstance(future, dict)  # without a user list, one future for all users
    described = future.result(CLIENT_TIMEOUT_S)
    return {
        user: {str(info.mechanism.name).replace("_", "-") for info in d.scram_credential_infos}
        for user, d in described.items()
    }


def set_scram_passwords(admin: AdminClient, passwords: Mapping[str, str], timeout: float = CLIENT_TIMEOUT_S) -> None:
    """Give each user a SCRAM-SHA-512 credential (4096 iterations) with its password."""
    info = ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096)
    upserts: list[UserScramCredentialAlteration] = [
        UserScramCredentialUpsertion(user, info, password.encode()) for user, password in passwords.items()
    ]
    if upserts:
        for future in admin.alter_user_scram_credentials(upserts, request_timeout=timeout).values():
            future.result(timeout)


def delete_scram_users(
    admin: AdminClient, users: Iterable[str], timeout: float = CLIENT_TIMEOUT_S, *, missing_ok: bool = False
) -> None:
    """Delete the users' SCRAM-SHA-512 credentials (``missing_ok``: a user without one is no error)."""
    deletions: list[UserScramCredentialAlteration] = [
        UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_512) for user in users
    ]
    if not deletions:
        return
    for future in admin.alter_user_scram_credentials(deletions, request_timeout=timeout).values():
        try:
            future.result(timeout)
        except Exception:
            if not missing_ok:
                raise


_PULUMI_KAFKA_RESOURCE = {
    "Topic": "TOPIC",
    "Group": "GROUP",
    "Cluster": "CLUSTER",
    "TransactionalID": "TRANSACTIONAL_ID",
}
_PULUMI_KAFKA_PATTERN = {"Literal": "LITERAL", "Prefixed": "PREFIXED"}


def planned_acls(resources: Iterable[Mapping[str, Any]]) -> set[AclBinding]:
    """The ACL bindings of the ``kafka:index/acl:Acl`` resources of a plan (``plan.json`` entries)."""
    return {
        AclBinding(
            principal=r["inputs"]["aclPrincipal"],
            resource_type=_PULUMI_KAFKA_RESOURCE[r["inputs"]["aclResourceType"]],
            resource_name=r["inputs"]["aclResourceName"],
            pattern_type=_PULUMI_KAFKA_PATTERN[r["inputs"]["resourcePatternTypeFilter"]],
            operation=_snake(r["inputs"]["aclOperation"]),
            permission=r["inputs"]["aclPermissionType"].upper(),
            host=r["inputs"]["aclHost"],
        )
        for r in resources
        if r["type"] == "kafka:index/acl:Acl"
    }


def _snake(operation: str) -> str:
    """``IdempotentWrite`` -> ``IDEMPOTENT_WRITE``."""
    return "".join(f"_{c}" if c.isupper() and i else c for i, c in enumerate(operation)).upper()
