"""Stack config for the e2e tier: the external stack aimed at the test broker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from messaging_platform.config.resolve import ResolvedCatalog
from messaging_platform_tools.stack_files import load_stack_file

from .broker import KafkaBroker

EXTERNAL_CLUSTER = "local"
PASSWORD_PATH = f"messaging-platform:externalClusters.{EXTERNAL_CLUSTER}.sasl.password"


def external_stack_config(
    broker: KafkaBroker, brokers: int = 1, **catalog: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """Plain config and secrets of a prod-environment external stack on ``broker``.

    The test broker is a single node, so topics get one replica (``brokers`` may claim more for a
    preview that never creates anything)."""
    defaults = {"replicas": 1, "minInsyncReplicas": 1} if brokers == 1 else {}
    config = {
        "messaging-platform:environment": "prod",
        "messaging-platform:externalClusters": {EXTERNAL_CLUSTER: {**broker.provider_config(), "brokers": brokers}},
        "messaging-platform:catalog": {"cluster": EXTERNAL_CLUSTER, "defaults": defaults, **catalog},
    }
    return config, {PASSWORD_PATH: broker.admin_password}


def catalog_of(stack_file: Path) -> ResolvedCatalog:
    """The resolved catalog of a stack file (config and catalog next to it)."""
    stack = load_stack_file(stack_file)
    assert stack.catalog is not None
    return stack.catalog
