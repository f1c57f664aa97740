"""One problem per root cause, reported at the key the user wrote.

A stack's values are merged over its environment's preset before validation (:mod:`.presets`), so
a value the user changes can break values the user never wrote: one broker in prod breaks the
preset's replication factors, its Cruise Control and the catalog's default replicas; removing the
preset's SCRAM listener breaks every catalog service that authenticates with SCRAM by default.
Validation reports each broken value where it sits. :func:`explain_problems` folds the problems
about values the user did not write into one problem at the key the user did write, saying what
the preset needs and how to fix it. Problems about keys the user wrote are kept as they are; a
preset value with no known cause says where it comes from and how to override it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .catalog import Catalog
from .cluster import REPLICATION_OPTIONS
from .errors import MISSING, ConfigProblem, join_path
from .presets import ENVIRONMENTS, Environment, catalog_preset, cluster_preset, merge, operator_preset

Steps = tuple[str | int, ...]
Render = Callable[[list[tuple[str, Any]], Steps], str]
"""A root cause's message from what it breaks (labels and needs) and its key."""
_ABSENT = object()
_STEP = re.compile(r'\.?(?P<key>[A-Za-z_][A-Za-z0-9_-]*)|\["(?P<quoted>.*?)"\](?=[.\[]|$)|\[(?P<index>[0-9]+)\]')
# The broker count Cruise Control needs (ClusterConfig._cruise_control_problems).
CRUISE_CONTROL_BROKERS = 2


def split_path(path: str, head: str) -> Steps | None:
    """The steps of a key path written by :func:`~.errors.join_path` after ``head``; None if it is not one.

    ``split_path('p:clusters.events.config["min.insync.replicas"]', "p:")`` ->
    ``("clusters", "events", "config", "min.insync.replicas")``.
    """
    if not path.startswith(head):
        return None
    rest, position = path[len(head) :], 0
    steps: list[str | int] = []
    while position < len(rest):
        match = _STEP.match(rest, position)
        if match is None or match.end() == position:
            return None
        if match["index"] is not None:
            steps.append(int(match["index"]))
        else:
            steps.append(match["key"] if match["key"] is not None else match["quoted"])
        position = match.end()
    return tuple(steps) if steps else None


def lookup(tree: Any, steps: Iterable[str | int]) -> Any:
    """The value at ``steps`` in nested maps and lists, or ``_ABSENT``."""
    current = tree
    for step in steps:
        in_map = isinstance(current, Mapping) and not isinstance(step, int) and step in current
        in_list = isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current)
        if not (in_map or in_list):
            return _ABSENT
        current = current[step]
    return current


@dataclass(frozen=True)
class _Cause:
    """A problem traced to the key the user wrote: its group, the root key, and what it adds."""

    group: tuple[Any, ...]
    root: Steps
    item: tuple[str, Any]
    """(a preset key or catalog name the root breaks, what it needs)."""
    path: str | None = None
    """The root's path when it is not a stack config key (a catalog file's key), with ``received``."""
    received: Any = MISSING


@dataclass
class _Group:
    root: Steps
    render: Render
    items: list[tuple[str, Any]] = field(default_factory=list)
    path: str | None = None
    received: Any = MISSING


