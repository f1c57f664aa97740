"""Policy config files: the committed ones, and what the Pulumi CLI would refuse."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from messaging_platform.policy import all_rules, load_policy_config, resolve_settings
from messaging_platform.policy.settings import PolicySettingsError
from messaging_platform_tools.cli import main
from tests.conftest import PROJECT_DIR


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_committed_configs_set_every_rule_explicitly(environment: str) -> None:
    path = PROJECT_DIR / "policies" / "config" / f"{environment}.json"
    document = json.loads(path.read_text())
    assert set(document) - {"all"} == {rule.id for rule in all_rules()}
    assert load_policy_config(environment, PROJECT_DIR) == document


def test_topic_name_is_mandatory_everywhere_and_prod_is_strictest() -> None:
    dev = resolve_settings(load_policy_config("dev"))
    prod = resolve_settings(load_policy_config("prod"))
    assert dev["topic-name"].level == prod["topic-name"].level == "mandatory"
    assert {s.level for s in prod.values()} == {"mandatory"}
    assert prod["topic-replication"].config["minReplicas"] == 3


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"topic-nmae": "mandatory"}, "unknown rule id(s) in policy config: topic-nmae"),
        ({"all": "warn"}, "must be one of advisory, mandatory, disabled"),
        ({"topic-replication": {"minReplica": 2}}, "unknown setting(s) minReplica"),
        ({"topic-replication": {"minReplicas": "3"}}, "expected int"),
        ({"topic-partitions": 5}, "expected a level or an object"),
    ],
)
def test_bad_policy_configs_are_refused(document: dict[str, Any], fragment: str) -> None:
    with pytest.raises(PolicySettingsError, match=re.escape(fragment)):
        resolve_settings(document)


def test_numbers_from_the_engine_arrive_as_floats_and_still_count_as_integers() -> None:
    settings = resolve_settings({"topic-replication": {"minReplicas": 2.0}})
    assert settings["topic-replication"].config["minReplicas"] == 2
    assert settings["topic-replication"].level == "mandatory"


def test_readme_rule_table_matches_the_rules_and_configs() -> None:
    readme = (PROJECT_DIR / "README.md").read_text()
    rows = re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \| (\w+) \| (\w+) \| ([^|]+) \|$", readme, flags=re.MULTILINE)
    dev = resolve_settings(load_policy_config("dev"))
    prod = resolve_settings(load_policy_config("prod"))
    assert {rule_id: (what, d, p, why) for rule_id, what, d, p, why in rows} == {
        rule.id: (rule.description, dev[rule.id].level, prod[rule.id].level, rule.why) for rule in all_rules()
    }


def test_policy_pack_command_prints_the_installed_pack(capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    assert main(["policy-pack"]) == 0
    pack = Path(capsys.readouterr().out.strip())
    assert (pack / "PulumiPolicy.yaml").is_file()
    assert (pack / "__main__.py").read_text().strip().endswith("serve()")
    assert json.loads((pack / "config" / "prod.json").read_text())["all"] == "mandatory"


def test_a_rule_id_declared_twice_is_refused() -> None:
    from messaging_platform.policy.registry import rule_set
    from messaging_platform.policy.rules import access

    with pytest.raises(ValueError, match="policy rule ids declared twice: acl-least-privilege, user-authentication"):
        rule_set(access.RULES, access.RULES)
