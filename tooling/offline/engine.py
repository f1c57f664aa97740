"""An in-process Pulumi engine: runs a program against the SDK's mock monitor and records everything.

No CLI, no provider plugins, no cluster. It stands in for the engine the way ``pulumi preview``
would see the program: each registration's type, name, parent, options and inputs (secrets masked),
plus the stack outputs. It drives SDK internals (settings, ``run_in_stack``), hence the exact pin
of ``pulumi`` in ``requirements.txt``.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import config as runtime_config
from pulumi.runtime import mocks, rpc
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime import stack as runtime_stack
from pulumi.runtime.proto import resource_pb2

from .sdk_speedups import sdk_speedups

SECRET = "[secret]"
UNKNOWN = "[unknown]"
STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"


class DuplicateUrnError(RuntimeError):
    """Two resources with the same URN: the real engine refuses to run such a program."""


@dataclass(frozen=True)
class Registration:
    """One resource as the engine sees it."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    protect: bool
    retain_on_delete: bool
    depends_on: tuple[str, ...]
    aliases: tuple[str, ...]
    hooks: tuple[str, ...]
    wire_inputs: bytes = field(repr=False, compare=False)
    """The inputs as the engine received them: a serialized protobuf ``Struct``. Bytes, not the
    message: a message read from the request keeps the whole request alive (a fifth of a plan's
    memory at scale)."""

    @functools.cached_property
    def inputs(self) -> dict[str, Any]:
        """The inputs as plain JSON: secrets masked, unknowns marked (decoded on first use)."""
        wire = struct_pb2.Struct.FromString(self.wire_inputs)
        decoded: dict[str, Any] = normalize(json_format.MessageToDict(wire))
        return decoded


@dataclass
class Recording:
    """Everything a program run registered, and its stack outputs."""

    project: str
    stack: str
    resources: list[Registration] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def of_type(self, type_token: str) -> list[Registration]:
        """Resources of one type token, sorted by URN."""
        return sorted((r for r in self.resources if r.type == type_token), key=lambda r: r.urn)


