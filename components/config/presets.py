"""Environment presets: safe defaults per environment that any key in the stack config overrides.

A preset is raw config (camelCase keys, as in ``Pulumi.<stack>.yaml``) merged *under* what the stack
sets, before validation. Maps merge key by key; lists and scalars replace; ``null`` removes a preset
entry (``listeners: {plain: null}``); a different ``type`` replaces the whole block (storage
``{type: ephemeral}`` is not merged into a preset's ``jbod``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Literal

Environment = Literal["dev", "prod"]
ENVIRONMENTS: tuple[Environment, ...] = ("dev", "prod")


def _jbod(size: str) -> dict[str, Any]:
    return {
        "type": "jbod",
        "volumes": [
            {"id": 0, "type": "persistent-claim", "size": size, "deleteClaim": False, "kraftMetadata": "shared"}
        ],
    }


def _resources(cpu: str, memory: str) -> dict[str, Any]:
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"memory": memory}}


_OPERATOR: dict[Environment, dict[str, Any]] = {
    "dev": {"replicas": 1, "logLevel": "INFO"},
    "prod": {
        "replicas": 2,
        "logLevel": "INFO",
        "resources": {"requests": {"cpu": "200m", "memory": "384Mi"}, "limits": {"cpu": "1", "memory": "384Mi"}},
        "values": {"podDisruptionBudget": {"enabled": True, "minAvailable": 1}},
    },
}

_CLUSTER: dict[Environment, dict[str, Any]] = {
    # One dual-role node on ephemeral storage; SCRAM and ACLs as in prod so access bugs show up early.
    "dev": {
        "namespace": "kafka",
        "protect": False,
        "nodePools": {
            "dual": {
                "roles": ["controller", "broker"],
                "replicas": 1,
                "storage": {"type": "ephemeral", "sizeLimit": "5Gi", "kraftMetadata": "shared"},
                "resources": _resources("250m", "2Gi"),
                "jvmOptions": {"-Xms": "1g", "-Xmx": "1g"},
            }
        },
        "listeners": {
            "plain": {"port": 9092, "type": "internal", "tls": False, "authentication": {"type": "scram-sha-512"}},
            "tls": {"port": 9093, "type": "internal", "tls": True, "authentication": {"type": "scram-sha-512"}},
        },
        "authorization": {"type": "simple"},
        "config": {
            "default.replication.factor": 1,
            "min.insync.replicas": 1,
            "offsets.topic.replication.factor": 1,
            "transaction.state.log.replication.factor": 1,
            "transaction.state.log.min.isr": 1,
            "unclean.leader.election.enable": False,
            "auto.create.topics.enable": False,
        },
        "metrics": {"enabled": True},
        "kafkaExporter": {"enabled": False},
        "cruiseControl": {"enabled": False},
    },
    # Dedicated KRaft quorum, three brokers across zones, persistent JBOD that survives deletion,
    # authenticated TLS only, ACLs, durable replication, rebalancing and monitoring.
    "prod": {
        "namespace": "kafka",
        "protect": True,
        "nodePools": {
            "controllers": {
                "roles": ["controller"],
                "replicas": 3,
                "storage": _jbod("20Gi"),
                "resources": _resources("500m", "2Gi"),
                "jvmOptions": {"-Xms": "1g", "-Xmx": "1g"},
            },
            "brokers": {
                "roles": ["broker"],
                "replicas": 3,
                "storage": _jbod("100Gi"),
                "resources": _resources("2", "8Gi"),
                "jvmOptions": {"-Xms": "4g", "-Xmx": "4g"},
            },
        },
        "listeners": {
            "tls": {"port": 9093, "type": "internal", "tls": True, "authentication": {"type": "scram-sha-512"}},
        },
        "authorization": {"type": "simple"},
        "config": {
            "default.replication.factor": 3,
            "min.insync.replicas": 2,
            "offsets.topic.replication.factor": 3,
            "transaction.state.log.replication.factor": 3,
            "transaction.state.log.min.isr": 2,
            "unclean.leader.election.enable": False,
            "auto.create.topics.enable": False,
        },
        "rack": {"topologyKey": "topology.kubernetes.io/zone"},
        "metrics": {"enabled": True},
        "kafkaExporter": {"enabled": True, "resources": _resources("100m", "256Mi")},
        "cruiseControl": {"enabled": True, "resources": _resources("500m", "1Gi")},
        "entityOperator": {
            "topicOperator": {"resources": _resources("100m", "512Mi")},
            "userOperator": {"resources": _resources("100m", "512Mi")},
        },
        "template": {"podDisruptionBudget": {"maxUnavailable": 1}},
    },
}


_CATALOG: dict[Environment, dict[str, Any]] = {
    # Topics may be deleted with their declaration; one replica on the single dev broker.
    "dev": {"deletion": "delete", "defaults": {"partitions": 3, "replicas": 1, "minInsyncReplicas": 1}},
    # Removing a topic from the catalog cannot delete it: the update fails until the topic is
    # decommissioned on purpose (see README, "Deleting a topic on purpose").
    "prod": {"deletion": "protect", "defaults": {"partitions": 6, "replicas": 3, "minInsyncReplicas": 2}},
}


def operator_preset(environment: Environment) -> dict[str, Any]:
    """The operator defaults of an environment (a fresh copy)."""
    return copy.deepcopy(_OPERATOR[environment])


def cluster_preset(environment: Environment) -> dict[str, Any]:
    """The cluster defaults of an environment (a fresh copy)."""
    return copy.deepcopy(_CLUSTER[environment])


def merge(preset: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Overlay ``override`` on ``preset`` (see the module docstring for the rules)."""
    if "type" in preset and "type" in override and preset["type"] != override["type"]:
        return {k: copy.deepcopy(v) for k, v in override.items() if v is not None}
    result = copy.deepcopy(dict(preset))
    for key, value in override.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def catalog_preset(environment: Environment) -> dict[str, Any]:
    """The catalog defaults of an environment (a fresh copy)."""
    return copy.deepcopy(_CATALOG[environment])


