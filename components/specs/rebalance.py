"""Pure builder for the ``KafkaRebalance`` custom resource (no Pulumi imports).

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaRebalanceSpec-reference
"""

from __future__ import annotations

from typing import Any

from ..config.rebalance import RebalanceSettings


def rebalance_spec(settings: RebalanceSettings) -> dict[str, Any]:
    """``KafkaRebalance.spec``: mode, brokers (add/remove modes), goals, hard-goal check."""
    spec: dict[str, Any] = {"mode": settings.mode}
    if settings.brokers:
        spec["brokers"] = list(settings.brokers)
    if settings.goals:
        spec["goals"] = list(settings.goals)
    if settings.skip_hard_goal_check:
        spec["skipHardGoalCheck"] = True
    return spec
