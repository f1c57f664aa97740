"""What a change review reads and says: resources as plain data, field changes, findings, the review.

Everything here is plain data, so the same review serves two ``plan.json`` files, a single
``before_update`` hook (old and new inputs of one resource) and, later, the steps of
``pulumi preview --json`` (each step's ``oldState``/``newState``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

STRIMZI_PREFIX = "kubernetes:kafka.strimzi.io/"
KAFKA_TOPIC = "kafka:index/topic:Topic"
KAFKA_ACL = "kafka:index/acl:Acl"
KAFKA_SCRAM = "kafka:index/userScramCredential:UserScramCredential"
KAFKA_QUOTA = "kafka:index/quota:Quota"
STACK_TYPE = "pulumi:pulumi:Stack"
# Types whose inputs are not one Kubernetes object (a chart, a remote YAML file).
_NOT_OBJECTS = ("kubernetes:helm.sh/", "kubernetes:yaml/", "kubernetes:kustomize/")

FINDING_IDS: dict[str, str] = {
    "topic-deleted": "a Kafka topic is removed (KafkaTopic or pulumi-kafka Topic, not retained on delete)",
    "topic-renamed": "a topic's Kafka name changes and the old name is no longer declared: Kafka cannot rename",
    "partitions-decreased": "a topic's partition count goes down",
    "replicas-changed": "a topic's replication factor changes",
    "topic-config-risky": "cleanup.policy changes, retention.ms/retention.bytes cut by more than half, or "
    "min.insync.replicas raised above what the brokers can serve (topic or broker default)",
    "nodepool-scaled-down": "a node pool with the broker role loses replicas or is removed",
    "controller-pool-changed": "the KRaft controller quorum changes: a controller pool's replicas or roles, "
    "or a controller pool added to or removed from an existing cluster",
    "storage-changed": "a node pool's storage changes type, shrinks, changes class, turns deleteClaim on, "
    "drops a JBOD volume or moves the KRaft metadata log",
    "listener-security-weakened": "a listener turns TLS off, loses or weakens authentication, loses its network "
    "policy peers or is exposed outside the cluster; or a listener without TLS or authentication is added",
    "authorization-removed": "spec.kafka.authorization is removed from a Kafka cluster",
    "kafka-downgraded": "spec.kafka.version or spec.kafka.metadataVersion goes down",
    "user-deleted": "a KafkaUser or a SCRAM credential is removed, or its user name changes",
    "acl-removed": "an ACL rule is removed (KafkaUser ACLs or a pulumi-kafka Acl)",
    "connect-internal-topic-changed": "a KafkaConnect's (or a KafkaMirrorMaker2's target) groupId, "
    "configStorageTopic, offsetStorageTopic or statusStorageTopic changes, or a KafkaMirrorMaker2 source alias goes",
    "resource-replaced": "the engine would delete and create an object: a Kubernetes metadata.name/namespace or "
    "a pulumi-kafka identity changes, or a resource is renamed without an alias",
}
"""Every finding id with what fires it: a public contract (CI gates and review.json rely on the ids)."""


@dataclass(frozen=True)
class Resource:
    """One declared resource as plain data: the shape of a ``plan.json`` entry (or a preview step's state)."""

    type: str
    """Type token, e.g. ``kubernetes:kafka.strimzi.io/v1:KafkaTopic`` or ``kafka:index/topic:Topic``."""
    urn: str
    inputs: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """The resource's inputs (for Kubernetes objects: the object, ``metadata`` and ``spec`` included)."""
    aliases: tuple[str, ...] = ()
    """Former URNs of this resource (``ResourceOptions.aliases`` resolved to URNs)."""
    parent: str = ""
    protect: bool = False
    retain_on_delete: bool = False

    @property
    def name(self) -> str:
        """The Pulumi (logical) name: the URN's last segment."""
        return self.urn.rsplit("::", 1)[-1]

    @property
    def kind(self) -> str:
        """The type token's last part (the Kubernetes kind for Kubernetes objects)."""
        return self.type.rsplit(":", 1)[-1]

    @property
    def is_kubernetes_object(self) -> bool:
        """Whether the inputs are one Kubernetes object (not a chart or a remote file)."""
        return self.type.startswith("kubernetes:") and not self.type.startswith(_NOT_OBJECTS)

    @property
    def is_strimzi(self) -> bool:
        """Whether this is a Strimzi custom resource (any ``kafka.strimzi.io`` version)."""
        return self.type.startswith(STRIMZI_PREFIX)

    @property
    def metadata(self) -> Mapping[str, Any]:
        """``metadata`` of a Kubernetes object (empty otherwise)."""
        return mapping(self.inputs.get("metadata"))

    @property
    def spec(self) -> Mapping[str, Any]:
        """``spec`` of a Kubernetes object (empty otherwise)."""
        return mapping(self.inputs.get("spec"))

    @property
    def display(self) -> str:
        """How findings name the resource: ``Kind namespace/name`` for Kubernetes objects, else ``type name``."""
        if self.is_kubernetes_object and self.metadata.get("name"):
            namespace = self.metadata.get("namespace")
            name = self.metadata["name"]
            return f"{self.kind} {namespace}/{name}" if namespace else f"{self.kind} {name}"
        return f"{self.type} {self.name}"

    @classmethod
    def from_plan_entry(cls, entry: Mapping[str, Any]) -> Resource:
        """A resource from one entry of ``plan.json``'s ``resources``."""
        return cls(
            type=str(entry["type"]),
            urn=str(entry["urn"]),
            inputs=mapping(entry.get("inputs")),
            aliases=tuple(str(alias) for alias in entry.get("aliases") or ()),
            parent=str(entry.get("parent") or ""),
            protect=bool(entry.get("protect")),
            retain_on_delete=bool(entry.get("retainOnDelete")),
        )


class _Absent:
    """A field that does not exist on one side of a change (distinct from ``null``)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Change:
    """One field that differs: its path (``spec.config["retention.ms"]``), old and new value.

    ``old`` is :data:`ABSENT` for an added field or list item, ``new`` for a removed one.
    """

    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Finding:
    """A hazard of a change, before an environment gives it a level."""

    id: str
    """One of :data:`FINDING_IDS`."""
    resource: str
    """The resource as people name it (``KafkaTopic kafka/orders.v1``)."""
    message: str
    """What changes and why it matters, with what to do instead."""
    urn: str = ""
    unsafe: bool = False
    """True when applying the change loses data or Kafka/Strimzi cannot apply it (what the topic update
    guard refuses); False when it applies but a person should look at it."""

    def __post_init__(self) -> None:
        if self.id not in FINDING_IDS:
            raise ValueError(f"unknown finding id '{self.id}'; known: {', '.join(FINDING_IDS)}")


Level = Literal["blocking", "advisory", "disabled"]
LEVELS: tuple[Level, ...] = ("blocking", "advisory", "disabled")


@dataclass(frozen=True)
class LeveledFinding:
    """A finding with the level its environment gives it."""

    finding: Finding
    level: Level

    def __str__(self) -> str:
        f = self.finding
        return f"{self.level:<8}  {f.id:<30}  {f.resource}: {f.message}"


@dataclass(frozen=True)
class Pair:
    """An old and a new version of one resource (either side None: added or removed).

    ``via`` says how they were matched: ``urn``, ``alias`` (the new one names the old URN) or
    ``identity`` (the same Kafka/Kubernetes object under another URN, without an alias).
    """

    old: Resource | None
    new: Resource | None
    via: Literal["urn", "alias", "identity", ""] = ""


@dataclass(frozen=True)
class Changed:
    """A resource present before and after whose inputs differ."""

    resource: Resource
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Renamed:
    """A resource whose URN changes while it stays the same object."""

    old: Resource
    new: Resource
    via: Literal["alias", "identity"]


@dataclass(frozen=True)
class Review:
    """What a change does: resources added, removed, changed (field by field), renamed, and its hazards."""

    added: tuple[Resource, ...] = ()
    removed: tuple[Resource, ...] = ()
    changed: tuple[Changed, ...] = ()
    renamed: tuple[Renamed, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether nothing changes at all."""
        return not (self.added or self.removed or self.changed or self.renamed)


# How values unknown before deployment appear: plan.json's placeholder, and the engine's sentinel
# in the states of `pulumi preview --json`. Identities are never judged on them.
UNKNOWN_MARKERS = frozenset({"[unknown]", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})


def known(value: Any) -> bool:
    """Whether a value is known (not an unknown-before-deployment placeholder)."""
    return not (isinstance(value, str) and value in UNKNOWN_MARKERS)


def mapping(value: Any) -> Mapping[str, Any]:
    """The value if it is a map, else an empty one (reviews read optional nested fields)."""
    return value if isinstance(value, Mapping) else {}


def number(value: Any) -> int | None:
    """An integral number (JSON and protobuf give floats like ``12.0``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None
