"""Kafka Connect rules: how Connect reaches Kafka, and what it downloads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..facts import CONNECT
from ..model import ResourceView
from ..registry import resource_rule

CHECKSUMMED_ARTIFACTS = frozenset({"jar", "tgz", "zip", "other"})


@resource_rule(
    "connect-tls",
    "Kafka Connect talks to Kafka over TLS with authentication",
    "Connect workers carry every connector's data and credentials.",
    [CONNECT],
)
def connect_tls(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """``spec.tls`` (trusted certificates) and ``spec.authentication`` are set."""
    if not isinstance(resource.spec.get("tls"), Mapping):
        yield "spec.tls is not set: Connect reaches Kafka in clear text"
    if not isinstance(resource.spec.get("authentication"), Mapping):
        yield "spec.authentication is not set: Connect reaches Kafka anonymously"


@resource_rule(
    "connect-artifact-checksum",
    "Connector plugin downloads are pinned by SHA-512",
    "An unpinned URL can change under you: the next build runs whatever it serves.",
    [CONNECT],
)
def connect_artifact_checksum(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    """Every jar/tgz/zip/other artifact of ``spec.build.plugins`` has ``sha512sum``."""
    build = resource.spec.get("build")
    plugins = build.get("plugins") if isinstance(build, Mapping) else None
    for plugin in plugins if isinstance(plugins, list) else []:
        artifacts = plugin.get("artifacts") if isinstance(plugin, Mapping) else None
        for artifact in artifacts if isinstance(artifacts, list) else []:
            pinnable = isinstance(artifact, Mapping) and artifact.get("type") in CHECKSUMMED_ARTIFACTS
            if pinnable and not artifact.get("sha512sum"):
                yield (
                    f"plugin '{plugin.get('name')}': {artifact.get('type')} artifact "
                    f"{artifact.get('url')} has no sha512sum"
                )


RULES = (connect_tls, connect_artifact_checksum)
