"""``messaging-platform import``: an existing Kafka cluster as catalog YAML and a ``pulumi import`` file.

Three steps, each testable alone: :func:`read_cluster` reads topics, their explicitly set configs, ACLs
and SCRAM users with Kafka's admin client (confluent-kafka); :func:`adopt` maps that snapshot to
catalog domain files and intents, listing everything it cannot express; :func:`import_spec` builds
Pulumi's bulk import file for the external-cluster stack shape (the same resource names and parents as
:class:`~messaging_platform.ExternalKafkaCluster` and :class:`~messaging_platform.KafkaCatalog`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# Ref: components/external.py (EXTERNAL_TYPE, RESOURCE_TYPES, PATTERN_TYPES, acl_id) and
# components/catalog.py (CATALOG_TYPE, `<cluster>-catalog` in platform.py): the names are a public contract.
from messaging_platform.catalog import CATALOG_TYPE
from messaging_platform.config.catalog import Catalog, CatalogSettings, DomainFile
from messaging_platform.config.resolve import ResolvedCatalog, TargetCluster, resolve_catalog
from messaging_platform.external import EXTERNAL_TYPE, PATTERN_TYPES, RESOURCE_TYPES, acl_id
from messaging_platform.topic import topic_resource_name

CLIENT_TIMEOUT_S = 30.0
DOMAIN_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
FALLBACK_DOMAIN = "imported"
SERVICE_PATTERN = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
# Kafka's own topics start with "__"; Confluent's, Schema Registry's and Connect's usual ones with "_".
PLATFORM_TOPIC_PREFIX = "_"
# pulumi-kafka ids (Mongey/terraform-provider-kafka v0.13.1, kafka/resource_kafka_acl.go importACL):
# a topic's id is its name; an ACL's is principal|host|operation|permission|resourceType|name|patternType.
ACL_ID_FIELDS = 7

# Kafka's enum names (as confluent-kafka reports them) -> the catalog's (components/config/acls.py).
_RESOURCE_TYPES = {"TOPIC": "topic", "GROUP": "group", "BROKER": "cluster", "TRANSACTIONAL_ID": "transactionalId"}
_PATTERNS = {"LITERAL": "literal", "PREFIXED": "prefix"}
_OPERATIONS = {
    "READ": "Read",
    "WRITE": "Write",
    "CREATE": "Create",
    "DELETE": "Delete",
    "ALTER": "Alter",
    "DESCRIBE": "Describe",
    "CLUSTER_ACTION": "ClusterAction",
    "DESCRIBE_CONFIGS": "DescribeConfigs",
    "ALTER_CONFIGS": "AlterConfigs",
    "IDEMPOTENT_WRITE": "IdempotentWrite",
    "ALL": "All",
}
# Kafka topic config keys the catalog has a typed key for, and how to show their values.
_DURATIONS = {
    "retention.ms": "retention",
    "min.compaction.lag.ms": "minCompactionLag",
    "delete.retention.ms": "deleteRetention",
}
_SIZES = {"retention.bytes": "retentionBytes", "max.message.bytes": "maxMessageBytes", "segment.bytes": "segmentBytes"}
_OTHERS = {
    "cleanup.policy": "cleanupPolicy",
    "min.insync.replicas": "minInsyncReplicas",
    "compression.type": "compressionType",
}
_DURATION_UNITS = (("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000))
_SIZE_UNITS = (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10))


# ---- what the cluster holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class TopicState:
    """A topic as the broker has it: partitions, replication factor and its explicitly set configs."""

    name: str
    partitions: int
    replicas: int
    config: dict[str, str]


@dataclass(frozen=True, order=True)
class Acl:
    """One ACL binding, in Kafka's enum names (``TOPIC``, ``LITERAL``, ``WRITE``, ``ALLOW``)."""

    principal: str
    host: str
    resource_type: str
    pattern: str
    name: str
    operation: str
    permission: str


@dataclass(frozen=True)
class ClusterSnapshot:
    """What :func:`read_cluster` found."""

    brokers: int
    topics: list[TopicState]
    acls: list[Acl]
    scram_users: dict[str, list[str]]
    """SCRAM user -> its mechanisms (``SCRAM-SHA-512``); passwords cannot be read back."""


