"""The Kafka policy pack: rules as plain functions, shared by ``pulumi preview``, ``check`` and ``plan``."""

from .evaluate import blocking, evaluate
from .model import Finding, ResourceView, view_of_object
from .registry import Rule
from .rules import all_rules, rule_by_id
from .settings import RuleSettings, load_policy_config, resolve_settings

__all__ = [
    "Finding",
    "ResourceView",
    "Rule",
    "RuleSettings",
    "all_rules",
    "blocking",
    "evaluate",
    "load_policy_config",
    "resolve_settings",
    "rule_by_id",
    "view_of_object",
]
