"""HTTP Bridges, MirrorMaker 2 mirrors and rebalances of a stack: checked against its clusters, then
resolved against its catalog (which topics, groups and ACLs), before any resource exists.

Two steps, as for the catalog: :func:`addon_problems` runs inside :class:`~.stack.StackConfig`
validation (what the stack's clusters allow), :func:`resolve_addons` once the catalog is resolved
(what the catalog declares). Problems name the ``messaging-platform:`` key that causes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..invariants import did_you_mean
from .acls import AclRule
from .base import Problem
from .bridge import BridgeConfig, bridge_user_name
from .catalog import ServiceSpec
from .errors import ConfigError, ConfigProblem, join_path
from .mirror import MirrorMaker2Config, mirror_user_name
from .resolve import ResolvedCatalog, resolve_service
from .workloads import client_listener, listener_problem

if TYPE_CHECKING:
    from .stack import StackConfig

_PEM = "-----BEGIN CERTIFICATE-----"
_NEEDS_CATALOG = "needs the stack's catalog (messaging-platform:catalog): "


@dataclass(frozen=True)
class ResolvedBridge:
    """A bridge as the stack deploys it: its cluster, its user and the ACLs of its intents."""

    name: str
    config: BridgeConfig
    cluster: str
    user_name: str
    acls: tuple[AclRule, ...]


@dataclass(frozen=True)
class ResolvedMirror:
    """A mirror as the stack deploys it: the Kafka names of the mirrored topics, and the consumer
    groups to checkpoint with the mirrored topics each reads."""

    name: str
    config: MirrorMaker2Config
    topics: tuple[str, ...]
    groups: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Addons:
    """The stack's bridges and mirrors, resolved (rebalances need no catalog: see the stack config)."""

    bridges: Mapping[str, ResolvedBridge] = field(default_factory=dict)
    mirrors: Mapping[str, ResolvedMirror] = field(default_factory=dict)


def bridge_cluster(config: StackConfig, bridge: BridgeConfig) -> str | None:
    """The cluster a bridge serves: its own ``cluster``, else the catalog's."""
    return bridge.cluster or config.catalog_cluster


def rebalance_cluster(config: StackConfig, cluster: str | None) -> str | None:
    """The cluster a rebalance runs on: its own ``cluster``, else the stack's only cluster."""
    if cluster is not None:
        return cluster
    return next(iter(config.clusters)) if len(config.clusters) == 1 else None


def addon_problems(config: StackConfig) -> list[Problem]:
    """What the stack's clusters do not allow in its bridges, mirrors and rebalances."""
    return [*_bridge_problems(config), *_mirror_problems(config), *_rebalance_problems(config)]


def _bridge_problems(config: StackConfig) -> list[Problem]:
    problems: list[Problem] = []
    for name, bridge in config.bridges.items():
        cluster = bridge_cluster(config, bridge)
        where = ("bridges", name)
        if config.catalog is None:
            problems.append((where, _NEEDS_CATALOG + "its intents name catalog topics", None))
        elif cluster is None:
            problems.append(((*where, "cluster"), "choose the cluster the bridge serves", None))
        elif cluster not in config.clusters:
            problems.append(((*where, "cluster"), _not_strimzi(config, cluster, "the HTTP Bridge"), cluster))
        else:
            problems += listener_problem((*where, "listener"), cluster, config.clusters[cluster], bridge.listener)
    return problems


def _mirror_problems(config: StackConfig) -> list[Problem]:
    problems: list[Problem] = []
    known = sorted([*config.clusters, *config.external_clusters])
    for name, mirror in config.mirror_maker2.items():
        where = ("mirrorMaker2", name)
        sides = {"source": mirror.source, "target": mirror.target}
        missing = {role: cluster for role, cluster in sides.items() if cluster not in known}
        for role, cluster in missing.items():
            problems.append(
                ((*where, role), f"no such cluster; choose one of: {', '.join(known)}{did_you_mean(cluster, known)}",
                 cluster)
            )  # fmt: skip
        if missing:
            continue
        external = [role for role, cluster in sides.items() if cluster in config.external_clusters]
        if len(external) == 2:
            problems.append(
                ((*where, "target"), "MirrorMaker 2 runs beside a Strimzi cluster of this stack: make the source or "
                 "the target one of `clusters`", mirror.target)
            )  # fmt: skip
            continue
        if not external and mirror.external_user is not None:
            problems.append(((*where, "externalUser"), "both sides are Strimzi clusters of this stack; drop it", None))
        if external and mirror.external_user is None:
            problems.append(
                ((*where, "externalUser"), f"the {external[0]} '{sides[external[0]]}' is external: give the SASL "
                 "user MirrorMaker 2 connects to it as (it must exist there with the ACLs the plan lists)", None)
            )  # fmt: skip
        for role in external:
            ca = config.external_clusters[sides[role]].ca_cert
            if ca is not None and _PEM not in ca:
                problems.append(
                    (("externalClusters", sides[role], "caCert"), "MirrorMaker 2 needs the CA certificate itself "
                     "(PEM text), not a path to it", ca)
                )  # fmt: skip
        strimzi = {role: config.clusters[cluster] for role, cluster in sides.items() if cluster in config.clusters}
        if len(strimzi) == 2 and strimzi["source"].namespace != strimzi["target"].namespace:
            problems.append(
                ((*where, "source"), f"clusters '{mirror.source}' and '{mirror.target}' are in different namespaces "
                 f"({strimzi['source'].namespace}, {strimzi['target'].namespace}); MirrorMaker 2 reads both cluster "
                 "CA Secrets from its own namespace: put them in one", mirror.source)
            )  # fmt: skip
        for role, wanted in (("source", mirror.source_listener), ("target", mirror.target_listener)):
            if role in strimzi:
                problems += listener_problem((*where, f"{role}Listener"), sides[role], strimzi[role], wanted)
            elif wanted is not None:
                problems.append(((*where, f"{role}Listener"), f"the {role} is external; remove it", wanted))
        if mirror.replication_policy == "identity":
            for other, reverse in config.mirror_maker2.items():
                if (reverse.source, reverse.target) == (mirror.target, mirror.source):
                    problems.append(
                        ((*where, "replicationPolicy"), f"mirror '{other}' copies back from '{mirror.target}': with "
                         "the same topic names both would copy every record back and forth; use `default`",
                         "identity")
                    )  # fmt: skip
    return problems


