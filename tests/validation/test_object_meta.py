"""Custom resource metadata and explicit nulls, validated as the API server does on create."""

from __future__ import annotations

from typing import Any

import pytest

from messaging_platform_tools.validation.crd_schema import METADATA_RULE, CrdSchemas, api_server_view
from messaging_platform_tools.validation.object_meta import validate_object_meta

LABEL_KEY_REGEX = "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'"
NAME_PART = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    f"alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', {LABEL_KEY_REGEX})"
)
MAX_63_BYTES = "must be no more than 63 bytes"
SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation "
    "is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


def topic(**metadata: Any) -> dict[str, Any]:
    """A valid KafkaTopic with ``metadata`` merged over its name, namespace and cluster label."""
    base = {"name": "orders", "namespace": "kafka", "labels": {"strimzi.io/cluster": "events"}}
    return {"apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaTopic", "metadata": {**base, **metadata},
            "spec": {"partitions": 3, "replicas": 3}}  # fmt: skip


def errors(obj: dict[str, Any], crd_schemas: CrdSchemas) -> list[str]:
    return [f"{v.path}: {v.message}" for v in crd_schemas.validate(obj)]


LONG = "x" * 64
KEY_WITH_TWO_SLASHES = (
    "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    f"alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', {LABEL_KEY_REGEX}) with an optional "
    "DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
)
REFUSED = {
    "label-key-with-two-slashes": (
        {"labels": {"team/owner/x": "a"}},
        f'metadata.labels: Invalid value: "team/owner/x": {KEY_WITH_TWO_SLASHES}',
    ),
    "label-key-with-space": (
        {"labels": {"team owner": "a"}},
        f'metadata.labels: Invalid value: "team owner": {NAME_PART}',
    ),
    "label-prefix-upper-case": (
        {"labels": {"Example.com/team": "a"}},
        f'metadata.labels: Invalid value: "Example.com/team": prefix part {SUBDOMAIN}',
    ),
    "label-value-too-long": ({"labels": {"team": LONG}}, f'metadata.labels: Invalid value: "{LONG}": {MAX_63_BYTES}'),
    "label-value-bad-character": (
        {"labels": {"team": "payments!"}},
        f'metadata.labels: Invalid value: "payments!": {LABEL_VALUE}',
    ),
    "label-not-a-string": (
        {"labels": {"replicas": 3}},
        "metadata.labels.replicas: Invalid value: 3: must be a string (ObjectMeta cannot decode it)",
    ),
    "namespace-not-a-label": ({"namespace": "Kafka_NS"}, f'metadata.namespace: Invalid value: "Kafka_NS": {LABEL}'),
    "namespace-with-dots": (
        {"namespace": "kafka.prod"},
        'metadata.namespace: Invalid value: "kafka.prod": must not contain dots',
    ),
    "namespace-too-long": (
        {"namespace": "k" * 64},
        f'metadata.namespace: Invalid value: "{"k" * 64}": must be no more than 63 characters',
    ),
    "name-not-a-subdomain": ({"name": "Orders_V1"}, f'metadata.name: Invalid value: "Orders_V1": {SUBDOMAIN}'),
    "name-too-long": (
        {"name": "o" * 254},
        f'metadata.name: Invalid value: "{"o" * 254}": must be no more than 253 characters',
    ),
    "explicit-null-name": ({"name": None}, "metadata.name: Required value: name or generateName is required"),
    "unknown-field": ({"lables": {"team": "payments"}}, 'metadata: unknown field "metadata.lables"'),
    "cluster-name-tombstone": ({"clusterName": "old"}, 'metadata: unknown field "metadata.clusterName"'),
    "annotation-key": (
        {"annotations": {"bad key": "x"}},
        f'metadata.annotations: Invalid value: "bad key": {NAME_PART}',
    ),
    "annotations-too-large": (
        {"annotations": {"a": "x" * (256 * 1024)}},
        "metadata.annotations: Too long: may not be more than 262144 bytes",
    ),
    "finalizer": (
        {"finalizers": ["example.com/a/b"]},
        f'metadata.finalizers: Invalid value: "example.com/a/b": {KEY_WITH_TWO_SLASHES}',
    ),
}


@pytest.mark.parametrize(("metadata", "error"), REFUSED.values(), ids=REFUSED.keys())
def test_metadata_the_api_server_refuses_fails_with_its_message(
    metadata: dict[str, Any], error: str, crd_schemas: CrdSchemas
) -> None:
    violations = crd_schemas.validate(topic(**metadata))
    assert [f"{v.path}: {v.message}" for v in violations] == [error]
    assert {v.rule for v in violations} == {METADATA_RULE}


