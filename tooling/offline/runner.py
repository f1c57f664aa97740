"""Plan a stack offline: run its program, validate what it declares, write the results."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from messaging_platform.policy import Finding, ResourceView, blocking, evaluate, load_policy_config, resolve_settings
from messaging_platform.policy.model import plain

from ..validation.crd_schema import CrdSchemas, SchemaViolation
from .engine import STACK_TYPE, Recording, run_main
from .output import replace_folder
from .plan import HELM_DIR, MANIFESTS_DIR, PlanLayout, kubernetes_objects, plan_layout
from .project import PulumiProject
from .provenance import Provenance, stack_provenance


@dataclass
class PlanResult:
    """A planned stack and the findings about it."""

    recording: Recording
    crd_dir: Path | None
    environment: str = ""
    validated: int = 0
    violations: list[SchemaViolation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether nothing blocks applying this plan: no schema violation, no mandatory finding."""
        return not self.violations and not blocking(self.findings)


def plan_stack(project: PulumiProject, stack: str, crd_dir: Path | None) -> PlanResult:
    """Run the stack's program in the offline engine and validate every Strimzi object it declares.

    Raises ConfigError (before any resource is registered) when the stack config is invalid.
    """
    config, secret_keys = project.stack_config(stack)
    recording = run_main(project.directory, project.main, project.name, stack, config=config, secret_keys=secret_keys)
    environment = config.get(f"{project.name}:environment", "")
    result = PlanResult(recording=recording, crd_dir=crd_dir, environment=environment)
    if crd_dir is not None:
        schemas = CrdSchemas.load(crd_dir)
        for obj in kubernetes_objects(recording):
            if schemas.covers(obj):
                result.validated += 1
                result.violations.extend(schemas.validate(obj))
    result.findings = policy_findings(
        recording, result.environment, project.directory, stack_provenance(project, stack)
    )
    return result


def policy_findings(
    recording: Recording, environment: str, project_dir: Path, provenance: Provenance | None = None
) -> list[Finding]:
    """What ``pulumi preview --policy-pack policies --policy-pack-config policies/config/<env>.json``
    would report for the recorded resources: same rules, same ids, same levels. The stack resource
    carries the stack's outputs, as in the engine's stack analysis. With ``provenance``, each finding
    names the config key or catalog entry behind it."""
    settings = resolve_settings(load_policy_config(environment, project_dir))
    views = [
        ResourceView(r.type, r.name, r.urn, plain(recording.outputs if r.type == STACK_TYPE else r.inputs))
        for r in recording.resources
    ]
    findings = evaluate(views, settings)
    if provenance is None:
        return findings
    by_urn = {view.urn: view for view in views}
    return [provenance.locate(finding, by_urn.get(finding.urn)) for finding in findings]


def write_plan(result: PlanResult, out_dir: Path, *, force: bool = False) -> PlanLayout:
    """Replace ``out_dir`` with the plan folder (see :func:`plan_layout` for its files), whole or not at
    all; a folder ``plan`` did not write is replaced only with ``force`` (see :mod:`.output`)."""
    layout = plan_layout(result.recording)
    replace_folder(out_dir, layout.files, folders=(MANIFESTS_DIR, HELM_DIR), force=force)
    return layout
