"""Reading YAML the project is given (stack files, catalog files, manifests to check) strictly.

Every input goes through :func:`load_yaml`: a key written twice is an error (YAML would keep the
last one silently), as are YAML types no input of ours uses (dates, ``!!binary``, ``!!set``, ...),
a file that is not UTF-8, and input beyond fixed bounds (file size, nesting depth, and the number
of values once aliases are expanded, which stops alias bombs). Problems come back as one
:class:`YamlInputError` naming the file and, where YAML knows it, the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 1_000_000
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_PLAIN_SCALARS: dict[str, Any] = {
    "tag:yaml.org,2002:int": yaml.constructor.SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": yaml.constructor.SafeConstructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": yaml.constructor.SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": yaml.constructor.SafeConstructor.construct_yaml_null,
}
_UNSUPPORTED_TAGS = (
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:set",
    "tag:yaml.org,2002:omap",
    "tag:yaml.org,2002:pairs",
)


class YamlInputError(ValueError):
    """An input file that cannot be read as the project's YAML (the message names file and fix)."""


class _NotPlainError(Exception):
    """A document the direct construction leaves to PyYAML's constructor (and its exact errors)."""


def _construct_plainly(loader: Any, root: yaml.Node) -> Any:
    """The document's value built straight from its nodes, for documents of plain maps (string keys,
    each once), lists and the core scalar types: what PyYAML's constructor builds, in a third of its
    time (no generators, no per-node bookkeeping). Anything else (merge keys, other key types, a key
    twice, other tags, a value that does not fit its tag, a node that contains itself) raises
    :class:`_NotPlainError`. Aliases share one value, as with PyYAML."""
    built: dict[int, Any] = {}
    scalar_node, mapping_node, sequence_node = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode

    def value(node: yaml.Node) -> Any:
        kind = type(node)
        if kind is scalar_node:
            if node.tag == _STR:
                return node.value
            construct = _PLAIN_SCALARS.get(node.tag)
            if construct is None:
                raise _NotPlainError
            try:
                return construct(loader, node)
            except (ValueError, TypeError, LookupError):
                raise _NotPlainError from None
        identity = id(node)
        if identity in built:
            result = built[identity]
            if result is None:  # still being built: the node contains itself
                raise _NotPlainError
            return result
        built[identity] = None
        if kind is mapping_node and node.tag == _MAP:
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if type(key_node) is not scalar_node or key_node.tag != _STR or key_node.value in mapping:
                    raise _NotPlainError
                mapping[key_node.value] = value(value_node)
            result = mapping
        elif kind is sequence_node and node.tag == _SEQ:
            result = [value(item) for item in node.value]
        else:
            raise _NotPlainError
        built[identity] = result
        return result

    return value(root)


class StrictLoader(_BASE_LOADER):  # type: ignore[misc]
    """A safe loader that refuses duplicate keys and YAML types the project's inputs never use."""

    def construct_document(self, node: yaml.Node) -> Any:
        """The document's value: built directly when it is plain data (nearly always), else by
        PyYAML's constructor with the checks below."""
        try:
            return _construct_plainly(self, node)
        except _NotPlainError:
            return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """The node's value; a ConstructorError at the node when an explicit tag does not fit it
        (``!!float abc``, ``!!int 1.5``, ``!!bool maybe``): PyYAML raises a bare ValueError or KeyError there."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, LookupError) as exc:
            value = f"'{node.value}' " if isinstance(node, yaml.ScalarNode) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"{value}is not a valid YAML {node.tag.rsplit(':', 1)[-1]} ({exc})", node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping whose keys are unique (else a ConstructorError at the second one)."""
        keys = [key.value for key, _ in node.value if type(key) is yaml.ScalarNode and key.tag == _STR]
        if len(keys) == len(node.value) and len(set(keys)) == len(keys):
            # Only plain string keys, all different (most maps): nothing to construct twice.
            plain: dict[Any, Any] = super().construct_mapping(node, deep=deep)
            return plain
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a map key must be a plain value", key_node.start_mark
                ) from None
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    f"'{key}' is first set on line {first.start_mark.line + 1}",
                    first.start_mark,
                    f"and set again here: remove one of the two '{key}' keys",
                    key_node.start_mark,
                )
            seen[key] = key_node
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _unsupported(loader: StrictLoader, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"YAML type {node.tag.rsplit(':', 1)[-1]} is not used by this input; quote the value to make it a string",
        node.start_mark,
    )


for _tag in _UNSUPPORTED_TAGS:
    StrictLoader.add_constructor(_tag, _unsupported)


def read_text(path: Path, label: str | None = None) -> str:
    """The file's text: UTF-8, at most ``MAX_BYTES``; a :class:`YamlInputError` otherwise."""
    name = label or str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise YamlInputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise YamlInputError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MiB; split it")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlInputError(f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def load_yaml(path: Path, label: str | None = None, *, all_documents: bool = False) -> Any:
    """Parse a file (one document, or every document with ``all_documents``) strictly and within bounds."""
    if all_documents:
        return [document for _, document in load_yaml_documents(path, label)]
    name = label or str(path)
    text = read_text(path, name)
    try:
        result = yaml.load(text, Loader=StrictLoader)
    except yaml.YAMLError as exc:
        raise YamlInputError(f"{name}: not valid YAML: {_one_line(exc)}") from None
    except RecursionError:
        raise YamlInputError(f"{name}: nested deeper than Python can read; flatten it") from None
    _check_bounds(result, name)
    return result


def load_yaml_documents(path: Path, label: str | None = None) -> list[tuple[int, Any]]:
    """Every document of a file, strictly and within bounds, each with the line (1-based) where its
    content starts (``apiVersion:`` of a manifest, not the ``---`` before it)."""
    name = label or str(path)
    text = read_text(path, name)
    documents: list[tuple[int, Any]] = []
    try:
        loader = StrictLoader(text)
        try:
            while loader.check_node():
                node = loader.get_node()
                documents.append((node.start_mark.line + 1, loader.construct_document(node)))
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise YamlInputError(f"{name}: not valid YAML: {_one_line(exc)}") from None
    except RecursionError:
        raise YamlInputError(f"{name}: nested deeper than Python can read; flatten it") from None
    _check_bounds([document for _, document in documents], name)
    return documents


def _check_bounds(document: Any, name: str) -> None:
    """Walk the expanded document once: at most ``MAX_DEPTH`` deep and ``MAX_VALUES`` values."""
    budget = MAX_VALUES
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise YamlInputError(
                f"{name}: expands to more than {MAX_VALUES:,} values (YAML aliases repeat what they point at); "
                "write the values out or split the file"
            )
        if depth > MAX_DEPTH:
            raise YamlInputError(f"{name}: nested more than {MAX_DEPTH} levels deep; flatten it")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _one_line(exc: yaml.YAMLError) -> str:
    """``line L, column C: problem`` from a YAML error (first-line context kept when it helps)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return " ".join(f"{where}{context + ' ' if context else ''}{problem}".split())
