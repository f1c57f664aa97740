"""Pure builder for the ``KafkaUser`` custom resource (no Pulumi imports).

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaUser-reference
"""

from __future__ import annotations

from typing import Any

from ..config.acls import AclRule
from ..config.resolve import ResolvedService

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


def user_spec(service: ResolvedService, pulumi_owned_password: bool) -> dict[str, Any]:
    """``KafkaUser.spec``: authentication, the service's ACLs, quotas.

    With a Pulumi-owned password the User Operator reads it from a Secret
    (``password.valueFrom.secretKeyRef``); otherwise it generates one.
    """
    authentication: dict[str, Any] = {"type": service.spec.authentication}
    if service.spec.authentication == "scram-sha-512" and pulumi_owned_password:
        authentication["password"] = {
            "valueFrom": {"secretKeyRef": {"name": password_secret_name(service.name), "key": PASSWORD_KEY}}
        }
    spec: dict[str, Any] = {
        "authentication": authentication,
        "authorization": {"type": "simple", "acls": [acl_spec(rule) for rule in service.acls]},
    }
    if service.spec.quotas is not None and service.spec.quotas.to_dict():
        spec["quotas"] = service.spec.quotas.to_dict()
    return spec