class _RecordingMonitor(mocks.MockMonitor):
    def __init__(self, recording: Recording, resource_mocks: mocks.Mocks) -> None:
        super().__init__(resource_mocks)
        self.recording = recording
        self._seen: set[str] = set()
        self._alias_map: dict[str, tuple[str, ...]] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The URN the engine gives: the parent's whole type chain, the root stack left out.

        (The SDK's mock monitor prefixes only the parent's last type, and the stack's too; the
        end-to-end tier compares these URNs with ``pulumi stack export``.)
        """
        if parent:
            qualified = parent.split("::")[2]
            if qualified != STACK_TYPE:
                type_ = f"{qualified}${type_}"
        return f"urn:pulumi:{self.recording.stack}::{self.recording.project}::{type_}::{name}"

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        """Record the registration and answer as a provider would: state = inputs (+ generated values).

        The inputs travel back as the same protobuf Struct, so nothing is decoded and re-encoded.
        """
        urn = self.make_urn(request.parent, request.type, request.name)
        if urn in self._seen:
            raise DuplicateUrnError(f"two resources would have the URN {urn}; give them distinct names")
        self._seen.add(urn)
        inputs = request.object
        if request.type.startswith(PROVIDER_TYPE_PREFIX) and request.version:
            # The engine records the plugin version a provider resource asks for among its inputs.
            inputs = struct_pb2.Struct()
            inputs.CopyFrom(request.object)
            inputs.update({"version": request.version})
        state = inputs
        if request.type in GENERATED_OUTPUTS:
            state = struct_pb2.Struct()
            state.CopyFrom(inputs)
            state.update(GENERATED_OUTPUTS[request.type])
        resource_id = f"{request.name}-id"
        self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, resource_id, {})
        self.recording.resources.append(
            Registration(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=bool(request.custom),
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                depends_on=tuple(sorted(set(request.dependencies))),
                aliases=tuple(sorted(self._aliases(urn, request))),
                hooks=tuple(sorted(_hook_names(request))),
                wire_inputs=inputs.SerializeToString(),
            )
        )
        if request.type == STACK_TYPE:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=state)

    def _aliases(self, urn: str, request: Any) -> set[str]:
        """Former URNs of a resource: its own alias specs, and for every former URN of its parent the
        child's URN under it, as the engine derives them (``generateAliases`` and
        ``inheritedChildAlias`` in pkg/resource/deploy/step_generator.go; a child named
        ``<parent name>-x`` follows its parent's former name). The engine uses the parent alias
        that matched state; a plan has no state, so it lists every candidate."""
        own = _alias_urns(request, self.make_urn)
        aliases = set(own)
        parent_name = request.parent.rsplit("::", 1)[-1] if request.parent else ""
        for parent_alias in self._alias_map.get(request.parent, ()) if request.parent else ():
            former_parent_name = parent_alias.rsplit("::", 1)[-1]
            for alias in [urn, *own]:
                type_, name = alias.split("::")[2].rsplit("$", 1)[-1], alias.rsplit("::", 1)[-1]
                if name.startswith(parent_name):
                    name = former_parent_name + name[len(parent_name) :]
                aliases.add(self.make_urn(parent_alias, type_, name))
        aliases.discard(urn)
        if aliases:
            self._alias_map[urn] = tuple(sorted(aliases))
        return aliases

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        """Keep the stack's outputs (components' outputs need no record)."""
        if request.urn.split("::")[2] == STACK_TYPE:
            self.recording.outputs = normalize(json_format.MessageToDict(request.outputs))
        return super().RegisterResourceOutputs(request)


class PlanMocks(mocks.Mocks):
    """Providers stand-in for reads and invokes (registrations are answered by the monitor itself)."""

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        """Echo the inputs; generated values (random passwords) get fixed placeholders."""
        state = dict(args.inputs)
        state.update(GENERATED_OUTPUTS.get(args.typ, {}))
        return f"{args.name}-id", state

    def call(self, args: mocks.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        """Provider functions return nothing offline (the mock monitor requires a dict, not a tuple)."""
        return {}


# Outputs providers compute; offline they are fixed placeholders (always secret where real ones are).
GENERATED_OUTPUTS: dict[str, dict[str, Any]] = {
    "random:index/randomPassword:RandomPassword": {"result": "offline-placeholder-password"},
}


def run_program(
    program: Callable[[], None],
    project: str,
    stack: str,
    *,
    config: Mapping[str, str] | None = None,
    secret_keys: tuple[str, ...] = (),
    root_directory: Path | None = None,
    preview: bool = True,
) -> Recording:
    """Run ``program`` as a Pulumi program and return what it registered.

    Each run gets a fresh context, so runs never see each other's settings, config or stack.
    Exceptions raised by the program (a :class:`ConfigError`, say) propagate unchanged.
    """
    recording = Recording(project=project, stack=stack)

    def run() -> None:
        monitor = _RecordingMonitor(recording, PlanMocks())
        settings = mocks.MockSettings(
            monitor=monitor,
            monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
            engine=None,  # SDK debug logging would build a protobuf per message; warnings go to stderr
            project=project,
            stack=stack,
            dry_run=preview,
            organization="organization",
            root_directory=str(root_directory) if root_directory else None,
            callbacks=None,
            # MockSettings leaves these to a process-wide default; a run must never see another's tasks.
            outputs=set(),
            lock=threading.Lock(),
        )
        runtime_settings.configure(settings)
        runtime_config.set_all_config(dict(config or {}), list(secret_keys))
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        failed = False

        def on_loop_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            # Once the program has failed, the SDK's outputs resolve to that same error; the error
            # itself is raised to the caller, so the echoes from unawaited futures are dropped.
            if not failed:
                loop.default_exception_handler(context)

        loop.set_exception_handler(on_loop_error)
        try:
            loop.run_until_complete(runtime_stack.run_in_stack(program))
        except BaseException:
            failed = True
            raise
        finally:
            # A failed program leaves registrations in flight; settle them before closing the loop.
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            asyncio.set_event_loop(None)
            loop.close()

    with _no_ambient_config(), tuned_collector(), sdk_speedups():
        contextvars.Context().run(run)
    recording.resources.sort(key=lambda r: r.urn)
    return recording


def run_main(
    project_dir: Path,
    main: str,
    project: str,
    stack: str,
    *,
    config: Mapping[str, str],
    secret_keys: tuple[str, ...] = (),
) -> Recording:
    """Run a project's program file (its ``__main__.py``) as ``pulumi preview`` would, from its directory."""
    program_path = (project_dir / main).resolve()
    if program_path.is_dir():
        program_path = program_path / "__main__.py"
    code = compile(program_path.read_text(), str(program_path), "exec")

    def program() -> None:
        # As `python __main__.py` would run it; exec keeps the call stack shallow (the SDK walks it
        # for every resource it registers).
        exec(code, {"__name__": "__main__", "__file__": str(program_path), "__builtins__": __builtins__})

    with _working_directory(project_dir):
        return run_program(program, project, stack, config=config, secret_keys=secret_keys, root_directory=project_dir)


