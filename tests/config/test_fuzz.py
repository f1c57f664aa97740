"""Property-based fuzzing of the committed stack and catalog files: nothing crashes, nothing unexplained.

Each example mutates one committed file (at YAML-text level or at data level) in a copy of the
project, then loads the stack (most examples) or runs ``messaging-platform plan`` in process (fewer,
since a plan costs about a second). Whatever the input, the outcome is a plan, findings (exit 1) or
a config error (exit 2) that names a key path or a file; never an exception, never exit 3.
Seeds are fixed (``derandomize``), so a failure here reproduces on every run.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from messaging_platform.config import ConfigError
from messaging_platform_tools.cli import main
from messaging_platform_tools.stack_files import load_stack_file
from tests.conftest import CRD_DIR, PROJECT_DIR

STACK_FILES = ("Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.external.yaml")
CATALOG_FILES = tuple(f"catalog/{p.name}" for p in sorted((PROJECT_DIR / "catalog").glob("*.yaml")))
# What a config error must point at: a config key, a file, or a place in one.
LOCATED = re.compile(r"messaging-platform:|catalog/|Pulumi\.|line \d+|column \d+|\.yaml")
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TAGS = ("!!binary aGVsbG8=", "!!set {a, b}", "!!timestamp 2001-12-14t21:59:43.10-05:00", "!!python/tuple [1]",
        "!!omap [a: 1]", "!!float .nan", "!!int 0x1f", "!!str", "!!null ''", "!custom x", "!!map {? a}")  # fmt: skip
ODD_VALUES: tuple[Any, ...] = (None, True, False, 0, -1, 2**70, 1.5, float("inf"), "", "x" * 300, "é\u202e",
                               [], [None], {}, {"a": {"b": []}}, "[secret]", {"secure": "v1:x"})  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project (program, stack files, catalog) each example mutates one file of."""
    target = tmp_path_factory.mktemp("fuzz") / "project"
    target.mkdir()
    for name in ("Pulumi.yaml", "__main__.py", *STACK_FILES):
        shutil.copy(PROJECT_DIR / name, target / name)
    shutil.copytree(PROJECT_DIR / "catalog", target / "catalog")
    return target


# --- mutations ------------------------------------------------------------------------------------


def _lines(draw: st.DrawFn, text: bytes) -> tuple[list[bytes], int]:
    lines = text.splitlines(keepends=True) or [b""]
    return lines, draw(st.integers(0, len(lines) - 1))


