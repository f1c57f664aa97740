"""A Strimzi custom resource whose ``status`` is readable as an output."""

from __future__ import annotations

import importlib.metadata
from typing import Any

import pulumi

from .strimzi import API_VERSION

# The kubernetes plugin release the engine loads for these resources: the installed SDK's, as the
# SDK's own resources ask for it (a final release's PEP 440 and semver spellings are the same).
KUBERNETES_PLUGIN_VERSION = importlib.metadata.version("pulumi_kubernetes")


class StrimziResource(pulumi.CustomResource):
    """A ``kafka.strimzi.io/v1`` object managed by the Kubernetes provider.

    Same type token and inputs as ``pulumi_kubernetes.apiextensions.CustomResource``; with
    ``with_status`` it also has a ``status`` output (``apiextensions.CustomResource`` has none in
    Python), so components can export what Strimzi reports, such as external bootstrap addresses.
    """

    api_version: pulumi.Output[str]
    kind: pulumi.Output[str]
    metadata: pulumi.Output[Any]
    spec: pulumi.Output[Any]
    status: pulumi.Output[Any]

    def __init__(
        self,
        resource_name: str,
        *,
        kind: str,
        metadata: dict[str, Any],
        spec: dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
        with_status: bool = False,
    ) -> None:
        props: dict[str, Any] = {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}
        if with_status:
            # Only requested where used: every output property costs the engine a future to track.
            props["status"] = None
        opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(version=KUBERNETES_PLUGIN_VERSION), opts)
        super().__init__(f"kubernetes:{API_VERSION}:{kind}", resource_name, props, opts)

    def translate_output_property(self, prop: str) -> str:
        """Expose ``apiVersion`` as ``api_version``; other keys keep their names."""
        return "api_version" if prop == "apiVersion" else prop
