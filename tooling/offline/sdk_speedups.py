"""Four Pulumi SDK internals replaced, for offline runs only, by equivalents that cost less.

The offline engine records what a program registers; it never reads the source positions the SDK
attaches to registrations, and it only needs the SDK to wait until every output has settled.
For pulumi 3.272.0 (:data:`messaging_platform_tools.TESTED_PULUMI_RELEASES`), and only while a
program runs in the offline engine (:func:`sdk_speedups`):

- ``pulumi.runtime.resource._get_stack_trace`` walks the whole Python stack with
  ``traceback.extract_stack()`` and turns every frame into a ``file://`` URI (``pathlib.Path.as_uri``)
  for every registration. The engine shows it in diagnostics; the offline engine's records do not
  carry it, so an empty ``StackTrace`` (what the SDK itself sends when it finds no user frame) is
  sent instead.
- ``pulumi.runtime.stack.wait_for_rpcs`` waits for the pending outputs with
  ``asyncio.wait(pending, return_when=FIRST_COMPLETED)`` in a loop: each round adds and removes a
  done-callback on every pending output, and a program with thousands of outputs needs tens of
  rounds. The replacement registers one callback per output and wakes when all of them are done or
  one has failed, then does what a round of the original does (re-raise a failure, put unfinished
  outputs back, pick up outputs created meanwhile).
- ``pulumi.runtime.resource.create_urn`` builds a URN from about eight outputs (``Output.all``, two
  ``apply`` calls, ``from_input`` per part) and ``collapse_alias_to_urn`` (in ``pulumi.runtime.resource``
  and ``pulumi.resource``) does the same for every alias; where the parts are plain strings and the
  parent is a resource or none, the replacements compute the same URN in one output (depending on the
  parent's URN, as the original does); anything else goes to the SDK's own function.

None changes what is registered: a test plans the stacks with and without them and compares the
recordings. With any other SDK release the originals stay in place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pulumi.resource as sdk_resource
from pulumi import Output
from pulumi.runtime import resource as runtime_resource
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime import stack as runtime_stack
from pulumi.runtime.proto import source_pb2

from .. import TESTED_PULUMI_RELEASES

ENABLED = True
"""Whether offline runs use the speed-ups (the tests switch them off)."""
ONLY: frozenset[str] | None = None
"""The names of the internals to replace (None: all); ``plan_scale.py --speedups-apart`` measures
each alone."""


def supported() -> bool:
    """Whether the installed SDK is a release the replacements were written against."""
    try:
        return version("pulumi") in TESTED_PULUMI_RELEASES
    except PackageNotFoundError:
        return False


@contextmanager
def sdk_speedups() -> Iterator[bool]:
    """Replace the internals while the block runs (when :data:`ENABLED` and :func:`supported`);
    yields whether they were replaced."""
    if not (ENABLED and supported()):
        yield False
        return
    replaced = [
        (runtime_resource, "_get_stack_trace", _no_stack_trace),
        (runtime_stack, "wait_for_rpcs", _wait_for_rpcs),
        (runtime_resource, "create_urn", _create_urn),
        (runtime_resource, "collapse_alias_to_urn", _collapse_alias_to_urn),
        (sdk_resource, "collapse_alias_to_urn", _collapse_alias_to_urn),
    ]
    replaced = [(module, name, replacement) for module, name, replacement in replaced if ONLY is None or name in ONLY]
    originals = [(module, name, getattr(module, name)) for module, name, _ in replaced]
    for module, name, replacement in replaced:
        setattr(module, name, replacement)
    try:
        yield True
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


async def _wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
    """``pulumi.runtime.stack.wait_for_rpcs`` of 3.272.0, with the outputs waited for in one pass."""
    rpc_manager = runtime_settings._get_rpc_manager()
    settings = runtime_settings.SETTINGS
    while True:
        while len(rpc_manager.rpcs) > 0:  # as the original: each RPC in turn
            await asyncio.sleep(0)
            try:
                await rpc_manager.rpcs.pop()
            except Exception as exn:
                if rpc_manager.unhandled_exception is not None:
                    cause = rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)
                    raise exn from cause
                raise
        if rpc_manager.unhandled_exception is not None:
            raise rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)
        if await_all_outstanding_tasks:
            while True:
                with settings.lock:
                    if len(settings.outputs) == 0:
                        break
                    pending: list[asyncio.Future[Any]] = list(settings.outputs)
                    settings.outputs.clear()
                await _all_done_or_one_failed(pending)
                not_done = []
                for task in pending:
                    if task.done():
                        await task  # re-raises a failure, as the original does
                    else:
                        not_done.append(task)
                if not_done:
                    with settings.lock:
                        settings.outputs.update(not_done)
        if len(rpc_manager.rpcs) == 0:
            break


async def _all_done_or_one_failed(tasks: list[asyncio.Future[Any]]) -> None:
    """Return once every task is done, or as soon as one is done with an exception or cancelled."""
    remaining = sum(not task.done() for task in tasks)
    if remaining == 0 or any(task.done() and _failed(task) for task in tasks):
        await asyncio.sleep(0)  # a round of the original always yields to the loop once
        return
    woken = asyncio.get_running_loop().create_future()

    def on_done(task: asyncio.Future[Any]) -> None:
        nonlocal remaining
        remaining -= 1
        if not woken.done() and (remaining == 0 or _failed(task)):
            woken.set_result(None)

    waiting = [task for task in tasks if not task.done()]
    for task in waiting:
        task.add_done_callback(on_done)
    try:
        await woken
    finally:
        for task in waiting:
            task.remove_done_callback(on_done)


def _failed(task: asyncio.Future[Any]) -> bool:
    return task.cancelled() or task.exception() is not None


_create_urn_sdk = runtime_resource.create_urn
_collapse_alias_to_urn_sdk = runtime_resource.collapse_alias_to_urn


def _create_urn(
    name: Any, type_: Any, parent: Any = None, project: str | None = None, stack: str | None = None
) -> Output[str]:
    """``pulumi.runtime.resource.create_urn`` of 3.272.0 in one output where its arguments are plain
    (the SDK's builds about eight, through ``Output.all`` and ``apply``): the same URN, known and not
    secret as the SDK's, depending on the same resource (the parent's URN)."""
    if not (isinstance(name, str) and isinstance(type_, str)):
        return _create_urn_sdk(name, type_, parent, project, stack)
    suffix = f"{type_}::{name}"
    if isinstance(parent, sdk_resource.Resource):
        return parent.urn.apply(lambda urn: urn[0 : urn.rfind("::")] + "$" + suffix)
    if isinstance(parent, str):
        return Output.from_input(parent[0 : parent.rfind("::")] + "$" + suffix)
    if parent is not None:  # an Output of a URN
        return _create_urn_sdk(name, type_, parent, project, stack)
    stack = runtime_settings.get_stack() if stack is None else stack
    project = runtime_settings.get_project() if project is None else project
    return Output.from_input("urn:pulumi:" + stack + "::" + project + "::" + suffix)


def _collapse_alias_to_urn(alias: Any, default_name: str, default_type: str, default_parent: Any) -> Output[str]:
    """``pulumi.runtime.resource.collapse_alias_to_urn`` of 3.272.0 without the outputs it chains
    around plain values (a URN, or an ``Alias`` of plain strings and a resource or no parent)."""
    if isinstance(alias, str):
        return Output.from_input(alias)
    if not isinstance(alias, sdk_resource.Alias):
        return _collapse_alias_to_urn_sdk(alias, default_name, default_type, default_parent)
    spec: Any = alias  # its fields are ``...`` when not given, which its annotations leave out
    name = spec.name if spec.name is not ... else default_name
    type_ = spec.type_ if spec.type_ is not ... else default_type
    parent = spec.parent if spec.parent is not ... else default_parent
    project = spec.project if spec.project is not ... and spec.project is not None else None
    stack = spec.stack if spec.stack is not ... and spec.stack is not None else None
    plain = all(isinstance(value, str) for value in (name, type_, project or "", stack or ""))
    if not plain or not (parent is None or isinstance(parent, sdk_resource.Resource)):
        return _collapse_alias_to_urn_sdk(alias, default_name, default_type, default_parent)
    return _create_urn(
        name,
        type_,
        parent,
        runtime_settings.get_project() if project is None else project,
        runtime_settings.get_stack() if stack is None else stack,
    )
