"""Other Pulumi projects can pip-install this repository and use the components."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

from tests.conftest import PROJECT_DIR

CONSUMER_PROGRAM = textwrap.dedent(
    """
    import json
    import components  # the consumer's own components/ package must keep working
    import messaging_platform
    from messaging_platform import ClusterConfig, KafkaCluster, StrimziOperator, OperatorConfig
    from messaging_platform.config import cluster_preset
    from messaging_platform_tools.offline.engine import run_program

    def program():
        operator = StrimziOperator("strimzi", OperatorConfig(), ["kafka"])
        KafkaCluster("orders", ClusterConfig.model_validate(cluster_preset("prod")), operator=operator)

    recording = run_program(program, "consumer", "dev")
    print(json.dumps({
        "own": components.NAME,
        "library": messaging_platform.__file__,
        "types": sorted({r.type for r in recording.resources}),
    }))
    """
)


def test_wheel_installs_into_a_fresh_venv_and_builds_a_cluster(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(PROJECT_DIR)],
        check=True,
    )
    (wheel,) = wheels.glob("messaging_platform-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for packaged in ("policy/config/prod.json", "policy/config/dev.json", "policy/policypack/__main__.py",
                     "policy/policypack/PulumiPolicy.yaml", "policy/policypack/config/prod.json"):  # fmt: skip
        assert f"messaging_platform/{packaged}" in names, packaged

    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=False)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(fresh), "platbase": str(fresh)}))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site), str(wheel)], check=True
    )
    # Dependencies come from the test environment's site-packages as a plain path entry: its .pth
    # files (including this checkout's editable install) are not processed, so only the wheel is seen.
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    consumer = tmp_path / "consumer"
    (consumer / "components").mkdir(parents=True)
    (consumer / "components" / "__init__.py").write_text("NAME = 'consumer components'\n")
    (consumer / "main.py").write_text(CONSUMER_PROGRAM)
    python = fresh / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    result = subprocess.run([str(python), "main.py"], cwd=consumer, capture_output=True, text=True, check=True)

    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["own"] == "consumer components"
    assert report["library"].startswith(str(site))
    assert "messaging-platform:kafka:Cluster" in report["types"]
    assert "kubernetes:kafka.strimzi.io/v1:Kafka" in report["types"]