@dataclass(frozen=True)
class _Stack:
    """What the user wrote, what their environment's preset adds, and the catalog when loaded."""

    values: Mapping[str, Any]
    environment: Environment
    prefix: str
    catalog: Catalog | None

    def written(self, steps: Steps) -> bool:
        """The user wrote this key, or removed a map above it (``null``)."""
        current: Any = self.values
        for step in steps:
            if not isinstance(current, Mapping) or step not in current:
                return False
            current = current[step]
            if current is None:
                return True
        return True

    def user_value(self, steps: Steps) -> Any:
        value = lookup(self.values, steps)
        return MISSING if value is _ABSENT else value

    def preset_value(self, steps: Steps) -> Any:
        """The preset's value at a key the user did not write (``_ABSENT`` otherwise)."""
        if self.written(steps) or len(steps) < 2:
            return _ABSENT
        presets = {"operator": operator_preset, "catalog": catalog_preset}
        if steps[0] == "clusters" and len(steps) > 2:
            declared = self.cluster(str(steps[1]))
            if declared is not None and not isinstance(declared, Mapping):
                return _ABSENT
            preset, user, rest = cluster_preset(self.environment), self.cluster(str(steps[1])), steps[2:]
        elif steps[0] in presets:
            preset, user, rest = presets[str(steps[0])](self.environment), self.values.get(steps[0]), steps[1:]
        else:
            return _ABSENT
        # A block of another ``type`` replaces the preset's whole block (presets.merge).
        for depth in range(len(rest)):
            ours, theirs = lookup(user, rest[:depth]), lookup(preset, rest[:depth])
            if (
                isinstance(ours, Mapping)
                and isinstance(theirs, Mapping)
                and ours.get("type", theirs.get("type")) != theirs.get("type")
            ):
                return _ABSENT
        return lookup(preset, rest)

    def cluster(self, name: str) -> Any:
        clusters = self.values.get("clusters")
        return clusters.get(name) if isinstance(clusters, Mapping) else None

    def merged_cluster(self, name: str) -> Mapping[str, Any]:
        user = self.cluster(name)
        return merge(cluster_preset(self.environment), user if isinstance(user, Mapping) else {})

    def catalog_cluster(self) -> tuple[str, str] | None:
        """("clusters" or "externalClusters", name) of the catalog's cluster, when the config says."""
        catalog = self.values.get("catalog")
        chosen = catalog.get("cluster") if isinstance(catalog, Mapping) else None
        names = [
            (section, name)
            for section in ("clusters", "externalClusters")
            if isinstance(self.values.get(section), Mapping)
            for name in self.values[section]
        ]
        if chosen is None:
            return names[0] if len(names) == 1 else None
        return next((entry for entry in names if entry[1] == chosen), None)


def preset_provides(values: Mapping[str, Any], environment: Any, steps: Steps) -> bool:
    """Whether the value at a stack config key (``steps`` without the namespace) is the environment
    preset's: the stack's own ``values`` do not set it and the preset does."""
    if environment not in ENVIRONMENTS or not isinstance(values, Mapping):
        return False
    return _Stack(values, environment, "", None).preset_value(steps) is not _ABSENT


def explain_problems(
    problems: Sequence[ConfigProblem],
    values: Mapping[str, Any],
    environment: Any,
    prefix: str,
    catalog: Catalog | None = None,
) -> list[ConfigProblem]:
    """``problems`` with those that follow from one key the user wrote folded into one problem there.

    ``values`` are the stack's own values (keys without ``prefix``), before the ``environment``'s
    preset is merged under them; ``catalog`` is given for the problems of the resolved catalog.
    """
    if environment not in ENVIRONMENTS or not isinstance(values, Mapping):
        return list(problems)
    stack = _Stack(values, environment, prefix, catalog)
    groups: dict[tuple[Any, ...], _Group] = {}
    result: list[ConfigProblem | _Group] = []
    for problem in problems:
        found = _cause(stack, problem)
        if found is None:
            result.append(_noted(stack, problem))
            continue
        cause, render = found
        if cause.group not in groups:
            groups[cause.group] = _Group(cause.root, render, path=cause.path, received=cause.received)
            result.append(groups[cause.group])
        if cause.item not in groups[cause.group].items:
            groups[cause.group].items.append(cause.item)
    for key, group in groups.items():
        if key[0] == "brokers":
            group.items += _catalog_replicas_needs(stack, key[1:], group.items)
    return _merge_same_key(stack, result)


def _merge_same_key(stack: _Stack, result: list[ConfigProblem | _Group]) -> list[ConfigProblem]:
    """Render the groups; a group whose key already has a problem adds its explanation to it."""
    problems: list[ConfigProblem] = []
    at: dict[str, int] = {}
    for entry in result:
        if isinstance(entry, ConfigProblem):
            at.setdefault(entry.path, len(problems))
            problems.append(entry)
    for entry in result:
        if isinstance(entry, _Group):
            path, message = entry.path or join_path(stack.prefix, entry.root), entry.render(entry.items, entry.root)
            if path in at:
                problems[at[path]] = replace(problems[at[path]], message=f"{problems[at[path]].message}; {message}")
            else:
                at[path] = len(problems)
                received = entry.received if entry.path else stack.user_value(entry.root)
                problems.append(ConfigProblem(path, message, received))
    return problems


def _noted(stack: _Stack, problem: ConfigProblem) -> ConfigProblem:
    """A problem at a preset value whose cause is not known: say where the value comes from."""
    steps = split_path(problem.path, stack.prefix)
    if steps is None or stack.preset_value(steps) is _ABSENT:
        return problem
    key = join_path("", steps)
    return replace(
        problem,
        message=f"{problem.message}; the {stack.environment} preset sets this value, not this stack: override "
        f"{key} or change the value of yours it conflicts with",
    )


