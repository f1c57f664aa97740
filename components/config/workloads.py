"""What the Kafka clients Strimzi runs beside a cluster share: the HTTP Bridge and MirrorMaker 2.

Both are Kafka clients of a Strimzi cluster of the stack: they connect through one of its internal
TLS listeners, trust its cluster CA, and authenticate as a KafkaUser of their own. Which listener,
and the log levels, are chosen here.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field, model_validator

from .base import ConfigModel, Problem, raise_problems
from .cluster import ClusterConfig
from .errors import ConfigError, ConfigProblem
from .listeners import ListenerConfig
from .operator import LogLevel

# What a client of the platform can authenticate with: the KafkaUser authentication types.
UserAuthentication = Literal["scram-sha-512", "tls"]
CLIENT_AUTHENTICATION: tuple[UserAuthentication, ...] = ("scram-sha-512", "tls")
_LEVELS = get_args(LogLevel)


class InlineLogging(ConfigModel):
    """Log levels of a Strimzi-run workload (Strimzi's `inline` logging, Log4j 2 properties)."""

    loggers: dict[str, str] = Field(
        min_length=1,
        description="Log4j 2 properties by name: `rootLogger.level: INFO`, or `logger.<id>.name` (a logger) with "
        "`logger.<id>.level`; levels are ALL, TRACE, DEBUG, INFO, WARN, ERROR, FATAL or OFF.",
    )

    @model_validator(mode="after")
    def _levels(self) -> InlineLogging:
        raise_problems(
            [
                (("loggers", key), f"is not a log level; use one of {', '.join(_LEVELS)}", value)
                for key, value in self.loggers.items()
                if key.endswith(".level") and value not in _LEVELS
            ]
        )
        return self

    def to_spec(self) -> dict[str, object]:
        """Strimzi's ``logging`` block."""
        return {"type": "inline", "loggers": dict(sorted(self.loggers.items()))}


def client_listener(cluster: ClusterConfig, wanted: str | None) -> tuple[str, ListenerConfig] | str:
    """The listener a platform client connects through, or why there is none.

    ``wanted`` names one; unset, the first internal listener (by name) with TLS and SCRAM-SHA-512
    authentication, else one with TLS client authentication: clients never cross the network in clear
    text or anonymously, and never leave the Kubernetes cluster to reach it.
    """
    usable = {
        name: listener
        for name, listener in cluster.listeners.items()
        if listener.tls
        and not listener.external
        and listener.authentication is not None
        and listener.authentication.type in CLIENT_AUTHENTICATION
    }
    if wanted is not None:
        if wanted in usable:
            return wanted, usable[wanted]
        if wanted in cluster.listeners:
            return f"listener '{wanted}' is not an internal TLS listener with scram-sha-512 or tls authentication"
        return f"no such listener; the cluster has: {', '.join(sorted(cluster.listeners))}"
    for authentication in CLIENT_AUTHENTICATION:
        for name in sorted(usable):
            listener = usable[name]
            if listener.authentication is not None and listener.authentication.type == authentication:
                return name, listener
    return "has no internal TLS listener with scram-sha-512 or tls authentication for its clients"


def user_authentication(listener: ListenerConfig) -> UserAuthentication:
    """How a platform client's KafkaUser authenticates on a listener :func:`client_listener` chose: with
    a certificate on a ``tls`` listener, else with SCRAM-SHA-512."""
    authentication = listener.authentication
    return "tls" if authentication is not None and authentication.type == "tls" else "scram-sha-512"


def client_listener_or_error(
    where: str, cluster_name: str, cluster: ClusterConfig, wanted: str | None
) -> tuple[str, ListenerConfig, UserAuthentication]:
    """:func:`client_listener` for a component's args: the listener, its config and how the client
    authenticates there, or a :class:`ConfigError` at ``where``."""
    chosen = client_listener(cluster, wanted)
    if isinstance(chosen, str):
        raise ConfigError([ConfigProblem(where, f"cluster '{cluster_name}': {chosen}")], where)
    name, listener = chosen
    return name, listener, user_authentication(listener)


def listener_problem(
    path: tuple[str | int, ...], cluster_name: str, cluster: ClusterConfig, wanted: str | None
) -> list[Problem]:
    """A problem at ``path`` when no listener of ``cluster`` suits a platform client."""
    chosen = client_listener(cluster, wanted)
    if isinstance(chosen, str):
        return [(path, f"cluster '{cluster_name}': {chosen}", wanted)]
    return []