def _rebalance_problems(config: StackConfig) -> list[Problem]:
    problems: list[Problem] = []
    for name, rebalance in config.rebalances.items():
        where = ("rebalances", name, "cluster")
        cluster = rebalance_cluster(config, rebalance.cluster)
        if cluster is None:
            problems.append((where, f"choose the cluster to rebalance: {', '.join(sorted(config.clusters))}", None))
        elif cluster not in config.clusters:
            problems.append((where, _not_strimzi(config, cluster, "A rebalance"), cluster))
        elif not config.clusters[cluster].cruise_control.enabled:
            problems.append(
                (where, f"cluster '{cluster}' does not run Cruise Control (clusters.{cluster}.cruiseControl.enabled: "
                 "false); a KafkaRebalance needs it: enable it or remove the rebalance", cluster)
            )  # fmt: skip
    return problems


def _not_strimzi(config: StackConfig, cluster: str, what: str) -> str:
    if cluster in config.external_clusters:
        return f"'{cluster}' is an external cluster; {what} runs beside a Strimzi cluster of this stack"
    known = sorted(config.clusters)
    return f"no such cluster; choose one of: {', '.join(known)}{did_you_mean(cluster, known)}"


def resolve_addons(config: StackConfig, catalog: ResolvedCatalog | None, prefix: str) -> Addons:
    """Bridges with their ACLs and mirrors with their topics and groups, from the resolved catalog.

    Raises :class:`ConfigError` listing every problem (keys under ``prefix``, ``messaging-platform:``).
    """
    problems: list[ConfigProblem] = []
    bridges: dict[str, ResolvedBridge] = {}
    for name, bridge in config.bridges.items():
        resolved, found = _resolve_bridge(config, name, bridge, catalog, join_path(prefix, ["bridges", name]))
        problems += found
        if resolved is not None:
            bridges[name] = resolved
    mirrors: dict[str, ResolvedMirror] = {}
    for name, mirror in config.mirror_maker2.items():
        where = join_path(prefix, ["mirrorMaker2", name])
        resolved_mirror, found = _resolve_mirror(name, mirror, catalog, bridges.values(), where)
        problems += found
        if resolved_mirror is not None:
            mirrors[name] = resolved_mirror
    problems += _user_clashes(config, catalog, prefix)
    if problems:
        raise ConfigError(problems, "stack config")
    return Addons(bridges, mirrors)


def _resolve_bridge(
    config: StackConfig, name: str, bridge: BridgeConfig, catalog: ResolvedCatalog | None, where: str
) -> tuple[ResolvedBridge | None, list[ConfigProblem]]:
    cluster = bridge_cluster(config, bridge)
    if catalog is None:
        return None, [ConfigProblem(where, _NEEDS_CATALOG + "its intents name catalog topics")]
    if cluster != catalog.target.name:
        return None, [
            ConfigProblem(join_path(where, ["cluster"]), f"the catalog is on cluster '{catalog.target.name}'; a bridge "
                          "serves the catalog's cluster", cluster)
        ]  # fmt: skip
    assert cluster is not None
    chosen = client_listener(config.clusters[cluster], bridge.listener)
    assert not isinstance(chosen, str)  # checked by the stack config
    authentication = chosen[1].authentication
    assert authentication is not None
    spec = ServiceSpec(produces=bridge.produces, consumes=bridge.consumes, authentication=authentication.type)
    user = bridge_user_name(name)
    resolved, problems = resolve_service(
        user,
        where,
        bridge.domain,
        spec,
        target=catalog.target,
        kafka_names={topic.key: topic.kafka_name for topic in catalog.topics},
        domains=_domains(catalog),
        declared_at=where,
    )
    return ResolvedBridge(name, bridge, cluster, user, resolved.acls), problems


