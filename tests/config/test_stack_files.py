"""Every committed Pulumi.<stack>.yaml validates, and the presets give each environment its shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from messaging_platform.config import ConfigError, merge
from messaging_platform.config.storage import JbodStorage, PersistentClaimStorage, is_persistent
from messaging_platform_tools.stack_files import load_stack_file, read_stack_file
from tests.conftest import PROJECT_DIR, stack_config

STACK_FILES = sorted(PROJECT_DIR.glob("Pulumi.*.yaml"))


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: p.name)
def test_committed_stack_file_is_valid(path: Path) -> None:
    stack = load_stack_file(path)
    assert stack.config.clusters or stack.config.external_clusters
    assert stack.catalog is not None and stack.catalog.topics


def test_dev_and_prod_stacks_are_committed() -> None:
    assert {"Pulumi.dev.yaml", "Pulumi.prod.yaml"} <= {p.name for p in STACK_FILES}


def test_prod_preset_has_the_production_shape() -> None:
    events = stack_config("prod").clusters["events"]
    assert events.controller_count == 3
    assert events.broker_count >= 3
    assert events.protect is True
    for pool in events.node_pools.values():
        assert isinstance(pool.storage, JbodStorage)
        assert all(isinstance(v, PersistentClaimStorage) and v.delete_claim is False for v in pool.storage.volumes)
        assert [v.kraft_metadata for v in pool.storage.volumes] == ["shared"]
    assert all(listener.tls and listener.authentication for listener in events.listeners.values())
    assert events.authorization is not None and events.authorization.type == "simple"
    assert events.config["default.replication.factor"] == 3
    assert events.config["min.insync.replicas"] == 2
    assert events.config["unclean.leader.election.enable"] is False
    assert events.config["auto.create.topics.enable"] is False
    assert events.rack is not None
    assert events.cruise_control.enabled


def test_dev_preset_is_one_ephemeral_dual_role_node_with_a_plain_listener() -> None:
    events = stack_config("dev").clusters["events"]
    assert [(p.roles, p.replicas) for p in events.node_pools.values()] == [(["controller", "broker"], 1)]
    assert not any(is_persistent(p.storage) for p in events.node_pools.values())
    assert any(not listener.tls for listener in events.listeners.values())


def test_any_preset_key_can_be_overridden() -> None:
    events = stack_config("prod", nodePools={"brokers": {"replicas": 5}}, config={"min.insync.replicas": 3}).clusters[
        "events"
    ]
    assert events.broker_count == 5
    assert events.config["min.insync.replicas"] == 3
    assert events.config["default.replication.factor"] == 3  # untouched preset keys stay


def test_null_removes_a_preset_entry_and_a_new_type_replaces_the_block() -> None:
    merged = merge(
        {"listeners": {"plain": {"port": 9092}, "tls": {"port": 9093}}, "storage": {"type": "jbod", "volumes": [1]}},
        {"listeners": {"plain": None}, "storage": {"type": "ephemeral"}},
    )
    assert merged == {"listeners": {"tls": {"port": 9093}}, "storage": {"type": "ephemeral"}}


def test_encrypted_values_are_read_as_placeholders(tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.x.yaml"
    stack.write_text("config:\n  messaging-platform:token:\n    secure: v1:abc\n  kubernetes:context: kind\n")
    values, secret = read_stack_file(stack)
    assert values == {"token": "[secret]"}
    assert secret == {"token"}


def test_unknown_key_in_a_stack_file_names_the_file_and_key(tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.dev.yaml"
    stack.write_text("config:\n  messaging-platform:environment: dev\n  messaging-platform:clusters: {events: {}}\n"
                     "  messaging-platform:clsters: {}\n")  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        load_stack_file(stack)
    assert "Pulumi.dev.yaml" in str(caught.value)
    assert "messaging-platform:clsters: unknown config key" in str(caught.value)


def test_the_running_program_finds_its_stack_file_under_stack_config_dir(tmp_path: Path) -> None:
    from messaging_platform.config.source import stack_config_dir

    assert stack_config_dir(tmp_path) == tmp_path
    (tmp_path / "Pulumi.yaml").write_text("name: messaging-platform\nruntime: python\nstackConfigDir: stacks\n")
    assert stack_config_dir(tmp_path) == tmp_path / "stacks"
