"""Run the rules over resources with an environment's settings (as ``check`` and ``plan`` do)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .model import Finding, ResourceView, sort_findings
from .rules import all_rules
from .settings import RuleSettings


def evaluate(resources: Sequence[ResourceView], settings: Mapping[str, RuleSettings]) -> list[Finding]:
    """Every finding of every enabled rule: per-resource rules on each matching resource, stack
    rules once over all of them. Disabled rules do not run."""
    findings: list[Finding] = []
    for rule in all_rules():
        rule_settings = settings[rule.id]
        if rule_settings.level == "disabled":
            continue
        if rule.stack_check is not None:
            for resource, message in rule.stack_check(resources, rule_settings.config):
                where, urn, origin = (
                    (resource.display, resource.urn, resource.origin) if resource is not None else ("stack", "", "")
                )
                findings.append(Finding(rule.id, rule_settings.level, where, message, urn, origin))
            continue
        assert rule.check is not None
        for resource in resources:
            if rule.types is None or resource.type in rule.types:
                for message in rule.check(resource, rule_settings.config):
                    findings.append(
                        Finding(rule.id, rule_settings.level, resource.display, message, resource.urn, resource.origin)
                    )
    return sort_findings(findings)


def blocking(findings: Sequence[Finding]) -> list[Finding]:
    """The findings that fail a plan, a check or a preview: mandatory ones."""
    return [finding for finding in findings if finding.level == "mandatory"]