def read_cluster(admin: Any, timeout: float = CLIENT_TIMEOUT_S) -> ClusterSnapshot:
    """Read every topic (partitions, replicas, configs whose source is ``DYNAMIC_TOPIC_CONFIG``), every
    ACL and every SCRAM user with a confluent-kafka ``AdminClient`` (or anything with its methods)."""
    from confluent_kafka.admin import (
        AclBindingFilter,
        AclOperation,
        AclPermissionType,
        ConfigResource,
        ConfigSource,
        ResourcePatternType,
        ResourceType,
    )

    metadata = admin.list_topics(timeout=timeout)
    names = sorted(metadata.topics)
    configs: dict[str, dict[str, str]] = {}
    if names:
        resources = [ConfigResource(ResourceType.TOPIC, name) for name in names]
        futures = admin.describe_configs(resources, request_timeout=timeout)
        for resource, future in futures.items():
            entries = future.result(timeout)
            configs[resource.name] = {
                key: entry.value
                for key, entry in sorted(entries.items())
                if _source(entry.source) == ConfigSource.DYNAMIC_TOPIC_CONFIG.value and entry.value is not None
            }
    topics = []
    for name in names:
        partitions = metadata.topics[name].partitions
        replicas = len(partitions[0].replicas) if partitions else 0
        topics.append(TopicState(name, len(partitions), replicas, configs.get(name, {})))
    # None matches any name, principal and host.
    pattern = AclBindingFilter(
        ResourceType.ANY,
        None,  # type: ignore[arg-type]
        ResourcePatternType.ANY,
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        AclOperation.ANY,
        AclPermissionType.ANY,
    )
    bindings = admin.describe_acls(pattern, request_timeout=timeout).result(timeout)
    acls = sorted(
        Acl(
            principal=b.principal,
            host=b.host,
            resource_type=b.restype.name,
            pattern=b.resource_pattern_type.name,
            name=b.name,
            operation=b.operation.name,
            permission=b.permission_type.name,
        )
        for b in bindings
    )
    described = admin.describe_user_scram_credentials(request_timeout=timeout).result(timeout)
    scram = {
        user: sorted(info.mechanism.name.replace("_", "-") for info in description.scram_credential_infos)
        for user, description in sorted(described.items())
    }
    return ClusterSnapshot(len(metadata.brokers), topics, acls, scram)


def _source(source: Any) -> int:
    """A ConfigEntry's source as Kafka's number (the client reports an int, the type hints an enum)."""
    return int(getattr(source, "value", source))


# ---- mapping to the catalog ---------------------------------------------------------------------


@dataclass
class Adoption:
    """The catalog an existing cluster amounts to, and what could not be expressed."""

    domains: dict[str, dict[str, Any]]
    """Domain name -> the YAML document of ``catalog/<domain>.yaml``."""
    notes: list[str] = field(default_factory=list)
    """What was skipped or guessed, one line each (internal topics, ACLs with no intent, SCRAM users)."""
    unexpressed: list[Acl] = field(default_factory=list)
    """ACLs no intent produces: the catalog would not recreate them (a review item)."""
    scram_users: dict[str, list[str]] = field(default_factory=dict)
    """SCRAM users found; their passwords cannot be read back, so adopting them needs a reset step."""
    snapshot: ClusterSnapshot | None = None


def domain_of(topic: str) -> str:
    """A topic's domain: the first dot-separated segment of its name, if that is a valid domain name."""
    head = topic.split(".", 1)[0].lower()
    return head if DOMAIN_PATTERN.match(head) else FALLBACK_DOMAIN


def format_duration(value: str) -> str | int:
    """``604800000`` -> ``"1w"`` when a unit divides it exactly; ``-1`` -> ``"infinite"``; else ms."""
    number = int(value)
    if number == -1:
        return "infinite"
    for unit, size in _DURATION_UNITS:
        if number and number % size == 0:
            return f"{number // size}{unit}"
    return number


def format_size(value: str) -> str | int:
    """``1048576`` -> ``"1MiB"`` when a binary unit divides it exactly; ``-1`` -> ``"unlimited"``; else bytes."""
    number = int(value)
    if number == -1:
        return "unlimited"
    for unit, size in _SIZE_UNITS:
        if number and number % size == 0:
            return f"{number // size}{unit}"
    return number


