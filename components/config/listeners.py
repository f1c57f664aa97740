"""Kafka listeners: Strimzi's listener types, TLS, authentication and network policy peers.

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-GenericKafkaListener-reference
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .base import ConfigModel, Problem, raise_problems

ListenerType = Literal["internal", "cluster-ip", "nodeport", "loadbalancer", "ingress", "route", "tlsroute"]
INTERNAL_LISTENER_TYPES: frozenset[str] = frozenset({"internal", "cluster-ip"})
# Types that Strimzi only runs with TLS (TLS passthrough / SNI routing).
TLS_ONLY_LISTENER_TYPES: frozenset[str] = frozenset({"route", "ingress"})
# Ports the Kafka pods use for themselves (9090-9091 are below the minimum anyway).
# Ref: cluster-operator/.../model/ListenersValidator.java at tag 1.2.0 (FORBIDDEN_PORTS: 9404 metrics, 9999 JMX).
RESERVED_PORTS: frozenset[int] = frozenset({9404, 9999})
MIN_LISTENER_PORT = 9092


class TlsAuthentication(ConfigModel):
    """Mutual TLS client authentication (needs a TLS listener)."""

    type: Literal["tls"] = "tls"


class ScramSha512Authentication(ConfigModel):
    """SASL SCRAM-SHA-512 username/password authentication."""

    type: Literal["scram-sha-512"] = "scram-sha-512"


class CustomAuthentication(ConfigModel):
    """Any other mechanism (OAuth, for example) configured through raw listener properties."""

    type: Literal["custom"] = "custom"
    sasl: bool | None = None
    listener_config: dict[str, Any] | None = None


ListenerAuthentication = Annotated[
    TlsAuthentication | ScramSha512Authentication | CustomAuthentication, Field(discriminator="type")
]


class CertChainAndKey(ConfigModel):
    """A custom listener certificate from a Secret (instead of one signed by the cluster CA)."""

    secret_name: str
    certificate: str
    key: str


class BootstrapOverride(ConfigModel):
    """Overrides for the listener's bootstrap service, route or ingress."""

    alternative_names: list[str] | None = None
    host: str | None = None
    node_port: int | None = Field(default=None, ge=30000, le=32767)
    load_balancer_ip: str | None = Field(default=None, alias="loadBalancerIP")
    annotations: dict[str, str] | None = None
    labels: dict[str, str] | None = None
    external_ips: list[str] | None = Field(default=None, alias="externalIPs")


class BrokerOverride(ConfigModel):
    """Overrides for one broker's per-pod service, route or ingress."""

    broker: int = Field(ge=0)
    advertised_host: str | None = None
    advertised_port: int | None = Field(default=None, ge=1, le=65535)
    host: str | None = None
    node_port: int | None = Field(default=None, ge=30000, le=32767)
    load_balancer_ip: str | None = Field(default=None, alias="loadBalancerIP")
    annotations: dict[str, str] | None = None
    labels: dict[str, str] | None = None
    external_ips: list[str] | None = Field(default=None, alias="externalIPs")


class ListenerConfiguration(ConfigModel):
    """Strimzi's per-listener ``configuration`` block."""

    broker_cert_chain_and_key: CertChainAndKey | None = None
    class_: str | None = Field(default=None, alias="class")
    external_traffic_policy: Literal["Local", "Cluster"] | None = None
    load_balancer_source_ranges: list[str] | None = None
    bootstrap: BootstrapOverride | None = None
    brokers: list[BrokerOverride] | None = None
    ip_family_policy: Literal["SingleStack", "PreferDualStack", "RequireDualStack"] | None = None
    ip_families: list[Literal["IPv4", "IPv6"]] | None = None
    create_bootstrap_service: bool | None = None
    finalizers: list[str] | None = None
    use_service_dns_domain: bool | None = None
    max_connections: int | None = Field(default=None, ge=1)
    max_connection_creation_rate: int | None = Field(default=None, ge=1)
    preferred_node_port_address_type: (
        Literal["ExternalIP", "ExternalDNS", "InternalIP", "InternalDNS", "Hostname"] | None
    ) = None
    publish_not_ready_addresses: bool | None = None
    per_broker_annotations_template: dict[str, str] | None = None
    per_broker_labels_template: dict[str, str] | None = None
    host_template: str | None = None
    advertised_host_template: str | None = None
    advertised_port_template: str | None = None
    allocate_load_balancer_node_ports: bool | None = None
    parent_refs: list[dict[str, Any]] | None = None


_ALL_BUT_INTERNAL = frozenset({"cluster-ip", "nodeport", "loadbalancer", "ingress", "route", "tlsroute"})
_HOSTED = frozenset({"ingress", "route", "tlsroute"})

