"""Other Pulumi projects can pip-install the library with their own pulumi 3.x release and use it.

The wheel is built from this checkout and installed into a fresh venv whose pulumi and provider
SDKs are not the tooling's pins (``consumer_venv.py``: the newest other release and the library's
declared floor). A consumer project with its own ``components/`` package runs a program under
Pulumi's public mocks API, using only the library's public API.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
import zipfile
from dataclasses import dataclass
from importlib.metadata import distributions
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from messaging_platform_tools import TESTED_PULUMI_RELEASES
from tests.conftest import PROJECT_DIR
from tests.packaging import consumer_venv
from tests.packaging.consumer_venv import ENVIRONMENTS, ConsumerEnvironment

CONSUMER_PROGRAM = textwrap.dedent(
    '''
    """A consumer project's program: the library's public API under Pulumi's public mocks API."""

    import json
    from importlib.metadata import version
    from importlib.util import find_spec

    import pulumi

    import components  # this project's own components/ package: the library must not shadow it
    import messaging_platform
    from messaging_platform import (
        ClusterConfig, KafkaCatalog, KafkaCatalogArgs, KafkaCluster, KafkaClusterArgs, OperatorConfig, ServiceArgs,
        StrimziOperator, StrimziOperatorArgs, TopicArgs,
    )
    from messaging_platform.config import cluster_preset


    class Recorder(pulumi.runtime.Mocks):
        """Every registered resource: inputs from the mock monitor, parents from a stack transformation."""

        def __init__(self):
            self.registered = {}
            self.parents = {}
            self._names = {}

        def new_resource(self, args):
            self.registered[(args.typ, args.name)] = {"custom": bool(args.custom), "inputs": args.inputs}
            return f"{args.name}-id", args.inputs

        def call(self, args):
            return {}

        def transformation(self, args):
            # Runs as each resource is constructed, parents first; the root stack is recorded as None.
            self._names[id(args.resource)] = f"{args.type_}::{args.name}"
            parent = args.opts.parent if args.opts is not None else None
            self.parents[(args.type_, args.name)] = None if parent is None else self._names.get(id(parent), "?")
            return None


    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, project="consumer", stack="dev", preview=False)


    @pulumi.runtime.test  # runs the program, then waits until every registration has finished
    def program():
        pulumi.runtime.register_stack_transformation(recorder.transformation)
        operator = StrimziOperator("strimzi", StrimziOperatorArgs(config=OperatorConfig(), watch_namespaces=["kafka"]))
        cluster = KafkaCluster(
            "orders", KafkaClusterArgs(config=ClusterConfig.model_validate(cluster_preset("prod")), operator=operator)
        )
        catalog = KafkaCatalog("orders-catalog", KafkaCatalogArgs(target=cluster))
        catalog.add_topic(TopicArgs(name="orders.events", domain="orders", partitions=6, replicas=3))
        catalog.add_service(ServiceArgs(name="billing", domain="orders", produces=["orders.events"]))
        return pulumi.Output.all(operator.urn, cluster.urn, catalog.urn)


    program()
    print(json.dumps({
        "own": components.NAME,
        "library": messaging_platform.__file__,
        "pulumi": pulumi.__file__,
        "jsonschema": find_spec("jsonschema") and find_spec("jsonschema").origin,
        "versions": {name: version(name) for name in
                     ("pulumi", "pulumi-kubernetes", "pulumi-kafka", "pulumi-random", "pulumi-policy")},
        "resources": [
            {"type": typ, "name": name, "parent": recorder.parents.get((typ, name), "?"), **record}
            for (typ, name), record in recorder.registered.items()
        ],
    }, default=repr))
    '''
)

OPERATOR, CLUSTER = "messaging-platform:strimzi:Operator::strimzi", "messaging-platform:kafka:Cluster::orders"
CATALOG, USER = "messaging-platform:kafka:Catalog::orders-catalog", "messaging-platform:kafka:User::orders-user-billing"
EXPECTED_RESOURCES = {
    # (type, name, parent): what `pulumi up` of the consumer's program would create.
    ("messaging-platform:strimzi:Operator", "strimzi", None),
    ("kubernetes:core/v1:Namespace", "strimzi-namespace", OPERATOR),
    ("kubernetes:yaml/v2:ConfigFile", "strimzi-crds", OPERATOR),
    ("kubernetes:helm.sh/v3:Release", "strimzi-release", OPERATOR),
    ("messaging-platform:kafka:Cluster", "orders", None),
    ("kubernetes:core/v1:ConfigMap", "orders-metrics", CLUSTER),
    ("kubernetes:kafka.strimzi.io/v1:KafkaNodePool", "orders-pool-controllers", CLUSTER),
    ("kubernetes:kafka.strimzi.io/v1:KafkaNodePool", "orders-pool-brokers", CLUSTER),
    ("kubernetes:kafka.strimzi.io/v1:Kafka", "orders-kafka", CLUSTER),
    ("messaging-platform:kafka:Catalog", "orders-catalog", None),
    ("kubernetes:kafka.strimzi.io/v1:KafkaTopic", "orders-topic-orders.events", CATALOG),
    ("messaging-platform:kafka:User", "orders-user-billing", CATALOG),
    ("random:index/randomPassword:RandomPassword", "orders-user-billing-password", USER),
    ("kubernetes:core/v1:Secret", "orders-user-billing-password-secret", USER),
    ("kubernetes:kafka.strimzi.io/v1:KafkaUser", "orders-user-billing-user", USER),
}

TOOLING_COMMAND = (
    "from messaging_platform_tools.launcher import main; raise SystemExit(main(['plan', '--stack', 'dev']))"
)


def _setuptools() -> dict[str, Any]:
    with (PROJECT_DIR / "pyproject.toml").open("rb") as file:
        pyproject = tomllib.load(file)
    settings: dict[str, Any] = pyproject["tool"]["setuptools"]
    return {"readme": pyproject["project"]["readme"], **settings}


def _source_files(*, follow_symlinks: bool) -> set[str]:
    """Every file of the packages' source folders, as a wheel names them (``messaging_platform/...``)."""
    files = set()
    for package, folder in _setuptools()["package-dir"].items():
        for directory, subdirs, names in os.walk(PROJECT_DIR / folder, followlinks=follow_symlinks):
            subdirs[:] = [name for name in subdirs if name != "__pycache__"]
            relative = Path(directory).relative_to(PROJECT_DIR / folder)
            files |= {(Path(package) / relative / name).as_posix() for name in names if not name.endswith(".pyc")}
    return files


def _python_environment() -> dict[str, str]:
    """This process's environment without what would point a consumer's Python at ours."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PYTHON") and key != "VIRTUAL_ENV"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The library's wheel, built by pip from a copy of this checkout's package sources.

    Not from the checkout itself: setuptools builds in-tree, and files left in ``build/lib`` by an
    earlier build (modules since moved or deleted) would be packaged again.
    """
    source, wheels = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheels")
    settings = _setuptools()
    for name in ("pyproject.toml", settings["readme"]):
        shutil.copy2(PROJECT_DIR / name, source / name)
    for folder in settings["package-dir"].values():
        shutil.copytree(PROJECT_DIR / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)]
    subprocess.run(command, check=True, env=consumer_venv.pip_environment())
    (built,) = wheels.glob("messaging_platform-*.whl")
    return built


def test_wheel_ships_every_source_file_and_nothing_else(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if ".dist-info/" not in name}
    # A module missing from [tool.setuptools] packages imports from the checkout but not from the wheel.
    assert _source_files(follow_symlinks=False) - shipped == set()
    assert shipped - _source_files(follow_symlinks=True) == set()
    # The policy pack `pulumi preview --policy-pack` loads; its config/ is a symlink to policy/config.
    for packaged in ("policypack/__main__.py", "policypack/PulumiPolicy.yaml", "policypack/config/prod.json"):
        assert f"messaging_platform/policy/{packaged}" in shipped


def test_wheel_requires_the_library_ranges_and_pins_pulumi_only_for_the_tools_extra(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = (name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        lines = archive.read(metadata).decode().splitlines()
    requirements = [Requirement(line.removeprefix("Requires-Dist: ")) for line in lines if "Requires-Dist:" in line]
    assert {str(r) for r in requirements if r.marker is None} == {
        str(Requirement(line)) for line in consumer_venv.library_dependencies()
    }
    assert [str(r.marker) for r in requirements if r.name == "pulumi" and r.marker] == ['extra == "tools"']


@dataclass(frozen=True)
class Consumer:
    """A fresh venv with the wheel installed over a cached consumer environment."""

    environment: ConsumerEnvironment
    environment_dir: Path
    venv_dir: Path
    python: Path
    pulumi_release: str
    """The installed ``pulumi`` release, e.g. ``3.231.0`` for the pin ``pulumi==3.231``."""


@pytest.fixture(scope="module", params=ENVIRONMENTS, ids=lambda environment: environment.label)
def consumer(request: pytest.FixtureRequest, wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Consumer:
    environment: ConsumerEnvironment = request.param
    assert environment.pulumi_release not in TESTED_PULUMI_RELEASES, "a consumer must differ from the tooling's pin"
    environment_dir = consumer_venv.ensure(environment)
    venv_dir = tmp_path_factory.mktemp(f"consumer-{environment.label}") / "venv"
    python = consumer_venv.install_wheel(environment_dir, wheel, venv_dir)
    (pulumi,) = distributions(name="pulumi", path=[str(consumer_venv.site_packages(environment_dir))])
    return Consumer(environment, environment_dir, venv_dir, python, pulumi.version)


def _run_consumer_program(consumer: Consumer, project: Path) -> dict[str, Any]:
    (project / "components").mkdir(parents=True)
    (project / "components" / "__init__.py").write_text("NAME = 'consumer components'\n")
    (project / "__main__.py").write_text(CONSUMER_PROGRAM)
    result = subprocess.run(
        [str(consumer.python), "__main__.py"],
        cwd=project,
        capture_output=True,
        text=True,
        env=_python_environment(),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def test_consumer_with_its_own_pulumi_release_builds_a_cluster_and_catalog(consumer: Consumer, tmp_path: Path) -> None:
    report = _run_consumer_program(consumer, tmp_path / "project")

    assert report["own"] == "consumer components"
    assert Path(report["library"]).is_relative_to(consumer_venv.site_packages(consumer.venv_dir))
    assert Path(report["pulumi"]).is_relative_to(consumer.environment_dir)
    assert report["jsonschema"] is None, "the [tools] extra must not be installed"
    installed = report["versions"]
    assert installed["pulumi"] == consumer.pulumi_release
    assert installed["pulumi"] not in TESTED_PULUMI_RELEASES
    for pin in map(Requirement, consumer.environment.pins):
        assert pin.specifier.contains(installed[pin.name]), (pin, installed[pin.name])

    resources = {(r["type"], r["name"]): r for r in report["resources"]}
    assert {(r["type"], r["name"], r["parent"]) for r in report["resources"]} == EXPECTED_RESOURCES
    topic = resources["kubernetes:kafka.strimzi.io/v1:KafkaTopic", "orders-topic-orders.events"]["inputs"]
    assert topic["spec"] == {"topicName": "orders.events", "partitions": 6, "replicas": 3}
    assert topic["metadata"]["namespace"] == "kafka"
    assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "orders"
    user = resources["kubernetes:kafka.strimzi.io/v1:KafkaUser", "orders-user-billing-user"]["inputs"]
    assert user["metadata"]["name"] == "billing"
    assert user["spec"]["authentication"]["type"] == "scram-sha-512"
    assert user["spec"]["authorization"] == {
        "type": "simple",
        "acls": [
            {
                "resource": {"type": "topic", "name": "orders.events", "patternType": "literal"},
                "operations": ["Describe", "Write"],
                "host": "*",
            }
        ],
    }


def test_tooling_refuses_the_consumers_pulumi_release(consumer: Consumer, tmp_path: Path) -> None:
    # The wheel ships the tooling, but without the [tools] extra the SDK is the consumer's.
    result = subprocess.run(
        [str(consumer.python), "-c", TOOLING_COMMAND],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_python_environment(),
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert f"was tested with pulumi {', '.join(TESTED_PULUMI_RELEASES)}" in result.stderr
    assert f"but {consumer.pulumi_release} is installed" in result.stderr
