"""The disk cache of the CRDs' served versions: used when it matches the files, never trusted beyond that."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from messaging_platform_tools.validation.crd_schema import CACHE_ENV, CrdSchemas
from tests.conftest import CRD_DIR

BAD_TOPIC: dict[str, Any] = {
    "apiVersion": "kafka.strimzi.io/v1",
    "kind": "KafkaTopic",
    "metadata": {"name": "orders", "namespace": "kafka", "labels": {"strimzi.io/cluster": "events"}},
    "spec": {"partitions": 0, "replicas": 3, "unknownField": True},
}


def load(directory: Path) -> CrdSchemas:
    """A load as a fresh process does it (no in-memory copy)."""
    CrdSchemas.load.cache_clear()
    return CrdSchemas.load(directory)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "crd-schemas"


@pytest.fixture
def crds(tmp_path: Path) -> Path:
    """A copy of the Strimzi CRDs that a test may change."""
    return Path(shutil.copytree(CRD_DIR, tmp_path / "crds"))


def test_a_cached_load_validates_exactly_as_a_parsed_one(cache: Path, crds: Path) -> None:
    parsed = load(crds)
    (entry,) = cache.iterdir()
    cached = load(crds)
    assert list(cache.iterdir()) == [entry]
    assert cached.kinds == parsed.kinds and cached.groups == parsed.groups
    assert cached.cel_rules == parsed.cel_rules
    assert cached.validate(BAD_TOPIC) == parsed.validate(BAD_TOPIC) != []


def test_a_changed_crd_is_not_served_from_the_cache(cache: Path, crds: Path) -> None:
    def partition_errors(schemas: CrdSchemas) -> list[str]:
        return [v.message for v in schemas.validate(BAD_TOPIC) if v.path == "spec.partitions"]

    assert partition_errors(load(crds)) == ["0 is less than the minimum of 1"]
    topic_crd = crds / "043-Crd-kafkatopic.yaml"
    topic_crd.write_text(topic_crd.read_text().replace("minimum: 1", "minimum: 0"))
    assert partition_errors(load(crds)) == []
    assert len(list(cache.iterdir())) == 2


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"groups": []}', b"[]"])
def test_an_unreadable_cache_entry_is_rebuilt(cache: Path, crds: Path, content: bytes) -> None:
    expected = load(crds).validate(BAD_TOPIC)
    (entry,) = cache.iterdir()
    entry.write_bytes(content)
    assert load(crds).validate(BAD_TOPIC) == expected
    assert entry.read_bytes() != content


def test_an_empty_cache_variable_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert load(CRD_DIR).kinds
    assert not any(tmp_path.rglob("*.json"))


def test_an_unwritable_cache_only_costs_the_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker))
    assert load(CRD_DIR).validate(BAD_TOPIC)
