"""The strict loader builds plain documents directly (``_construct_plainly``), not through PyYAML's
constructor: the values must be exactly what PyYAML's constructor builds, and every document the
direct path leaves alone (merge keys, tags, a key twice, a node inside itself) must still get
PyYAML's value or the strict loader's error."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from messaging_platform.config.yaml_input import StrictLoader


class PyYamlConstructed(StrictLoader):
    """The strict loader with PyYAML's constructor only (the reference)."""

    def construct_document(self, node: yaml.Node) -> Any:
        return yaml.constructor.BaseConstructor.construct_document(self, node)


def outcome(text: str, loader: type[StrictLoader]) -> tuple[str, Any]:
    """What loading ``text`` gives: ``("value", documents)`` or ``("error", message)``."""
    try:
        return "value", list(yaml.load_all(text, Loader=loader))
    except (yaml.YAMLError, RecursionError) as exc:
        return "error", str(exc)


def same(a: Any, b: Any, seen: set[tuple[int, int]] | None = None) -> bool:
    """Equal values of equal types (1 is not True, 1.0 is not 1; NaN equals NaN); a value that
    contains itself (a YAML node inside itself) is compared once."""
    seen = set() if seen is None else seen
    if type(a) is not type(b):
        return False
    if isinstance(a, dict | list):
        if (id(a), id(b)) in seen:
            return True
        seen.add((id(a), id(b)))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key], seen) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y, seen) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


SCALARS = ("plain", "'quoted'", "yes", "No", "on", "~", "null", "", "0", "-0", "0x1F", "0o17", "017", "1_000",
           "+12", "1:30", "1.5", "-.inf", ".NaN", "1e3", "6.8523015e+5", "190:20:30.15", "true", "'true'",
           "!!str 12", "!!int '7'", "!!float 1", "!!int 1.5", "!!bool maybe", "!!null ''", "2001-12-14",
           "!!binary aGk=", "!custom x", '"\\u00e9"', "|\n    block\n", ">-\n    folded\n")  # fmt: skip
KEYS = ("a", "b", "'a'", "1", "true", "null", "<<", "? [x]", "!!str k", "'<<'")


def mapping_lines(draw: Any, indent: int, depth: int) -> str:
    lines = []
    for key in draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=4)):
        if depth < 3 and draw(st.booleans()):
            anchor = draw(st.sampled_from(("", "&x ", "&y ")))
            lines.append(f"{' ' * indent}{key}: {anchor.strip()}\n{mapping_lines(draw, indent + 2, depth + 1)}")
        else:
            value = draw(st.sampled_from((*SCALARS, "*x", "*y", "[1, *x, {c: d}]", "{}", "[]", "{<<: *x}")))
            lines.append(f"{' ' * indent}{key}: {value}\n")
    return "".join(lines)


@st.composite
def documents(draw: Any) -> str:
    """YAML text with the features both paths must agree on: core scalars, anchors and aliases,
    merge keys, odd keys, explicit tags and keys written twice."""
    parts = [mapping_lines(draw, 0, 0) for _ in range(draw(st.integers(1, 3)))]
    return "---\n".join(parts)


@settings(max_examples=400, derandomize=True, database=None, deadline=None)
@given(documents())
def test_the_direct_construction_gives_pyyamls_values_and_errors(text: str) -> None:
    kind, direct = outcome(text, StrictLoader)
    reference_kind, reference = outcome(text, PyYamlConstructed)
    assert kind == reference_kind, text
    assert same(direct, reference) if kind == "value" else direct == reference, text


@pytest.mark.parametrize(
    "text",
    [
        "a: &x {b: 1}\nc: *x\n",  # an alias: one value, shared
        "a: &x [1, 2]\nc: [*x, *x]\n",
        "base: &b {x: 1}\nderived: {<<: *b, y: 2}\n",  # a merge key: PyYAML's constructor
        "a: &a [*a]\n",  # a node inside itself
        "a: 1\na: 2\n",  # a key twice: the strict loader's error
        "a: !!int 1.5\n",  # a value that does not fit its tag: the strict loader's error
    ],
)
def test_what_the_direct_path_leaves_alone_is_loaded_as_before(text: str) -> None:
    kind, direct = outcome(text, StrictLoader)
    reference_kind, reference = outcome(text, PyYamlConstructed)
    assert (kind, kind == "error" or same(direct, reference)) == (reference_kind, True)


def test_an_alias_is_one_shared_value_as_with_pyyaml() -> None:
    document = yaml.load("a: &x {b: [1]}\nc: *x\n", Loader=StrictLoader)
    assert document["a"] is document["c"]
