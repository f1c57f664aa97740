"""A catalogue of invalid stack configs: each fails before any resource exists, naming its key path."""

from __future__ import annotations

from typing import Any

import pytest

from messaging_platform.config import ConfigError, load_stack_config

P = "messaging-platform:"
C = f"{P}clusters.events"


def cluster(**overrides: Any) -> dict[str, Any]:
    """Raw stack values: the prod preset plus overrides for cluster ``events``."""
    return {"environment": "prod", "clusters": {"events": overrides}}


def listener(**fields: Any) -> dict[str, Any]:
    return cluster(listeners={"ext": {"port": 9095, "type": "loadbalancer", "tls": True, **fields}})


BAD_CONFIGS: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown-root-key", {"environment": "dev", "clusters": {"events": {}}, "clustrs": {}}, f"{P}clustrs",
     "did you mean 'clusters'"),
    ("missing-environment", {"clusters": {"events": {}}}, f"{P}environment", "choose the preset: dev or prod"),
    ("unknown-environment", {"environment": "staging", "clusters": {"events": {}}}, f"{P}environment",
     '"staging"'),
    ("no-clusters", {"environment": "dev", "clusters": {}}, f"{P}clusters", "declare at least one cluster"),
    ("clusters-not-a-map", {"environment": "dev", "clusters": "events"}, f"{P}clusters", "must be a map"),
    ("unknown-cluster-key", cluster(replicas=3), f"{C}.replicas", "unknown key 'replicas'"),
    ("bad-cluster-name", {"environment": "dev", "clusters": {"Events_1": {}}}, f"{P}clusters.Events_1",
     "not a valid Kubernetes name"),
    ("unsupported-kafka-version", cluster(version="3.9.0"), f"{C}.version", "supports Kafka 4.2.0, 4.2.1, 4.3.0"),
    ("metadata-version-too-new", cluster(version="4.2.1", metadataVersion="4.3-IV0"), f"{C}.metadataVersion",
     "newer than Kafka 4.2.1 supports"),
    ("metadata-version-garbage", cluster(metadataVersion="four"), f"{C}.metadataVersion", "X.Y-IVn"),
    ("listener-port-reserved", listener(port=9404), f"{C}.listeners.ext.port", "reserved by Strimzi"),
    ("listener-port-too-low", listener(port=8080), f"{C}.listeners.ext.port", "greater than or equal to 9092"),
    ("listener-name-too-long", cluster(listeners={"externalplain": {"port": 9095, "type": "internal"}}),
     f"{C}.listeners.externalplain", "should match pattern"),
    ("listener-unknown-type", listener(type="gateway"), f"{C}.listeners.ext.type", "'internal', 'cluster-ip'"),
    ("route-without-tls", cluster(listeners={"ext": {"port": 9095, "type": "route", "tls": False}}),
     f"{C}.listeners.ext.tls", "needs tls: true"),
    ("tls-auth-without-tls", cluster(listeners={"tls": {"tls": False, "authentication": {"type": "tls"}}}),
     f"{C}.listeners.tls.authentication.type", "needs tls: true"),
    ("listener-auth-unknown", cluster(listeners={"tls": {"authentication": {"type": "oauth"}}}),
     f"{C}.listeners.tls.authentication", "'tls', 'scram-sha-512', 'custom'"),
    ("duplicate-listener-port", cluster(listeners={"other": {"port": 9093, "type": "internal"}}),
     f"{C}.listeners.other.port", "already used by listener 'tls'"),
    ("source-ranges-on-nodeport", listener(type="nodeport", configuration={"loadBalancerSourceRanges": ["10.0.0.0/8"]}),
     f"{C}.listeners.ext.configuration.loadBalancerSourceRanges", "applies to: loadbalancer"),
    ("ingress-without-hosts", listener(type="ingress", configuration={"class": "nginx"}),
     f"{C}.listeners.ext.configuration.bootstrap.host", "needs a bootstrap host"),
    ("tlsroute-without-parent", listener(type="tlsroute", configuration={"hostTemplate": "b-{nodeId}.example.com",
                                         "bootstrap": {"host": "kafka.example.com"}}),
     f"{C}.listeners.ext.configuration.parentRefs", "Gateway"),
    ("no-broker-pool", cluster(nodePools={"brokers": None}), f"{C}.nodePools", "'broker' role"),
    ("pool-role-unknown", cluster(nodePools={"brokers": {"roles": ["worker"]}}), f"{C}.nodePools.brokers.roles[0]",
     "'controller' or 'broker'"),
    ("pool-negative-replicas", cluster(nodePools={"brokers": {"replicas": -1}}), f"{C}.nodePools.brokers.replicas",
     "greater than or equal to 0"),
    ("persistent-claim-without-size",
     cluster(nodePools={"brokers": {"storage": {"type": "persistent-claim", "class": "ssd"}}}),
     f"{C}.nodePools.brokers.storage.size", "required but missing"),
    ("jbod-duplicate-ids", cluster(nodePools={"brokers": {"storage": {"type": "jbod", "volumes": [
        {"id": 0, "type": "persistent-claim", "size": "10Gi"},
        {"id": 0, "type": "persistent-claim", "size": "10Gi"}]}}}),
     f"{C}.nodePools.brokers.storage", "ids must be unique"),
    ("jbod-two-metadata-volumes", cluster(nodePools={"brokers": {"storage": {"type": "jbod", "volumes": [
        {"id": 0, "type": "ephemeral", "kraftMetadata": "shared"},
        {"id": 1, "type": "ephemeral", "kraftMetadata": "shared"}]}}}),
     f"{C}.nodePools.brokers.storage", "at most one JBOD volume"),
    ("storage-unknown-type", cluster(nodePools={"brokers": {"storage": {"type": "hostpath"}}}),
     f"{C}.nodePools.brokers.storage", "'ephemeral', 'persistent-claim', 'jbod'"),
    ("bad-quantity", cluster(nodePools={"brokers": {"resources": {"requests": {"memory": "8 gigs"}}}}),
     f"{C}.nodePools.brokers.resources.requests.memory", "not a Kubernetes quantity"),
    ("request-above-limit", cluster(nodePools={"brokers": {"resources": {"requests": {"memory": "16Gi"}}}}),
     f"{C}.nodePools.brokers.resources", "greater than limits.memory"),
    ("heap-above-memory-limit", cluster(nodePools={"brokers": {"jvmOptions": {"-Xms": "8g", "-Xmx": "8g"}}}),
     f'{C}.nodePools.brokers.jvmOptions["-Xmx"]', "smaller than resources.limits.memory"),
    ("replication-above-brokers", cluster(config={"default.replication.factor": 5}),
     f'{C}.config["default.replication.factor"]', "exceeds the number of brokers (3)"),
    ("min-isr-above-rf", cluster(config={"min.insync.replicas": 3, "default.replication.factor": 2}),
     f'{C}.config["min.insync.replicas"]', "greater than default.replication.factor"),
    ("forbidden-broker-option", cluster(config={"ssl.keystore.location": "/tmp/ks"}),
     f'{C}.config["ssl.keystore.location"]', "managed by Strimzi"),
    ("cruise-control-one-broker",
     {"environment": "dev", "clusters": {"events": {"cruiseControl": {"enabled": True}}}},
     f"{C}.cruiseControl.enabled", "at least 2 brokers"),
    ("unknown-feature-gate", {"environment": "dev", "clusters": {"events": {}},
                              "operator": {"featureGates": ["+UseKRaft"]}},
     f"{P}operator.featureGates", "unknown feature gate 'UseKRaft'"),
    ("unknown-helm-value", {"environment": "dev", "clusters": {"events": {}}, "operator": {"values": {"replica": 2}}},
     f"{P}operator.values", "unknown Helm chart value(s) replica"),
    ("typed-helm-value", {"environment": "dev", "clusters": {"events": {}},
                          "operator": {"values": {"logLevel": "DEBUG"}}},
     f"{P}operator.values", "not under 'values'"),
    ("watch-misses-cluster", {"environment": "dev", "clusters": {"events": {}},
                              "operator": {"watchNamespaces": ["other"]}},
     f"{P}operator.watchNamespaces", "does not include 'kafka'"),
    ("pool-name-clash", {"environment": "dev", "clusters": {"events": {}, "audit": {}}},
     f"{P}clusters.audit.nodePools.dual",
     "cluster 'events' in namespace 'kafka' already has a node pool named 'dual'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "path", "fragment"),
    [pytest.param(values, path, fragment, id=name) for name, values, path, fragment in BAD_CONFIGS],
)
def test_rejects_bad_config_naming_the_key_path(values: dict[str, Any], path: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_stack_config(values)
    problems = {problem.path: str(problem) for problem in caught.value.problems}
    assert path in problems, f"no problem at {path}; got {list(problems)}"
    assert fragment in problems[path]


def test_catalogue_is_large_and_distinct() -> None:
    assert len(BAD_CONFIGS) >= 25
    assert len({name for name, *_ in BAD_CONFIGS}) == len(BAD_CONFIGS)


def test_reports_every_problem_at_once_with_the_value_received() -> None:
    values = cluster(version="3.0.0", config={"ssl.truststore.type": "JKS"})
    with pytest.raises(ConfigError) as caught:
        load_stack_config(values)
    text = str(caught.value)
    assert "2 problems" in text
    assert '(received: "3.0.0")' in text
    assert '(received: "JKS")' in text


def test_config_error_is_a_pulumi_run_error_so_pulumi_prints_no_traceback() -> None:
    import pulumi

    with pytest.raises(pulumi.RunError):
        load_stack_config({"environment": "dev", "clusters": {}})
