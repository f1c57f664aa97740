"""Pure builder for the ``KafkaMirrorMaker2`` custom resource (no Pulumi imports).

Strimzi 1.2.0's ``v1`` layout: ``spec.target`` (the cluster the Connect workers run against, with
their group and topics) and ``spec.mirrors[].source``. It has no heartbeat connector.

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaMirrorMaker2-reference
Ref: https://kafka.apache.org/documentation/#mirrormakerconfigs (connector options)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..config.acls import MirrorFlow
from ..config.mirror import REPLICATION_POLICY_CLASSES, MirrorMaker2Settings
from .clients import KafkaConnection

# -1: the target brokers' default.replication.factor (KIP-464), as Strimzi's examples do.
BROKER_DEFAULT_REPLICATION = -1
_REGEX_SPECIAL = re.compile(r"([\\.\[\]{}()*+?^$|])")


def literal_pattern(names: Iterable[str]) -> str:
    """A Java regular expression matching exactly these names (MirrorMaker 2 matches whole names)."""
    return "|".join(_REGEX_SPECIAL.sub(r"\\\1", name) for name in sorted(names))


def mirror_maker2_spec(
    *,
    flow: MirrorFlow,
    settings: MirrorMaker2Settings,
    version: str,
    source: KafkaConnection,
    target: KafkaConnection,
    target_alias: str,
) -> dict[str, Any]:
    """``KafkaMirrorMaker2.spec`` for one flow: the target (Connect cluster), one mirror, resources, logging.

    The offset-syncs topic lives on the target, so the source side only ever reads; ACLs are not
    copied (the platform declares them); the checkpoint connector runs when there are consumer groups
    to checkpoint, and only then are offset syncs emitted.
    """
    policy = REPLICATION_POLICY_CLASSES[settings.replication_policy]
    configs, offsets, status = flow.connect_topics
    source_connector: dict[str, Any] = {
        "replication.policy.class": policy,
        "replication.factor": BROKER_DEFAULT_REPLICATION,
        "offset-syncs.topic.location": "target",
        "offset-syncs.topic.replication.factor": BROKER_DEFAULT_REPLICATION,
        "emit.offset-syncs.enabled": "true" if flow.checkpoints else "false",
        "sync.topic.acls.enabled": "false",
    }
    mirror: dict[str, Any] = {
        "source": {"alias": flow.source_alias, **source.to_spec()},
        "sourceConnector": {"tasksMax": settings.tasks_max, "config": source_connector},
        "topicsPattern": literal_pattern(flow.topics),
    }
    if flow.checkpoints:
        mirror["checkpointConnector"] = {
            "tasksMax": 1,
            "config": {
                "replication.policy.class": policy,
                "offset-syncs.topic.location": "target",
                "checkpoints.topic.replication.factor": BROKER_DEFAULT_REPLICATION,
                "sync.group.offsets.enabled": "true" if settings.sync_group_offsets else "false",
            },
        }
        mirror["groupsPattern"] = literal_pattern(flow.groups)
    spec: dict[str, Any] = {
        "version": version,
        "replicas": settings.replicas,
        "target": {
            "alias": target_alias,
            **target.to_spec(),
            "groupId": flow.connect_group,
            "configStorageTopic": configs,
            "offsetStorageTopic": offsets,
            "statusStorageTopic": status,
            "config": {
                "config.storage.replication.factor": BROKER_DEFAULT_REPLICATION,
                "offset.storage.replication.factor": BROKER_DEFAULT_REPLICATION,
                "status.storage.replication.factor": BROKER_DEFAULT_REPLICATION,
            },
        },
        "mirrors": [mirror],
    }
    if settings.resources is not None:
        spec["resources"] = settings.resources.to_dict()
    if settings.logging is not None:
        spec["logging"] = settings.logging.to_spec()
    return spec