def _raw_value(value: str) -> bool | int | str:
    if value in ("true", "false"):
        return value == "true"
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def topic_entry(topic: TopicState) -> dict[str, Any]:
    """A topic's catalog entry: partitions, replicas (always explicit: stacks' defaults differ) and its
    explicitly set configs, under typed keys where the catalog has one."""
    entry: dict[str, Any] = {"partitions": topic.partitions, "replicas": topic.replicas}
    raw: dict[str, Any] = {}
    for key, value in sorted(topic.config.items()):
        if key in _DURATIONS:
            entry[_DURATIONS[key]] = format_duration(value)
        elif key in _SIZES:
            entry[_SIZES[key]] = format_size(value)
        elif key == "min.insync.replicas":
            entry[_OTHERS[key]] = int(value)
        elif key in _OTHERS:
            entry[_OTHERS[key]] = value
        else:
            raw[key] = _raw_value(value)
    if raw:
        entry["config"] = raw
    return entry


def adopt(
    snapshot: ClusterSnapshot,
    *,
    exclude_principals: frozenset[str] = frozenset(),
    include_platform_topics: bool = False,
) -> Adoption:
    """Map a cluster snapshot to catalog domain files (one per domain) and service intents.

    Literal topic Write (+Describe) becomes ``produces``; literal topic Read (+Describe) with group Read
    becomes ``consumes``; a literal/prefixed transactional id Write (+Describe) becomes ``transactional``.
    Every other ACL (deny, a host other than ``*``, prefixes on topics, cluster or Create/Alter/...
    operations, non-``User:`` principals) is listed in :attr:`Adoption.unexpressed`.
    """
    notes: list[str] = []
    domains: dict[str, dict[str, Any]] = {}
    kept: dict[str, TopicState] = {}
    for topic in snapshot.topics:
        if topic.name.startswith("__"):
            notes.append(f"topic {topic.name}: Kafka internal topic, skipped")
            continue
        if topic.name.startswith(PLATFORM_TOPIC_PREFIX) and not include_platform_topics:
            notes.append(f"topic {topic.name}: platform internal topic (Schema Registry, Connect, ...), skipped")
            continue
        domain = domain_of(topic.name)
        if domain == FALLBACK_DOMAIN and topic.name.split(".", 1)[0].lower() != FALLBACK_DOMAIN:
            notes.append(f"topic {topic.name}: no valid domain in its first segment, put under '{FALLBACK_DOMAIN}'")
        domains.setdefault(domain, {"domain": domain, "topics": {}, "services": {}})["topics"][topic.name] = (
            topic_entry(topic)
        )
        kept[topic.name] = topic

    unexpressed: list[Acl] = []
    by_principal: dict[str, list[Acl]] = defaultdict(list)
    for acl in snapshot.acls:
        user = acl.principal.removeprefix("User:")
        if user in exclude_principals:
            notes.append(f"ACL {_describe(acl)}: principal excluded (--exclude-principal)")
            continue
        if (
            not acl.principal.startswith("User:")
            or not SERVICE_PATTERN.match(user)
            or acl.permission != "ALLOW"
            or acl.host != "*"
        ):
            unexpressed.append(acl)
            continue
        by_principal[user].append(acl)

    services: dict[str, dict[str, Any]] = {}
    for user, acls in sorted(by_principal.items()):
        spec, rest = _intents(user, acls, kept)
        unexpressed.extend(rest)
        if spec:
            services[user] = spec
    scram = {u: m for u, m in snapshot.scram_users.items() if u not in exclude_principals}
    for user in sorted(scram):
        if user not in services and SERVICE_PATTERN.match(user):
            services[user] = {}
            notes.append(f"service {user}: a SCRAM user without ACLs the catalog can express; declared without intents")
    for user, spec in services.items():
        domain = _service_domain(spec, kept)
        spec.setdefault("authentication", "scram-sha-512") if user in scram else None
        domains.setdefault(domain, {"domain": domain, "topics": {}, "services": {}})["services"][user] = spec
    for acl in sorted(set(unexpressed)):
        notes.append(f"ACL {_describe(acl)}: no catalog intent produces it; not adopted (review it)")
    for user, mechanisms in sorted(scram.items()):
        notes.append(
            f"SCRAM user {user} ({', '.join(mechanisms)}): its password cannot be read back; with "
            "`passwords: pulumi` the first `pulumi up` resets it (hand the new one to the service), with "
            "`passwords: operator` the platform leaves it as it is"
        )
    for document in domains.values():
        for key in ("topics", "services"):
            if not document[key]:
                del document[key]
    return Adoption(dict(sorted(domains.items())), notes, sorted(set(unexpressed)), scram, snapshot)


