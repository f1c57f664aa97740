"""Findings say where what they judge comes from (`check`: file and line), and a policy config of
another environment than the resources' is a finding of its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from messaging_platform.config.yaml_input import YamlInputError, load_yaml_documents
from messaging_platform.policy import Finding, evaluate, load_policy_config, resolve_settings
from messaging_platform.policy.pack import build_policies
from messaging_platform.policy.settings import PACK_NAME, PolicySettingsError, config_environment
from messaging_platform.strimzi import ENVIRONMENT_LABEL
from messaging_platform_tools.cli import main
from messaging_platform_tools.offline.check import check_files
from tests.policies.conftest import as_views, sound_platform
from tests.policies.test_pack import analyze, configure_request

ENV_RULE = "policy-config-environment"


def labelled(environment: str) -> dict[str, dict[str, Any]]:
    """The sound platform, every object labelled with ``environment`` as the platform labels its own."""
    objects = sound_platform()
    for obj in objects.values():
        obj["metadata"].setdefault("labels", {})[ENVIRONMENT_LABEL] = environment
    return objects


def write_documents(path: Path, *documents: dict[str, Any], gap: str = "") -> Path:
    path.write_text(f"---\n{gap}".join(yaml.safe_dump(document, sort_keys=False) for document in documents))
    return path


def test_load_yaml_documents_gives_the_line_each_document_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text("# header\napiVersion: v1\nkind: A\n---\n\n\napiVersion: v1\nkind: B\n---\n")
    assert load_yaml_documents(path) == [(2, {"apiVersion": "v1", "kind": "A"}), (7, {"apiVersion": "v1", "kind": "B"}),
                                         (10, None)]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("a: 1\na: 2\n", "'a' is first set on line 1"), ("when: 2024-01-01\n", "YAML type timestamp"),
     ("a: &x [1]\n---\nb: *y\n", "not valid YAML")],
)  # fmt: skip
def test_load_yaml_documents_stays_strict(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(YamlInputError, match=fragment):
        load_yaml_documents(path)


def test_check_names_the_file_and_line_of_each_object(tmp_path: Path) -> None:
    objects = sound_platform()
    objects["topic"]["spec"]["partitions"] = 500
    path = write_documents(tmp_path / "platform.yaml", objects["kafka"], objects["topic"], gap="\n\n")
    topic_line = path.read_text().splitlines().index("kind: KafkaTopic")  # 0-based index of the line after apiVersion
    (finding,) = [f for f in check_files([path], "prod", None).findings if f.rule == "topic-partitions"]
    assert finding.source == f"{path}:{topic_line}"
    assert str(finding).endswith(f"partitions 500 is outside [1, 200] (at {path}:{topic_line})")


def test_a_finding_without_a_source_prints_as_before() -> None:
    finding = Finding("topic-name", "mandatory", "KafkaTopic kafka/x", "bad name")
    assert str(finding) == f"{'mandatory':<9} {'topic-name':<30} KafkaTopic kafka/x: bad name"
    assert str(Finding("topic-name", "mandatory", "KafkaTopic kafka/x", "bad name", source="a.yaml:3")).endswith(
        "bad name (at a.yaml:3)"
    )


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_each_committed_policy_config_knows_its_environment(environment: str) -> None:
    assert config_environment(load_policy_config(environment)) == environment
    assert resolve_settings(load_policy_config(environment))[ENV_RULE].level == "mandatory"


@pytest.mark.parametrize(("config", "resources"), [("dev", "prod"), ("prod", "dev")])
def test_a_config_of_another_environment_than_the_resources_is_a_mandatory_finding(config: str, resources: str) -> None:
    settings = resolve_settings(load_policy_config(config))
    (finding,) = [f for f in evaluate(as_views(labelled(resources)), settings) if f.rule == ENV_RULE]
    assert finding.level == "mandatory"
    assert finding.message == (
        f"the policy config is for environment '{config}', but this stack is '{resources}' "
        f"({len(sound_platform())} resources labelled {ENVIRONMENT_LABEL}: {resources}); "
        f"run the policies with policies/config/{resources}.json"
    )


def test_resources_without_an_environment_label_are_not_judged_by_it() -> None:
    settings = resolve_settings(load_policy_config("dev"))
    assert [f for f in evaluate(as_views(sound_platform()), settings) if f.rule == ENV_RULE] == []


def test_the_pack_reports_a_config_of_another_environment_too() -> None:
    """A pulumi-kafka-only stack has no labels: its ``environment`` output (the stack resource's
    properties in the engine's stack analysis) says which environment it is."""
    servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.1.0", build_policies(), EnforcementLevel.MANDATORY)
    servicer.Configure(configure_request("dev"), None)
    external = {"stack": {"environment": "prod", "clusters": {}}}
    found = analyze(servicer, as_views(sound_platform(), external))
    assert (ENV_RULE, "mandatory", "urn:legacy-stack") in found


def test_check_with_another_environment_fails_on_labelled_manifests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_documents(tmp_path / "platform.yaml", *labelled("prod").values())
    assert main(["check", "--env", "dev", "--skip-schema-validation", "--project-dir", str(tmp_path), str(path)]) == 1
    out = capsys.readouterr().out
    assert f"mandatory {ENV_RULE:<30} Kafka kafka/events: the policy config is for environment 'dev'" in out
    assert f"(at {path}:1)" in out


def test_a_project_policy_config_naming_another_environment_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "policies" / "config"
    folder.mkdir(parents=True)
    (folder / "dev.json").write_text(json.dumps({ENV_RULE: {"enforcementLevel": "mandatory", "environment": "prod"}}))
    with pytest.raises(PolicySettingsError, match=r"is the policy config of environment 'prod' .*, not of 'dev'"):
        load_policy_config("dev", tmp_path)
