"""Config of a Cruise Control rebalance (``KafkaRebalance``) of a Strimzi cluster.

Strimzi asks Cruise Control for an optimization proposal; it is applied once approved (the
``strimzi.io/rebalance=approve`` annotation, or at once with ``autoApprove``).

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaRebalance-reference
Ref: https://strimzi.io/docs/operators/latest/deploying#cruise-control-concepts-str
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema, model_validator

from .base import ConfigModel, Problem, json_pattern, raise_problems
from .kubernetes import DnsLabel

RebalanceMode = Literal["full", "add-brokers", "remove-brokers"]
# Cruise Control goal class names (https://github.com/linkedin/cruise-control#goals): RackAwareGoal, ...
_GOAL = re.compile(r"^[A-Z][A-Za-z]*Goal$")


def _check_goal(value: str) -> str:
    if not _GOAL.match(value):
        raise ValueError(f"'{value}' is not a Cruise Control goal name (e.g. RackAwareGoal, DiskCapacityGoal)")
    return value


Goal = Annotated[
    str,
    AfterValidator(_check_goal),
    WithJsonSchema({"title": "Cruise Control goal", "type": "string", "pattern": json_pattern(_GOAL)}),
]


class RebalanceSettings(ConfigModel):
    """What to rebalance and how: mode, brokers, goals, approval."""

    mode: RebalanceMode = Field(
        default="full",
        description="`full` (every broker), `add-brokers` (move replicas onto new brokers, after scaling up) or "
        "`remove-brokers` (move replicas off brokers, before scaling down).",
    )
    brokers: list[int] = Field(
        default_factory=list,
        description="Node ids of the brokers added or to be removed; required by `add-brokers` and `remove-brokers`, "
        "refused with `full`.",
    )
    goals: list[Goal] = Field(
        default_factory=list,
        description="Cruise Control goals by decreasing priority; unset: the cluster's default goals.",
    )
    skip_hard_goal_check: bool = Field(
        default=False, description="Allow a proposal that leaves out hard goals of the cluster's Cruise Control."
    )
    auto_approve: bool = Field(
        default=False,
        description="Apply the proposal as soon as it is ready; otherwise it waits for "
        "`kubectl annotate kafkarebalance <name> strimzi.io/rebalance=approve`.",
    )

    @model_validator(mode="after")
    def _check_brokers(self) -> RebalanceSettings:
        problems: list[Problem] = []
        if self.mode == "full" and self.brokers:
            problems.append((("brokers",), "applies to add-brokers and remove-brokers only; remove it", self.brokers))
        if self.mode != "full" and not self.brokers:
            problems.append((("brokers",), f"list the node ids of the brokers {self.mode} is about", None))
        if any(broker < 0 for broker in self.brokers):
            problems.append((("brokers",), "node ids are 0 or more", self.brokers))
        if len(set(self.brokers)) != len(self.brokers):
            problems.append((("brokers",), "each broker may be listed once", self.brokers))
        if len(set(self.goals)) != len(self.goals):
            problems.append((("goals",), "each goal may be listed once", self.goals))
        raise_problems(problems)
        return self


class RebalanceConfig(RebalanceSettings):
    """A ``KafkaRebalance`` of a Strimzi cluster that runs Cruise Control."""

    cluster: DnsLabel | None = Field(
        default=None,
        description="The cluster (of `clusters`) to rebalance; it must run Cruise Control. Unset: the only cluster.",
    )


__all__ = ["Goal", "RebalanceConfig", "RebalanceMode", "RebalanceSettings"]