def normalize(value: Any) -> Any:
    """Engine wire values as plain JSON: secrets masked, unknowns marked, integers kept integers."""
    if isinstance(value, dict):
        signature = value.get(rpc._special_sig_key)
        if signature == rpc._special_secret_sig:
            return mask(normalize(value.get("value")))
        if signature == rpc._special_resource_sig:
            return value.get("urn", "")
        if signature == rpc._special_output_value_sig:
            if "value" not in value:
                return UNKNOWN
            inner = normalize(value["value"])
            return mask(inner) if value.get("secret") else inner
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value == rpc.UNKNOWN:
        return UNKNOWN
    return value


def mask(value: Any) -> Any:
    """Replace every value in a secret with ``[secret]``, keeping map keys (they are not secret)."""
    if isinstance(value, dict):
        return {key: mask(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask(item) for item in value]
    return SECRET


def _alias_urns(request: Any, make_urn: Callable[[str, str, str], str]) -> list[str]:
    """Former URNs of a resource, resolved from alias specs the way the engine resolves them: the
    spec's name, type and parent where given, the resource's own otherwise."""
    urns = list(request.aliasURNs)
    for alias in request.aliases:
        if alias.urn:
            urns.append(alias.urn)
            continue
        spec = alias.spec
        parent = "" if spec.noParent else (spec.parentUrn or request.parent)
        urns.append(make_urn(parent, spec.type or request.type, spec.name or request.name))
    return urns


def _hook_names(request: Any) -> list[str]:
    """Bound resource hooks as ``<stage>:<hook name>``."""
    binding = request.hooks
    return [
        f"{stage}:{hook}"
        for stage in ("before_create", "after_create", "before_update", "after_update", "before_delete", "after_delete")
        for hook in getattr(binding, stage)
    ]


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    inserted = str(path) not in sys.path
    if inserted:
        sys.path.insert(0, str(path))
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)
        if inserted:
            sys.path.remove(str(path))


# A program run allocates many long-lived objects (registrations, outputs, futures) and few cycles:
# the cyclic collector's default thresholds make it rescan them over and over. Collected once and
# frozen before the run, and run rarely during it, it costs a fraction (benchmarks/plan_scale.py).
# Young objects are still collected every 50,000 allocations (the SDK makes short-lived cycles for
# every output); the older generations never during a plan: at 5,000 topics a single collection of
# the middle generation took 1.7 s, a tenth of the plan, and freed nothing the plan's peak needed.
GC_THRESHOLDS = (50_000, 1000, 1000)
TUNE_COLLECTOR = True
"""Whether :func:`tuned_collector` tunes the collector (benchmarks/plan_scale.py can switch it off)."""


class _Tuning:
    depth = 0
    """How many :func:`tuned_collector` blocks are open (only the outermost tunes)."""


@contextmanager
def tuned_collector(*, collect: bool = True) -> Iterator[None]:
    """Collect (unless ``collect`` is false: a fresh process has next to no garbage, and collecting
    costs more than freezing it) and freeze the heap, then raise the collector's thresholds
    (:data:`GC_THRESHOLDS`) for the block; the outermost block tunes, nested ones change nothing.
    Whatever the block does to the collector (a program may tune it too) is undone on the way out:
    thresholds restored; objects frozen in the block unfrozen by the outermost block (unfreezing
    is all or nothing, so an inner block would unfreeze what an outer one froze)."""
    previous, outermost = gc.get_threshold(), _Tuning.depth == 0
    tune = TUNE_COLLECTOR and outermost
    # Counting frozen objects walks them all (tens of milliseconds with a large frozen heap): only
    # an outermost block that does not tune needs the count.
    frozen = gc.get_freeze_count() if outermost and not tune else 0
    if tune:
        if collect:
            gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
    _Tuning.depth += 1
    try:
        yield
    finally:
        _Tuning.depth -= 1
        gc.set_threshold(*previous)
        if outermost and (tune or gc.get_freeze_count() > frozen):
            gc.unfreeze()


@contextmanager
def _no_ambient_config() -> Iterator[None]:
    # Config must come from the stack file only, never from a PULUMI_CONFIG* variable in the shell.
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("PULUMI_CONFIG")}
    try:
        yield
    finally:
        os.environ.update(saved)