@st.composite
def text_mutation(draw: st.DrawFn, text: bytes) -> bytes:
    """``text`` with one YAML-text-level mutation."""
    kind = draw(st.sampled_from(("flip", "truncate", "duplicate", "indent", "tag", "alias", "nest", "bytes", "delete")))
    lines, at = _lines(draw, text)
    line = lines[at]
    if kind == "flip":
        position = draw(st.integers(0, max(len(text) - 1, 0)))
        return text[:position] + bytes([text[position] ^ (1 << draw(st.integers(0, 7)))]) + text[position + 1 :]
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if kind == "duplicate":
        lines.insert(at, line)
    elif kind == "indent":
        change = draw(st.sampled_from((b" ", b"  ", b"\t", b"    ")))
        lines[at] = change + line if draw(st.booleans()) else line.removeprefix(b"  ")
    elif kind == "tag":
        tag = draw(st.sampled_from(TAGS)).encode()
        head, colon, _ = line.rstrip(b"\n").partition(b": ")
        lines[at] = head + colon + tag + b"\n" if colon else line.rstrip(b"\n") + b" " + tag + b"\n"
    elif kind == "alias":
        head, colon, value = line.rstrip(b"\n").partition(b": ")
        if draw(st.booleans()) and colon:
            lines[at] = head + b": &anchor " + value + b"\n"
            later = draw(st.integers(at, len(lines) - 1))
            key, colon2, _ = lines[later].rstrip(b"\n").partition(b": ")
            lines[later] = key + b": *anchor\n" if colon2 else lines[later]
        else:
            lines[at] = (
                head + b": " + draw(st.sampled_from((b"*nowhere", b"<<: *x", b"&a [*a]", b"{<<: {a: 1}}"))) + b"\n"
            )
    elif kind == "nest":
        depth = draw(st.integers(1, 400))
        head, colon, _ = line.rstrip(b"\n").partition(b": ")
        nested = draw(st.sampled_from((b"[" * depth + b"]" * depth, b"{a: " * depth + b"1" + b"}" * depth)))
        lines[at] = (head + b": " if colon else b"deep: ") + nested + b"\n"
    elif kind == "bytes":
        junk = draw(st.sampled_from((b"\xff\xfe", b"\xc3\x28", b"\x00", b"\xed\xa0\x80", b"\x1b[31m", b"\xef\xbb\xbf")))
        position = draw(st.integers(0, len(line)))
        lines[at] = line[:position] + junk + line[position:]
    else:
        del lines[at]
    return b"".join(lines)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def data_mutation(draw: st.DrawFn, text: bytes) -> bytes:
    """``text`` parsed, one node replaced by a value of another type, deleted or renamed, dumped again."""
    document = yaml.safe_load(text)
    paths = [p for p in _paths(document) if p]
    path = draw(st.sampled_from(paths))
    parent, last = _parent(document, path), path[-1]
    kind = draw(st.sampled_from(("replace", "delete", "rename")))
    if kind == "replace":
        others = [v for v in ODD_VALUES if type(v) is not type(parent[last])]
        parent[last] = draw(st.sampled_from(others))
    elif kind == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        new = draw(st.sampled_from((f"{last}s", str(last).upper(), f"{last}:", "", "messaging-platfrom:x", 7, None)))
        parent[new] = parent.pop(last)
    else:
        parent.insert(0, parent.pop(last))
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode()


@st.composite
def mutated_project_file(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """``(stack, file, new content)``: a stack file, or a catalog file with a stack that reads it."""
    file = draw(st.sampled_from(STACK_FILES + CATALOG_FILES))
    stack = file[len("Pulumi.") : -len(".yaml")] if file in STACK_FILES else draw(st.sampled_from(("dev", "prod")))
    original = (PROJECT_DIR / file).read_bytes()
    mutate: Callable[[bytes], st.SearchStrategy[bytes]] = draw(st.sampled_from((text_mutation, data_mutation)))
    return stack, file, draw(mutate(original))


def _written(template: Path, file: str, content: bytes) -> Iterator[Path]:
    target = template / file
    target.write_bytes(content)
    try:
        yield target
    finally:
        shutil.copy(PROJECT_DIR / file, target)


# --- properties -----------------------------------------------------------------------------------


@settings(FUZZ, max_examples=1000)
@given(case=mutated_project_file())
def test_loading_a_mutated_stack_either_works_or_names_what_is_wrong(
    template: Path, case: tuple[str, str, bytes]
) -> None:
    stack, file, content = case
    for _ in _written(template, file, content):
        try:
            load_stack_file(template / f"Pulumi.{stack}.yaml")
        except (ConfigError, FileNotFoundError) as exc:
            event(type(exc).__name__)
            assert LOCATED.search(str(exc)), str(exc)
        else:
            event("loaded")


@settings(FUZZ, max_examples=150)
@given(case=mutated_project_file())
def test_planning_a_mutated_stack_exits_0_1_or_2_without_a_traceback(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: tuple[str, str, bytes]
) -> None:
    stack, file, content = case
    out = tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    for _ in _written(template, file, content):
        code = main(["plan", "-s", stack, "-q", "--project-dir", str(template), "--out", str(out),
                     "--crds", str(CRD_DIR)])  # fmt: skip
    captured = capsys.readouterr()
    output = captured.out + captured.err
    event(f"exit {code}")
    assert code in {0, 1, 2}, output
    assert "Traceback" not in output
    if code == 2:
        assert LOCATED.search(captured.err), captured.err
