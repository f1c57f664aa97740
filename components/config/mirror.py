"""Config of MirrorMaker 2: catalog topics mirrored from one cluster of the stack to another.

A ``KafkaMirrorMaker2`` is a Kafka Connect cluster that runs against its *target* and reads its
*source*. Either side is a Strimzi cluster of the stack or an external cluster; at least one is a
Strimzi cluster, beside which Strimzi runs the Connect pods.

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaMirrorMaker2-reference
Ref: https://kafka.apache.org/documentation/#georeplication (MirrorMaker 2, KIP-382)
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator

from .base import ConfigModel, Problem, raise_problems
from .cluster import ListenerName
from .external import SaslMechanism
from .kubernetes import DnsLabel, ResourceRequirements
from .workloads import InlineLogging

ReplicationPolicy = Literal["default", "identity"]
# Ref: Kafka connect/mirror-client DefaultReplicationPolicy and IdentityReplicationPolicy.
REPLICATION_POLICY_CLASSES: dict[ReplicationPolicy, str] = {
    "default": "org.apache.kafka.connect.mirror.DefaultReplicationPolicy",
    "identity": "org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
}


class MirrorCredentials(ConfigModel):
    """The SASL user MirrorMaker 2 connects to an external cluster as (it must exist there, with the
    ACLs the plan lists)."""

    mechanism: SaslMechanism = Field(default="scram-sha-512", description="SASL mechanism of the user.")
    username: str = Field(min_length=1, description="User name of MirrorMaker 2 on the external cluster.")
    password: SecretStr = Field(
        description="Its password; a Pulumi secret (`pulumi config set --secret --path "
        "'mirrorMaker2.<name>.externalUser.password' ...`), never plain text. It reaches Kubernetes as a Secret."
    )


class MirrorMaker2Settings(ConfigModel):
    """How MirrorMaker 2 runs and mirrors: pods, replication policy, offset sync, resources, logging."""

    replicas: int = Field(default=1, ge=0, description="Connect worker pods. Preset: dev 1, prod 2.")
    replication_policy: ReplicationPolicy = Field(
        default="default",
        description="Names of the mirrored topics on the target: `default` `<source>.<topic>` (remote topics, safe "
        "for mirroring both ways) or `identity` (the same names; one direction only).",
    )
    sync_group_offsets: bool = Field(
        default=True,
        description="Write the translated offsets of the source's consumer groups to the same groups on the target, "
        "so consumers can fail over without reprocessing much.",
    )
    tasks_max: int = Field(default=1, ge=1, description="Most tasks of the source connector (parallel copying).")
    source_listener: ListenerName | None = Field(
        default=None,
        description="Listener of a Strimzi source to connect through; unset: the first internal TLS listener with "
        "scram-sha-512, else tls, authentication.",
    )
    target_listener: ListenerName | None = Field(
        default=None, description="Listener of a Strimzi target to connect through; unset: chosen as for the source."
    )
    resources: ResourceRequirements | None = Field(
        default=None,
        description="CPU and memory of each Connect worker; unset: none. The prod preset requests 500m CPU and 2Gi "
        "(memory limit 2Gi).",
    )
    logging: InlineLogging | None = Field(default=None, description="Log levels; unset: Strimzi's defaults.")


class MirrorMaker2Config(MirrorMaker2Settings):
    """One mirror (``KafkaMirrorMaker2``): catalog topics of the `source` cluster copied to the `target`,
    with the consumer groups reading them checkpointed, and a least-privilege user on each side."""

    source: DnsLabel = Field(
        description="Cluster the topics come from (of `clusters` or `externalClusters`); it must hold the catalog, "
        "and its name is its alias (remote topics are `<source>.<topic>`)."
    )
    target: DnsLabel = Field(
        description="Cluster the topics are copied to (of `clusters` or `externalClusters`); it holds MirrorMaker "
        "2's own topics and group."
    )
    domains: list[str] = Field(
        default_factory=list, description="Catalog domains whose topics are all mirrored (as the catalog has them)."
    )
    topics: list[str] = Field(default_factory=list, description="More catalog topics to mirror, by key.")
    external_user: MirrorCredentials | None = Field(
        default=None,
        description="The user MirrorMaker 2 connects to the external side as; required when a side is external "
        "(the plan's outputs list the ACLs it needs there), refused otherwise.",
    )

    @model_validator(mode="after")
    def _check_mirror(self) -> MirrorMaker2Config:
        problems: list[Problem] = []
        if not (self.domains or self.topics):
            problems.append((("topics",), "name what to mirror: catalog domains, topics or both", None))
        if self.source == self.target:
            problems.append((("target",), "is the source too; mirror to another cluster", self.target))
        raise_problems(problems)
        return self


def connect_group(mirror: str) -> str:
    """The Connect group of a mirror's workers (on the target)."""
    return f"mm2-{mirror}"


def connect_topics(mirror: str) -> tuple[str, str, str]:
    """The Connect worker topics of a mirror (configs, offsets, status), on the target."""
    return f"mm2-{mirror}-configs", f"mm2-{mirror}-offsets", f"mm2-{mirror}-status"


def mirror_user_name(mirror: str, role: Literal["source", "target"]) -> str:
    """The KafkaUser a mirror connects to a Strimzi side as."""
    return f"{mirror}-{role}"


__all__ = [
    "REPLICATION_POLICY_CLASSES",
    "MirrorCredentials",
    "MirrorMaker2Config",
    "MirrorMaker2Settings",
    "ReplicationPolicy",
    "connect_group",
    "connect_topics",
    "mirror_user_name",
]