# Where a configuration field means something; elsewhere the operator rejects it.
# Ref: cluster-operator/.../model/ListenersValidator.java at tag 1.2.0.
_CONFIGURATION_TYPES: dict[str, frozenset[str]] = {
    "useServiceDnsDomain": frozenset({"internal", "cluster-ip"}),
    "createBootstrapService": frozenset({"loadbalancer"}),
    "ipFamilyPolicy": _ALL_BUT_INTERNAL,
    "ipFamilies": _ALL_BUT_INTERNAL,
    "class": frozenset({"ingress", "loadbalancer"}),
    "preferredNodePortAddressType": frozenset({"nodeport"}),
    "publishNotReadyAddresses": _ALL_BUT_INTERNAL,
    "externalTrafficPolicy": frozenset({"loadbalancer", "nodeport"}),
    "loadBalancerSourceRanges": frozenset({"loadbalancer"}),
    "allocateLoadBalancerNodePorts": frozenset({"loadbalancer"}),
    "finalizers": frozenset({"loadbalancer"}),
    "hostTemplate": _HOSTED,
    "perBrokerLabelsTemplate": _ALL_BUT_INTERNAL,
    "perBrokerAnnotationsTemplate": _ALL_BUT_INTERNAL,
    "parentRefs": frozenset({"tlsroute"}),
}
_OVERRIDE_TYPES: dict[str, frozenset[str]] = {
    "host": _HOSTED,
    "loadBalancerIP": frozenset({"loadbalancer"}),
    "nodePort": frozenset({"nodeport", "loadbalancer"}),
    "externalIPs": frozenset({"nodeport"}),
    "labels": _ALL_BUT_INTERNAL,
    "annotations": _ALL_BUT_INTERNAL,
}


class ListenerConfig(ConfigModel):
    """One Kafka listener. Its name is its key under ``listeners`` (1-11 lowercase letters/digits)."""

    port: int = Field(ge=MIN_LISTENER_PORT, le=65535)
    type: ListenerType
    tls: bool = True
    authentication: ListenerAuthentication | None = None
    configuration: ListenerConfiguration | None = None
    network_policy_peers: list[dict[str, Any]] | None = None

    @property
    def external(self) -> bool:
        """Whether clients outside the Kubernetes cluster can reach this listener."""
        return self.type not in INTERNAL_LISTENER_TYPES

    @model_validator(mode="after")
    def _check_listener(self) -> ListenerConfig:
        raise_problems([*self._port_problems(), *self._tls_problems(), *self._configuration_problems()])
        return self

    def _port_problems(self) -> list[Problem]:
        if self.port in RESERVED_PORTS:
            reserved = ", ".join(map(str, sorted(RESERVED_PORTS)))
            message = (
                f"is reserved by Strimzi for the Kafka pods ({reserved}); pick another port >= {MIN_LISTENER_PORT}"
            )
            return [(("port",), message, self.port)]
        return []

    def _tls_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        if self.type in TLS_ONLY_LISTENER_TYPES and not self.tls:
            problems.append((("tls",), f"a '{self.type}' listener needs tls: true (TLS passthrough)", self.tls))
        if isinstance(self.authentication, TlsAuthentication) and not self.tls:
            problems.append((("authentication", "type"), "'tls' authentication needs tls: true on the listener", "tls"))
        if self.configuration and self.configuration.broker_cert_chain_and_key and not self.tls:
            problems.append(
                (
                    ("configuration", "brokerCertChainAndKey"),
                    "a custom certificate needs tls: true on the listener",
                    None,
                )
            )
        return problems

    def _configuration_problems(self) -> list[Problem]:
        conf = self.configuration.to_dict() if self.configuration else {}
        problems: list[Problem] = []
        for key, types in _CONFIGURATION_TYPES.items():
            if key in conf and self.type not in types:
                problems.append((("configuration", key), _not_for_type(self.type, types), conf[key]))
        overrides: list[tuple[tuple[str | int, ...], dict[str, Any]]] = [
            (("configuration", "bootstrap"), conf.get("bootstrap") or {})
        ]
        overrides += [(("configuration", "brokers", i), b) for i, b in enumerate(conf.get("brokers") or [])]
        for where, override in overrides:
            for key, types in _OVERRIDE_TYPES.items():
                if key in override and self.type not in types:
                    problems.append(((*where, key), _not_for_type(self.type, types), override[key]))
        if self.type in {"ingress", "tlsroute"}:
            if "host" not in (conf.get("bootstrap") or {}):
                problems.append(
                    (("configuration", "bootstrap", "host"), f"a '{self.type}' listener needs a bootstrap host", None)
                )
            brokers = conf.get("brokers") or []
            if "hostTemplate" not in conf and (not brokers or any("host" not in b for b in brokers)):
                problems.append(
                    (
                        ("configuration", "hostTemplate"),
                        f"a '{self.type}' listener needs hostTemplate (e.g. 'broker-{{nodeId}}.kafka.example.com') "
                        "or a host for every broker in configuration.brokers",
                        None,
                    )
                )
        if self.type == "tlsroute" and "parentRefs" not in conf:
            problems.append(
                (("configuration", "parentRefs"), "a 'tlsroute' listener needs the Gateway it attaches to", None)
            )
        return problems


def _not_for_type(listener_type: str, types: frozenset[str]) -> str:
    return f"cannot be set on a '{listener_type}' listener; it applies to: {', '.join(sorted(types))}"