def _describe(acl: Acl) -> str:
    return (
        f"{acl.permission} {acl.principal} {acl.operation} on {acl.resource_type} {acl.pattern} "
        f"'{acl.name}' from {acl.host}"
    )


def _intents(user: str, acls: list[Acl], topics: Mapping[str, TopicState]) -> tuple[dict[str, Any], list[Acl]]:
    """One principal's ACLs as intents, and the ACLs left over."""
    ops: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for acl in acls:
        ops[(acl.resource_type, acl.pattern, acl.name)].add(acl.operation)
    used: set[tuple[str, str, str, str]] = set()

    def use(key: tuple[str, str, str], *operations: str) -> None:
        used.update((*key, op) for op in operations)

    produces, reads, groups = [], [], []
    transactional: dict[str, str] | None = None
    for key, operations in sorted(ops.items()):
        resource_type, pattern, name = key
        if resource_type == "TOPIC" and pattern == "LITERAL" and name in topics:
            if "WRITE" in operations:
                produces.append(name)
                use(key, "WRITE", "DESCRIBE")
            if "READ" in operations:
                reads.append(name)
                use(key, "READ", "DESCRIBE")
        elif resource_type == "GROUP" and pattern == "LITERAL" and "READ" in operations:
            groups.append(name)
            use(key, "READ")
        elif resource_type == "TRANSACTIONAL_ID" and "WRITE" in operations and transactional is None:
            transactional = {"id" if pattern == "LITERAL" else "idPrefix": name}
            use(key, "WRITE", "DESCRIBE")
    spec: dict[str, Any] = {}
    if produces:
        spec["produces"] = produces
    if transactional is not None and produces:
        spec["transactional"] = transactional
    elif transactional is not None:
        used -= {k for k in used if k[0] == "TRANSACTIONAL_ID"}
    if reads and groups:
        # ACLs do not record which group reads which topic: every topic gets the first group, and each
        # further group the first topic; the generated ACLs are exactly the broker's.
        consumes = [{"topic": t, "group": groups[0]} for t in reads]
        consumes += [{"topic": reads[0], "group": g} for g in groups[1:]]
        spec["consumes"] = consumes
    else:
        used -= {k for k in used if (k[0] == "TOPIC" and k[3] == "READ") or k[0] == "GROUP"}
        if not produces:
            used -= {k for k in used if k[0] == "TOPIC"}
    leftover = [a for a in acls if (a.resource_type, a.pattern, a.name, a.operation) not in used]
    # Describe on a topic is granted with Read or Write; alone it is left over.
    leftover = [
        a
        for a in leftover
        if not (
            a.operation == "DESCRIBE"
            and a.resource_type == "TOPIC"
            and a.pattern == "LITERAL"
            and (a.name in produces or (a.name in reads and groups))
        )
    ]
    return spec, leftover


def _service_domain(spec: Mapping[str, Any], topics: Mapping[str, TopicState]) -> str:
    for name in spec.get("produces", []):
        return domain_of(name)
    for consumed in spec.get("consumes", []):
        return domain_of(consumed["topic"])
    return FALLBACK_DOMAIN


# ---- writing and checking -----------------------------------------------------------------------


