"""Listener rules for Strimzi Kafka clusters: encryption and authentication."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...config.listeners import INTERNAL_LISTENER_TYPES
from ..facts import KAFKA
from ..model import ResourceView, known
from ..registry import resource_rule


def _listeners(resource: ResourceView) -> list[Mapping[str, Any]]:
    kafka = resource.spec.get("kafka")
    listeners = kafka.get("listeners") if isinstance(kafka, Mapping) else None
    return [entry for entry in listeners if isinstance(entry, Mapping)] if isinstance(listeners, list) else []


def _external(listener: Mapping[str, Any]) -> bool:
    return known(listener.get("type")) and listener.get("type") not in INTERNAL_LISTENER_TYPES


@resource_rule(
    "listener-tls",
    "Listeners encrypt traffic: external ones everywhere, all of them where required",
    "Without TLS, credentials and records cross the network in clear text.",
    [KAFKA],
    requireOnInternal=True,
)
def listener_tls(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """``tls: true`` on external listeners, and on internal ones when ``requireOnInternal``."""
    for listener in _listeners(resource):
        if listener.get("tls") is False and (_external(listener) or config["requireOnInternal"]):
            where = "external" if _external(listener) else "internal"
            yield f"{where} listener '{listener.get('name')}' ({listener.get('type')}) has tls: false"


@resource_rule(
    "listener-authentication",
    "Listeners authenticate clients: external ones everywhere, all of them where required",
    "An unauthenticated listener lets anyone who can reach it act as User:ANONYMOUS.",
    [KAFKA],
    requireOnInternal=True,
)
def listener_authentication(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """An ``authentication`` block on external listeners, and on internal ones when required."""
    for listener in _listeners(resource):
        if not listener.get("authentication") and (_external(listener) or config["requireOnInternal"]):
            yield f"listener '{listener.get('name')}' ({listener.get('type')}) has no authentication"


RULES = (listener_tls, listener_authentication)
