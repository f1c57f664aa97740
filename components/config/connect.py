"""Config of a Kafka Connect cluster (``KafkaConnect``) that runs the catalog's connectors.

A Connect cluster runs on the stack's catalog cluster, in its namespace (it mounts the cluster CA
and its user's Secret from there). Its workers keep connector configs, offsets and status in three
compacted topics, declared as KafkaTopics with the environment's replication; its user's ACLs come
from its group, those topics and its connectors' intents.

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaConnect-reference
Ref: https://kafka.apache.org/documentation/#connectconfigs
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from .. import strimzi
from ..invariants import min_insync_problem
from .base import ConfigModel, Problem, raise_problems
from .catalog import KafkaTopicName
from .cluster import JvmOptions, ListenerName, PodTemplate, RackAwareness, heap_bytes
from .connectors import literal_secret_problems
from .kubernetes import DnsLabel, ResourceRequirements, quantity_value
from .workloads import InlineLogging

ConnectConfigValue = bool | int | float | str
OverridePolicy = Literal["None", "Principal", "All"]
# Mounted Secrets live under Strimzi's allowed mount path, one folder each: /mnt/secrets/<secret>.
SECRETS_MOUNT = f"{strimzi.ALLOWED_MOUNT_PATH}/secrets"
# Volume names are `secret-<secret>`, at most 63 characters.
MAX_SECRET_NAME = 63 - len("secret-")
# Ref: KafkaConnect CRD, spec.build.plugins[].artifacts[].url and plugins[].name patterns.
_ARTIFACT_URL = r"^(https?|ftp)://[-a-zA-Z0-9+&@#/%?=~_|!:,.;]*[-a-zA-Z0-9+&@#/%=~_|]$"
PluginName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][-_a-z0-9]*[a-z0-9]$")]
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
Sha512 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{128}$")]
# Worker options the platform sets from typed keys; the raw `config` may not set them too.
MANAGED_CONFIG: dict[str, str] = {
    "config.storage.replication.factor": "internalTopics.replicas",
    "offset.storage.replication.factor": "internalTopics.replicas",
    "status.storage.replication.factor": "internalTopics.replicas",
    "offset.storage.partitions": "internalTopics.offsetPartitions",
    "status.storage.partitions": "internalTopics.statusPartitions",
    "config.providers": "secrets and env",
    "topic.creation.enable": "the catalog (connectors never create topics)",
    "key.converter": "keyConverter",
    "value.converter": "valueConverter",
    "connector.client.config.override.policy": "clientConfigOverridePolicy",
}


def managed_config_key(key: str) -> str | None:
    """The typed key that sets a worker option, or None if the raw ``config`` may set it."""
    if key.startswith("config.providers."):
        return MANAGED_CONFIG["config.providers"]
    return MANAGED_CONFIG.get(key)


def secret_mount_path(secret: str) -> str:
    """Where a mounted Secret's keys are files in every worker."""
    return f"{SECRETS_MOUNT}/{secret}"


class ConnectInternalTopics(ConfigModel):
    """The compacted topics the workers keep connector configs, offsets and status in."""

    replicas: int = Field(
        default=3, ge=1, le=32767, description="Replication factor of the three topics. Preset: dev 1, prod 3."
    )
    min_insync_replicas: int = Field(
        default=2, ge=1, description="`min.insync.replicas` of the three topics. Preset: dev 1, prod 2."
    )
    offset_partitions: int = Field(
        default=25, ge=1, description="Partitions of the offsets topic (Kafka's default 25); it can only grow."
    )
    status_partitions: int = Field(
        default=5, ge=1, description="Partitions of the status topic (Kafka's default 5); it can only grow."
    )

    @model_validator(mode="after")
    def _check_isr(self) -> ConnectInternalTopics:
        problem = min_insync_problem(self.min_insync_replicas, self.replicas)
        if problem:
            raise_problems([(("minInsyncReplicas",), f"the internal topics {problem}", self.min_insync_replicas)])
        return self


