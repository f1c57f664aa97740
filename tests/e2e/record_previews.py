"""Record the fixtures of ``diff --preview-json``: real ``pulumi preview --json`` output of hazardous
catalog changes to the external stack, deployed on a real broker.

    .venv/bin/python -m tests.e2e.record_previews            # rewrites tests/review/previews/*.json
    .venv/bin/python -m tests.e2e.record_previews --raw DIR  # also keeps the unscrubbed output in DIR

Needs the e2e toolchain (``bash e2e/toolchain.sh``). Starts a broker, ``pulumi up`` of the external
stack (prod environment), then for each case edits the catalog, runs ``pulumi preview --json`` and
restores the catalog. The recorded output is scrubbed (see :func:`scrub`) so the fixtures are
byte-identical across machines and runs.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from .broker import KafkaBroker
from .pulumi_cli import PulumiProjectCopy
from .stacks import external_stack_config
from .toolchain import PROJECT_DIR, Toolchain

ENVIRONMENT_KEY = "messaging-platform:environment"

STACK = "e2e"
PREVIEWS_DIR = PROJECT_DIR / "tests" / "review" / "previews"
CatalogEdit = Callable[[dict[str, dict[str, Any]]], None]
"""An edit of the catalog files (file stem -> document), in place."""

DELETED = "shipping.shipment-delivered.v1"
SHRUNK = "orders.order-cancelled.v1"  # 6 partitions
RENAMED = "payments.payment-failed.v1"
REMOVED_SERVICE = "notification-service"


def _drop_topic(catalog: dict[str, dict[str, Any]], key: str) -> None:
    """Remove topic ``key`` and every service's use of it (a catalog that still validates)."""
    for document in catalog.values():
        document.get("topics", {}).pop(key, None)
        for service in (document.get("services") or {}).values():
            service["produces"] = [t for t in service.get("produces", []) if t != key]
            service["consumes"] = [c for c in service.get("consumes", []) if c.get("topic") != key]


def _topic(catalog: dict[str, dict[str, Any]], key: str) -> dict[str, Any]:
    (topic,) = [d["topics"][key] for d in catalog.values() if key in d.get("topics", {})]
    return topic


def _drop_service(catalog: dict[str, dict[str, Any]], name: str) -> None:
    for document in catalog.values():
        (document.get("services") or {}).pop(name, None)


CASES: dict[str, CatalogEdit] = {
    "topic-deleted": lambda c: _drop_topic(c, DELETED),
    "partitions-decreased": lambda c: _topic(c, SHRUNK).update(partitions=2),
    "topic-renamed": lambda c: _topic(c, RENAMED).update(topicName="payments.payment-failed.v2"),
    "service-removed": lambda c: _drop_service(c, REMOVED_SERVICE),
}
"""Each recorded case: the catalog edit, applied to the catalog the stack was deployed with."""


def read_catalog(project: Path) -> dict[str, dict[str, Any]]:
    """The catalog files of ``project`` as data (file stem -> document)."""
    return {path.stem: yaml.safe_load(path.read_text()) for path in sorted((project / "catalog").glob("*.yaml"))}


