"""The ``messaging-platform`` command: plan stacks offline, check Strimzi YAML.

Exit codes: 0 success, 1 findings that block (schema violations, mandatory policy violations),
2 invalid config, input or usage, 3 an internal error (a bug; ``MESSAGING_PLATFORM_DEBUG=1`` shows the
traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from messaging_platform.config.errors import ConfigError
from messaging_platform.policy import Finding, blocking
from messaging_platform.policy.settings import PolicySettingsError

from . import UnsupportedSdkError, check_sdk
from .offline.check import InputError, check_files
from .offline.plan import remote_sources, render_tree, summary_counts
from .offline.project import PulumiProject
from .offline.runner import plan_stack, write_plan
from .validation.locate import CRDS_ENV, locate_crds

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
DEBUG_ENV = "MESSAGING_PLATFORM_DEBUG"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``messaging-platform`` console script."""
    args = _parser().parse_args(argv)
    try:
        check_sdk()
        code: int = args.handler(args)
    except (ConfigError, FileNotFoundError, InputError, PolicySettingsError, UnsupportedSdkError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # a bug of ours, never a finding: CI gates must tell the two apart
        if os.environ.get(DEBUG_ENV):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            f"  this is a bug in messaging-platform; rerun with {DEBUG_ENV}=1 for the traceback and report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="messaging-platform",
        description="Kafka on Kubernetes with Strimzi 1.2.0: plan stacks offline and check Strimzi YAML, "
        "without a cluster or the Pulumi CLI.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    crds_help = f"directory of Strimzi CRD YAML files (default: ${CRDS_ENV}, else ../shared/strimzi-1.2.0/crds)"

    plan = commands.add_parser(
        "plan",
        help="run the stack's program in an in-process engine and show what `pulumi up` would create",
        description="Runs __main__.py with the stack's config in an in-process Pulumi engine (no cluster, no CLI), "
        "prints the resource tree, writes DIR/plan.json and DIR/manifests/, validates every Strimzi object "
        "against the CRD schemas strictly, and runs the policy pack with the stack's environment config.",
    )
    plan.add_argument("--stack", "-s", required=True, help="stack name (reads Pulumi.<stack>.yaml)")
    plan.add_argument("--out", "-o", type=Path, default=None, help="output directory (default: plan/<stack>)")
    plan.add_argument("--crds", default=None, help=crds_help)
    plan.add_argument("--project-dir", type=Path, default=Path.cwd(), help="Pulumi project (default: current dir)")
    plan.add_argument("--quiet", "-q", action="store_true", help="print the summary only, not the tree")
    plan.set_defaults(handler=_plan)

    check = commands.add_parser(
        "check",
        help="validate Strimzi YAML against the CRDs and run the policy rules of an environment",
        description="Validates every Strimzi object in FILE... (files or directories) strictly against the CRD "
        "schemas and runs the policy rules with policies/config/ENV.json; one line per finding.",
    )
    check.add_argument("--env", "-e", required=True, help="environment whose policy config applies (dev, prod)")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--crds", default=None, help=crds_help)
    check.add_argument("--project-dir", type=Path, default=Path.cwd(), help="where policies/config/ENV.json is")
    check.set_defaults(handler=_check)

    pack = commands.add_parser(
        "policy-pack",
        help="print the directory of the installed policy pack (for pulumi preview --policy-pack)",
    )
    pack.set_defaults(handler=_policy_pack)
    return parser


def _plan(args: argparse.Namespace) -> int:
    project = PulumiProject.find(args.project_dir)
    crd_dir = locate_crds(args.crds, project.directory)
    result = plan_stack(project, args.stack, crd_dir)
    out_dir = args.out if args.out is not None else project.directory / "plan" / args.stack
    files = write_plan(result, out_dir)

    if not args.quiet:
        print(render_tree(result.recording))
        print()
    counts = summary_counts(result.recording)
    print(
        f"stack {args.stack}: {counts['resources']} resources ({counts['custom']} custom, "
        f"{counts['components']} components), {counts['protected']} protected, {counts['retained']} retained on delete"
    )
    for name, source in remote_sources(result.recording):
        print(f"  {name}: applied from {source} at deploy time (not rendered offline)")
    print(f"wrote {files[0]} and {len(files) - 1} manifests under {out_dir / 'manifests'}")
    if crd_dir is None:
        print(f"CRD validation skipped: no CRD directory (pass --crds DIR or set {CRDS_ENV})")
    else:
        print(f"CRD validation: {result.validated} Strimzi objects checked strictly against {crd_dir}: "
              f"{len(result.violations)} violation(s)")  # fmt: skip
        for violation in result.violations:
            print(f"  ✗ {violation}")
    _print_findings(result.findings, f"policies ({result.environment})")
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _check(args: argparse.Namespace) -> int:
    project_dir = args.project_dir
    crd_dir = locate_crds(args.crds, project_dir)
    result = check_files(args.files, args.env, crd_dir, project_dir)
    for source, violation in result.schema_violations:
        print(f"{'error':<9} {'crd-schema':<30} {violation} ({source})")
    for finding in result.findings:
        print(finding)
    validated = "skipped (no CRD directory)" if crd_dir is None else f"{result.validated} validated"
    print(
        f"{result.objects} object(s), schema: {validated}, {len(result.schema_violations)} error(s); "
        f"policies ({args.env}): {len(blocking(result.findings))} mandatory, "
        f"{len(result.findings) - len(blocking(result.findings))} advisory"
    )
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _print_findings(findings: Sequence[Finding], label: str) -> None:
    mandatory = len(blocking(findings))
    print(f"{label}: {mandatory} mandatory, {len(findings) - mandatory} advisory finding(s)")
    for finding in findings:
        print(f"  {finding}")


def _policy_pack(args: argparse.Namespace) -> int:
    print(resources.files("messaging_platform.policy") / "policypack")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
