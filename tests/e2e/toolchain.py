"""Where ``e2e/toolchain.sh`` put the real Pulumi CLI, provider plugins and Kafka, and whether it did.

Versions come from ``e2e/versions.env`` (the one place they are pinned); each piece lives in a cache
folder named after its version, outside the clone.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
VERSIONS_FILE = PROJECT_DIR / "e2e" / "versions.env"
CACHE_ENV = "MESSAGING_PLATFORM_E2E_CACHE"
SKIP_ENV = "MESSAGING_PLATFORM_E2E_SKIP"
PIECES = ("pulumi", "policy-cli", "kafka-provider", "random-provider", "kafka")
BUILD_COMMAND = "bash e2e/toolchain.sh && .venv/bin/python -m pytest -m e2e"


def read_versions(path: Path = VERSIONS_FILE) -> dict[str, str]:
    """``NAME=value`` lines of ``versions.env`` (comments and blank lines ignored)."""
    versions = {}
    for line in path.read_text().splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            name, _, value = text.partition("=")
            versions[name.strip()] = value.strip()
    return versions


def cache_root() -> Path:
    """``$MESSAGING_PLATFORM_E2E_CACHE``, else ``~/.cache/messaging-platform/e2e``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "messaging-platform" / "e2e")


@dataclass(frozen=True)
class Toolchain:
    """The built pieces of the end-to-end tier."""

    versions: dict[str, str]
    pulumi_bin: Path
    policy_cli_bin: Path
    kafka_provider_bin: Path
    random_provider_bin: Path
    kafka_home: Path
    java: str

    @classmethod
    def locate(cls, root: Path | None = None) -> Toolchain:
        """The toolchain for the pinned versions under ``root`` (default :func:`cache_root`)."""
        root = root or cache_root()
        v = read_versions()
        return cls(
            versions=v,
            pulumi_bin=root / f"pulumi-{v['PULUMI_VERSION']}-python-host-{v['PULUMI_LANGUAGE_HOST_VERSION']}" / "bin",
            policy_cli_bin=root
            / f"pulumi-policy-cli-{v['PULUMI_POLICY_CLI_VERSION']}-python-host-{v['PULUMI_LANGUAGE_HOST_VERSION']}"
            / "bin",
            kafka_provider_bin=root / f"provider-kafka-{v['PULUMI_KAFKA_VERSION']}" / "bin",
            random_provider_bin=root / f"provider-random-{v['PULUMI_RANDOM_VERSION']}" / "bin",
            kafka_home=root / f"kafka-{v['KAFKA_VERSION']}",
            java=shutil.which("java") or "java",
        )

    @property
    def kafka_libs(self) -> Path:
        """The broker, tools and Connect jars (one flat folder, the classpath)."""
        return self.kafka_home / "libs"

    @property
    def bin_path(self) -> list[Path]:
        """Folders to put on ``PATH`` so the CLI finds its language host and the plugins."""
        return [self.pulumi_bin, self.kafka_provider_bin, self.random_provider_bin]

    def missing(self, pieces: tuple[str, ...] = PIECES) -> list[str]:
        """What is not built yet of ``pieces`` (see :data:`PIECES`); empty when they can run."""
        wanted = {
            "pulumi": [
                self.pulumi_bin / "pulumi",
                self.pulumi_bin / "pulumi-language-python",
                self.pulumi_bin / "pulumi-language-python-exec",
            ],
            "policy-cli": [self.policy_cli_bin / "pulumi", self.policy_cli_bin / "pulumi-analyzer-policy-python"],
            "kafka-provider": [self.kafka_provider_bin / "pulumi-resource-kafka"],
            "random-provider": [self.random_provider_bin / "pulumi-resource-random"],
            "kafka": [],
        }
        gone = [str(path) for piece in pieces for path in wanted[piece] if not os.access(path, os.X_OK)]
        if "kafka" in pieces:
            if not any(self.kafka_libs.glob("kafka_2.13-*.jar")):
                gone.append(f"{self.kafka_libs}/kafka_2.13-{self.versions['KAFKA_VERSION']}.jar")
            if shutil.which(self.java) is None:
                gone.append("java on PATH")
        return gone