# Kafka clients Strimzi runs beside a cluster: one pod in dev; in prod two (one may be rescheduled
# while the other serves) with requests and a memory limit, as the resources-required policy asks.
_BRIDGE: dict[Environment, dict[str, Any]] = {
    "dev": {"replicas": 1},
    "prod": {"replicas": 2, "resources": _resources("200m", "512Mi")},
}
_MIRROR_MAKER: dict[Environment, dict[str, Any]] = {
    "dev": {"replicas": 1},
    "prod": {"replicas": 2, "resources": _resources("500m", "2Gi")},
}


def bridge_preset(environment: Environment) -> dict[str, Any]:
    """The HTTP Bridge defaults of an environment (a fresh copy)."""
    return copy.deepcopy(_BRIDGE[environment])


def mirror_maker_preset(environment: Environment) -> dict[str, Any]:
    """The MirrorMaker 2 defaults of an environment (a fresh copy)."""
    return copy.deepcopy(_MIRROR_MAKER[environment])


# Kafka Connect: one worker in dev; in prod three, spread over zones (rack), with requests and a
# memory limit. Its internal topics are replicated as the catalog's topics are (dev 1, prod 3).
_CONNECT: dict[Environment, dict[str, Any]] = {
    "dev": {
        "replicas": 1,
        "resources": _resources("250m", "1Gi"),
        "jvmOptions": {"-Xms": "512m", "-Xmx": "512m"},
        "internalTopics": {"replicas": 1, "minInsyncReplicas": 1},
    },
    "prod": {
        "replicas": 3,
        "resources": _resources("500m", "2Gi"),
        "jvmOptions": {"-Xms": "1g", "-Xmx": "1g"},
        "internalTopics": {"replicas": 3, "minInsyncReplicas": 2},
        "rack": {"topologyKey": "topology.kubernetes.io/zone"},
    },
}


def connect_preset(environment: Environment) -> dict[str, Any]:
    """The Kafka Connect defaults of an environment (a fresh copy)."""
    return copy.deepcopy(_CONNECT[environment])
