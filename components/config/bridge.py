"""Config of the Strimzi HTTP Bridge: a REST front for a cluster, with its own least-privilege user.

The bridge's Kafka access is declared as a catalog service's is (``produces``, ``consumes`` with a
group) and becomes the same minimal ACLs on the bridge's KafkaUser; HTTP clients can do no more.

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaBridge-reference
Ref: https://strimzi.io/docs/bridge/latest/ (HTTP Bridge: producer and consumer endpoints)
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import ConfigModel, raise_problems
from .catalog import ConsumeIntent, ProducedTopic
from .cluster import ListenerName
from .kubernetes import DnsLabel, ResourceRequirements
from .workloads import InlineLogging

HttpMethod = Literal["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
BRIDGE_HTTP_PORT = 8080


class BridgeCors(ConfigModel):
    """Cross-origin requests browsers may make to the bridge."""

    allowed_origins: list[str] = Field(
        min_length=1, description="Origins allowed to call the bridge, as Java regular expressions."
    )
    allowed_methods: list[HttpMethod] = Field(min_length=1, description="HTTP methods those origins may use.")


class BridgeHttp(ConfigModel):
    """The bridge's HTTP server."""

    port: int = Field(
        default=BRIDGE_HTTP_PORT, ge=1023, le=65535, description="Port the HTTP server listens on (1023 or higher)."
    )
    cors: BridgeCors | None = Field(default=None, description="CORS for browser clients; unset: no CORS headers.")


class BridgeSettings(ConfigModel):
    """How the bridge runs: pods, HTTP server, listener, resources and logging."""

    replicas: int = Field(default=1, ge=0, description="Bridge pods. Preset: dev 1, prod 2.")
    http: BridgeHttp = Field(default_factory=BridgeHttp, description="The HTTP server: port and CORS.")
    listener: ListenerName | None = Field(
        default=None,
        description="Listener of the cluster the bridge connects through (its user authenticates as the listener "
        "asks); unset: the first internal TLS listener with scram-sha-512, else tls, authentication.",
    )
    resources: ResourceRequirements | None = Field(
        default=None,
        description="CPU and memory of each bridge pod; unset: none. The prod preset requests 200m CPU and 512Mi "
        "(memory limit 512Mi).",
    )
    logging: InlineLogging | None = Field(default=None, description="Log levels; unset: Strimzi's defaults.")


class BridgeConfig(BridgeSettings):
    """An HTTP Bridge (``KafkaBridge``) on a Strimzi cluster of the stack, with a KafkaUser
    ``<name>-bridge`` whose ACLs come from its intents, as a catalog service's do."""

    cluster: DnsLabel | None = Field(
        default=None,
        description="The Strimzi cluster (of `clusters`) the bridge serves; it must hold the catalog. Unset: the "
        "catalog's cluster.",
    )
    domain: str = Field(
        pattern=r"^[a-z][a-z0-9-]*$",
        description="Owning domain of the bridge, as a catalog service's: its prefix grants stay in it.",
    )
    produces: list[ProducedTopic] = Field(
        default_factory=list, description="What HTTP clients may write: catalog topic keys, or `{prefix: ...}`."
    )
    consumes: list[ConsumeIntent] = Field(
        default_factory=list,
        description="What HTTP clients may read: a topic or a prefix, each with the consumer group they must use.",
    )

    @model_validator(mode="after")
    def _has_intent(self) -> BridgeConfig:
        if not (self.produces or self.consumes):
            raise_problems([((), "declare what HTTP clients may do: produces, consumes or both", None)])
        return self


def bridge_user_name(bridge: str) -> str:
    """The KafkaUser (principal ``User:<name>``) of a bridge."""
    return f"{bridge}-bridge"


__all__ = ["BridgeConfig", "BridgeCors", "BridgeHttp", "BridgeSettings", "bridge_user_name"]
