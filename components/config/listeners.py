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

    type: Literal["tls"] = Field(default="tls", description="Authentication type: `tls` (client certificates).")


class ScramSha512Authentication(ConfigModel):
    """SASL SCRAM-SHA-512 username/password authentication."""

    type: Literal["scram-sha-512"] = Field(
        default="scram-sha-512", description="Authentication type: `scram-sha-512` (SASL user name and password)."
    )


class CustomAuthentication(ConfigModel):
    """Any other mechanism (OAuth, for example) configured through raw listener properties."""

    type: Literal["custom"] = Field(default="custom", description="Authentication type: `custom`.")
    sasl: bool | None = Field(default=None, description="Enable SASL on this listener.")
    listener_config: dict[str, Any] | None = Field(
        default=None,
        description="Broker properties of the mechanism; Strimzi prefixes each with `listener.name.<listener>.`.",
    )


ListenerAuthentication = Annotated[
    TlsAuthentication | ScramSha512Authentication | CustomAuthentication, Field(discriminator="type")
]


class CertChainAndKey(ConfigModel):
    """A custom listener certificate from a Secret (instead of one signed by the cluster CA)."""

    secret_name: str = Field(description="Secret in the cluster's namespace that holds the certificate and key.")
    certificate: str = Field(description="Key in the Secret of the certificate (optionally the whole chain).")
    key: str = Field(description="Key in the Secret of the private key (unencrypted PKCS #8).")


class BootstrapOverride(ConfigModel):
    """Overrides for the listener's bootstrap service, route or ingress."""

    alternative_names: list[str] | None = Field(
        default=None, description="More subject alternative names for the bootstrap address in the TLS certificates."
    )
    host: str | None = Field(
        default=None,
        description="Host name of the bootstrap route, ingress or TLSRoute (`ingress`, `route`, `tlsroute`); "
        "required for `ingress` and `tlsroute`.",
    )
    node_port: int | None = Field(
        default=None, ge=30000, le=32767, description="Node port of the bootstrap service (`nodeport`, `loadbalancer`)."
    )
    load_balancer_ip: str | None = Field(
        default=None,
        alias="loadBalancerIP",
        description="IP address to request for the bootstrap load balancer, if the platform allows (`loadbalancer`).",
    )
    annotations: dict[str, str] | None = Field(
        default=None, description="Annotations of the bootstrap service, route or ingress, e.g. for External DNS."
    )
    labels: dict[str, str] | None = Field(
        default=None, description="Labels of the bootstrap service, route or ingress."
    )
    external_ips: list[str] | None = Field(
        default=None, alias="externalIPs", description="External IPs of the bootstrap node-port service (`nodeport`)."
    )


class BrokerOverride(ConfigModel):
    """Overrides for one broker's per-pod service, route or ingress."""

    broker: int = Field(ge=0, description="Node id of the broker these overrides apply to.")
    advertised_host: str | None = Field(
        default=None, description="Host name the broker advertises to clients (`advertised.listeners`)."
    )
    advertised_port: int | None = Field(
        default=None, ge=1, le=65535, description="Port the broker advertises to clients (`advertised.listeners`)."
    )
    host: str | None = Field(
        default=None,
        description="Host name of the broker's route, ingress or TLSRoute (`ingress`, `route`, `tlsroute`).",
    )
    node_port: int | None = Field(
        default=None, ge=30000, le=32767, description="Node port of the broker's service (`nodeport`, `loadbalancer`)."
    )
    load_balancer_ip: str | None = Field(
        default=None,
        alias="loadBalancerIP",
        description="IP address to request for the broker's load balancer, if the platform allows (`loadbalancer`).",
    )
    annotations: dict[str, str] | None = Field(
        default=None, description="Annotations of the broker's service, route or ingress, e.g. for External DNS."
    )
    labels: dict[str, str] | None = Field(default=None, description="Labels of the broker's service, route or ingress.")
    external_ips: list[str] | None = Field(
        default=None, alias="externalIPs", description="External IPs of the broker's node-port service (`nodeport`)."
    )


