"""The pulumi-policy pack reports what `check` and `plan` report: same ids, same levels, same resources."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from messaging_platform.policy import ResourceView, all_rules, evaluate, load_policy_config, resolve_settings
from messaging_platform.policy.pack import build_policies
from messaging_platform.policy.settings import PACK_NAME
from tests.conftest import PROJECT_DIR
from tests.policies.conftest import EXTERNAL_ACL, EXTERNAL_TOPIC, as_views, sound_platform

LEVELS = {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY, "disabled": analyzer_pb2.DISABLED}
NAMES = {value: name for name, value in LEVELS.items()}


def configure_request(environment: str) -> analyzer_pb2.ConfigureAnalyzerRequest:
    """What the Pulumi engine sends for --policy-pack-config policies/config/<env>.json: every policy,
    an explicit level, and its properties with schema defaults filled in."""
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for rule_id, settings in resolve_settings(load_policy_config(environment)).items():
        config = analyzer_pb2.PolicyConfig(enforcementLevel=LEVELS[settings.level])
        config.properties.update(dict(settings.config))
        request.policyConfig[rule_id].CopyFrom(config)
    return request


def struct(props: Any) -> struct_pb2.Struct:
    value = struct_pb2.Struct()
    value.update(props)
    return value


def flawed_platform() -> list[ResourceView]:
    """The sound platform with a handful of faults, so that many rules fire."""
    objects = sound_platform()
    objects["topic"]["spec"].update(replicas=2, partitions=500, topicName="Orders")
    objects["kafka"]["spec"]["kafka"]["listeners"][0].update(tls=False)
    objects["kafka"]["spec"]["kafka"].pop("authorization")
    objects["brokers"]["spec"]["storage"] = {"type": "ephemeral"}
    objects["user"]["spec"]["authorization"]["acls"][0]["operations"] = ["All"]
    external = {"topic": copy.deepcopy(EXTERNAL_TOPIC), "acl": {**EXTERNAL_ACL, "aclResourceName": "missing.v1"}}
    return as_views(objects, external)


def analyze(servicer: Any, views: Sequence[ResourceView]) -> set[tuple[str, str, str]]:
    """(policy, level, urn) of every diagnostic, resource by resource and then for the stack."""
    found = set()
    for view in views:
        request = analyzer_pb2.AnalyzeRequest(type=view.type, properties=struct(view.props), urn=view.urn,
                                              name=view.name)  # fmt: skip
        for diagnostic in servicer.Analyze(request, None).diagnostics:
            found.add((diagnostic.policyName, NAMES[diagnostic.enforcementLevel], view.urn))
    resources = [analyzer_pb2.AnalyzerResource(type=v.type, properties=struct(v.props), urn=v.urn, name=v.name)
                 for v in views]  # fmt: skip
    for diagnostic in servicer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources), None).diagnostics:
        found.add((diagnostic.policyName, NAMES[diagnostic.enforcementLevel], diagnostic.urn))
    return found


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_the_pack_reports_exactly_what_check_and_plan_report(environment: str) -> None:
    servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.1.0", build_policies(), EnforcementLevel.MANDATORY)
    servicer.Configure(configure_request(environment), None)
    views = flawed_platform()
    expected = {(f.rule, f.level, f.urn) for f in evaluate(views, resolve_settings(load_policy_config(environment)))}
    assert len({rule for rule, _, _ in expected}) >= 6
    assert analyze(servicer, views) == expected


def test_policies_cover_every_rule_with_its_thresholds_as_config_schema() -> None:
    policies = {policy.name: policy for policy in build_policies()}
    assert set(policies) == {rule.id for rule in all_rules()}
    for rule in all_rules():
        schema = policies[rule.id].config_schema
        assert (schema.properties if schema else {}) == rule.schema()


def test_unknown_preview_values_are_not_judged() -> None:
    servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.1.0", build_policies(), EnforcementLevel.MANDATORY)
    servicer.Configure(configure_request("prod"), None)
    topic = sound_platform()["topic"]
    topic["spec"]["partitions"] = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"  # pulumi's unknown number
    topic["spec"]["topicName"] = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # unknown string
    request = analyzer_pb2.AnalyzeRequest(type="kubernetes:kafka.strimzi.io/v1:KafkaTopic", properties=struct(topic),
                                          urn="urn:topic", name="topic")  # fmt: skip
    assert list(servicer.Analyze(request, None).diagnostics) == []


@pytest.fixture
def served_pack() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """`policies/` served exactly as `pulumi preview --policy-pack policies` starts it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi.policy", "127.0.0.1:1", "policies"],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        assert port.isdigit(), process.stderr.read() if process.stderr else port
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.kill()
        process.wait(timeout=10)


def test_the_policy_pack_directory_serves_the_rules_over_grpc(served_pack: analyzer_pb2_grpc.AnalyzerStub) -> None:
    from google.protobuf import empty_pb2

    info = served_pack.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    assert info.name == PACK_NAME
    assert {policy.name for policy in info.policies} == {rule.id for rule in all_rules()}
    served_pack.Configure(configure_request("prod"), timeout=30)
    topic = sound_platform()["topic"]
    topic["spec"]["topicName"] = "Orders"
    request = analyzer_pb2.AnalyzeRequest(type="kubernetes:kafka.strimzi.io/v1:KafkaTopic", properties=struct(topic),
                                          urn="urn:pulumi:prod::p::kubernetes:kafka.strimzi.io/v1:KafkaTopic::t",
                                          name="t")  # fmt: skip
    diagnostics = served_pack.Analyze(request, timeout=30).diagnostics
    assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [("topic-name", analyzer_pb2.MANDATORY)]
    assert "does not match" in diagnostics[0].message