def _cause(stack: _Stack, problem: ConfigProblem) -> tuple[_Cause, Render] | None:
    steps = split_path(problem.path, stack.prefix)
    if steps is not None:
        for explain in (_broker_count, _insync_over_replication, _heap, _initial_heap, _catalog_insync, _topic_insync,
                        _catalog_cluster):  # fmt: skip
            found = explain(stack, steps, problem)
            if found is not None:
                return found
        return None
    if stack.catalog is not None and ": " in problem.path:
        file, _, rest = problem.path.partition(": ")
        service_steps = split_path(rest, "")
        if service_steps is not None:
            return _service_authentication(stack, file, service_steps, problem)
    return None


Explained = tuple[_Cause, Render] | None


def _broker_count(stack: _Stack, steps: Steps, problem: ConfigProblem) -> Explained:
    """A preset value that needs more brokers than the cluster the user configured has."""
    value = stack.preset_value(steps)
    if value is _ABSENT:
        return None
    if len(steps) == 4 and steps[0] == "clusters" and steps[2] == "config" and steps[3] in REPLICATION_OPTIONS:
        cluster, item = str(steps[1]), (f"{join_path('', steps[2:])} {value}", value)
    elif steps[0] == "clusters" and steps[2:] == ("cruiseControl", "enabled") and value is True:
        cluster, item = (
            str(steps[1]),
            (f"cruiseControl.enabled (needs {CRUISE_CONTROL_BROKERS})", CRUISE_CONTROL_BROKERS),
        )
    elif steps == ("catalog", "defaults", "replicas") and isinstance(value, int):
        target = stack.catalog_cluster()
        if target is None:
            return None
        if target[0] == "externalClusters":
            root: Steps = ("externalClusters", target[1], "brokers")
            cause = _Cause(("brokers", *target), root, (f"catalog.defaults.replicas {value}", value))
            return cause, _brokers_message(stack, target, stack.user_value(root))
        cluster, item = target[1], (f"catalog.defaults.replicas {value}", value)
    else:
        return None
    count, root = _broker_root(stack, cluster)
    return _Cause(("brokers", "clusters", cluster), root, item), _brokers_message(stack, ("clusters", cluster), count)


def _broker_root(stack: _Stack, cluster: str) -> tuple[int, Steps]:
    """The cluster's broker count, and the key the user wrote that set it: the one broker pool whose
    replicas they wrote, else the one preset broker pool they removed or took the role from, else
    ``nodePools`` (also when there is no broker at all, where the role check already reports)."""
    pools = stack.merged_cluster(cluster).get("nodePools")
    pools = pools if isinstance(pools, Mapping) else {}
    count, sized, dropped = 0, [], []
    for name, pool in pools.items():
        roles = pool.get("roles") if isinstance(pool, Mapping) else None
        if isinstance(roles, list) and "broker" in roles:
            replicas = pool.get("replicas")
            count += replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else 0
            if stack.written(("clusters", cluster, "nodePools", name, "replicas")):
                sized.append(("clusters", cluster, "nodePools", name, "replicas"))
    for name, pool in cluster_preset(stack.environment)["nodePools"].items():
        now = pools.get(name)
        if "broker" in pool["roles"] and not (isinstance(now, Mapping) and "broker" in (now.get("roles") or ())):
            removed = stack.user_value(("clusters", cluster, "nodePools", name)) is None
            dropped.append(("clusters", cluster, "nodePools", name, *(() if removed else ("roles",))))
    for candidates in (sized, dropped):
        if count > 0 and len(candidates) == 1:
            return count, candidates[0]
    return count, ("clusters", cluster, "nodePools")


def _brokers_message(stack: _Stack, target: tuple[str, str], count: Any) -> Render:
    def render(items: list[tuple[str, Any]], root: Steps) -> str:
        needed = max(need for _, need in items)
        needs = ", ".join(label for label, _ in items)
        brokers = f"{count} broker{'s' if count != 1 else ''}"
        if target[0] == "externalClusters":
            return (
                f"external cluster '{target[1]}' has {brokers}, fewer than the {stack.environment} preset needs "
                f"({needed}): {needs}; set brokers to the cluster's real broker count, or set "
                f"catalog.defaults.replicas to at most {count}"
            )
        override = f"or override each of them in this stack to fit {brokers}"
        if not count:
            fix = f"add a node pool with the broker role and {needed} replicas"
        elif root[-1] == "replicas":
            fix = f"set replicas to {needed} or more, {override}"
        else:
            fix = f"give the broker pools {needed} replicas or more, {override}"
        preset = f"fewer than the {stack.environment} preset needs ({needed})"
        return f"cluster '{target[1]}' has {brokers}, {preset}: {needs}; {fix}"

    return render


