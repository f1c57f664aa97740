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
from .adopt_cli import add_import_command
from .config_schema import REGENERATE, stale_files, write_generated
from .diff import diff_plans, load_plan, render_json, render_text
from .offline.check import InputError, check_files
from .offline.config_keys import stack_config_key
from .offline.engine import tuned_collector
from .offline.output import OutputFolderError, check_target
from .offline.plan import remote_sources, render_tree, summary_counts
from .offline.project import PulumiProject
from .offline.runner import plan_stack, write_plan
from .preview import diff_preview, load_preview, render_preview_json, render_preview_text
from .validation.locate import CRDS_ENV, SKIP_FLAG, SKIP_WARNING, locate_crds
from .validation.report import skipped_cel_rules_note

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
DEBUG_ENV = "MESSAGING_PLATFORM_DEBUG"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``messaging-platform`` console script."""
    args = _parser().parse_args(argv)
    try:
        check_sdk()
        with tuned_collector(collect=False):  # the whole command, as a program run (see GC_THRESHOLDS)
            code: int = args.handler(args)
    except (ConfigError, FileNotFoundError, InputError, OutputFolderError, PolicySettingsError,
            UnsupportedSdkError) as exc:  # fmt: skip
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except SystemExit as exc:
        # The stack's program stopped itself, e.g. `config_errors_exit()` after printing a config error.
        return exc.code if isinstance(exc.code, int) else EXIT_INPUT
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
        "prints the resource tree, replaces DIR with plan.json, manifests/, helm/ and pending.yaml (whole or not "
        "at all; a folder plan did not write only with --force), validates every Strimzi object "
        "against the CRD schemas strictly, and runs the policy pack with the stack's environment config.",
    )
    plan.add_argument("--stack", "-s", required=True, help="stack name (reads Pulumi.<stack>.yaml)")
    plan.add_argument("--out", "-o", type=Path, default=None, help="output directory (default: plan/<stack>)")
    plan.add_argument("--force", action="store_true", help="replace --out even if plan did not write it")
    _validation_arguments(plan, crds_help)
    plan.add_argument("--project-dir", type=Path, default=Path.cwd(), help="Pulumi project (default: current dir)")
    plan.add_argument("--quiet", "-q", action="store_true", help="print the summary only, not the tree")
    plan.add_argument(
        "--against", type=Path, default=None, metavar="OLD", help="then review the change from OLD (see diff)"
    )
    plan.set_defaults(handler=_plan)

    check = commands.add_parser(
        "check",
        help="validate Strimzi YAML against the CRDs and run the policy rules of an environment",
        description="Validates every Strimzi object in FILE... (files or directories) strictly against the CRD "
        "schemas and runs the policy rules with policies/config/ENV.json; one line per finding.",
    )
    check.add_argument("--env", "-e", required=True, help="environment whose policy config applies (dev, prod)")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    _validation_arguments(check, crds_help)
    check.add_argument("--project-dir", type=Path, default=Path.cwd(), help="where policies/config/ENV.json is")
    check.set_defaults(handler=_check)

    diff = commands.add_parser(
        "diff",
        help="review the change between two plans: added, changed, removed, renamed, and its Kafka hazards",
        description="Compares two plan.json files (or plan folders) of one stack field by field and reports what "
        "the change risks (topic-deleted, partitions-decreased, ...) at the levels review.json gives the "
        "environment. Exit 1 if a finding is blocking.",
    )
    diff.add_argument("old", type=Path, nargs="?", metavar="OLD", help="plan.json (or its folder) before the change")
    diff.add_argument("new", type=Path, nargs="?", metavar="NEW", help="plan.json (or its folder) after the change")
    diff.add_argument(
        "--preview-json",
        type=Path,
        default=None,
        metavar="FILE",
        help="instead of OLD and NEW: the output of `pulumi preview --json` (its steps are the change)",
    )
    diff.add_argument("--env", "-e", default=None, help="environment whose levels apply (default: NEW's environment)")
    diff.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    diff.set_defaults(handler=_diff)

    pack = commands.add_parser(
        "policy-pack",
        help="print the directory of the installed policy pack (for pulumi preview --policy-pack)",
    )
    pack.set_defaults(handler=_policy_pack)

    schema = commands.add_parser(
        "schema",
        help="write the JSON Schemas of Pulumi.<stack>.yaml and catalog/*.yaml and the README's config reference",
        description="Generates schemas/stack-config.schema.json, schemas/catalog.schema.json and the README section "
        "between the config-reference markers from the config models and their descriptions.",
    )
    schema.add_argument("--check", action="store_true", help="write nothing; exit 1 naming each stale file")
    schema.add_argument("--project-dir", type=Path, default=Path.cwd(), help="project root (default: current dir)")
    schema.set_defaults(handler=_schema)
    add_import_command(commands)
    return parser


def _plan(args: argparse.Namespace) -> int:
    old = load_plan(args.against) if args.against is not None else None  # before --out may replace it
    project = PulumiProject.find(args.project_dir)
    crd_dir = locate_crds(args.crds, project.directory, skip=args.skip_schema_validation)
    out_dir = args.out if args.out is not None else project.directory / "plan" / args.stack
    check_target(out_dir, force=args.force)  # before the run, to fail fast; checked again under the lock
    result = plan_stack(project, args.stack, crd_dir)
    layout = write_plan(result, out_dir, force=args.force)

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
    print(f"wrote {out_dir}: plan.json, {layout.manifests} manifests, {layout.helm_releases} Helm release(s); "
          f"pending.yaml lists {len(layout.pending.secrets)} secret(s) and {len(layout.pending.objects)} other "
          f"object(s) known only at deploy time")  # fmt: skip
    if crd_dir is None:
        print(f"warning: {SKIP_WARNING}", file=sys.stderr)
    else:
        print(f"CRD validation: {result.validated} Strimzi objects checked strictly against {crd_dir} "
              f"(schema, CEL rules, metadata): {len(result.violations)} violation(s)")  # fmt: skip
        for violation in result.violations:
            key = stack_config_key(violation, project, args.stack)
            print(f"  ✗ {violation}" + (f" (stack config: {key})" if key else ""))
        for note in skipped_cel_rules_note(crd_dir):
            print(f"  note: {note}")
    _print_findings(result.findings, f"policies ({result.environment})")
    if old is not None:
        change = diff_plans(old, load_plan(out_dir))
        print(f"\n{render_text(change)}")
        return EXIT_OK if result.ok and not change.blocks else EXIT_FINDINGS
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _diff(args: argparse.Namespace) -> int:
    if args.preview_json is not None:
        if args.old is not None or args.new is not None:
            raise InputError("diff: give either OLD and NEW (two plans) or --preview-json FILE, not both")
        reviewed = diff_preview(load_preview(args.preview_json), args.env)
        print(render_preview_json(reviewed) if args.format == "json" else render_preview_text(reviewed))
        return EXIT_FINDINGS if reviewed.blocks else EXIT_OK
    if args.old is None or args.new is None:
        raise InputError("diff: give OLD and NEW (two plans), or --preview-json FILE")
    result = diff_plans(load_plan(args.old), load_plan(args.new), args.env)
    print(render_json(result) if args.format == "json" else render_text(result))
    return EXIT_FINDINGS if result.blocks else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    project_dir = args.project_dir
    crd_dir = locate_crds(args.crds, project_dir, skip=args.skip_schema_validation)
    result = check_files(args.files, args.env, crd_dir, project_dir)
    for source, violation in result.schema_violations:
        print(f"{'error':<9} {violation.rule:<30} {violation} ({source})")
    for finding in result.findings:
        print(finding)
    if crd_dir is None:
        print(f"warning: {SKIP_WARNING}", file=sys.stderr)
    else:
        for note in skipped_cel_rules_note(crd_dir):
            print(f"note: {note}")
    validated = f"skipped ({SKIP_FLAG})" if crd_dir is None else f"{result.validated} validated"
    print(
        f"{result.objects} object(s), schema: {validated}, {len(result.schema_violations)} error(s); "
        f"policies ({args.env}): {len(blocking(result.findings))} mandatory, "
        f"{len(result.findings) - len(blocking(result.findings))} advisory"
    )
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _validation_arguments(command: argparse.ArgumentParser, crds_help: str) -> None:
    """``--crds DIR`` or ``--skip-schema-validation``: validation that cannot run is an error unless skipped."""
    source = command.add_mutually_exclusive_group()
    source.add_argument("--crds", default=None, help=crds_help)
    source.add_argument(
        SKIP_FLAG,
        action="store_true",
        help="do not validate Strimzi objects (CRD schema, CEL rules, metadata); without it, no CRD directory "
        "is an error (exit 2)",
    )


def _print_findings(findings: Sequence[Finding], label: str) -> None:
    mandatory = len(blocking(findings))
    print(f"{label}: {mandatory} mandatory, {len(findings) - mandatory} advisory finding(s)")
    for finding in findings:
        print(f"  {finding}")


def _policy_pack(args: argparse.Namespace) -> int:
    print(resources.files("messaging_platform.policy") / "policypack")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    try:
        paths = stale_files(args.project_dir) if args.check else write_generated(args.project_dir)
    except ValueError as exc:  # the README lacks the reference markers
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    for path in paths:
        print(f"stale: {path} (regenerate with `{REGENERATE}`)" if args.check else f"wrote {path}")
    return EXIT_FINDINGS if args.check and paths else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
