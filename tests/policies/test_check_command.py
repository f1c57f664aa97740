"""`messaging-platform check`: Strimzi YAML against the CRDs and an environment's rules, results pinned."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from messaging_platform_tools.cli import main
from messaging_platform_tools.offline.check import check_files
from messaging_platform_tools.offline.runner import PlanResult, write_plan
from tests.conftest import CRD_DIR, STRIMZI_DIR
from tests.policies.conftest import sound_platform

EXAMPLES = STRIMZI_DIR / "examples"

# Rule:level pairs per Strimzi 1.2.0 example file; files not listed have no finding.
PINNED: dict[str, dict[str, list[str]]] = {
    "dev": {
        "connect/kafka-connect-build.yaml": ["connect-tls:advisory"],
        "connect/kafka-connect.yaml": ["connect-tls:advisory"],
        "cruise-control/kafka-cruise-control-auto-rebalancing.yaml": [
            "auto-create-topics:advisory",
            "cluster-authorization:advisory",
        ],
        "cruise-control/kafka-cruise-control-with-goals.yaml": [
            "auto-create-topics:advisory",
            "cluster-authorization:advisory",
        ],
        "cruise-control/kafka-cruise-control.yaml": ["auto-create-topics:advisory", "cluster-authorization:advisory"],
        "kafka/kafka-ephemeral.yaml": ["auto-create-topics:advisory", "cluster-authorization:advisory"],
        "kafka/kafka-jbod.yaml": ["auto-create-topics:advisory", "cluster-authorization:advisory"],
        "kafka/kafka-persistent.yaml": ["auto-create-topics:advisory", "cluster-authorization:advisory"],
        "kafka/kafka-single-node.yaml": ["auto-create-topics:advisory", "cluster-authorization:advisory"],
        "kafka/kafka-with-dual-role-nodes.yaml": ["auto-create-topics:advisory", "cluster-authorization:advisory"],
        "mirror-maker/kafka-source.yaml": ["auto-create-topics:advisory", "cluster-authorization:advisory"],
        "mirror-maker/kafka-target.yaml": ["auto-create-topics:advisory", "cluster-authorization:advisory"],
        "security/scram-sha-512-auth/kafka.yaml": ["auto-create-topics:advisory"],
        "security/scram-sha-512-auth/mirror-maker-2.yaml": [
            "acl-least-privilege:mandatory",
            "auto-create-topics:advisory",
        ],
        "security/scram-sha-512-auth/topic.yaml": ["topic-name:mandatory"],
        "security/tls-auth/kafka.yaml": ["auto-create-topics:advisory"],
        "security/tls-auth/mirror-maker-2.yaml": [
            "acl-least-privilege:mandatory",
            "auto-create-topics:advisory",
        ],
        "security/tls-auth/topic.yaml": ["topic-name:mandatory"],
        "topic/kafka-topic.yaml": ["topic-name:mandatory"],
    },
    "prod": {
        "bridge/kafka-bridge-tls.yaml": ["resources-required:mandatory"],
        "bridge/kafka-bridge.yaml": ["resources-required:mandatory"],
        "connect/kafka-connect-build.yaml": ["connect-tls:mandatory", "resources-required:mandatory"],
        "connect/kafka-connect.yaml": ["connect-tls:mandatory", "resources-required:mandatory"],
        "cruise-control/kafka-cruise-control-auto-rebalancing.yaml": [
            "auto-create-topics:mandatory",
            "cluster-authorization:mandatory",
            "listener-authentication:mandatory",
            "listener-tls:mandatory",
            "resources-required:mandatory",
            "storage-persistent:mandatory",
        ],
        "cruise-control/kafka-cruise-control-with-goals.yaml": [
            "auto-create-topics:mandatory",
            "cluster-authorization:mandatory",
            "listener-authentication:mandatory",
            "listener-tls:mandatory",
            "resources-required:mandatory",
            "storage-persistent:mandatory",
        ],
        "cruise-control/kafka-cruise-control.yaml": [
            "auto-create-topics:mandatory",
            "cluster-authorization:mandatory",
            "listener-authentication:mandatory",
            "listener-tls:mandatory",
            "resources-required:mandatory",
            "storage-persistent:mandatory",
        ],
        "kafka/kafka-ephemeral.yaml": [
            "auto-create-topics:mandatory",
            "cluster-authorization:mandatory",
            "listener-authentication:mandatory",
            "listener-tls:mandatory",
            "resources-required:mandatory",
            "storage-persistent:mandatory",
        ],
        "kafka/kafka-jbod.yaml": [
            "auto-create-topics:mandatory",
            "cluster-authorization:mandatory",
            "listener-authentication:mandatory",
            "listener-tls:mandatory",
            "resources-required:mandatory",
        ],
        "kafka/kafka-persistent.yaml": [
            "auto-create-topics:mandatory",
            "cluster-authorization:mandatory",
            "listener-authentication:mandatory",
            "listener-tls:mandatory",
            "resources-required:mandatory",
        ],
        "kafka/kafka-single-node.yaml": [
            "auto-create-topics:mandatory",
            "cluster-authorization:mandatory",
            "controller-quorum:mandatory",
            "listener-authentication:mandatory",
            "listener-tls:mandatory",
            "resources-required:mandatory",
        ],
        "kafka/kafka-with-dual-role-nodes.yaml": [
            "auto-create-topics:mandatory",
            "cluster-authorization:mandatory",
            "controller-quorum:mandatory",
            "listener-authentication:mandatory",
            "listener-tls:mandatory",
            "resources-required:mandatory",
        ],
        "mirror-maker/kafka-mirror-maker-2-custom-replication-policy.yaml": ["resources-required:mandatory"],
        "mirror-maker/kafka-mirror-maker-2-sync-groups.yaml": ["resources-required:mandatory"],
        "mirror-maker/kafka-mirror-maker-2-tls.yaml": ["resources-required:mandatory"],
        "mirror-maker/kafka-mirror-maker-2.yaml": ["resources-required:mandatory"],
        "mirror-maker/kafka-source.yaml": [
            "auto-create-topics:mandatory",
            "cluster-authorization:mandatory",
            "controller-quorum:mandatory",
            "listener-authentication:mandatory",
            "listener-tls:mandatory",
            "resources-required:mandatory",
        ],
        "mirror-maker/kafka-target.yaml": [
            "auto-create-topics:mandatory",
            "cluster-authorization:mandatory",
            "controller-quorum:mandatory",
            "listener-authentication:mandatory",
            "listener-tls:mandatory",
            "resources-required:mandatory",
        ],
        "security/scram-sha-512-auth/bridge.yaml": ["resources-required:mandatory"],
        "security/scram-sha-512-auth/connect.yaml": ["resources-required:mandatory"],
        "security/scram-sha-512-auth/kafka.yaml": ["auto-create-topics:mandatory", "resources-required:mandatory"],
        "security/scram-sha-512-auth/mirror-maker-2.yaml": [
            "acl-least-privilege:mandatory",
            "auto-create-topics:mandatory",
            "controller-quorum:mandatory",
            "resources-required:mandatory",
        ],
        "security/scram-sha-512-auth/topic.yaml": ["topic-min-insync-replicas:mandatory", "topic-name:mandatory"],
        "security/tls-auth/bridge.yaml": ["resources-required:mandatory"],
        "security/tls-auth/connect.yaml": ["resources-required:mandatory"],
        "security/tls-auth/kafka.yaml": ["auto-create-topics:mandatory", "resources-required:mandatory"],
        "security/tls-auth/mirror-maker-2.yaml": [
            "acl-least-privilege:mandatory",
            "auto-create-topics:mandatory",
            "controller-quorum:mandatory",
            "resources-required:mandatory",
        ],
        "security/tls-auth/topic.yaml": ["topic-min-insync-replicas:mandatory", "topic-name:mandatory"],
        "topic/kafka-topic.yaml": [
            "topic-min-insync-replicas:mandatory",
            "topic-name:mandatory",
            "topic-replication:mandatory",
        ],
    },
}


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_strimzi_examples_give_the_pinned_findings(environment: str) -> None:
    found = {}
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        result = check_files([path], environment, CRD_DIR)
        assert result.schema_violations == [], path
        rules = sorted({f"{f.rule}:{f.level}" for f in result.findings})
        if rules:
            found[str(path.relative_to(EXAMPLES))] = rules
    assert found == PINNED[environment]


def test_dev_passes_strimzis_ephemeral_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--env", "dev", "--crds", str(CRD_DIR), str(EXAMPLES / "kafka/kafka-ephemeral.yaml")]) == 0
    assert "policies (dev): 0 mandatory" in capsys.readouterr().out


def test_prod_flags_bad_topics_clusters_and_users_by_rule_id(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(EXAMPLES / name) for name in ("kafka/kafka-ephemeral.yaml", "topic/kafka-topic.yaml",
                                               "security/tls-auth/mirror-maker-2.yaml")]  # fmt: skip
    assert main(["check", "--env", "prod", "--crds", str(CRD_DIR), *files]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        "mandatory topic-name                     KafkaTopic my-topic: topic name 'my-topic' does not match"
        in "\n".join(lines)
    )
    for rule in ("storage-persistent", "listener-tls", "cluster-authorization", "acl-least-privilege"):
        assert any(line.startswith(f"mandatory {rule} ") for line in lines), rule


def test_prod_passes_the_sound_production_platform_this_project_plans(
    stack_plans: dict[str, PlanResult], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_plan(stack_plans["prod"], tmp_path / "plan")
    assert main(["check", "--env", "prod", "--crds", str(CRD_DIR), str(tmp_path / "plan" / "manifests")]) == 0
    out = capsys.readouterr().out
    assert "0 error(s); policies (prod): 0 mandatory, 0 advisory" in out


def test_schema_errors_fail_the_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    topic = sound_platform()["topic"]
    topic["spec"]["retention"] = "7d"
    (tmp_path / "topic.yaml").write_text(yaml.safe_dump(topic))
    assert main(["check", "--env", "dev", "--crds", str(CRD_DIR), str(tmp_path / "topic.yaml")]) == 1
    assert "error     crd-schema" in capsys.readouterr().out


def test_unreadable_input_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.yaml").write_text("kind: [unclosed")
    assert main(["check", "--env", "dev", str(tmp_path / "broken.yaml")]) == 2
    assert main(["check", "--env", "dev", str(tmp_path / "missing.yaml")]) == 2
    assert main(["check", "--env", "staging", str(EXAMPLES / "topic/kafka-topic.yaml")]) == 2
    assert "no policy config for environment 'staging'" in capsys.readouterr().err