def _catalog_replicas_needs(
    stack: _Stack, target: tuple[Any, ...], items: list[tuple[str, Any]]
) -> list[tuple[str, Any]]:
    """The catalog's preset replicas, when they too exceed the cluster's brokers (found before the catalog is)."""
    listed = any(label.startswith("catalog.") for label, _ in items)
    if listed or "catalog" not in stack.values or target[0] != "clusters" or stack.catalog_cluster() != target:
        return []
    replicas = stack.preset_value(("catalog", "defaults", "replicas"))
    count, _ = _broker_root(stack, str(target[1]))
    return (
        [(f"catalog.defaults.replicas {replicas}", replicas)] if isinstance(replicas, int) and replicas > count else []
    )


def _insync_over_replication(stack: _Stack, steps: Steps, problem: ConfigProblem) -> Explained:
    """The preset's ``min.insync.replicas`` above the ``default.replication.factor`` the user lowered."""
    value = stack.preset_value(steps)
    if value is _ABSENT or len(steps) != 4 or steps[0] != "clusters" or steps[2:] != ("config", "min.insync.replicas"):
        return None
    root = ("clusters", steps[1], "config", "default.replication.factor")
    if not stack.written(root):
        return None
    env = stack.environment

    def render(items: list[tuple[str, Any]], root: Steps) -> str:
        return (
            f"is below the {env} preset's min.insync.replicas ({value}): producers with acks=all could never write; "
            f'set it to {value} or more, or set config["min.insync.replicas"] too'
        )

    return _Cause(("insync", steps[1]), root, ("", value)), render


def _heap(stack: _Stack, steps: Steps, problem: ConfigProblem) -> Explained:
    """The preset's heap (``-Xmx``) no longer below the memory limit the user lowered."""
    value = stack.preset_value(steps)
    if value is _ABSENT or len(steps) != 6 or steps[0] != "clusters" or steps[4:] != ("jvmOptions", "-Xmx"):
        return None
    pool = steps[:4]
    root = next((r for r in ((*pool, "resources", "limits", "memory"), (*pool, "resources", "limits"),
                              (*pool, "resources")) if stack.written(r)), None)  # fmt: skip
    if root is None:
        return None
    env = stack.environment

    def render(items: list[tuple[str, Any]], root: Steps) -> str:
        return (
            f'leaves no room for the {env} preset\'s heap (jvmOptions["-Xmx"] {value}): the container would be '
            f'killed for running out of memory; set the memory limit above {value}, or set jvmOptions["-Xmx"] lower'
        )

    return _Cause(("heap", *pool), root, ("", value)), render


def _initial_heap(stack: _Stack, steps: Steps, problem: ConfigProblem) -> Explained:
    """The preset's initial heap (``-Xms``) above the ``-Xmx`` the user lowered."""
    value = stack.preset_value(steps)
    if value is _ABSENT or len(steps) != 6 or steps[0] != "clusters" or steps[4:] != ("jvmOptions", "-Xms"):
        return None
    root = (*steps[:5], "-Xmx")
    if not stack.written(root):
        return None
    env = stack.environment

    def render(items: list[tuple[str, Any]], root: Steps) -> str:
        return f'is below the {env} preset\'s initial heap (jvmOptions["-Xms"] {value}); set -Xms too, at most -Xmx'

    return _Cause(("xms", *steps[:4]), root, ("", value)), render


def _catalog_insync(stack: _Stack, steps: Steps, problem: ConfigProblem) -> Explained:
    """The preset's topic ``minInsyncReplicas`` not below the default replicas the user lowered."""
    value = stack.preset_value(steps)
    root = ("catalog", "defaults", "replicas")
    if value is _ABSENT or steps != ("catalog", "defaults", "minInsyncReplicas") or not stack.written(root):
        return None
    env = stack.environment

    def render(items: list[tuple[str, Any]], root: Steps) -> str:
        topics = len(items)
        return (
            f"leaves {topics} topic{'s' if topics != 1 else ''} without room for the {env} preset's "
            f"defaults.minInsyncReplicas ({value}): one broker down would stop every acks=all producer; set replicas "
            f"to {value + 1} or more, or set defaults.minInsyncReplicas below it"
        )

    return _Cause(("catalog-insync",), root, (problem.message, value)), render


