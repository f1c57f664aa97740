"""What policy rules see and say: a neutral resource view, and findings.

One view serves the three callers of the rules: ``pulumi preview --policy-pack`` (pulumi-policy's
read-only proxies), ``messaging-platform plan`` (recorded registrations) and ``check`` (YAML files).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

Level = Literal["advisory", "mandatory", "disabled"]
LEVELS: tuple[Level, ...] = ("advisory", "mandatory", "disabled")


class _Unknown:
    """A value Pulumi cannot know during preview; rules never judge it."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
# How unknown values look in recorded plans and on the wire (pulumi-policy's sentinels).
_UNKNOWN_MARKERS = frozenset(
    {
        "[unknown]",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)


def known(value: Any) -> bool:
    """Whether a value can be judged (not an unknown preview value)."""
    return value is not UNKNOWN


@dataclass(frozen=True)
class ResourceView:
    """A resource as rules see it: its type token, names and plain-data properties."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any] = field(repr=False)
    origin: str = field(default="", compare=False)
    """Where the resource is declared, as findings name it (``file.yaml:12``); empty when unknown."""
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Facts derived from ``props`` once and shared by the rules that read them (see ``facts``)."""

    @property
    def kind(self) -> str:
        """The Kubernetes kind for ``kubernetes:<group>/<version>:<Kind>`` types, else the type's last part."""
        return self.type.rsplit(":", 1)[-1]

    @cached_property
    def metadata(self) -> Mapping[str, Any]:
        """``metadata`` of a Kubernetes object (empty otherwise)."""
        value = self.props.get("metadata")
        return value if isinstance(value, Mapping) else {}

    @cached_property
    def spec(self) -> Mapping[str, Any]:
        """``spec`` of a Kubernetes object (empty otherwise)."""
        value = self.props.get("spec")
        return value if isinstance(value, Mapping) else {}

    @cached_property
    def labels(self) -> Mapping[str, Any]:
        """``metadata.labels`` (empty when unset)."""
        value = self.metadata.get("labels")
        return value if isinstance(value, Mapping) else {}

    @property
    def display(self) -> str:
        """How findings name the resource: ``Kind namespace/name`` or ``type name``."""
        if self.type.startswith("kubernetes:") and self.metadata:
            namespace = self.metadata.get("namespace")
            name = self.metadata.get("name", self.name)
            return f"{self.kind} {namespace}/{name}" if namespace else f"{self.kind} {name}"
        return f"{self.type} {self.name}"


@dataclass(frozen=True, order=True)
class Finding:
    """One rule violated by one resource (or by the stack as a whole, with no resource)."""

    rule: str
    level: Level
    resource: str
    message: str
    urn: str = ""
    source: str = ""
    """Where what the finding judges comes from: a file and line (``check``), a stack config key or
    catalog entry (``plan``); empty when unknown."""

    def __str__(self) -> str:
        where = f" (at {self.source})" if self.source else ""
        return f"{self.level:<9} {self.rule:<30} {self.resource}: {self.message}{where}"


def plain(value: Any) -> Any:
    """Plain dicts, lists and scalars from any Mapping/Sequence (pulumi-policy proxies included).

    Values unknown during preview become :data:`UNKNOWN`; integral floats (protobuf numbers)
    become ints.
    """
    kind = type(value)
    # Plain data (YAML, JSON, recorded inputs) first: no proxy that can raise.
    if kind is str:
        return UNKNOWN if value in _UNKNOWN_MARKERS else value
    if kind is dict:
        return {key: plain(item) for key, item in value.items()}
    if kind is list:
        return [plain(item) for item in value]
    if kind is int or kind is bool or value is None:
        return value
    if isinstance(value, str):
        return UNKNOWN if value in _UNKNOWN_MARKERS else value
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    from pulumi_policy.proxy import UnknownValueError

    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key in list(value.keys()):
            try:
                result[key] = plain(value[key])
            except UnknownValueError:
                result[key] = UNKNOWN
        return result
    if isinstance(value, Sequence):
        items: list[Any] = []
        for index in range(len(value)):
            try:
                items.append(plain(value[index]))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return value


def view_of_object(obj: Mapping[str, Any], source: str = "", line: int | None = None) -> ResourceView:
    """A Kubernetes object (from YAML) as a resource view; ``source`` names its file, ``line`` where in it
    the object starts (findings then say ``(at <source>:<line>)``)."""
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
    assert isinstance(metadata, Mapping)
    name = str(metadata.get("name", "?"))
    namespace = metadata.get("namespace")
    kind = obj.get("kind", "?")
    urn = f"{source}#{kind}/{namespace + '/' if namespace else ''}{name}" if source else f"{kind}/{name}"
    origin = f"{source}:{line}" if source and line is not None else source
    return ResourceView(f"kubernetes:{obj.get('apiVersion')}:{kind}", name, urn, plain(obj), origin)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Mandatory first, then by rule and resource, without duplicates."""
    order = {"mandatory": 0, "advisory": 1, "disabled": 2}
    return sorted(set(findings), key=lambda f: (order[f.level], f.rule, f.resource, f.message))
