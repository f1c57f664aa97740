"""Renaming a stateful resource without an alias fails CI (see ``urn_contract.py``)."""

from __future__ import annotations

import dataclasses

import pytest

from messaging_platform_tools.offline.runner import PlanResult
from tests.conftest import ALL_STACKS

from .urn_contract import CONTRACT_DIR, STACKS_WITH_HISTORY, broken, contracted, read_contract, read_former


@pytest.mark.parametrize("stack", ALL_STACKS)
def test_every_contracted_urn_is_planned_or_aliased(stack_plans: dict[str, PlanResult], stack: str) -> None:
    missing, unlisted = broken(stack_plans[stack].recording, read_contract(stack))
    assert not missing, f"renamed without an alias (the engine would delete and recreate them): {missing}"
    assert not unlisted, f"new URNs: add them with `python -m tests.plans.urn_contract`: {unlisted}"


def test_only_stacks_deployed_before_the_catalog_have_former_urns() -> None:
    """History is recorded for the stacks that had it; a stack added later has no former URNs to keep."""
    assert sorted(path.name.removesuffix(".former.txt") for path in CONTRACT_DIR.glob("*.former.txt")) == sorted(
        STACKS_WITH_HISTORY
    )
    assert set(STACKS_WITH_HISTORY) <= set(ALL_STACKS)


@pytest.mark.parametrize("stack", STACKS_WITH_HISTORY)
def test_urns_of_earlier_releases_stay_aliased(stack_plans: dict[str, PlanResult], stack: str) -> None:
    """Moving topics and users under KafkaCatalog replaced nothing: every URN a stack deployed
    before has a planned resource that claims it as an alias (a URN a deployed stack holds and no
    resource claims would be deleted, and the new one created)."""
    resources = contracted(stack_plans[stack].recording.resources)
    claimed = {alias: r.urn for r in resources for alias in r.aliases} | {r.urn: r.urn for r in resources}
    former = read_former(stack)
    assert former, "no URNs of earlier releases recorded"
    assert [urn for urn in former if urn not in claimed] == []
    # Each former URN is claimed by exactly one resource of the same type and name.
    for urn in former:
        assert claimed[urn].rsplit("::", 1)[-1] == urn.rsplit("::", 1)[-1]
        assert claimed[urn].split("::")[2].rsplit("$", 1)[-1] == urn.split("::")[2].rsplit("$", 1)[-1]
    owners = [claimed[urn] for urn in former]
    assert len(owners) == len(set(owners)), "two former URNs claimed by one resource"


def test_a_rename_without_an_alias_breaks_the_contract(stack_plans: dict[str, PlanResult]) -> None:
    recording = stack_plans["prod"].recording
    topic = next(r for r in contracted(recording.resources) if r.type.endswith(":KafkaTopic"))
    renamed = dataclasses.replace(topic, urn=topic.urn + "-renamed", aliases=())
    others = [r for r in recording.resources if r is not topic]
    missing, unlisted = broken(dataclasses.replace(recording, resources=[*others, renamed]), read_contract("prod"))
    assert (missing, unlisted) == ([topic.urn], [renamed.urn])


def test_a_rename_with_an_alias_keeps_the_contract(stack_plans: dict[str, PlanResult]) -> None:
    recording = stack_plans["prod"].recording
    topic = next(r for r in contracted(recording.resources) if r.type.endswith(":KafkaTopic"))
    renamed = dataclasses.replace(topic, urn=topic.urn + "-renamed", aliases=(topic.urn,))
    others = [r for r in recording.resources if r is not topic]
    promised = [*read_contract("prod"), renamed.urn]
    assert broken(dataclasses.replace(recording, resources=[*others, renamed]), promised) == ([], [])
