"""Where the Strimzi CRDs used for validation come from."""

from __future__ import annotations

import os
from pathlib import Path

CRDS_ENV = "MESSAGING_PLATFORM_CRDS"
SKIP_FLAG = "--skip-schema-validation"
# A checkout of this project sits beside the shared Strimzi 1.2.0 release data.
_DEFAULT_RELATIVE = Path("..") / "shared" / "strimzi-1.2.0" / "crds"


class CrdsNotFoundError(FileNotFoundError):
    """No CRD directory, and schema validation was not explicitly skipped."""


def locate_crds(flag: str | None, project_dir: Path, *, skip: bool = False) -> Path | None:
    """The CRD directory: ``--crds``, else ``$MESSAGING_PLATFORM_CRDS``, else ``../shared/strimzi-1.2.0/crds``
    next to the project when present. None only when ``skip`` (``--skip-schema-validation``): validation
    that cannot run is an error (:class:`CrdsNotFoundError`), never a silent pass."""
    if skip:
        return None
    if flag:
        return _existing(Path(flag), "--crds")
    if os.environ.get(CRDS_ENV):
        return _existing(Path(os.environ[CRDS_ENV]), CRDS_ENV)
    default = (project_dir / _DEFAULT_RELATIVE).resolve()
    if default.is_dir():
        return default
    raise CrdsNotFoundError(
        f"no Strimzi CRD directory, so Strimzi objects cannot be validated (CRD schema, CEL rules, metadata): "
        f"pass --crds DIR or set {CRDS_ENV}=DIR (a directory holding the Strimzi 1.2.0 CRD YAML, e.g. the "
        f"release's strimzi-crds-1.2.0.yaml); {default} does not exist. To go on without validation, pass "
        f"{SKIP_FLAG}"
    )


def _existing(path: Path, source: str) -> Path:
    if not path.is_dir():
        raise FileNotFoundError(f"{source}: {path} is not a directory of CRD YAML files")
    return path.resolve()


SKIP_WARNING = (
    f"schema validation skipped ({SKIP_FLAG}): no Strimzi object was checked against the CRD schemas, "
    "their CEL rules or the API server's metadata rules"
)