class ListenerConfiguration(ConfigModel):
    """Strimzi's per-listener ``configuration`` block."""

    broker_cert_chain_and_key: CertChainAndKey | None = Field(
        default=None, description="A server certificate from a Secret instead of one the cluster CA signs (needs TLS)."
    )
    class_: str | None = Field(
        default=None,
        alias="class",
        description="Ingress class or load balancer class: which controller serves it (`ingress`, `loadbalancer`).",
    )
    external_traffic_policy: Literal["Local", "Cluster"] | None = Field(
        default=None,
        description="`Local` keeps client source IPs and avoids a second hop; `Cluster` may route through another "
        "node (`loadbalancer`, `nodeport`).",
    )
    load_balancer_source_ranges: list[str] | None = Field(
        default=None, description="CIDR ranges clients may connect from through the load balancer (`loadbalancer`)."
    )
    bootstrap: BootstrapOverride | None = Field(
        default=None, description="Overrides for the bootstrap service, route or ingress."
    )
    brokers: list[BrokerOverride] | None = Field(
        default=None, description="Overrides for each broker's own service, route or ingress."
    )
    ip_family_policy: Literal["SingleStack", "PreferDualStack", "RequireDualStack"] | None = Field(
        default=None, description="IP family policy of the listener's services (not `internal`)."
    )
    ip_families: list[Literal["IPv4", "IPv6"]] | None = Field(
        default=None,
        description="IP families of the listener's services (not `internal`); unset: chosen from `ipFamilyPolicy`.",
    )
    create_bootstrap_service: bool | None = Field(
        default=None, description="Create the bootstrap load balancer service (`loadbalancer`; Strimzi's default: yes)."
    )
    finalizers: list[str] | None = Field(
        default=None,
        description="Finalizers of the listener's LoadBalancer services, e.g. "
        "`service.kubernetes.io/load-balancer-cleanup` (`loadbalancer`).",
    )
    use_service_dns_domain: bool | None = Field(
        default=None,
        description="Put the cluster's service DNS domain (`cluster.local`) in generated addresses "
        "(`internal`, `cluster-ip`).",
    )
    max_connections: int | None = Field(
        default=None, ge=1, description="Most connections each broker accepts on this listener at once."
    )
    max_connection_creation_rate: int | None = Field(
        default=None, ge=1, description="Most new connections per second each broker accepts on this listener."
    )
    preferred_node_port_address_type: (
        Literal["ExternalIP", "ExternalDNS", "InternalIP", "InternalDNS", "Hostname"] | None
    ) = Field(default=None, description="Which address of the node a `nodeport` listener advertises first.")
    publish_not_ready_addresses: bool | None = Field(
        default=None, description="Publish service endpoints of pods that are not ready yet (not `internal`)."
    )
    per_broker_annotations_template: dict[str, str] | None = Field(
        default=None,
        description="Annotations of each broker's service, route or ingress; values may use `{nodeId}` and "
        "`{nodePodName}` (not `internal`).",
    )
    per_broker_labels_template: dict[str, str] | None = Field(
        default=None,
        description="Labels of each broker's service, route or ingress; values may use `{nodeId}` and "
        "`{nodePodName}` (not `internal`).",
    )
    host_template: str | None = Field(
        default=None,
        description="Host name of each broker's route, ingress or TLSRoute, e.g. `broker-{nodeId}.kafka.example.com` "
        "(`ingress`, `route`, `tlsroute`).",
    )
    advertised_host_template: str | None = Field(
        default=None, description="Host name each broker advertises; may use `{nodeId}` and `{nodePodName}`."
    )
    advertised_port_template: str | None = Field(
        default=None, description="Port each broker advertises, a formula over `{nodeId}` such as `{nodeId} + 9000`."
    )
    allocate_load_balancer_node_ports: bool | None = Field(
        default=None,
        description="Give the LoadBalancer services node ports too (`loadbalancer`; Kubernetes' default: yes).",
    )
    parent_refs: list[dict[str, Any]] | None = Field(
        default=None,
        description="Gateway API parents (usually a Gateway) the generated TLSRoutes attach to (`tlsroute`, required).",
    )


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

    port: int = Field(
        ge=MIN_LISTENER_PORT,
        le=65535,
        description="Port inside Kafka: 9092 or higher except 9404 and 9999 (Strimzi's own), unique in the cluster.",
    )
    type: ListenerType = Field(
        description="How clients reach it: `internal` or `cluster-ip` inside Kubernetes; `nodeport`, `loadbalancer`, "
        "`ingress`, `route` (OpenShift) or `tlsroute` (Gateway API) from outside."
    )
    tls: bool = Field(
        default=True,
        description="Encrypt connections with TLS; required by `route` and `ingress`, `tls` authentication and a "
        "custom certificate.",
    )
    authentication: ListenerAuthentication | None = Field(
        default=None,
        description="How clients authenticate: `scram-sha-512`, `tls` or `custom`; unset: anonymous (both presets "
        "use `scram-sha-512`).",
    )
    configuration: ListenerConfiguration | None = Field(
        default=None, description="Strimzi's listener `configuration`; fields the listener's `type` ignores are errors."
    )
    network_policy_peers: list[dict[str, Any]] | None = Field(
        default=None,
        description="Kubernetes NetworkPolicy peers allowed to connect (`podSelector`, `namespaceSelector`, "
        "`ipBlock`); unset: anyone.",
    )

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
