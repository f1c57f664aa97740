"""Renaming a stateful resource without an alias fails CI (see ``urn_contract.py``)."""

from __future__ import annotations

import dataclasses

import pytest

from messaging_platform_tools.offline.runner import PlanResult

from .urn_contract import broken, contracted, read_contract


@pytest.mark.parametrize("stack", ["dev", "prod", "external"])
def test_every_contracted_urn_is_planned_or_aliased(stack_plans: dict[str, PlanResult], stack: str) -> None:
    missing, unlisted = broken(stack_plans[stack].recording, read_contract(stack))
    assert not missing, f"renamed without an alias (the engine would delete and recreate them): {missing}"
    assert not unlisted, f"new URNs: add them with `python -m tests.plans.urn_contract`: {unlisted}"


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