@contextmanager
def edited_catalog(project: Path, edit: CatalogEdit) -> Iterator[None]:
    """``project``'s catalog with ``edit`` applied, restored afterwards."""
    originals = {path: path.read_text() for path in sorted((project / "catalog").glob("*.yaml"))}
    catalog = read_catalog(project)
    edit(catalog)
    for stem, document in catalog.items():
        (project / "catalog" / f"{stem}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    try:
        yield
    finally:
        for path, text in originals.items():
            path.write_text(text)


def deploy(project: PulumiProjectCopy, broker: KafkaBroker) -> None:
    """Create stack ``e2e`` on ``broker`` and deploy it (the first preview cannot run: the Kafka
    plugin panics on the still unknown passwords, see test_external_stack)."""
    config, secrets = external_stack_config(broker)
    project.init_stack(STACK, config, secrets)
    project.run("up", "--stack", STACK, "--yes", "--skip-preview")


def preview_json(project: PulumiProjectCopy) -> tuple[int, dict[str, Any]]:
    """``pulumi preview --json`` of the stack: its exit code and the JSON it printed."""
    result = project.run("preview", "--stack", STACK, "--json", check=False)
    try:
        document: dict[str, Any] = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(
            f"pulumi preview --json printed no JSON ({exc}):\n{result.stdout}\n{result.stderr}"
        ) from None
    return result.returncode, document


# ---- scrubbing: what differs between machines and runs ------------------------------------------

_STATE_KEYS = ("type", "urn", "custom", "protect", "retainOnDelete", "parent", "aliases", "inputs")
_STEP_KEYS = ("op", "urn", "oldState", "newState", "diffReasons", "replaceReasons", "detailedDiff")


def scrub(document: dict[str, Any], broker: KafkaBroker, project: PulumiProjectCopy) -> dict[str, Any]:
    """The preview document, stable and small: steps keep the keys the review reads (states keep
    their inputs, not their outputs, timestamps, stack traces or provider references; ``same``
    steps too: the review needs the whole stack), the config its environment, the diagnostics
    their errors; the broker's address, CA certificate, admin password and the copy's path are
    replaced by placeholders (secrets already print as ``[secret]``)."""
    steps = [
        {key: _state(step[key]) if key.endswith("State") else step[key] for key in _STEP_KEYS if key in step}
        for step in document.get("steps", [])
    ]
    kept: dict[str, Any] = {"steps": sorted(steps, key=lambda s: s["urn"])}
    # Errors only: the warnings name the toolchain's cache paths.
    kept["diagnostics"] = [
        {k: d[k] for k in ("urn", "severity", "message") if k in d}
        for d in document.get("diagnostics", [])
        if d.get("severity") == "error"
    ]
    # The config holds the broker's address and CA; the review reads the environment only.
    config = document.get("config") or {}
    kept["config"] = {k: v for k, v in config.items() if k == ENVIRONMENT_KEY}
    # A failed preview's summary counts how far the engine got before the failure: a race.
    if "changeSummary" in document and not kept["diagnostics"]:
        kept["changeSummary"] = document["changeSummary"]
    replacements = {
        broker.cas.cluster_ca.read_text(): "<cluster CA certificate>",
        broker.bootstrap: "127.0.0.1:<port>",
        broker.admin_password: "<admin password>",
        str(project.directory): "<project>",
    }
    text = json.dumps(kept, indent=2, sort_keys=True, ensure_ascii=False)
    for old, new in replacements.items():
        text = text.replace(json.dumps(old)[1:-1], new)
    # Ciphertexts (state may hold them) and provider ids (new every deployment).
    text = re.sub(r'"ciphertext": "[^"]*"', '"ciphertext": "<ciphertext>"', text)
    text = re.sub(r"::[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "::<provider id>", text)
    return json.loads(text)


def _state(state: dict[str, Any]) -> dict[str, Any]:
    return {key: copy.deepcopy(state[key]) for key in _STATE_KEYS if key in state}


def record(project: PulumiProjectCopy, broker: KafkaBroker, raw: Path | None = None) -> dict[str, dict[str, Any]]:
    """Preview every case on the deployed stack; the scrubbed documents by case (exit code in ``exitCode``)."""
    recorded = {}
    for case, edit in CASES.items():
        with edited_catalog(project.directory, edit):
            code, document = preview_json(project)
        if raw is not None:
            (raw / f"{case}.json").write_text(json.dumps(document, indent=2))
        recorded[case] = {"exitCode": code, **scrub(document, broker, project)}
    return recorded


def main(argv: list[str] | None = None) -> int:
    """Start a broker, deploy, record every case into ``--out``, tear everything down."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=PREVIEWS_DIR, help="folder for <case>.json")
    parser.add_argument("--raw", type=Path, default=None, help="also keep the unscrubbed previews here")
    args = parser.parse_args(argv)
    toolchain = Toolchain.locate()
    missing = toolchain.missing()
    if missing:
        parser.error(f"the e2e toolchain is incomplete ({', '.join(missing)}): run `bash e2e/toolchain.sh`")
    with tempfile.TemporaryDirectory(prefix="record-previews-") as work:
        broker = KafkaBroker(toolchain, Path(work) / "kafka")
        broker.start()
        try:
            project = PulumiProjectCopy(toolchain, Path(work) / "project")
            deploy(project, broker)
            recorded = record(project, broker, args.raw)
        finally:
            broker.stop()
    args.out.mkdir(parents=True, exist_ok=True)
    for case, document in recorded.items():
        path = args.out / f"{case}.json"
        path.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        print(f"{path}: exit {document['exitCode']}, {len(document['steps'])} steps")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
