"""Consumer environments for the packaging test: venvs with a pulumi 3.x release the tooling does not pin.

A project that depends on ``messaging-platform`` picks its own pulumi and provider releases within
the library's ranges. ``test_wheel.py`` proves two such choices work:

``newest``
    The newest pulumi 3.x before the tooling's pin, with the newest provider SDKs (a consumer a
    release ahead of or behind us).
``floor``
    The lower bound of every ``pulumi*`` range in ``pyproject.toml`` (what the ranges promise at
    their oldest), derived from the ranges so it follows them when they move.

Each environment is resolved by pip from the library's declared dependencies with the pins as
constraints, built once per key (pins, dependency ranges, Python) in a temporary directory and
renamed into ``~/.cache/messaging-platform/consumer-venv/<key>``, and never changed afterwards:
concurrent test runs share it safely. The library's wheel is not part of it, since it changes with
the code: :func:`install_wheel` layers the wheel into a fresh venv per run.

CI builds the environments before the unit suite, so a cold cache never slows the suite::

    python -m tests.packaging.consumer_venv
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import tomllib
import venv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement

PROJECT_DIR = Path(__file__).resolve().parents[2]
CACHE_ENV = "MESSAGING_PLATFORM_CACHE"
"""Overrides the cache root (default ``~/.cache/messaging-platform``), as in ``.ci/run``."""
CONSTRAINTS_FILE = "consumer-constraints.txt"
MARKER_FILE = "consumer-environment.json"


@dataclass(frozen=True)
class ConsumerEnvironment:
    """A set of pulumi and provider releases a consumer project might pick."""

    label: str
    """Short name, used as the test id."""
    pins: tuple[str, ...]
    """Exact requirements (``pulumi==3.271.0``, ...), given to pip as constraints."""

    @property
    def pulumi_release(self) -> str:
        """The ``pulumi`` release this environment pins."""
        (release,) = (str(Requirement(pin).specifier).removeprefix("==") for pin in self.pins if _is_pulumi(pin))
        return release

    def key(self) -> str:
        """Cache key: the pins, the library's dependency ranges and the Python that runs the venv."""
        payload = {
            "pins": sorted(self.pins),
            "dependencies": sorted(library_dependencies()),
            "python": [platform.python_implementation(), *map(str, sys.version_info[:2]), sysconfig.get_platform()],
        }
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
        return f"{self.label}-{digest}"


def _is_pulumi(requirement: str) -> bool:
    return Requirement(requirement).name == "pulumi"


def _pyproject() -> dict[str, object]:
    with (PROJECT_DIR / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def library_dependencies() -> list[str]:
    """The library's ``[project.dependencies]`` (never the ``[tools]`` extra)."""
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    return list(project["dependencies"])


def floor_pins() -> tuple[str, ...]:
    """``name==<lower bound>`` for each ``pulumi*`` dependency of the library."""
    pins = []
    for line in library_dependencies():
        requirement = Requirement(line)
        if requirement.name.startswith("pulumi"):
            (lower,) = (spec.version for spec in requirement.specifier if spec.operator == ">=")
            pins.append(f"{requirement.name}=={lower}")
    return tuple(pins)


NEWEST = ConsumerEnvironment(
    "newest",
    # The newest releases on PyPI when this was written, except pulumi 3.272.0: the tooling's pin.
    (
        "pulumi==3.271.0",
        "pulumi-kubernetes==4.34.2",
        "pulumi-kafka==3.13.3",
        "pulumi-random==4.21.4",
        "pulumi-policy==1.21.0",
    ),
)
FLOOR = ConsumerEnvironment("floor", floor_pins())
ENVIRONMENTS = (NEWEST, FLOOR)


def cache_root() -> Path:
    """``$MESSAGING_PLATFORM_CACHE`` or ``~/.cache/messaging-platform``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "messaging-platform")


def pip_environment() -> dict[str, str]:
    """The environment for pip: CI's download cache unless PIP_CACHE_DIR is set, no version check."""
    return {"PIP_CACHE_DIR": str(cache_root() / "pip"), **os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def python_of(venv_dir: Path) -> Path:
    """The interpreter of a venv."""
    return venv_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def site_packages(venv_dir: Path) -> Path:
    """The site-packages of a venv created by this interpreter."""
    return Path(sysconfig.get_path("purelib", vars={"base": str(venv_dir), "platbase": str(venv_dir)}))


def _pip(python: Path, *args: str) -> None:
    """pip, run from this interpreter against another environment (consumer venvs have no pip)."""
    command = [sys.executable, "-m", "pip", "--python", str(python), *args]
    result = subprocess.run(command, capture_output=True, text=True, env=pip_environment(), check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def ensure(environment: ConsumerEnvironment) -> Path:
    """The cached venv of ``environment``; built (a minute or so with a cold pip cache) when missing."""
    final = cache_root() / "consumer-venv" / environment.key()
    if (final / MARKER_FILE).is_file() and python_of(final).exists():
        return final
    if final.exists():  # its base Python went away: rebuild
        shutil.rmtree(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".build-{final.name}-", dir=final.parent))
    try:
        venv.create(building, with_pip=False, symlinks=sys.platform != "win32")
        constraints = building / CONSTRAINTS_FILE
        constraints.write_text("".join(f"{pin}\n" for pin in environment.pins))
        # The library's own ranges, resolved by pip with the pins as constraints: a pin outside a
        # range fails here, as it would for a consumer.
        _pip(python_of(building), "install", "--quiet", "--constraint", str(constraints), *library_dependencies())
        marker = {"pins": environment.pins, "dependencies": library_dependencies(), "python": sys.version}
        (building / MARKER_FILE).write_text(json.dumps(marker, indent=2) + "\n")
        # The venv is used through its interpreter only (bin/python, a symlink to the base Python),
        # which works after the rename; console scripts keep the temporary path and are never used.
        building.rename(final)
    except OSError:
        if not (final / MARKER_FILE).is_file():  # not a concurrent build that renamed first
            raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return final


def install_wheel(environment_dir: Path, wheel: Path, into: Path) -> Path:
    """A fresh venv at ``into`` with ``wheel`` installed, its dependencies from the cached environment.

    The cached environment's site-packages is added to the new venv's path (a ``.pth`` file), and
    pip resolves the wheel's declared dependencies against it without an index: a range the
    environment does not satisfy fails. The cached environment itself is never changed.
    """
    venv.create(into, with_pip=False, symlinks=sys.platform != "win32")
    layer = site_packages(environment_dir)
    (site_packages(into) / "consumer-environment.pth").write_text(f"import site; site.addsitedir({str(layer)!r})\n")
    _pip(
        python_of(into),
        "install",
        "--quiet",
        "--no-index",
        "--constraint",
        str(environment_dir / CONSTRAINTS_FILE),
        str(wheel),
    )
    return python_of(into)


def main(argv: Sequence[str] | None = None) -> int:
    """Build every consumer environment that is not cached yet; print where and how long."""
    known = {environment.label: environment for environment in ENVIRONMENTS}
    labels = list(argv if argv is not None else sys.argv[1:]) or list(known)
    if unknown := sorted(set(labels) - set(known)):
        print(f"unknown consumer environment {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    for environment in (known[label] for label in labels):
        start = time.monotonic()
        path = ensure(environment)
        print(f"consumer-venv {environment.label}: {path} ({time.monotonic() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
