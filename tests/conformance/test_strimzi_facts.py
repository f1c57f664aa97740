"""The Strimzi 1.2.0 facts the code embeds match the release data in ../shared."""

from __future__ import annotations

import re

import yaml

from messaging_platform import strimzi
from messaging_platform.strimzi import FREE_FORM, HELM_VALUE_KEYS
from messaging_platform_tools.validation.crd_schema import CrdSchemas
from tests.conftest import STRIMZI_DIR


def test_supported_kafka_versions_match_kafka_versions_yaml() -> None:
    entries = yaml.safe_load((STRIMZI_DIR / "kafka-versions.yaml").read_text())
    supported = [(e["version"], e["metadata"], e["default"]) for e in entries if e["supported"]]
    embedded = [(v.version, v.metadata_version, v.default) for v in strimzi.SUPPORTED_KAFKA_VERSIONS]
    assert embedded == supported


def test_served_kinds_are_the_v1_strimzi_kinds(crd_schemas: CrdSchemas) -> None:
    assert {kind for _, kind in crd_schemas.kinds} == set(strimzi.KINDS)
    assert {version for version, _ in crd_schemas.kinds} == {strimzi.API_VERSION, "core.strimzi.io/v1"}


def _leaf_paths(tree: dict[str, object], prefix: str = "") -> set[str]:
    paths = set()
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            paths |= _leaf_paths(value, f"{path}.")
        else:
            paths.add(path)
    return paths


def _chart_paths() -> set[str]:
    values = yaml.safe_load((STRIMZI_DIR / "helm" / "values.yaml").read_text())
    readme = (STRIMZI_DIR / "helm" / "README.md").read_text()
    documented = set(re.findall(r"^\| `([^`]+)`", readme, flags=re.MULTILINE))
    return _leaf_paths(values) | documented


def _embedded_paths(tree: dict[str, object], prefix: str = "") -> set[str]:
    paths = set()
    for key, value in tree.items():
        path = f"{prefix}{key}"
        paths |= _embedded_paths(value, f"{path}.") if isinstance(value, dict) else {path}
    return paths


def test_helm_value_keys_cover_every_chart_value() -> None:
    embedded = _embedded_paths(HELM_VALUE_KEYS)
    free_form = {k for k, v in HELM_VALUE_KEYS.items() if v is FREE_FORM}
    chart = {p for p in _chart_paths() if p.split(".")[0] not in free_form}
    assert chart - embedded == set()


def test_helm_value_keys_invent_nothing_the_chart_does_not_read() -> None:
    chart = _chart_paths()
    known = chart | {".".join(p.split(".")[:depth]) for p in chart for depth in range(1, p.count(".") + 1)}
    assert {p for p in _embedded_paths(HELM_VALUE_KEYS) if p not in known} == set()


def _config_description(crd_file: str) -> str:
    crd = yaml.safe_load((STRIMZI_DIR / "crds" / crd_file).read_text())
    (served,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    return str(served["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["config"]["description"])


def test_connect_config_facts_match_the_connect_crds() -> None:
    connect = _config_description("041-Crd-kafkaconnect.yaml")
    prefixes, _, exceptions = connect.partition("cannot be set: ")[2].partition(" (with the exception of: ")
    assert tuple(p.strip() for p in prefixes.split(", ")) == strimzi.CONNECT_FORBIDDEN_CONFIG_PREFIXES
    assert {e.strip(" .)") for e in exceptions.split(", ")} == strimzi.CONNECT_FORBIDDEN_CONFIG_EXCEPTIONS
    connector = _config_description("047-Crd-kafkaconnector.yaml")
    listed = connector.partition("cannot be set: ")[2].rstrip(".")
    assert {p.strip() for p in listed.split(", ")} == strimzi.CONNECTOR_FORBIDDEN_CONFIG
