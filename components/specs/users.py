"""Pure builder for the ``KafkaUser`` custom resource (no Pulumi imports).

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaUser-reference
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..config.acls import AclRule
from ..config.catalog import Quotas

PASSWORD_KEY = "password"


def password_secret_name(service: str) -> str:
    """The Secret holding a Pulumi-owned SCRAM password (Strimzi reads it, then writes ``<service>``)."""
    return f"{service}-scram-password"


def acl_spec(rule: AclRule) -> dict[str, Any]:
    """One Strimzi ``simple`` ACL rule."""
    resource: dict[str, Any] = {"type": rule.resource_type, "patternType": rule.pattern}
    if rule.resource_type != "cluster":
        resource["name"] = rule.name
    return {"resource": resource, "operations": list(rule.operations), "host": "*"}


class UserShape(Protocol):
    """What the builder needs of a user (a component's args)."""

    @property
    def user_name(self) -> str: ...
    @property
    def authentication(self) -> str: ...
    @property
    def acls(self) -> Sequence[AclRule]: ...
    @property
    def quotas(self) -> Quotas | None: ...


def user_spec(user: UserShape, pulumi_owned_password: bool) -> dict[str, Any]:
    """``KafkaUser.spec``: authentication, the service's ACLs, quotas.

    With a Pulumi-owned password the User Operator reads it from a Secret
    (``password.valueFrom.secretKeyRef``); otherwise it generates one.
    """
    authentication: dict[str, Any] = {"type": user.authentication}
    if user.authentication == "scram-sha-512" and pulumi_owned_password:
        authentication["password"] = {
            "valueFrom": {"secretKeyRef": {"name": password_secret_name(user.user_name), "key": PASSWORD_KEY}}
        }
    spec: dict[str, Any] = {
        "authentication": authentication,
        "authorization": {"type": "simple", "acls": [acl_spec(rule) for rule in user.acls]},
    }
    if user.quotas is not None and user.quotas.to_dict():
        spec["quotas"] = user.quotas.to_dict()
    return spec