def _resolve_mirror(
    name: str,
    mirror: MirrorMaker2Config,
    catalog: ResolvedCatalog | None,
    bridges: Iterable[ResolvedBridge],
    where: str,
) -> tuple[ResolvedMirror | None, list[ConfigProblem]]:
    if catalog is None:
        return None, [ConfigProblem(where, _NEEDS_CATALOG + "it mirrors catalog topics")]
    if mirror.source != catalog.target.name:
        return None, [
            ConfigProblem(join_path(where, ["source"]), f"the catalog's topics are on cluster '{catalog.target.name}'; "
                          "mirror from it", mirror.source)
        ]  # fmt: skip
    problems: list[ConfigProblem] = []
    by_key = {topic.key: topic for topic in catalog.topics}
    domains = sorted({topic.domain for topic in catalog.topics})
    for i, domain in enumerate(mirror.domains):
        if domain not in domains:
            problems.append(
                ConfigProblem(join_path(where, ["domains", i]), f"no catalog topic is in this domain; domains: "
                              f"{', '.join(domains)}{did_you_mean(domain, domains)}", domain)
            )  # fmt: skip
    for i, key in enumerate(mirror.topics):
        if key not in by_key:
            problems.append(
                ConfigProblem(join_path(where, ["topics", i]), f"is not a catalog topic{did_you_mean(key, by_key)}",
                              key)
            )  # fmt: skip
    topics = sorted(
        {t.kafka_name for t in catalog.topics if t.domain in mirror.domains}
        | {by_key[key].kafka_name for key in mirror.topics if key in by_key}
    )
    groups = _groups(topics, catalog, bridges)
    for group in sorted(groups):
        if "," in group:
            problems.append(
                ConfigProblem(where, f"consumer group '{group}' reads mirrored topics and has a ',' in its name, "
                              "which MirrorMaker 2's group list cannot hold; rename the group")
            )  # fmt: skip
    return ResolvedMirror(name, mirror, tuple(topics), groups), problems


def _groups(
    topics: list[str], catalog: ResolvedCatalog, bridges: Iterable[ResolvedBridge]
) -> dict[str, tuple[str, ...]]:
    """The consumer groups on the source that read mirrored topics, with the mirrored topics each reads."""
    names = {topic.key: topic.kafka_name for topic in catalog.topics}
    mirrored = set(topics)
    reads: dict[str, set[str]] = defaultdict(set)
    specs = [service.spec for service in catalog.services]
    specs += [ServiceSpec(consumes=bridge.config.consumes) for bridge in bridges if bridge.config.consumes]
    for spec in specs:
        for consume in spec.consumes:
            if consume.topic is not None:
                read = {names[consume.topic]} & mirrored
            else:
                read = {topic for topic in mirrored if topic.startswith(consume.prefix or "")}
            if read:
                reads[consume.group] |= read
        if spec.streams is not None:
            read = {names[key] for key in spec.streams.consumes} & mirrored
            if read:
                reads[spec.streams.application_id] |= read
    return {group: tuple(sorted(read)) for group, read in sorted(reads.items())}


def _domains(catalog: ResolvedCatalog) -> list[str]:
    return sorted({t.domain for t in catalog.topics} | {s.domain for s in catalog.services})


def _user_clashes(config: StackConfig, catalog: ResolvedCatalog | None, prefix: str) -> list[ConfigProblem]:
    """KafkaUsers the platform declares are unique per namespace (one Kubernetes object each)."""
    owners: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    if catalog is not None and catalog.target.name in config.clusters:
        namespace = config.clusters[catalog.target.name].namespace
        for service in catalog.services:
            owners[(namespace, service.name)].append((f"catalog service '{service.name}'", service.source))
    for name, bridge in config.bridges.items():
        cluster = bridge_cluster(config, bridge)
        if cluster in config.clusters:
            owners[(config.clusters[cluster].namespace, bridge_user_name(name))].append(
                (f"the user of bridge '{name}'", join_path(prefix, ["bridges", name]))
            )
    for name, mirror in config.mirror_maker2.items():
        sides: tuple[tuple[Literal["source", "target"], str], ...] = (
            ("source", mirror.source),
            ("target", mirror.target),
        )
        for role, cluster in sides:
            if cluster in config.clusters:
                owners[(config.clusters[cluster].namespace, mirror_user_name(name, role))].append(
                    (f"the {role} user of mirror '{name}'", join_path(prefix, ["mirrorMaker2", name]))
                )
    problems = []
    for (namespace, user), claims in sorted(owners.items()):
        if len(claims) > 1:
            who = ", ".join(label for label, _ in claims)
            problems.append(
                ConfigProblem(claims[-1][1], f"KafkaUser '{user}' in namespace '{namespace}' would be both {who}; "
                              "rename one")
            )  # fmt: skip
    return problems


__all__ = [
    "Addons",
    "ResolvedBridge",
    "ResolvedMirror",
    "addon_problems",
    "bridge_cluster",
    "rebalance_cluster",
    "resolve_addons",
]