class SecretKeyRef(ConfigModel):
    """One key of a Secret in the Connect cluster's namespace."""

    secret: DnsLabel = Field(description="Name of the Secret.")
    key: str = Field(pattern=r"^[-._a-zA-Z0-9]+$", description="Key in the Secret.")


class ConnectMetrics(ConfigModel):
    """Prometheus metrics of the workers, through the Strimzi Metrics Reporter (no ConfigMap)."""

    enabled: bool = Field(default=True, description="Expose the workers' metrics on their metrics port.")
    allow_list: list[str] | None = Field(
        default=None, min_length=1, description="Regular expressions of the metrics to expose; unset: all."
    )


class DownloadedArtifact(ConfigModel):
    """A `jar`, `tgz` or `zip` downloaded while building the image."""

    type: Literal["jar", "tgz", "zip"] = Field(description="Artifact type: `jar`, `tgz` or `zip`.")
    url: str = Field(pattern=_ARTIFACT_URL, description="Where to download it (http, https or ftp).")
    sha512sum: Sha512 | None = Field(
        default=None, alias="sha512sum", description="SHA-512 of the file, checked by the build; required in prod."
    )
    insecure: bool | None = Field(default=None, description="Skip TLS verification of the download (avoid).")


class OtherArtifact(ConfigModel):
    """Any other file downloaded while building the image, stored as is."""

    type: Literal["other"] = Field(description="Artifact type: `other`.")
    url: str = Field(pattern=_ARTIFACT_URL, description="Where to download it (http, https or ftp).")
    sha512sum: Sha512 | None = Field(
        default=None, alias="sha512sum", description="SHA-512 of the file, checked by the build; required in prod."
    )
    file_name: str | None = Field(default=None, description="Name to store it under; unset: from the URL.")
    insecure: bool | None = Field(default=None, description="Skip TLS verification of the download (avoid).")


class MavenArtifact(ConfigModel):
    """A Maven artifact and its dependencies, resolved while building the image."""

    type: Literal["maven"] = Field(description="Artifact type: `maven`.")
    group: str = Field(min_length=1, description="Maven group id, e.g. `org.apache.kafka`.")
    artifact: str = Field(min_length=1, description="Maven artifact id, e.g. `connect-file`.")
    version: str = Field(min_length=1, description="Maven version, e.g. `4.3.1`.")
    repository: str | None = Field(default=None, description="Maven repository URL; unset: Maven Central.")
    insecure: bool | None = Field(default=None, description="Skip TLS verification of the repository (avoid).")


Artifact = Annotated[DownloadedArtifact | OtherArtifact | MavenArtifact, Field(discriminator="type")]
DOWNLOADED_ARTIFACT_TYPES = ("jar", "tgz", "zip", "other")


class ConnectPlugin(ConfigModel):
    """A connector plugin: the artifacts put into ``/opt/kafka/plugins/<plugin>``."""

    artifacts: list[Artifact] = Field(min_length=1, description="Files of the plugin: jar, tgz, zip, other, maven.")


class BuildOutput(ConfigModel):
    """Where the built image is pushed."""

    type: Literal["docker", "imagestream"] = Field(
        default="docker", description="`docker` (a container registry) or `imagestream` (OpenShift)."
    )
    image: str = Field(min_length=1, description="The image to push, e.g. `registry.example.com/kafka/connect:1`.")
    push_secret: str | None = Field(
        default=None, description="Secret (`kubernetes.io/dockerconfigjson`) with the registry credentials."
    )


class ConnectBuild(ConfigModel):
    """An image Strimzi builds with the connector plugins added to its Kafka image."""

    output: BuildOutput = Field(description="Where the image is pushed.")
    plugins: dict[PluginName, ConnectPlugin] = Field(
        min_length=1, description="Connector plugins by name (their folder under `/opt/kafka/plugins`)."
    )
    resources: ResourceRequirements | None = Field(default=None, description="CPU and memory of the build pod.")


