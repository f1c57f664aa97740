"""The real Pulumi CLI on a copy of this project: a local file backend, a passphrase, no network.

Each :class:`PulumiProjectCopy` is a folder holding the program (``__main__.py``), the catalog and
the policy pack, a ``Pulumi.yaml`` that points at the test run's virtualenv, and its own backend
and ``PULUMI_HOME``, so tests never touch the developer's stacks or plugin cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .toolchain import PROJECT_DIR, Toolchain

PASSPHRASE = "e2e-passphrase"
COMMAND_TIMEOUT_S = 600


class PulumiCommandError(AssertionError):
    """A ``pulumi`` command exited non-zero (its output is the message)."""

    def __init__(self, args: list[str], result: subprocess.CompletedProcess[str]) -> None:
        super().__init__(
            f"`pulumi {' '.join(args)}` exited {result.returncode}\n--- stdout ---\n{result.stdout[-6000:]}"
            f"\n--- stderr ---\n{result.stderr[-4000:]}"
        )
        self.result = result


class PulumiProjectCopy:
    """This project's program, catalog and policy pack in ``directory``, driven by the real CLI."""

    def __init__(self, toolchain: Toolchain, directory: Path, project_dir: Path = PROJECT_DIR) -> None:
        self.toolchain = toolchain
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copy(project_dir / "__main__.py", directory / "__main__.py")
        shutil.copytree(project_dir / "catalog", directory / "catalog", dirs_exist_ok=True)
        # symlinks=False: the pack's config/ is a link into the package in the repository.
        shutil.copytree(project_dir / "policies", directory / "policies", dirs_exist_ok=True, symlinks=False)
        # The project's own Pulumi.yaml and pack (virtualenv: .venv), with .venv being this test run's venv.
        shutil.copy(project_dir / "Pulumi.yaml", directory / "Pulumi.yaml")
        (directory / ".venv").symlink_to(Path(sys.prefix))
        self.home = directory / ".pulumi-home"
        self.backend = directory / ".state"
        self.backend.mkdir(exist_ok=True)

    @property
    def env(self) -> dict[str, str]:
        """The CLI's environment: toolchain first on PATH, isolated home and backend, no network use."""
        path = [str(p) for p in self.toolchain.bin_path] + [str(Path(sys.prefix) / "bin"), os.environ.get("PATH", "")]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
        env.update(
            PATH=os.pathsep.join(path),
            PULUMI_HOME=str(self.home),
            PULUMI_BACKEND_URL=f"file://{self.backend}",
            PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
            PULUMI_DISABLE_REGISTRY_RESOLVE="true",
            PULUMI_SKIP_CONFIRMATIONS="true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="true",
            NO_COLOR="1",
        )
        return env

    def run(
        self, *args: str, check: bool = True, timeout: float = COMMAND_TIMEOUT_S, policy_cli: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi ARGS`` in the project folder (``--non-interactive``), bounded in time; with
        ``policy_cli``, the second CLI that can load Python policy packs here."""
        argv = [*args, "--non-interactive"]
        cli = (self.toolchain.policy_cli_bin if policy_cli else self.toolchain.pulumi_bin) / "pulumi"
        result = subprocess.run(
            [str(cli), *argv],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise PulumiCommandError(argv, result)
        return result

    def stack_file(self, stack: str) -> Path:
        """``Pulumi.<stack>.yaml`` of the copy."""
        return self.directory / f"Pulumi.{stack}.yaml"

    def init_stack(self, stack: str, config: Mapping[str, Any], secrets: Mapping[str, str] = {}) -> None:
        """Create ``stack`` with plain ``config`` (``namespace:key`` -> value) and encrypted ``secrets``
        (``namespace:path`` -> text, set with ``pulumi config set --secret --path``)."""
        self.run("stack", "init", stack)
        document = yaml.safe_load(self.stack_file(stack).read_text()) or {}
        document["config"] = dict(config)
        self.stack_file(stack).write_text(yaml.safe_dump(document, sort_keys=False))
        for key, value in secrets.items():
            self.run("config", "set", "--stack", stack, "--secret", "--path", key, value)

    def write_config(self, stack: str, config: Mapping[str, Any]) -> None:
        """Replace the plain config of ``stack``, keeping every encrypted value already set."""
        document = yaml.safe_load(self.stack_file(stack).read_text())
        secure = {k: v for k, v in (document.get("config") or {}).items() if _has_secure(v)}
        merged = {**config}
        for key, value in secure.items():
            merged[key] = _merge_secure(merged.get(key), value)
        document["config"] = merged
        self.stack_file(stack).write_text(yaml.safe_dump(document, sort_keys=False))

    def plan(self, stack: str, out: Path) -> subprocess.CompletedProcess[str]:
        """``messaging-platform plan`` of the copy's stack into ``out`` (the offline planner, same venv)."""
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "messaging_platform_tools.cli",
                "plan",
                "--stack",
                stack,
                "--project-dir",
                str(self.directory),
                "--out",
                str(out),
                "--quiet",
                # The copy does not sit beside shared/, where plan finds the CRDs by default.
                "--crds",
                str(PROJECT_DIR.parent / "shared" / "strimzi-1.2.0" / "crds"),
            ],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )

    def export(self, stack: str) -> dict[str, Any]:
        """``pulumi stack export`` as JSON (the engine's record of every resource)."""
        exported: dict[str, Any] = json.loads(self.run("stack", "export", "--stack", stack).stdout)
        return exported


def _has_secure(value: Any) -> bool:
    if isinstance(value, Mapping):
        return set(value) == {"secure"} or any(_has_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secure(v) for v in value)
    return False


def _merge_secure(plain: Any, secure: Any) -> Any:
    """Overlay the encrypted leaves of ``secure`` on ``plain``."""
    if isinstance(secure, Mapping) and set(secure) != {"secure"} and isinstance(plain, Mapping):
        merged = dict(plain)
        for key, value in secure.items():
            if _has_secure(value):
                merged[key] = _merge_secure(plain.get(key), value)
        return merged
    return secure
