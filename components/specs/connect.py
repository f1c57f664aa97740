"""Pure builders for the ``KafkaConnect`` and ``KafkaConnector`` custom resources (no Pulumi imports).

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaConnect-reference
Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaConnector-reference
Ref: https://strimzi.io/docs/operators/latest/deploying#assembly-loading-config-with-providers-str
"""

from __future__ import annotations

from typing import Any

from ..config.connect import ConnectConfig, env_allowlist, secret_mount_path
from ..config.connect_resolve import ResolvedConnect
from ..config.resolve import ResolvedConnector

# Ref: org.apache.kafka.common.config.provider (Kafka 4.x); `allowed.paths` (KIP-993) and
# `allowlist.pattern` (KIP-887) keep each provider to what the Connect cluster declares.
PROVIDER_CLASSES = {
    "directory": "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
    "file": "org.apache.kafka.common.config.provider.FileConfigProvider",
    "env": "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
}
# Strimzi's client secrets: a SCRAM user's password key, a TLS user's certificate and key.
PASSWORD_KEY = "password"
CERTIFICATE_KEY, PRIVATE_KEY = "user.crt", "user.key"


def secret_volume_name(secret: str) -> str:
    """The pod volume a mounted Secret comes from."""
    return f"secret-{secret}"


def worker_config(connect: ResolvedConnect) -> dict[str, Any]:
    """``KafkaConnect.spec.config``: what the typed keys set (internal topics' replication, config
    providers, no topic creation by connectors, converters, the override policy), then the raw config."""
    config = connect.config
    internal = config.internal_topics
    managed: dict[str, Any] = {
        "config.storage.replication.factor": internal.replicas,
        "offset.storage.replication.factor": internal.replicas,
        "status.storage.replication.factor": internal.replicas,
        "offset.storage.partitions": internal.offset_partitions,
        "status.storage.partitions": internal.status_partitions,
        # Topics come from the catalog: connectors never create them (their user may not either).
        "topic.creation.enable": False,
        "connector.client.config.override.policy": config.client_config_override_policy,
    }
    if config.key_converter is not None:
        managed["key.converter"] = config.key_converter
    if config.value_converter is not None:
        managed["value.converter"] = config.value_converter
    if connect.providers:
        # Strimzi appends its own (strimzienv, strimzifile, strimzidir) to this list.
        managed["config.providers"] = ",".join(connect.providers)
    mounts = ",".join(secret_mount_path(secret) for secret in config.secrets)
    for provider in connect.providers:
        managed[f"config.providers.{provider}.class"] = PROVIDER_CLASSES[provider]
        if provider == "env":
            managed["config.providers.env.param.allowlist.pattern"] = env_allowlist(list(config.env))
        else:
            managed[f"config.providers.{provider}.param.allowed.paths"] = mounts
    return dict(sorted({**config.config, **managed}.items()))


def _template(config: ConnectConfig) -> dict[str, Any]:
    pod: dict[str, Any] = config.pod.to_dict() if config.pod is not None else {}
    container: dict[str, Any] = {}
    if config.secrets:
        # Ref: Strimzi 1.2 (v1 API, no externalConfiguration): additional volumes under /mnt.
        pod["volumes"] = [
            {"name": secret_volume_name(secret), "secret": {"secretName": secret}} for secret in config.secrets
        ]
        container["volumeMounts"] = [
            {"name": secret_volume_name(secret), "mountPath": secret_mount_path(secret), "readOnly": True}
            for secret in config.secrets
        ]
    if config.env:
        container["env"] = [
            {"name": name, "valueFrom": {"secretKeyRef": {"name": ref.secret, "key": ref.key}}}
            for name, ref in sorted(config.env.items())
        ]
    template: dict[str, Any] = {}
    if pod:
        template["pod"] = pod
    if container:
        template["connectContainer"] = container
    return template


def _authentication(connect: ResolvedConnect) -> dict[str, Any]:
    user = connect.user_name
    if connect.authentication == "tls":
        return {
            "type": "tls",
            "certificateAndKey": {"secretName": user, "certificate": CERTIFICATE_KEY, "key": PRIVATE_KEY},
        }
    return {"type": "scram-sha-512", "username": user, "passwordSecret": {"secretName": user, "password": PASSWORD_KEY}}


def _build(config: ConnectConfig) -> dict[str, Any] | None:
    if config.build is None:
        return None
    build: dict[str, Any] = {
        "output": config.build.output.to_dict(),
        "plugins": [
            {"name": name, "artifacts": [artifact.to_dict() for artifact in plugin.artifacts]}
            for name, plugin in config.build.plugins.items()
        ],
    }
    if config.build.resources is not None:
        build["resources"] = config.build.resources.to_dict()
    return build


def connect_spec(connect: ResolvedConnect, bootstrap_servers: str, cluster_ca_secret: str) -> dict[str, Any]:
    """``KafkaConnect.spec``: the cluster's TLS bootstrap address, trust of its CA (every certificate
    of the CA Secret, so a CA renewal keeps working), the Connect user's credentials, the group and
    internal topics (required in ``v1``), the workers' config, pods and the image build."""
    config = connect.config
    topics = connect.topics
    spec: dict[str, Any] = {
        "version": connect.version,
        "replicas": config.replicas,
        "bootstrapServers": bootstrap_servers,
        "groupId": connect.group_id,
        "configStorageTopic": topics["configs"].kafka_name,
        "offsetStorageTopic": topics["offsets"].kafka_name,
        "statusStorageTopic": topics["status"].kafka_name,
        "tls": {"trustedCertificates": [{"secretName": cluster_ca_secret, "pattern": "*.crt"}]},
        "authentication": _authentication(connect),
        "config": worker_config(connect),
    }
    if config.resources is not None:
        spec["resources"] = config.resources.to_dict()
    if config.jvm_options is not None:
        spec["jvmOptions"] = config.jvm_options.to_dict()
    if config.rack is not None:
        spec["rack"] = {"type": "topology-label", "topologyKey": config.rack.topology_key}
    if config.metrics.enabled:
        metrics: dict[str, Any] = {"type": "strimziMetricsReporter"}
        if config.metrics.allow_list:
            metrics["values"] = {"allowList": list(config.metrics.allow_list)}
        spec["metricsConfig"] = metrics
    if config.logging is not None:
        spec["logging"] = config.logging.to_spec()
    template = _template(config)
    if template:
        spec["template"] = template
    build = _build(config)
    if build is not None:
        spec["build"] = build
    return spec


def connector_spec(connector: ResolvedConnector) -> dict[str, Any]:
    """``KafkaConnector.spec``: class, tasks, state, restarts and the connector's config."""
    spec: dict[str, Any] = {
        "class": connector.spec.class_,
        "tasksMax": connector.spec.tasks_max,
        "state": connector.spec.state,
    }
    if connector.spec.auto_restart is not None:
        spec["autoRestart"] = connector.spec.auto_restart.to_dict()
    if connector.spec.config:
        spec["config"] = dict(sorted(connector.spec.config.items()))
    return spec


__all__ = ["PROVIDER_CLASSES", "connect_spec", "connector_spec", "secret_volume_name", "worker_config"]
