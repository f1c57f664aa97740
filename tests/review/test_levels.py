"""``review.json``: every finding id has a level per environment; mistakes name the file and the key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from messaging_platform.review import (
    FINDING_IDS,
    Finding,
    ReviewConfigError,
    apply_levels,
    load_review_levels,
    parse_review_levels,
)

PROD_ADVISORY = {"replicas-changed", "acl-removed"}


def test_prod_blocks_every_finding_but_the_advisory_ones_and_dev_blocks_none() -> None:
    levels = load_review_levels()
    assert levels.environments == ("dev", "prod")
    prod, dev = levels.for_environment("prod"), levels.for_environment("dev")
    assert {fid for fid, level in prod.items() if level == "advisory"} == PROD_ADVISORY
    assert {fid for fid, level in prod.items() if level == "blocking"} == set(FINDING_IDS) - PROD_ADVISORY
    assert set(dev.values()) == {"advisory"}


def every_id(**overrides: Any) -> dict[str, Any]:
    return {**{fid: {"dev": "advisory", "prod": "blocking"} for fid in FINDING_IDS}, **overrides}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            every_id(**{"topic-delete": {"prod": "blocking", "dev": "advisory"}}),
            "review.json: topic-delete: unknown finding id; did you mean 'topic-deleted'?",
        ),
        (
            every_id(**{"topic-deleted": {"prod": "mandatory", "dev": "advisory"}}),
            "review.json: topic-deleted.prod: unknown level 'mandatory'; allowed: blocking, advisory, disabled",
        ),
        (every_id(**{"topic-deleted": "blocking"}), 'review.json: topic-deleted: expected {"<environment>"'),
        (
            every_id(**{"topic-deleted": {"prod": "blocking"}}),
            "review.json: topic-deleted: no level for environment(s) dev",
        ),
        (
            {fid: {"prod": "blocking"} for fid in FINDING_IDS if fid != "acl-removed"},
            "review.json: no level for finding id(s) acl-removed",
        ),
        ([], "review.json: expected an object"),
    ],
)
def test_invalid_levels_are_refused_naming_file_and_key(document: Any, message: str) -> None:
    with pytest.raises(ReviewConfigError) as error:
        parse_review_levels(document, "review.json")
    assert str(error.value).startswith(message)


def test_a_file_that_is_not_json_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "review.json"
    path.write_text("{")
    with pytest.raises(ReviewConfigError, match=f"^{path}: not JSON"):
        load_review_levels(path)


def test_an_unknown_environment_lists_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "review.json"
    path.write_text(json.dumps(every_id()))
    with pytest.raises(
        ReviewConfigError, match="no review levels for environment 'staging' \\(environments: dev, prod\\)"
    ):
        load_review_levels(path).for_environment("staging")


def test_levels_drop_disabled_findings_and_put_blocking_first() -> None:
    findings = [
        Finding("acl-removed", "a", "m"),
        Finding("topic-deleted", "t", "m"),
        Finding("storage-changed", "s", "m"),
    ]
    levels = {**load_review_levels().for_environment("prod"), "storage-changed": "disabled"}
    assert [(f.finding.id, f.level) for f in apply_levels(findings, levels)] == [
        ("topic-deleted", "blocking"),
        ("acl-removed", "advisory"),
    ]
