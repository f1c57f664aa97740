"""The component library uses only public Pulumi API: no SDK-internal module is imported anywhere in it."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import PROJECT_DIR

PULUMI_PACKAGES = ("pulumi", "pulumi_kubernetes", "pulumi_kafka", "pulumi_random", "pulumi_policy")
# Documented in the SDK but internal to its runtime (config maps, settings, the mock monitor).
INTERNAL = ("pulumi.runtime",)


def sdk_internal_imports(source: str) -> list[str]:
    """Modules of the Pulumi SDKs that are private (a ``_`` segment) or internal, imported in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if parts[0] in PULUMI_PACKAGES and (
                any(part.startswith("_") for part in parts[1:]) or module.startswith(INTERNAL)
            ):
                found.append(module)
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from pulumi_kubernetes import _utilities", ["pulumi_kubernetes._utilities"]),
        ("from pulumi.runtime import config", ["pulumi.runtime", "pulumi.runtime.config"]),
        ("import pulumi.runtime.settings", ["pulumi.runtime.settings"]),
        ("import pulumi\nfrom pulumi_kafka import Topic", []),
    ],
)
def test_the_scan_finds_private_and_internal_imports(source: str, expected: list[str]) -> None:
    assert sdk_internal_imports(source) == expected


def test_the_library_imports_no_sdk_internals() -> None:
    offenders = {
        str(path.relative_to(PROJECT_DIR)): found
        for path in sorted((PROJECT_DIR / "components").rglob("*.py"))
        if (found := sdk_internal_imports(path.read_text()))
    }
    assert offenders == {}
