"""``KafkaRebalance``: a Cruise Control rebalance of a Strimzi cluster."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from .cluster import KafkaCluster
from .config.errors import ConfigError, ConfigProblem
from .config.rebalance import RebalanceSettings
from .resources import StrimziResource
from .specs.rebalance import rebalance_spec
from .strimzi import CLUSTER_LABEL

REBALANCE_TYPE = "messaging-platform:kafka:Rebalance"
# Ref: https://strimzi.io/docs/operators/latest/deploying#proc-approving-optimization-proposal-str
AUTO_APPROVAL_ANNOTATION = "strimzi.io/rebalance-auto-approval"
# A rebalance ends in ProposalReady (waiting for approval) or, once approved, Ready after a long
# reassignment: pulumi up does not wait for either.
SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait"


@dataclass(frozen=True)
class KafkaRebalanceArgs:
    """Inputs of a :class:`KafkaRebalance`."""

    cluster: KafkaCluster
    """The cluster to rebalance; it must run Cruise Control (required)."""
    settings: RebalanceSettings = field(default_factory=RebalanceSettings)
    """Mode, brokers, goals, hard-goal check and approval (default: a ``full`` rebalance with the
    cluster's default goals, applied once approved by hand)."""


class KafkaRebalance(pulumi.ComponentResource):
    """A ``KafkaRebalance`` (named ``name``, labelled ``strimzi.io/cluster``) asking the cluster's Cruise
    Control for an optimization proposal, applied when approved (or at once with ``autoApprove``).

    Strimzi ignores a changed spec of an existing KafkaRebalance until it is refreshed, so a changed
    spec replaces the resource (deleted first, same name): Cruise Control computes a new proposal.
    Refused with a :class:`ConfigError` on a cluster without Cruise Control, which Strimzi needs for it.

    Children: ``{name}-rebalance``.
    """

    rebalance_name: str
    """The KafkaRebalance's name; approve its proposal with
    ``kubectl annotate kafkarebalance <name> strimzi.io/rebalance=approve``."""
    namespace: str
    """Its namespace (the cluster's)."""

    def __init__(self, name: str, args: KafkaRebalanceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(REBALANCE_TYPE, name, None, opts)
        cluster, settings = args.cluster, args.settings
        if not cluster.config.cruise_control.enabled:
            where = f"KafkaRebalance '{name}'.cluster"
            message = (
                f"cluster '{cluster.cluster_name}' does not run Cruise Control (cruiseControl.enabled: false); "
                "a KafkaRebalance needs it"
            )
            raise ConfigError([ConfigProblem(where, message)], where)
        annotations = {SKIP_AWAIT_ANNOTATION: "true"}
        if settings.auto_approve:
            annotations[AUTO_APPROVAL_ANNOTATION] = "true"
        StrimziResource(
            f"{name}-rebalance",
            kind="KafkaRebalance",
            metadata={
                "name": name,
                "namespace": cluster.namespace,
                "labels": {**cluster.labels, CLUSTER_LABEL: cluster.cluster_name},
                "annotations": annotations,
            },
            spec=rebalance_spec(settings),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[cluster.kafka], replace_on_changes=["spec"], delete_before_replace=True
            ),
        )
        self.rebalance_name = name
        self.namespace = cluster.namespace
        self.register_outputs({"rebalance_name": self.rebalance_name, "namespace": self.namespace})
