"""Prometheus JMX exporter rules for Kafka and Cruise Control, rendered into a ConfigMap.

The rules map Kafka's JMX MBeans to Prometheus metric names with labels, in the format of
https://github.com/prometheus/jmx_exporter (``rules``: ``pattern``, ``name``, ``type``, ``labels``).
"""

from __future__ import annotations

from typing import Any

import yaml

KAFKA_METRICS_KEY = "kafka-metrics-config.yml"
CRUISE_CONTROL_METRICS_KEY = "cruise-control-metrics-config.yml"


def _rule(pattern: str, name: str, kind: str, **labels: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"pattern": pattern, "name": name, "type": kind}
    if labels:
        rule["labels"] = labels
    return rule


# Broker, request, replication, log, controller and KRaft quorum metrics. Order matters: the
# exporter uses the first matching rule.
KAFKA_RULES: list[dict[str, Any]] = [
    _rule(
        r"kafka.server<type=(.+), name=(.+), clientId=(.+), topic=(.+), partition=(.*)><>Value",
        "kafka_server_$1_$2",
        "GAUGE",
        clientId="$3",
        topic="$4",
        partition="$5",
    ),
    _rule(
        r"kafka.server<type=(.+), name=(.+), clientId=(.+), brokerHost=(.+), brokerPort=(.+)><>Value",
        "kafka_server_$1_$2",
        "GAUGE",
        clientId="$3",
        broker="$4:$5",
    ),
    _rule(
        r"kafka.server<type=(.+), cipher=(.+), protocol=(.+), listener=(.+), networkProcessor=(.+)><>connections",
        "kafka_server_$1_connections_tls_info",
        "GAUGE",
        cipher="$2",
        protocol="$3",
        listener="$4",
        networkProcessor="$5",
    ),
    _rule(
        r"kafka.server<type=(.+), clientSoftwareName=(.+), clientSoftwareVersion=(.+), listener=(.+), "
        r"networkProcessor=(.+)><>connections",
        "kafka_server_$1_connections_software",
        "GAUGE",
        clientSoftwareName="$2",
        clientSoftwareVersion="$3",
        listener="$4",
        networkProcessor="$5",
    ),
    _rule(
        r"kafka.server<type=(.+), listener=(.+), networkProcessor=(.+)><>(.+-total)",
        "kafka_server_$1_$4",
        "COUNTER",
        listener="$2",
        networkProcessor="$3",
    ),
    _rule(
        r"kafka.server<type=(.+), listener=(.+), networkProcessor=(.+)><>(.+)",
        "kafka_server_$1_$4",
        "GAUGE",
        listener="$2",
        networkProcessor="$3",
    ),
    _rule(
        r"kafka.(\w+)<type=(.+), name=(.+)PerSec\w*, (.+)=(.+), (.+)=(.+)><>Count",
        "kafka_$1_$2_$3_total",
        "COUNTER",
        **{"$4": "$5", "$6": "$7"},
    ),
    _rule(
        r"kafka.(\w+)<type=(.+), name=(.+)PerSec\w*, (.+)=(.+)><>Count",
        "kafka_$1_$2_$3_total",
        "COUNTER",
        **{"$4": "$5"},
    ),
    _rule(r"kafka.(\w+)<type=(.+), name=(.+)PerSec\w*><>Count", "kafka_$1_$2_$3_total", "COUNTER"),
    _rule(
        r"kafka.(\w+)<type=(.+), name=(.+), (.+)=(.+), (.+)=(.+)><>Value",
        "kafka_$1_$2_$3",
        "GAUGE",
        **{"$4": "$5", "$6": "$7"},
    ),
    _rule(r"kafka.(\w+)<type=(.+), name=(.+), (.+)=(.+)><>Value", "kafka_$1_$2_$3", "GAUGE", **{"$4": "$5"}),
    _rule(r"kafka.(\w+)<type=(.+), name=(.+)><>Value", "kafka_$1_$2_$3", "GAUGE"),
    _rule(
        r"kafka.(\w+)<type=(.+), name=(.+), (.+)=(.+), (.+)=(.+)><>Count",
        "kafka_$1_$2_$3_count",
        "COUNTER",
        **{"$4": "$5", "$6": "$7"},
    ),
    _rule(
        r"kafka.(\w+)<type=(.+), name=(.+), (.+)=(.*), (.+)=(.+)><>(\d+)thPercentile",
        "kafka_$1_$2_$3",
        "GAUGE",
        **{"$4": "$5", "$6": "$7", "quantile": "0.$8"},
    ),
    _rule(r"kafka.(\w+)<type=(.+), name=(.+), (.+)=(.+)><>Count", "kafka_$1_$2_$3_count", "COUNTER", **{"$4": "$5"}),
    _rule(
        r"kafka.(\w+)<type=(.+), name=(.+), (.+)=(.*)><>(\d+)thPercentile",
        "kafka_$1_$2_$3",
        "GAUGE",
        **{"$4": "$5", "quantile": "0.$6"},
    ),
    _rule(r"kafka.(\w+)<type=(.+), name=(.+)><>Count", "kafka_$1_$2_$3_count", "COUNTER"),
    _rule(r"kafka.(\w+)<type=(.+), name=(.+)><>(\d+)thPercentile", "kafka_$1_$2_$3", "GAUGE", quantile="0.$4"),
    # KRaft quorum health: leader, epoch, lag of the metadata log.
    _rule(r"kafka.server<type=raft-metrics><>(.+-total|.+-max):", "kafka_server_raftmetrics_$1", "COUNTER"),
    _rule(
        r"kafka.server<type=raft-metrics><>(current-state): (.+)",
        "kafka_server_raftmetrics_$1",
        "GAUGE",
        **{"$1": "$2"},
    ),
    _rule(r"kafka.server<type=raft-metrics><>(.+):", "kafka_server_raftmetrics_$1", "GAUGE"),
]

CRUISE_CONTROL_RULES: list[dict[str, Any]] = [
    _rule(r"kafka.cruisecontrol<name=(.+)><>(\w+)", "kafka_cruisecontrol_$1_$2", "GAUGE"),
]


def metrics_config_map_data() -> dict[str, str]:
    """The ConfigMap ``data`` Strimzi's ``metricsConfig.valueFrom.configMapKeyRef`` points at."""
    kafka = {"lowercaseOutputName": True, "rules": KAFKA_RULES}
    cruise = {"lowercaseOutputName": True, "rules": CRUISE_CONTROL_RULES}
    return {
        KAFKA_METRICS_KEY: yaml.safe_dump(kafka, sort_keys=False, width=200),
        CRUISE_CONTROL_METRICS_KEY: yaml.safe_dump(cruise, sort_keys=False, width=200),
    }
