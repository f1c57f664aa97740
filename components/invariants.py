"""Kafka's own invariants, in one home: the catalog resolver and the policy rules both call these,
so a plan's config error and a policy finding can never disagree on what Kafka accepts.

Pure functions, no Pulumi or pydantic imports.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def replicas_problem(replicas: int, brokers: int) -> str | None:
    """Kafka refuses a topic with more replicas than the cluster has brokers (the Topic Operator
    then retries forever)."""
    if replicas > brokers:
        return f"asks for {replicas} replicas but the cluster has {brokers} broker(s)"
    return None


def min_insync_problem(min_insync: int, replicas: int) -> str | None:
    """``min.insync.replicas`` must not exceed the replicas, and with more than one replica must stay
    below them, or one broker down stops every ``acks=all`` producer."""
    if min_insync > replicas or (replicas > 1 and min_insync >= replicas):
        bound = "at most" if replicas == 1 else "below"
        return (
            f"needs min.insync.replicas {bound} its {replicas} replicas, "
            "or one broker down stops every acks=all producer"
        )
    return None


def metric_name(topic: str) -> str:
    """The name Kafka's metrics use for a topic: ``.`` and ``_`` read alike, so two topics whose
    names differ only there collide and Kafka refuses the second."""
    return topic.replace(".", "_")


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest known word, or ``""``."""
    close = difflib.get_close_matches(word, list(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""
