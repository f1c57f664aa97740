"""`plan` and `check` report CEL rule and metadata violations like schema violations, and refuse to
pass silently when they cannot validate."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from messaging_platform_tools.cli import main
from messaging_platform_tools.offline.runner import PlanResult
from tests.conftest import ALL_STACKS, CRD_DIR, PROJECT_DIR

CLUSTER_LABEL = {"strimzi.io/cluster": "events"}
TOPIC: dict[str, Any] = {
    "apiVersion": "kafka.strimzi.io/v1",
    "kind": "KafkaTopic",
    "metadata": {"name": "orders.order-created.v1", "namespace": "kafka", "labels": CLUSTER_LABEL},
    "spec": {"partitions": 3, "replicas": 1},
}
USER: dict[str, Any] = {
    "apiVersion": "kafka.strimzi.io/v1",
    "kind": "KafkaUser",
    "metadata": {"name": "billing", "namespace": "kafka", "labels": CLUSTER_LABEL},
    "spec": {"authentication": {"type": "tls", "validityDays": 30, "renewalDays": 30}},
}


def project_with_cluster(tmp_path: Path, **cluster: Any) -> Path:
    """A copy of this project whose dev stack's cluster ``events`` has ``cluster`` set."""
    target = tmp_path / "project"
    target.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / name, target / name)
    shutil.copytree(PROJECT_DIR / "catalog", target / "catalog")
    stack = yaml.safe_load((PROJECT_DIR / "Pulumi.dev.yaml").read_text())
    stack["config"]["messaging-platform:clusters"]["events"].update(cluster)
    (target / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack))
    return target


def write(folder: Path, *objects: dict[str, Any]) -> Path:
    path = folder / "objects.yaml"
    path.write_text(yaml.safe_dump_all(objects))
    return path


@pytest.mark.parametrize("stack", ALL_STACKS)
def test_every_committed_stack_passes_schema_cel_and_metadata_validation(
    stack: str, stack_plans: dict[str, PlanResult]
) -> None:
    assert stack_plans[stack].crd_dir == CRD_DIR  # the external stack declares no Strimzi object
    assert [str(v) for v in stack_plans[stack].violations] == []


def test_an_empty_rack_topology_key_in_the_stack_config_fails_plan_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = project_with_cluster(tmp_path, rack={"topologyKey": ""})
    out = str(tmp_path / "out")
    assert main(["plan", "-s", "dev", "-q", "--project-dir", str(project), "--out", out, "--crds", str(CRD_DIR)]) == 1
    assert (
        '  ✗ Kafka kafka/events: spec.kafka.rack: Invalid value: "object": topologyKey property is required '
        "(stack config: messaging-platform:clusters.events.rack)\n"
    ) in capsys.readouterr().out


def test_check_reports_cel_and_metadata_violations_under_their_own_rule_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_topic = {**TOPIC, "metadata": {**TOPIC["metadata"], "labels": {"team owner": "payments"}}}
    path = write(tmp_path, USER, bad_topic)
    assert main(["check", "--env", "dev", "--crds", str(CRD_DIR), str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        "error     crd-cel                        KafkaUser kafka/billing: spec.authentication: Invalid value: "
        f"\"object\": 'renewalDays' must be less than 'validityDays'. ({path}:1)"
    ) in lines
    topic_error = (
        "error     object-metadata                KafkaTopic kafka/orders.order-created.v1: metadata.labels: "
        'Invalid value: "team owner": name part must consist of alphanumeric characters'
    )
    assert any(line.startswith(topic_error) for line in lines)
    assert lines[-1].startswith("2 object(s), schema: 2 validated, 2 error(s); ")


def test_check_without_crds_fails_with_exit_2_unless_validation_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MESSAGING_PLATFORM_CRDS", raising=False)
    path = write(tmp_path, TOPIC)
    assert main(["check", "--env", "dev", "--project-dir", str(tmp_path), str(path)]) == 2
    error = capsys.readouterr().err
    assert "error: no Strimzi CRD directory" in error
    assert "pass --crds DIR or set MESSAGING_PLATFORM_CRDS=DIR" in error and "--skip-schema-validation" in error

    assert main(["check", "--env", "dev", "--project-dir", str(tmp_path), "--skip-schema-validation", str(path)]) == 0
    captured = capsys.readouterr()
    assert "warning: schema validation skipped (--skip-schema-validation)" in captured.err
    assert "1 object(s), schema: skipped (--skip-schema-validation), 0 error(s)" in captured.out


def test_crds_and_skipping_validation_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--env", "dev", "--crds", str(CRD_DIR), "--skip-schema-validation", "x.yaml"])
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_transition_rule_is_skipped_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = {
        "type": "object",
        "properties": {"size": {"type": "integer"}},
        "x-kubernetes-validations": [{"rule": "self.size >= oldSelf.size", "message": "size cannot shrink"}],
    }
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced", "names": {"kind": "Widget", "plural": "widgets"},
                    "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                        "type": "object", "properties": {"spec": spec}}}}]}}  # fmt: skip
    crds = tmp_path / "crds"
    crds.mkdir()
    (crds / "widget.yaml").write_text(yaml.safe_dump(crd))
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1}}
    assert main(["check", "--env", "dev", "--crds", str(crds), str(write(tmp_path, widget))]) == 0
    assert (
        "note: CEL rule not checked offline: Widget (example.com/v1) spec: 'self.size >= oldSelf.size': transition "
        "rule (uses oldSelf): needs the stored object, which an offline check does not have"
    ) in capsys.readouterr().out.splitlines()
