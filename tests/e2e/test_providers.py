"""The provider plugins the tier built speak the schema the Python SDKs were generated from.

pulumi-kafka's and pulumi-random's own provider modules are not served by the Go module proxy, so
the plugins are built from the Terraform providers those releases wrap, through the Pulumi
Terraform bridge, with our own token mapping (e2e/tools/provider-*/info). This proves the mapping:
every resource, function, input (and whether it is required), output and config key of the
installed SDK matches the schema the plugin serves.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .pulumi_cli import PulumiProjectCopy
from .toolchain import PROJECT_DIR, Toolchain

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("plugin", "package"), [("kafka", "pulumi_kafka"), ("random", "pulumi_random")])
def test_plugin_schema_matches_the_installed_python_sdk(
    toolchain: Toolchain, tmp_path_factory: pytest.TempPathFactory, plugin: str, package: str
) -> None:
    project = PulumiProjectCopy(toolchain, tmp_path_factory.mktemp(f"schema-{plugin}"))
    binary = {"kafka": toolchain.kafka_provider_bin, "random": toolchain.random_provider_bin}[plugin]
    schema = project.run("package", "get-schema", str(binary / f"pulumi-resource-{plugin}")).stdout
    schema_file = project.directory / f"{plugin}.schema.json"
    schema_file.write_text(schema)
    checked = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "e2e" / "tools" / "check_schema.py"), str(schema_file), package],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{package} " in checked.stdout and "OK" in checked.stdout