class ConnectConfig(ConfigModel):
    """A Kafka Connect cluster (``KafkaConnect``) on the catalog's cluster, running the catalog's
    connectors that name it; its user's ACLs come from them. Its name is its key under `connect`."""

    version: str | None = Field(
        default=None, description="Kafka version of the workers; unset: the Kafka cluster's (the image matches it)."
    )
    replicas: int = Field(default=1, ge=0, description="Worker pods. Preset: dev 1, prod 3.")
    listener: ListenerName | None = Field(
        default=None,
        description="Listener of the cluster the workers connect through (the user authenticates as it asks); "
        "unset: the first internal TLS listener with scram-sha-512, else tls, authentication.",
    )
    group_id: str | None = Field(
        default=None, min_length=1, description="The workers' group (`spec.groupId`); unset: `connect.<name>`."
    )
    config_storage_topic: KafkaTopicName | None = Field(
        default=None, description="Topic of the connector configs (1 partition); unset: `connect.<name>.configs`."
    )
    offset_storage_topic: KafkaTopicName | None = Field(
        default=None, description="Topic of the source connectors' offsets; unset: `connect.<name>.offsets`."
    )
    status_storage_topic: KafkaTopicName | None = Field(
        default=None, description="Topic of the connectors' and tasks' status; unset: `connect.<name>.status`."
    )
    internal_topics: ConnectInternalTopics = Field(
        default_factory=ConnectInternalTopics,
        description="Replication and partitions of the configs, offsets and status topics (KafkaTopics).",
    )
    resources: ResourceRequirements | None = Field(
        default=None,
        description="CPU and memory of each worker; the memory limit must exceed `-Xmx`. The prod preset requests "
        "500m CPU and 2Gi (memory limit 2Gi).",
    )
    jvm_options: JvmOptions | None = Field(default=None, description="JVM heap and flags of the workers.")
    rack: RackAwareness | None = Field(
        default=None, description="Rack awareness: sink consumers fetch from the closest replica. Set in prod."
    )
    metrics: ConnectMetrics = Field(default_factory=ConnectMetrics, description="Prometheus metrics of the workers.")
    logging: InlineLogging | None = Field(default=None, description="Log levels; unset: Strimzi's defaults.")
    pod: PodTemplate | None = Field(default=None, description="Pod scheduling of the workers.")
    key_converter: str | None = Field(
        default=None, description="Default converter of record keys (`key.converter`); unset: Strimzi's (JSON)."
    )
    value_converter: str | None = Field(
        default=None, description="Default converter of record values (`value.converter`); unset: Strimzi's (JSON)."
    )
    client_config_override_policy: OverridePolicy = Field(
        default="None",
        description="What a connector may override of its clients' config (`connector.client.config.override."
        "policy`): `None`, `Principal` (the SASL login) or `All`.",
    )
    secrets: list[DnsLabel] = Field(
        default_factory=list,
        description="Secrets of the namespace mounted read-only in every worker at `/mnt/secrets/<secret>`, for the "
        "`directory` and `file` config providers.",
    )
    env: dict[EnvName, SecretKeyRef] = Field(
        default_factory=dict, description="Environment variables from Secret keys, for the `env` config provider."
    )
    config: dict[str, ConnectConfigValue] = Field(
        default_factory=dict,
        description="Other Kafka Connect worker config; options Strimzi or the typed keys set are errors, secrets "
        "only as config-provider references.",
    )
    build: ConnectBuild | None = Field(
        default=None, description="Build an image with connector plugins; unset: Strimzi's Kafka image as is."
    )

    @model_validator(mode="after")
    def _check_connect(self) -> ConnectConfig:
        raise_problems(
            [*self._version_problems(), *self._heap_problems(), *self._config_problems(), *self._secret_problems()]
        )
        return self

    def _version_problems(self) -> list[Problem]:
        if self.version is None or strimzi.kafka_version(self.version) is not None:
            return []
        supported = ", ".join(v.version for v in strimzi.SUPPORTED_KAFKA_VERSIONS)
        return [(("version",), f"Strimzi {strimzi.STRIMZI_VERSION} supports Kafka {supported}", self.version)]

    def _heap_problems(self) -> list[Problem]:
        heap = self.jvm_options.xmx if self.jvm_options else None
        limit = self.resources.limits.memory if self.resources and self.resources.limits else None
        if heap and limit and heap_bytes(heap) >= quantity_value(limit):
            return [
                (
                    ("jvmOptions", "-Xmx"),
                    f"the heap ({heap}) must be smaller than resources.limits.memory ({limit}), or the worker is "
                    "killed for running out of memory",
                    heap,
                )
            ]
        return []

    def _config_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for key, value in self.config.items():
            managed = managed_config_key(key)
            if strimzi.forbidden_connect_config(key):
                problems.append(
                    (("config", key), "is managed by Strimzi (bootstrap, security, group, topics, REST) and ignored; "
                     "remove it", value)
                )  # fmt: skip
            elif managed is not None:
                problems.append(
                    (("config", key), f"is set by messaging-platform from {managed}; set that instead", value)
                )
        # One message per key: an option Strimzi or the platform sets is not also reported as a secret.
        reported = {path for path, _, _ in problems}
        problems += [problem for problem in literal_secret_problems(self.config) if problem[0] not in reported]
        names = [self.config_storage_topic, self.offset_storage_topic, self.status_storage_topic]
        given = [name for name in names if name is not None]
        if len(set(given)) != len(given):
            problems.append(((), "configStorageTopic, offsetStorageTopic and statusStorageTopic must differ", given))
        return problems

    def _secret_problems(self) -> list[Problem]:
        problems: list[Problem] = [
            (("secrets", i), f"is too long for its volume name: at most {MAX_SECRET_NAME} characters", name)
            for i, name in enumerate(self.secrets)
            if len(name) > MAX_SECRET_NAME
        ]
        problems += [(("secrets", i), "is listed twice", name) for i, name in enumerate(self.secrets)
                     if name in self.secrets[:i]]  # fmt: skip
        return problems

    def names(self, name: str) -> tuple[str, str, str, str]:
        """The group id and the configs, offsets and status topics of Connect cluster ``name``."""
        return (
            self.group_id or f"connect.{name}",
            self.config_storage_topic or f"connect.{name}.configs",
            self.offset_storage_topic or f"connect.{name}.offsets",
            self.status_storage_topic or f"connect.{name}.status",
        )

    def downloaded_artifacts_without_checksum(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(key path, url) of every downloaded build artifact without ``sha512sum``."""
        if self.build is None:
            return []
        return [
            (("build", "plugins", plugin_name, "artifacts", i, "sha512sum"), artifact.url)
            for plugin_name, plugin in self.build.plugins.items()
            for i, artifact in enumerate(plugin.artifacts)
            if not isinstance(artifact, MavenArtifact) and artifact.sha512sum is None
        ]


def env_allowlist(names: list[str]) -> str:
    """The ``allowlist.pattern`` of the env config provider: exactly the declared variables."""
    return "^(" + "|".join(re.escape(name) for name in sorted(names)) + ")$"


__all__ = [
    "DOWNLOADED_ARTIFACT_TYPES",
    "SECRETS_MOUNT",
    "BuildOutput",
    "ConnectBuild",
    "ConnectConfig",
    "ConnectInternalTopics",
    "ConnectMetrics",
    "ConnectPlugin",
    "DownloadedArtifact",
    "MavenArtifact",
    "OtherArtifact",
    "SecretKeyRef",
    "env_allowlist",
    "managed_config_key",
    "secret_mount_path",
]