_TOPIC_NAME = re.compile(r"^topic '([^']+)' ")


def _topic_insync(stack: _Stack, steps: Steps, problem: ConfigProblem) -> Explained:
    """The preset's topic ``minInsyncReplicas`` not below the replicas one topic sets (in its catalog
    file or the stack's override): reported at that topic's ``replicas``."""
    value = stack.preset_value(steps)
    named = _TOPIC_NAME.match(problem.message)
    if value is _ABSENT or steps != ("catalog", "defaults", "minInsyncReplicas") or named is None:
        return None
    if stack.catalog is None or not isinstance(value, int):
        return None
    key = next((k for k, (_, t) in stack.catalog.topics.items() if (t.topic_name or k) == named.group(1)), None)
    if key is None:
        return None
    file, topic = stack.catalog.topics[key]
    override: Steps = ("catalog", "topics", key, "replicas")
    if stack.written(override):
        path, received = join_path(stack.prefix, override), stack.user_value(override)
    elif topic.replicas is not None:
        path, received = join_path(f"{file}: ", ["topics", key, "replicas"]), topic.replicas
    else:
        return None
    env = stack.environment

    def render(items: list[tuple[str, Any]], root: Steps) -> str:
        return (
            f"is not above the {env} preset's catalog.defaults.minInsyncReplicas ({value}): one broker down would "
            f"stop every acks=all producer; set replicas to {value + 1} or more, or set this topic's "
            f"minInsyncReplicas below its replicas"
        )

    return _Cause(("topic-insync", path), override, ("", value), path, received), render


# Problems of the resolved catalog at ``catalog.cluster``, and the cluster key that turns off what they need.
_CATALOG_CLUSTER_CAUSES = (
    ("ACL authorizer", ("authorization",)),
    ("Topic Operator", ("entityOperator", "topicOperator", "enabled")),
    ("User Operator", ("entityOperator", "userOperator", "enabled")),
)


def _catalog_cluster(stack: _Stack, steps: Steps, problem: ConfigProblem) -> Explained:
    """A cluster setting the catalog needs, turned off in the cluster's config: reported there, not at
    ``catalog.cluster`` (which the stack may not even set)."""
    target = stack.catalog_cluster()
    if steps != ("catalog", "cluster") or target is None or target[0] != "clusters":
        return None
    for marker, key in _CATALOG_CLUSTER_CAUSES:
        root = ("clusters", target[1], *key)
        if marker in problem.message and stack.written(root):
            return _Cause(("catalog-cluster", *root), root, (problem.message, None)), _first_message
    return None


def _first_message(items: list[tuple[str, Any]], root: Steps) -> str:
    return str(items[0][0])


def _service_authentication(stack: _Stack, file: str, steps: Steps, problem: ConfigProblem) -> Explained:
    """Catalog services left without a listener for their default authentication by a listener change."""
    target = stack.catalog_cluster()
    catalog = stack.catalog
    if len(steps) != 3 or steps[0] != "services" or steps[2] != "authentication" or target is None or catalog is None:
        return None
    if target[0] != "clusters" or steps[1] not in catalog.services:
        return None
    declared_in, service = catalog.services[str(steps[1])]
    if declared_in != file or "authentication" in service.model_fields_set:
        return None  # the catalog file chose it: the problem is reported there
    mechanism = service.authentication
    cluster = target[1]
    preset_listeners = cluster_preset(stack.environment)["listeners"]
    roots: list[Steps] = []
    for name, listener in preset_listeners.items():
        if (listener.get("authentication") or {}).get("type") != mechanism:
            continue
        removed: Steps = ("clusters", cluster, "listeners", name)
        changed: Steps = (*removed, "authentication")
        if stack.written(removed) and stack.user_value(removed) is None:
            roots.append(removed)
        elif stack.written(changed):
            roots.append(changed)
    if not roots:
        return None
    root: Steps = roots[0] if len(roots) == 1 else ("clusters", cluster, "listeners")

    def render(items: list[tuple[str, Any]], root: Steps) -> str:
        names = ", ".join(name for name, _ in items)
        count = len(items)
        return (
            f"leaves cluster '{cluster}' no listener with {mechanism} authentication, which {count} catalog "
            f"service{'s' if count != 1 else ''} use{'' if count != 1 else 's'} by default ({names}); keep a "
            f"listener with {mechanism} authentication, or set another authentication on those services in the catalog"
        )

    return _Cause(("authentication", cluster, mechanism), root, (str(steps[1]), mechanism)), render
