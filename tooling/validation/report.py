"""Lines ``plan`` and ``check`` print about what CRD validation could not cover."""

from __future__ import annotations

from pathlib import Path

from .crd_schema import CrdSchemas


def skipped_cel_rules_note(crd_dir: Path) -> list[str]:
    """One line per CEL rule of the CRDs that was not evaluated offline, with why (none for Strimzi 1.2.0)."""
    return [
        f"CEL rule not checked offline: {kind} ({api}) {site.path or '(root)'}: {site.rule.rule!r}: "
        f"{site.rule.skip_reason}"
        for api, kind, site in CrdSchemas.load(crd_dir).skipped_cel_rules
    ]
