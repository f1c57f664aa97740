"""The ``StrimziOperator`` component: namespace, CRDs at the operator's version, and the Helm release."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from .config.operator import OperatorConfig
from .specs.operator import operator_values
from .strimzi import CRDS_URL, HELM_CHART, STRIMZI_VERSION, managed_labels

OPERATOR_TYPE = "messaging-platform:strimzi:Operator"


@dataclass(frozen=True)
class StrimziOperatorArgs:
    """Inputs of a :class:`StrimziOperator`."""

    config: OperatorConfig = field(default_factory=OperatorConfig)
    """Namespace, chart values, CRD management, resources and feature gates (default: the
    ``OperatorConfig`` defaults: namespace ``strimzi``, CRDs managed)."""
    watch_namespaces: Sequence[str] = ()
    """Namespaces whose Strimzi resources the operator reconciles, besides its own (default: only
    its own namespace)."""
    environment: str | None = None
    """The stack's environment, as the ``messaging-platform.io/environment`` label of the operator's
    Namespace (default: none, no label)."""


class StrimziOperator(pulumi.ComponentResource):
    """The Strimzi Cluster Operator 1.2.0, installed with Helm.

    Children (logical names derive from ``name``):

    - ``{name}-namespace``: the operator's Namespace.
    - ``{name}-crds``: the Strimzi CRDs from the release bundle at the chart's version. Helm installs
      CRDs only on first install and never upgrades them, so the chart runs with ``skipCrds`` and
      Pulumi applies the CRDs itself: bumping ``STRIMZI_VERSION`` upgrades CRDs and operator
      together. The CRDs are ``retainOnDelete``: deleting a CRD would delete every Kafka resource.
      Disabled with ``manageCrds: false`` when the cluster's CRDs are owned elsewhere.
    - ``{name}-release``: the ``strimzi-kafka-operator`` chart (``atomic``: a failed upgrade rolls
      back), watching ``args.watch_namespaces``.

    Everything Strimzi-shaped must depend on :attr:`ready`.
    """

    namespace: pulumi.Output[str]
    """The namespace the operator runs in."""
    release_name: pulumi.Output[str]
    """The Helm release name."""
    ready: list[pulumi.Resource]
    """Resources to depend on before creating Strimzi custom resources."""

    def __init__(
        self, name: str, args: StrimziOperatorArgs | None = None, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(OPERATOR_TYPE, name, None, opts)
        args = args or StrimziOperatorArgs()
        config, watch_namespaces = args.config, list(args.watch_namespaces)
        child = pulumi.ResourceOptions(parent=self)

        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata={"name": config.namespace, "labels": managed_labels(args.environment)},
            opts=child,
        )
        depends: list[pulumi.Resource] = [namespace]
        if config.manage_crds:
            crds = k8s.yaml.v2.ConfigFile(
                f"{name}-crds",
                file=CRDS_URL,
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
            depends.append(crds)
        release = k8s.helm.v3.Release(
            f"{name}-release",
            name=name,
            chart=HELM_CHART,
            version=STRIMZI_VERSION,
            namespace=config.namespace,
            values=operator_values(config, watch_namespaces),
            skip_crds=True,
            atomic=True,
            cleanup_on_fail=True,
            max_history=10,
            timeout=config.helm_timeout_seconds,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends),
        )

        # Outputs of the resources themselves: known in previews, and they carry the dependency.
        self.namespace = namespace.metadata.name.apply(lambda reported: reported or config.namespace)
        self.release_name = release.name.apply(lambda reported: reported or name)
        self.ready = [*depends, release]
        self.register_outputs({"namespace": self.namespace, "release_name": self.release_name})
