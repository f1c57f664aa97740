"""Where the Strimzi CRDs used for validation come from."""

from __future__ import annotations

import os
from pathlib import Path

CRDS_ENV = "MESSAGING_PLATFORM_CRDS"
# A checkout of this project sits beside the shared Strimzi 1.2.0 release data.
_DEFAULT_RELATIVE = Path("..") / "shared" / "strimzi-1.2.0" / "crds"


def locate_crds(flag: str | None, project_dir: Path) -> Path | None:
    """The CRD directory: ``--crds``, else ``$MESSAGING_PLATFORM_CRDS``, else ``../shared/strimzi-1.2.0/crds``
    next to the project when present, else None (validation is skipped and says so)."""
    if flag:
        return _existing(Path(flag), "--crds")
    if os.environ.get(CRDS_ENV):
        return _existing(Path(os.environ[CRDS_ENV]), CRDS_ENV)
    default = (project_dir / _DEFAULT_RELATIVE).resolve()
    return default if default.is_dir() else None


def _existing(path: Path, source: str) -> Path:
    if not path.is_dir():
        raise FileNotFoundError(f"{source}: {path} is not a directory of CRD YAML files")
    return path.resolve()
