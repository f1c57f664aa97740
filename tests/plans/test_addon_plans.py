"""The committed prod bridge and the mirror stack plan clean: valid against the CRDs (schema, CEL,
metadata) and without a single policy finding."""

from __future__ import annotations

import pytest

from messaging_platform_tools.offline.runner import PlanResult

STRIMZI = "kubernetes:kafka.strimzi.io/v1:"


@pytest.mark.parametrize(("stack", "kind"), [("prod", "KafkaBridge"), ("mirror", "KafkaMirrorMaker2")])
def test_the_stack_plans_its_addon_without_violations_or_findings(
    stack_plans: dict[str, PlanResult], stack: str, kind: str
) -> None:
    result = stack_plans[stack]
    assert len(result.recording.of_type(f"{STRIMZI}{kind}")) == 1
    assert result.validated > 0
    assert result.violations == []
    assert result.findings == []


def test_the_mirror_stack_copies_east_to_west_with_a_user_on_each_side(stack_plans: dict[str, PlanResult]) -> None:
    recording = stack_plans["mirror"].recording
    users = {
        r.inputs["metadata"]["name"]: r.inputs["metadata"]["labels"]["strimzi.io/cluster"]
        for r in recording.of_type(f"{STRIMZI}KafkaUser")
    }
    assert (users["east-to-west-source"], users["east-to-west-target"]) == ("east", "west")
    (mirror,) = recording.of_type(f"{STRIMZI}KafkaMirrorMaker2")
    assert mirror.inputs["spec"]["target"]["alias"] == "west"
    assert mirror.inputs["spec"]["mirrors"][0]["source"]["alias"] == "east"
    remote = recording.outputs["mirrorMaker2"]["east-to-west"]["remoteTopics"]
    assert remote and all(topic.startswith(("east.orders.", "east.payments.")) for topic in remote)
