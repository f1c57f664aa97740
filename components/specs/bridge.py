"""Pure builder for the ``KafkaBridge`` custom resource (no Pulumi imports).

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaBridge-reference
"""

from __future__ import annotations

from typing import Any

from ..config.bridge import BridgeSettings
from .clients import KafkaConnection


def bridge_spec(settings: BridgeSettings, connection: KafkaConnection) -> dict[str, Any]:
    """``KafkaBridge.spec``: pods, the cluster connection (TLS, CA trust, credentials), HTTP, resources, logging."""
    spec: dict[str, Any] = {"replicas": settings.replicas, **connection.to_spec()}
    spec["http"] = settings.http.to_dict()
    if settings.resources is not None:
        spec["resources"] = settings.resources.to_dict()
    if settings.logging is not None:
        spec["logging"] = settings.logging.to_spec()
    return spec