@pytest.mark.parametrize(
    "metadata",
    [
        {"labels": {"app.kubernetes.io/part-of": "messaging-platform", "empty": "", "strimzi.io/cluster": "events"}},
        {"annotations": {"Example.COM/Owner": "payments", "note": "x" * 1000}},  # keys are case-insensitive
        {"name": "orders.order-created.v1"},
        {"name": None, "generateName": "orders-"},
        {"namespace": None},  # kubectl and Pulumi fill in the namespace
        {"labels": None, "annotations": None, "finalizers": None},
        {"labels": {"strimzi.io/cluster": "events", "team": None}},  # ObjectMeta decodes null as ""
        {"uid": "0f6e", "resourceVersion": "12", "generation": 3, "finalizers": ["example.com/cleanup"]},
    ],
    ids=["labels", "annotations", "dotted-name", "generate-name", "no-namespace", "null-maps", "null-label-value",
         "server-fields"],
)  # fmt: skip
def test_metadata_the_api_server_accepts_passes(metadata: dict[str, Any], crd_schemas: CrdSchemas) -> None:
    assert crd_schemas.validate(topic(**metadata)) == []


def test_a_null_for_a_field_without_nullable_is_dropped_as_the_api_server_does(crd_schemas: CrdSchemas) -> None:
    obj = topic()
    obj["spec"] = {"partitions": 3, "replicas": None, "config": None, "topicName": None}
    assert crd_schemas.validate(obj) == []
    obj["spec"] = None  # dropped, then required
    assert errors(obj, crd_schemas) == [": 'spec' is a required property"]


def test_a_null_list_item_is_not_dropped(crd_schemas: CrdSchemas) -> None:
    kafka = {"apiVersion": "kafka.strimzi.io/v1", "kind": "Kafka", "metadata": {"name": "events"},
             "spec": {"kafka": {"listeners": [None]}}}  # fmt: skip
    assert errors(kafka, crd_schemas)[0] == "spec.kafka.listeners[0]: None is not of type 'object'"


def test_nulls_are_dropped_defaulted_or_kept_as_the_kubernetes_docs_example() -> None:
    # Ref: https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#defaulting-and-nullable
    fields = {
        "foo": {"type": "string", "nullable": False, "default": "default"},
        "bar": {"type": "string", "nullable": True},
        "baz": {"type": "string"},
    }
    schema = {"type": "object", "properties": {"spec": {"type": "object", "properties": fields}}}
    view = api_server_view({"spec": {"foo": None, "bar": None, "baz": None}}, schema)
    assert view == {"spec": {"foo": "default", "bar": None}}


def test_a_default_is_applied_with_the_defaults_inside_it_but_its_nulls_are_not_pruned() -> None:
    # Pruning runs before defaulting (Ref: apiextensions-apiserver customresource_handler.go), so a
    # null inside a default stays; defaults of the default's own fields are applied.
    inner = {"type": "object", "properties": {"drop": {"type": "string"}, "fill": {"type": "integer", "default": 3}}}
    schema = {"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "given": inner | {"default": {"drop": None}},
        "missing": inner | {"default": {"drop": None}},
        "items": {"type": "array", "items": inner | {"default": {}}},
        "labels": {"type": "object", "additionalProperties": {"type": "string", "default": "x"}},
    }}}}  # fmt: skip
    obj = {"spec": {"given": None, "items": [None, {"drop": None}], "labels": {"a": None, "b": "y"}}}
    assert api_server_view(obj, schema) == {"spec": {
        "given": {"drop": None, "fill": 3},
        "items": [{"fill": 3}, {"fill": 3}],
        "labels": {"a": "x", "b": "y"},
        "missing": {"drop": None, "fill": 3},
    }}  # fmt: skip


def test_the_view_never_changes_the_object_and_copies_only_what_it_changes() -> None:
    schema = {"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "kept": {"type": "object", "properties": {"a": {"type": "string"}}},
        "pruned": {"type": "object", "properties": {"a": {"type": "string"}}},
    }}}}  # fmt: skip
    kept, pruned = {"a": "value"}, {"a": None}
    obj = {"metadata": {"name": "x"}, "spec": {"kept": kept, "pruned": pruned}}
    view = api_server_view(obj, schema)
    view.pop("metadata")  # what validation does to the view's top level
    assert obj == {"metadata": {"name": "x"}, "spec": {"kept": {"a": "value"}, "pruned": {"a": None}}}
    assert view == {"spec": {"kept": {"a": "value"}, "pruned": {}}}
    assert view["spec"]["kept"] is kept and view["spec"] is not obj["spec"]


def test_cluster_scoped_kinds_take_no_namespace() -> None:
    assert validate_object_meta({"name": "x", "namespace": "kafka"}, namespaced=False) == [
        ("metadata.namespace", "Forbidden: not allowed on this type")
    ]


def test_a_metadata_error_the_api_server_cannot_get_past_keeps_cel_rules_from_running(crd_schemas: CrdSchemas) -> None:
    user = {"apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaUser", "metadata": {"namespace": "kafka"},
            "spec": {"authentication": {"type": "tls", "validityDays": 10}}}  # fmt: skip
    assert [(v.rule, v.path) for v in crd_schemas.validate(user)] == [("object-metadata", "metadata.name"),
                                                                      ("crd-cel", "")]  # fmt: skip
