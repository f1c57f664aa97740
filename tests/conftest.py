"""Shared fixtures: the project, the Strimzi 1.2.0 reference data, and offline program runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from messaging_platform.config import Stack, StackConfig, load_stack, load_stack_config
from messaging_platform_tools.offline.engine import Recording, run_program
from messaging_platform_tools.offline.project import PulumiProject
from messaging_platform_tools.offline.runner import PlanResult, plan_stack
from messaging_platform_tools.validation.crd_schema import CACHE_ENV, CrdSchemas

PROJECT_DIR = Path(__file__).resolve().parents[1]
STRIMZI_DIR = PROJECT_DIR.parent / "shared" / "strimzi-1.2.0"
CRD_DIR = STRIMZI_DIR / "crds"
STACKS = ("dev", "prod")
ALL_STACKS = ("dev", "prod", "external", "mirror")


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder of the test run's own: tests never write to the developer's (CRD schemas)."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("cache")
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


@pytest.fixture(scope="session")
def project() -> PulumiProject:
    """This repository as a Pulumi project."""
    return PulumiProject.find(PROJECT_DIR)


@pytest.fixture(scope="session")
def crd_schemas() -> CrdSchemas:
    """The real Strimzi 1.2.0 CRD schemas (from ../shared, never copied into the project)."""
    assert CRD_DIR.is_dir(), f"Strimzi 1.2.0 CRDs expected at {CRD_DIR}"
    return CrdSchemas.load(CRD_DIR)


@pytest.fixture(scope="session")
def stack_plans(project: PulumiProject) -> dict[str, PlanResult]:
    """Every committed stack planned once per session, with CRD validation."""
    return {stack: plan_stack(project, stack, CRD_DIR) for stack in project.stacks}


def stack_config(environment: str = "dev", **cluster: Any) -> StackConfig:
    """A validated stack with one cluster ``events`` built from a preset plus overrides."""
    return load_stack_config({"environment": environment, "clusters": {"events": cluster}})


@pytest.fixture
def run() -> Callable[[Callable[[], object]], Recording]:
    """Run a function as a Pulumi program under the offline engine (mock monitor)."""

    def runner(program: Callable[[], object], stack: str = "test") -> Recording:
        def as_program() -> None:
            program()

        return run_program(as_program, "messaging-platform", stack)

    return runner


def write_catalog(root: Path, domains: dict[str, dict[str, Any]]) -> Path:
    """Write ``root/catalog/<file>.yaml`` for each domain document; returns ``root``."""
    folder = root / "catalog"
    folder.mkdir(parents=True, exist_ok=True)
    for file, document in domains.items():
        (folder / f"{file}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return root


def catalog_stack(root: Path, environment: str = "prod", catalog: dict[str, Any] | None = None,
                  **values: Any) -> Stack:  # fmt: skip
    """Load a stack with one cluster ``events`` (preset) and the catalog under ``root``.

    External cluster credentials count as stored encrypted, as ``pulumi config set --secret`` does."""
    raw = {"environment": environment, "clusters": {"events": {}}, "catalog": catalog or {}, **values}
    return load_stack(raw, root, secret_keys={"externalClusters"})
