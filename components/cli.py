"""The ``messaging-platform`` command: plan stacks offline (and, as issues land, check and diff).

Exit codes: 0 success, 1 findings that block (schema violations, mandatory policy violations),
2 invalid config or usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .config.errors import ConfigError
from .offline.plan import remote_sources, render_tree, summary_counts
from .offline.project import PulumiProject
from .offline.runner import plan_stack, write_plan
from .validation.locate import CRDS_ENV, locate_crds

EXIT_OK, EXIT_FINDINGS, EXIT_CONFIG = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``messaging-platform`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="messaging-platform",
        description="Kafka on Kubernetes with Strimzi 1.2.0: plan stacks offline, without a cluster or the Pulumi CLI.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    plan = commands.add_parser(
        "plan",
        help="run the stack's program in an in-process engine and show what `pulumi up` would create",
        description="Runs __main__.py with the stack's config in an in-process Pulumi engine (no cluster, no CLI), "
        "prints the resource tree, writes DIR/plan.json and DIR/manifests/, and validates every Strimzi object "
        "against the CRD schemas strictly.",
    )
    plan.add_argument("--stack", "-s", required=True, help="stack name (reads Pulumi.<stack>.yaml)")
    plan.add_argument("--out", "-o", type=Path, default=None, help="output directory (default: plan/<stack>)")
    plan.add_argument(
        "--crds",
        default=None,
        help=f"directory of Strimzi CRD YAML files (default: ${CRDS_ENV}, else ../shared/strimzi-1.2.0/crds)",
    )
    plan.add_argument("--project-dir", type=Path, default=Path.cwd(), help="Pulumi project (default: current dir)")
    plan.add_argument("--quiet", "-q", action="store_true", help="print the summary only, not the tree")
    plan.set_defaults(handler=_plan)
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
    return EXIT_OK if result.ok else EXIT_FINDINGS


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
