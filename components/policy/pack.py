"""The pulumi-policy pack: the same rules as ``check`` and ``plan``, served to ``pulumi preview``.

``policies/__main__.py`` only calls :func:`serve`; constructing a ``PolicyPack`` starts a gRPC
server and blocks, so tests build policies with :func:`build_policies` and drive them directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .model import ResourceView, plain
from .registry import Rule
from .rules import all_rules
from .settings import DEFAULT_LEVEL, PACK_NAME


def build_policies() -> list[Policy]:
    """One pulumi-policy policy per rule, named by the rule id, defaulting to mandatory."""
    return [_policy(rule) for rule in all_rules()]


def serve() -> None:
    """Start the policy pack (blocks; this is what ``pulumi preview --policy-pack`` runs)."""
    PolicyPack(name=PACK_NAME, policies=build_policies(), enforcement_level=EnforcementLevel(DEFAULT_LEVEL))


def _policy(rule: Rule) -> ResourceValidationPolicy | StackValidationPolicy:
    schema = PolicyConfigSchema(properties=rule.schema()) if rule.config else None
    if rule.stack_check is not None:
        return StackValidationPolicy(
            name=rule.id, description=rule.description, validate=_stack_validator(rule), config_schema=schema
        )
    return ResourceValidationPolicy(
        name=rule.id, description=rule.description, validate=_resource_validator(rule), config_schema=schema
    )


def _config(rule: Rule, given: Any) -> dict[str, Any]:
    # The engine fills schema defaults; direct callers (and older CLIs) may not.
    values = {**rule.config, **(plain(given) if given else {})}
    return {key: values[key] for key in rule.config}


def _resource_validator(rule: Rule) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if rule.types is not None and args.resource_type not in rule.types:
            return
        view = ResourceView(args.resource_type, args.name, args.urn, plain(args.props))
        assert rule.check is not None
        for message in rule.check(view, _config(rule, args.get_config())):
            report(message, None)

    return validate


def _stack_validator(rule: Rule) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        views = [ResourceView(r.resource_type, r.name, r.urn, plain(r.props)) for r in args.resources]
        assert rule.stack_check is not None
        for resource, message in rule.stack_check(views, _config(rule, args.get_config())):
            report(message, resource.urn if resource is not None else None)

    return validate
