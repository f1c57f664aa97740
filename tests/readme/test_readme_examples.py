"""Every Python example in the README runs as written, under the offline engine."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from messaging_platform_tools.offline.engine import Recording, run_program
from tests.conftest import PROJECT_DIR

EXAMPLE = re.compile(r"```python\n(.*?)```", re.DOTALL)
SNIPPETS = EXAMPLE.findall((PROJECT_DIR / "README.md").read_text())
LIBRARY_SNIPPET = next(snippet for snippet in SNIPPETS if "KafkaCatalog(" in snippet)


def as_program(snippet: str) -> Callable[[], None]:
    code = compile(snippet, "README.md", "exec")
    return lambda: exec(code, {"__name__": "__main__"})


def run_snippet(snippet: str, config: dict[str, object]) -> Recording:
    values = {f"consumer:{key}": json.dumps(value) for key, value in config.items()}
    return run_program(as_program(snippet), "consumer", "dev", config=values)


def test_the_readme_has_python_examples_and_each_runs() -> None:
    assert SNIPPETS
    for snippet in SNIPPETS:
        recording = run_snippet(snippet, {"orders": {"namespace": "orders"}})
        assert recording.resources


def test_the_library_example_builds_namespace_operator_cluster_topic_and_user() -> None:
    recording = run_snippet(LIBRARY_SNIPPET, {"orders": {"nodePools": {"brokers": {"replicas": 5}}}})
    (namespace,) = [n for n in recording.of_type("kubernetes:core/v1:Namespace") if n.name == "orders"]
    (kafka,) = recording.of_type("kubernetes:kafka.strimzi.io/v1:Kafka")
    (catalog,) = recording.of_type("messaging-platform:kafka:Catalog")
    (topic,) = recording.of_type("kubernetes:kafka.strimzi.io/v1:KafkaTopic")
    (user,) = recording.of_type("kubernetes:kafka.strimzi.io/v1:KafkaUser")
    pools = {p.inputs["metadata"]["name"]: p for p in recording.of_type("kubernetes:kafka.strimzi.io/v1:KafkaNodePool")}
    assert kafka.inputs["metadata"]["namespace"] == namespace.inputs["metadata"]["name"]
    assert namespace.urn in kafka.depends_on or any(namespace.urn in p.depends_on for p in pools.values())
    assert pools["brokers"].inputs["spec"]["replicas"] == 5
    assert topic.parent == catalog.urn
    assert topic.inputs["spec"] == {
        "topicName": "orders.order-created.v1",
        "partitions": 12,
        "replicas": 3,
        "config": {"min.insync.replicas": 2, "retention.ms": 604_800_000},
    }
    acls = user.inputs["spec"]["authorization"]["acls"]
    assert {(a["resource"]["type"], a["resource"].get("name")) for a in acls} == {
        ("topic", "orders.order-created.v1"),
        ("group", "billing"),
    }
    assert recording.outputs["billingSecret"] == "billing"


def test_the_library_example_reports_bad_config_like_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_snippet(LIBRARY_SNIPPET, {"orders": {"nodePools": {"brokers": {"replicas": "five"}}}})
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "orders.nodePools.brokers.replicas" in err and '(received: "five")' in err
    assert "Traceback" not in err
    # The README shows exactly this message.
    assert err.strip() in (PROJECT_DIR / "README.md").read_text()
