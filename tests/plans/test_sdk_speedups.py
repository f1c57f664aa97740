"""The offline engine's replacements of SDK internals (``sdk_speedups``) change nothing it records.

Every committed stack, and a program with every shape of alias, is planned with and without them
and the recordings compared whole; failures surface the same way; the originals are back after a
run, and stay in place for an SDK release the replacements were not written against.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import pulumi
import pytest
from pulumi.runtime import resource as runtime_resource
from pulumi.runtime import stack as runtime_stack

from messaging_platform_tools.offline import sdk_speedups
from messaging_platform_tools.offline.engine import GC_THRESHOLDS, Recording, run_program, tuned_collector
from messaging_platform_tools.offline.plan import plan_json, plan_layout
from messaging_platform_tools.offline.project import PulumiProject
from messaging_platform_tools.offline.runner import plan_stack
from tests.conftest import CRD_DIR, PROJECT_DIR

INTERNALS = (
    (runtime_resource, "_get_stack_trace"),
    (runtime_resource, "create_urn"),
    (runtime_resource, "collapse_alias_to_urn"),
    (pulumi.resource, "collapse_alias_to_urn"),
    (runtime_stack, "wait_for_rpcs"),
)


@pytest.fixture
def speedups(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bool], None]]:
    """Switch the replacements on or off for the runs that follow."""

    def switch(enabled: bool) -> None:
        monkeypatch.setattr(sdk_speedups, "ENABLED", enabled)

    yield switch


def everything(recording: Recording) -> tuple[object, ...]:
    """All a recording holds, in comparable form (inputs decoded)."""
    return tuple((r, r.inputs) for r in recording.resources), recording.outputs


@pytest.mark.parametrize("stack", PulumiProject.find(PROJECT_DIR).stacks)
def test_a_stack_records_the_same_with_and_without_the_speedups(
    stack: str, project: PulumiProject, speedups: Callable[[bool], None]
) -> None:
    results = {}
    for enabled in (False, True):
        speedups(enabled)
        results[enabled] = plan_stack(project, stack, CRD_DIR)
    bare, fast = results[False], results[True]
    assert everything(fast.recording) == everything(bare.recording)
    assert plan_layout(fast.recording).files == plan_layout(bare.recording).files
    assert (fast.violations, fast.findings) == (bare.violations, bare.findings)


def aliased_program() -> None:
    """Every alias form the SDK accepts, under a component, at the root and below a custom resource."""
    component = pulumi.ComponentResource("test:index:Group", "group", None)
    other = pulumi.ComponentResource("test:index:Other", "other", None)
    child = pulumi.ResourceOptions(parent=component)
    pulumi.CustomResource("test:index:Thing", "root-thing", {"a": 1}, pulumi.ResourceOptions(aliases=[
        pulumi.Alias(name="old-root-thing"),
        pulumi.Alias(type_="test:index:OldThing"),
        pulumi.Alias(stack="other-stack", project="other-project"),
    ]))  # fmt: skip
    parent = pulumi.CustomResource("test:index:Thing", "group-thing", {"b": [1, 2]}, pulumi.ResourceOptions(
        parent=component,
        aliases=[
            pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE),
            pulumi.Alias(parent=other),
            pulumi.Alias(parent="urn:pulumi:test::project::test:index:Other::other"),
            pulumi.Alias(stack=pulumi.Output.from_input("stack-from-an-output")),
            "urn:pulumi:test::project::test:index:Thing::literal-urn",
        ],
    ))  # fmt: skip
    pulumi.CustomResource("test:index:Leaf", "group-thing-leaf", {"c": parent.id},
                          pulumi.ResourceOptions(parent=parent, aliases=[pulumi.Alias(name="old-leaf")]))  # fmt: skip
    pulumi.CustomResource("test:index:Thing", "group-second", {}, child)
    pulumi.export("urn", parent.urn)


def test_every_alias_form_is_recorded_the_same_with_and_without_the_speedups(
    speedups: Callable[[bool], None],
) -> None:
    recordings = {}
    for enabled in (False, True):
        speedups(enabled)
        recordings[enabled] = run_program(aliased_program, "project", "test")
    assert everything(recordings[True]) == everything(recordings[False])
    assert plan_json(recordings[True]) == plan_json(recordings[False])
    thing = next(r for r in recordings[True].resources if r.name == "group-thing")
    assert "urn:pulumi:test::project::test:index:Thing::group-thing" in thing.aliases  # the root-stack alias


def failing_program() -> None:
    """A resource whose input fails to compute: the run must fail with that error."""
    broken = pulumi.Output.from_input(1).apply(lambda _: 1 // 0)
    pulumi.CustomResource("test:index:Thing", "fine", {"a": 1})
    pulumi.CustomResource("test:index:Thing", "broken", {"value": broken})


def test_a_failing_output_fails_the_run_the_same_way_with_and_without_the_speedups(
    speedups: Callable[[bool], None],
) -> None:
    for enabled in (False, True):
        speedups(enabled)
        with pytest.raises(ZeroDivisionError):
            run_program(failing_program, "project", "test")


def test_the_internals_are_replaced_only_during_a_run(speedups: Callable[[bool], None]) -> None:
    originals = [getattr(module, name) for module, name in INTERNALS]
    during: list[list[object]] = []
    run_program(lambda: during.append([getattr(module, name) for module, name in INTERNALS]), "project", "test")
    assert all(seen is not original for seen, original in zip(during[0], originals, strict=True))
    assert [getattr(module, name) for module, name in INTERNALS] == originals


def test_a_measurement_can_replace_one_internal_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sdk_speedups, "ONLY", frozenset({"wait_for_rpcs"}))
    originals = [getattr(module, name) for module, name in INTERNALS]
    during: list[list[object]] = []
    run_program(lambda: during.append([getattr(module, name) for module, name in INTERNALS]), "project", "test")
    replaced = [name for (_, name), seen, original in zip(INTERNALS, during[0], originals, strict=True)
                if seen is not original]  # fmt: skip
    assert replaced == ["wait_for_rpcs"]


def test_another_sdk_release_keeps_the_sdk_internals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sdk_speedups, "TESTED_PULUMI_RELEASES", ("0.0.0",))
    originals = [getattr(module, name) for module, name in INTERNALS]
    during: list[list[object]] = []
    run_program(lambda: during.append([getattr(module, name) for module, name in INTERNALS]), "project", "test")
    assert during == [originals]


def test_a_program_that_tunes_the_collector_leaves_it_as_it_found_it() -> None:
    before = (gc.get_threshold(), gc.get_freeze_count())

    def program() -> None:
        assert gc.get_threshold() == GC_THRESHOLDS
        gc.set_threshold(1, 2, 3)
        gc.freeze()

    run_program(program, "project", "test")
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_nested_tuning_is_done_once() -> None:
    with tuned_collector():
        frozen = gc.get_freeze_count()
        with tuned_collector():
            assert gc.get_freeze_count() == frozen
            assert gc.get_threshold() == GC_THRESHOLDS
        assert gc.get_threshold() == GC_THRESHOLDS


def test_a_freeze_inside_a_nested_block_keeps_the_outer_blocks_frozen_heap_until_it_ends() -> None:
    before = gc.get_freeze_count()
    with tuned_collector():
        frozen = gc.get_freeze_count()
        with tuned_collector():
            kept = [[index] for index in range(100)]  # a program freezing objects of its own
            gc.freeze()
        assert gc.get_freeze_count() >= frozen + len(kept)  # unfreezing is all or nothing: not here
    assert gc.get_freeze_count() == before
