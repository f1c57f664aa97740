"""Check Strimzi YAML files: strict CRD schema validation and the policy rules of an environment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from messaging_platform.config.yaml_input import YamlInputError, load_yaml_documents
from messaging_platform.policy import Finding, blocking, evaluate, load_policy_config, resolve_settings, view_of_object

from ..validation.crd_schema import CrdSchemas, SchemaViolation


class InputError(ValueError):
    """A file that cannot be read as Kubernetes YAML."""


@dataclass
class CheckResult:
    """What ``check`` found in a set of files."""

    objects: int = 0
    validated: int = 0
    schema_violations: list[tuple[str, SchemaViolation]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No schema violation and no mandatory finding."""
        return not self.schema_violations and not blocking(self.findings)


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, directories expanded (``*.yaml``, ``*.yml``, recursively)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return files


def load_objects(files: Iterable[Path]) -> list[tuple[str, dict[str, Any]]]:
    """Every Kubernetes object (a document with apiVersion and kind) in the files, with its file name."""
    return [(source, obj) for source, _, obj in load_located_objects(files)]


def load_located_objects(files: Iterable[Path]) -> list[tuple[str, int, dict[str, Any]]]:
    """Every Kubernetes object in the files, with its file name and the line where it starts."""
    objects = []
    for path in files:
        try:
            documents = load_yaml_documents(path)
        except YamlInputError as exc:
            raise InputError(str(exc)) from None
        for line, document in documents:
            if isinstance(document, Mapping) and "apiVersion" in document and "kind" in document:
                objects.append((str(path), line, dict(document)))
    return objects


def check_files(
    paths: Iterable[Path], environment: str, crd_dir: Path | None, project_dir: Path | None = None
) -> CheckResult:
    """Validate the objects in ``paths`` against the CRDs and run the environment's rules on them."""
    objects = load_located_objects(yaml_files(paths))
    result = CheckResult(objects=len(objects))
    if crd_dir is not None:
        schemas = CrdSchemas.load(crd_dir)
        for source, line, obj in objects:
            if schemas.covers(obj):
                result.validated += 1
                result.schema_violations += [(f"{source}:{line}", violation) for violation in schemas.validate(obj)]
    settings = resolve_settings(load_policy_config(environment, project_dir))
    result.findings = evaluate([view_of_object(obj, source, line) for source, line, obj in objects], settings)
    return result
