"""Kafka-aware change review: what a change to a stack adds, removes, changes and risks.

Pure: reads resources as plain data (``plan.json`` entries, a hook's old and new inputs, the
states of ``pulumi preview --json`` steps) and imports neither Pulumi nor any component, so
components, the policy pack and the tooling can all use it.
"""

from .compare import StackFacts, identity, match, pair_findings, review, review_pairs
from .fields import field_changes
from .levels import (
    ReviewConfigError,
    ReviewLevels,
    apply_levels,
    blocking,
    load_review_levels,
    parse_review_levels,
)
from .model import (
    ABSENT,
    FINDING_IDS,
    LEVELS,
    Change,
    Changed,
    Finding,
    Level,
    LeveledFinding,
    Pair,
    Renamed,
    Resource,
    Review,
)
from .topics import TopicContext, broker_topic_defaults, topic_change_findings

__all__ = [
    "ABSENT",
    "FINDING_IDS",
    "LEVELS",
    "Change",
    "Changed",
    "Finding",
    "Level",
    "LeveledFinding",
    "Pair",
    "Renamed",
    "Resource",
    "Review",
    "ReviewConfigError",
    "ReviewLevels",
    "StackFacts",
    "TopicContext",
    "apply_levels",
    "blocking",
    "broker_topic_defaults",
    "field_changes",
    "identity",
    "load_review_levels",
    "match",
    "pair_findings",
    "parse_review_levels",
    "review",
    "review_pairs",
    "topic_change_findings",
]