def write_catalog(adoption: Adoption, out: Path) -> list[Path]:
    """Write ``out/<domain>.yaml`` per domain (the folder must not hold other catalog files)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in adoption.domains.items():
        path = out / f"{name}.yaml"
        header = "# Written by `messaging-platform import` from the cluster's topics and ACLs; review before use.\n"
        path.write_text(header + yaml.safe_dump(document, sort_keys=False, default_flow_style=False))
        written.append(path)
    return written


def validate(out: Path, cluster: str, brokers: int) -> ResolvedCatalog:
    """Load ``out`` with the project's own catalog loader and resolve it against an external target
    with ``brokers`` brokers, ACLs enforced and SCRAM clients; a ConfigError names what is wrong."""
    for path in out.glob("*.yaml"):
        DomainFile.model_validate(yaml.safe_load(path.read_text()))
    target = TargetCluster(
        name=cluster,
        kind="external",
        brokers=max(brokers, 1),
        authorization=True,
        authentication=frozenset({"scram-sha-512"}),
    )
    return resolve_catalog(Catalog.load(out, out.name), CatalogSettings(), target, "import")


# ---- the pulumi import file ---------------------------------------------------------------------


def acl_import_id(principal: str, operation: str, resource_type: str, name: str, pattern: str) -> str:
    """pulumi-kafka's import id of an ACL (``acl_principal|acl_host|acl_operation|acl_permission_type|
    resource_type|resource_name|resource_pattern_type_filter``); hosts are always ``*`` here."""
    return "|".join([principal, "*", operation, "Allow", resource_type, name, pattern])


def provider_urn(stack: str, project: str, cluster: str) -> str:
    """The URN of the external cluster's provider (``<cluster>-provider``, a child of ``<cluster>``)."""
    return f"urn:pulumi:{stack}::{project}::{EXTERNAL_TYPE}$pulumi:providers:kafka::{cluster}-provider"


def cluster_urn(stack: str, project: str, cluster: str) -> str:
    """The URN of the ``ExternalCluster`` component ``<cluster>``."""
    return f"urn:pulumi:{stack}::{project}::{EXTERNAL_TYPE}::{cluster}"


def import_spec(
    resolved: ResolvedCatalog, cluster: str, snapshot: ClusterSnapshot, stack: str, project: str
) -> tuple[dict[str, Any], list[str]]:
    """Pulumi's bulk import file for the external stack shape, and notes on what it leaves out.

    The provider is referenced through ``nameTable`` by its URN: it must exist first, created by the
    program itself (``pulumi up --target`` the cluster and its provider), so its SASL password comes
    from the stack's secret config. (A provider declared in the file is created before its parent
    component, which the engine refuses: "child resource ... refers to missing parent".) The
    ``<cluster>-catalog`` component is declared in the file so topics and ACLs get the parent the
    program gives them. Topics and ACLs are imported by their pulumi-kafka ids; planned ACLs the broker
    lacks are listed (the first ``pulumi up`` creates them). SCRAM credentials and quotas are not imported.
    """
    provider = f"{cluster}-provider"
    catalog = f"{cluster}-catalog"
    resources: list[dict[str, Any]] = [{"type": CATALOG_TYPE, "name": catalog, "component": True}]
    name_table = {provider: provider_urn(stack, project, cluster)}
    notes: list[str] = []
    on_broker = {t.name for t in snapshot.topics}
    for topic in resolved.topics:
        if topic.kafka_name not in on_broker:
            notes.append(f"topic {topic.kafka_name}: not on the cluster; the first `pulumi up` creates it")
            continue
        resources.append(
            {
                "type": "kafka:index/topic:Topic",
                "name": topic_resource_name(cluster, topic.key),
                "id": topic.kafka_name,
                "parent": catalog,
                "provider": provider,
            }
        )
    existing = {
        (a.principal, a.resource_type, a.pattern, a.name, a.operation)
        for a in snapshot.acls
        if a.permission == "ALLOW" and a.host == "*"
    }
    kafka_types = {v: k for k, v in _RESOURCE_TYPES.items()}
    kafka_patterns = {v: k for k, v in _PATTERNS.items()}
    kafka_ops = {v: k for k, v in _OPERATIONS.items()}
    for service in resolved.services:
        principal = f"User:{service.name}"
        for rule in service.acls:
            for operation in rule.operations:
                name = f"{cluster}-user-{service.name}-acl-{acl_id(rule)}-{operation.lower()}"
                key = (
                    principal,
                    kafka_types[rule.resource_type],
                    kafka_patterns[rule.pattern],
                    rule.name,
                    kafka_ops[operation],
                )
                if key not in existing:
                    notes.append(f"ACL {name}: not on the cluster; the first `pulumi up` creates it")
                    continue
                resource_name = "kafka-cluster" if rule.resource_type == "cluster" else rule.name
                resources.append(
                    {
                        "type": "kafka:index/acl:Acl",
                        "name": name,
                        "id": acl_import_id(
                            principal,
                            operation,
                            RESOURCE_TYPES[rule.resource_type],
                            resource_name,
                            PATTERN_TYPES[rule.pattern],
                        ),
                        "parent": catalog,
                        "provider": provider,
                    }
                )
    return {"nameTable": name_table, "resources": resources}, notes
