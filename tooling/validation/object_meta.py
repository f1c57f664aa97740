"""``metadata`` of a custom resource, validated as the API server validates it on create.

Only the API server's own rules (a Strimzi kind may need more of a name: Strimzi derives pod and
service names from it), in its words:

- ``metadata`` decodes as ``ObjectMeta``: a field ObjectMeta lacks is an ``unknown field`` (as with
  ``kubectl --validate=strict``), a value of the wrong type cannot be decoded, and ``null`` is the
  field's zero value (Go's JSON decoding);
- ``name`` (or ``generateName``): a lowercase RFC 1123 subdomain of at most 253 characters;
- ``namespace``: a lowercase RFC 1123 label of at most 63 characters. A missing namespace is not an
  error here: kubectl and Pulumi fill in the current or default namespace;
- ``labels``: keys are qualified names (an optional DNS subdomain prefix of at most 253 characters
  and ``/``, then a name of at most 63), values at most 63 characters of the label alphabet;
- ``annotations``: keys as label keys (case-insensitive), at most 256 KiB of keys and values in all;
- ``finalizers``: qualified names; ``generation``: not negative.

Ref: k8s.io/apiextensions-apiserver v0.36.3 pkg/registry/customresource/validator.go
(``ValidateObjectMetaAccessor(obj, namespaceScoped, NameIsDNSSubdomain, "metadata")``) and
pkg/apiserver/schema/objectmeta/coerce.go (strict ObjectMeta decoding); k8s.io/apimachinery v0.36.3
pkg/api/validation/objectmeta.go, pkg/apis/meta/v1/validation (``ValidateLabels``),
pkg/util/validation/validation.go and pkg/api/validate/content (the messages).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

# ObjectMeta's JSON fields (Ref: k8s.io/apimachinery v0.36.3 pkg/apis/meta/v1/types.go; clusterName is
# a tombstone there, so it is an unknown field).
OBJECT_META_FIELDS = frozenset({
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
    "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
    "managedFields",
})  # fmt: skip
_STRING_FIELDS = ("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
                  "creationTimestamp", "deletionTimestamp")  # fmt: skip
_INTEGER_FIELDS = ("generation", "deletionGracePeriodSeconds")
_STRING_MAPS = ("labels", "annotations")
_LISTS = ("ownerReferences", "finalizers", "managedFields")

UNDECODABLE = "ObjectMeta cannot decode it"
"""Marks a metadata error that makes the API server refuse the object before validating it."""
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)
_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + r"(\." + _DNS1123_LABEL_FMT + ")*"
_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE_FMT = f"({_LABEL_KEY_FMT})?"
_DNS1123_LABEL = re.compile(f"^{_DNS1123_LABEL_FMT}$")
_DNS1123_SUBDOMAIN = re.compile(f"^{_DNS1123_SUBDOMAIN_FMT}$")
_LABEL_KEY = re.compile(f"^{_LABEL_KEY_FMT}$")
_LABEL_VALUE = re.compile(f"^{_LABEL_VALUE_FMT}$")
_LABEL_KEY_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                  "alphanumeric character")  # fmt: skip
# The random suffix the API server appends to generateName (SimpleNameGenerator: 5 characters, the
# base cut to 58); any 5 of its alphabet stand for it.
_GENERATED_SUFFIX = "bcdfg"
_MAX_GENERATE_NAME_BASE = 58


def validate_object_meta(metadata: Any, namespaced: bool) -> list[tuple[str, str]]:
    """``(field path, error)`` for everything the API server refuses in a custom resource's metadata."""
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, Mapping):
        return [("metadata", _undecodable(metadata, "an object"))]
    problems = _decoding_problems(metadata)
    if problems:  # the API server refuses to decode the object and validates nothing further
        return problems
    meta = {key: value for key, value in metadata.items() if value is not None}
    return [
        *_name_problems(str(meta.get("name", "")), str(meta.get("generateName", ""))),
        *_namespace_problems(str(meta.get("namespace", "")), namespaced),
        *_generation_problems(meta.get("generation", 0)),
        *_label_problems(_string_map(meta.get("labels"))),
        *_annotation_problems(_string_map(meta.get("annotations"))),
        *_finalizer_problems([str(f) for f in meta.get("finalizers") or [] if f is not None]),
    ]


def _decoding_problems(metadata: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What strict decoding into ObjectMeta refuses (Ref: coerce.go ``GetObjectMetaWithOptions``:
    unknown fields as ``unknown field "metadata.<field>"``, as in the strict decoding error)."""
    problems = []
    for key in sorted(metadata, key=str):
        value = metadata[key]
        if key not in OBJECT_META_FIELDS:
            problems.append(("metadata", f'unknown field "metadata.{key}"'))
        elif value is None:
            continue
        elif key in _STRING_FIELDS and not isinstance(value, str):
            problems.append((f"metadata.{key}", _undecodable(value, "a string")))
        elif key in _INTEGER_FIELDS and (isinstance(value, bool) or not isinstance(value, int)):
            problems.append((f"metadata.{key}", _undecodable(value, "an integer")))
        elif key in _STRING_MAPS:
            if not isinstance(value, Mapping):
                problems.append((f"metadata.{key}", _undecodable(value, "a map of strings")))
                continue
            for entry in sorted(value, key=str):
                if value[entry] is not None and not isinstance(value[entry], str):
                    problems.append((f"metadata.{key}.{entry}", _undecodable(value[entry], "a string")))
        elif key in _LISTS and not isinstance(value, list):
            problems.append((f"metadata.{key}", _undecodable(value, "a list")))
        elif key == "finalizers":
            problems += [(f"metadata.finalizers[{i}]", _undecodable(f, "a string"))
                         for i, f in enumerate(value) if f is not None and not isinstance(f, str)]  # fmt: skip
    return problems


def _name_problems(name: str, generate_name: str) -> list[tuple[str, str]]:
    # Ref: objectmeta.go ValidateObjectMetaAccessor with generic.go NameIsDNSSubdomain. The API server
    # generates the name from generateName before validating (Ref: k8s.io/apiserver
    # pkg/registry/rest/create.go BeforeCreate; k8s.io/apiserver pkg/storage/names).
    problems = []
    if generate_name:
        problems += [("metadata.generateName", _invalid(generate_name, msg))
                     for msg in is_dns1123_subdomain(_mask_trailing_dash(generate_name))]  # fmt: skip
        if not name:
            name = generate_name[:_MAX_GENERATE_NAME_BASE] + _GENERATED_SUFFIX
    if not name:
        return [*problems, ("metadata.name", "Required value: name or generateName is required")]
    return problems + [("metadata.name", _invalid(name, msg)) for msg in is_dns1123_subdomain(name)]


def _namespace_problems(namespace: str, namespaced: bool) -> list[tuple[str, str]]:
    if not namespaced:
        return [("metadata.namespace", "Forbidden: not allowed on this type")] if namespace else []
    if not namespace:  # filled in by the client (kubectl, Pulumi) before the API server sees it
        return []
    return [("metadata.namespace", _invalid(namespace, msg)) for msg in _namespace_errors(namespace)]


def _generation_problems(generation: int) -> list[tuple[str, str]]:
    return [("metadata.generation", f"Invalid value: {generation}: must be greater than or equal to 0")] \
        if generation < 0 else []  # fmt: skip


def _label_problems(labels: Mapping[str, str]) -> list[tuple[str, str]]:
    # Ref: k8s.io/apimachinery pkg/apis/meta/v1/validation ValidateLabels: errors at metadata.labels,
    # the key or value as the invalid value.
    problems = []
    for key in sorted(labels):
        problems += [("metadata.labels", _invalid(key, msg)) for msg in _key_errors(key)]
        problems += [("metadata.labels", _invalid(labels[key], msg)) for msg in _label_value_errors(labels[key])]
    return problems


def _annotation_problems(annotations: Mapping[str, str]) -> list[tuple[str, str]]:
    # Ref: objectmeta.go ValidateAnnotations: keys are qualified names once lower-cased; keys and
    # values together at most TotalAnnotationSizeLimitB bytes (field.TooLong's message).
    problems = []
    for key in sorted(annotations):
        problems += [("metadata.annotations", _invalid(key, msg)) for msg in _key_errors(key.lower())]
    size = sum(len(key.encode()) + len(value.encode()) for key, value in annotations.items())
    if size > TOTAL_ANNOTATION_SIZE_LIMIT:
        problems.append(("metadata.annotations", f"Too long: may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT} bytes"))
    return problems


def _finalizer_problems(finalizers: list[str]) -> list[tuple[str, str]]:
    return [("metadata.finalizers", _invalid(f, msg)) for f in finalizers for msg in is_qualified_name(f)]


# Namespaces, label keys and values, and annotation keys repeat across the objects of a plan: each
# distinct one is checked once per process.
_namespace_errors = lru_cache(maxsize=4096)(lambda value: tuple(is_dns1123_label(value)))
_key_errors = lru_cache(maxsize=4096)(lambda value: tuple(is_qualified_name(value)))
_label_value_errors = lru_cache(maxsize=4096)(lambda value: tuple(is_label_value(value)))


def clear_caches() -> None:
    """Forget the names checked so far (what a new process starts with; for measurements)."""
    for cached in (_namespace_errors, _key_errors, _label_value_errors):
        cached.cache_clear()


def is_dns1123_subdomain(value: str) -> list[str]:
    """k8s.io/apimachinery ``validation.IsDNS1123Subdomain``: its messages, empty when valid."""
    errors = []
    if len(value) > 253:
        errors.append("must be no more than 253 characters")
    if not _DNS1123_SUBDOMAIN.match(value):
        errors.append(_regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                   "characters, '-' or '.', and must start and end with an alphanumeric character",
                                   _DNS1123_SUBDOMAIN_FMT, "example.com"))  # fmt: skip
    return errors


def is_dns1123_label(value: str) -> list[str]:
    """k8s.io/apimachinery ``validation.IsDNS1123Label`` (namespaces)."""
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not _DNS1123_LABEL.match(value):
        if _DNS1123_SUBDOMAIN.match(value):
            errors.append("must not contain dots")
        else:
            errors.append(_regex_error("a lowercase RFC 1123 label must consist of lower case alphanumeric "
                                       "characters or '-', and must start and end with an alphanumeric character",
                                       _DNS1123_LABEL_FMT, "my-name", "123-abc"))  # fmt: skip
    return errors


def is_qualified_name(value: str) -> list[str]:
    """k8s.io/apimachinery ``content.IsLabelKey`` (``IsQualifiedName``): label and annotation keys."""
    errors = []
    parts = value.split("/")
    if len(parts) > 2:
        return [
            f"a valid label key {_regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} "
            "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            # content.IsDNS1123Subdomain counts bytes (content.MaxLenError)
            errors += [f"prefix part {msg.replace('253 characters', '253 bytes')}"
                       for msg in is_dns1123_subdomain(prefix)]  # fmt: skip
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > 63:
        errors.append("name part must be no more than 63 bytes")
    if not _LABEL_KEY.match(name):
        errors.append(f"name part {_regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}")
    return errors


def is_label_value(value: str) -> list[str]:
    """k8s.io/apimachinery ``content.IsLabelValue``."""
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 bytes")
    if not _LABEL_VALUE.match(value):
        errors.append(_regex_error("a valid label must be an empty string or consist of alphanumeric characters, "
                                   "'-', '_' or '.', and must start and end with an alphanumeric character",
                                   _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))  # fmt: skip
    return errors


def _regex_error(message: str, regex: str, *examples: str) -> str:
    # Ref: validation.go RegexError, double spaces included ("'MyName',  or 'my.name', ...").
    if not examples:
        return f"{message} (regex used for validation is '{regex}')"
    shown = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{regex}')"


def _mask_trailing_dash(name: str) -> str:
    # Ref: k8s.io/apimachinery pkg/api/validation/generic.go maskTrailingDash.
    return name[:-2] + "a" if len(name) > 1 and name.endswith("-") else name


def _string_map(value: Any) -> dict[str, str]:
    """A label or annotation map as ObjectMeta holds it: a null value is the empty string."""
    return {str(k): "" if v is None else str(v) for k, v in (value or {}).items()}


def _invalid(value: str, message: str) -> str:
    return f"Invalid value: {_go_value(value)}: {message}"


def _undecodable(value: Any, expected: str) -> str:
    return f"Invalid value: {_go_value(value)}: must be {expected} ({UNDECODABLE})"


def _go_value(value: Any) -> str:
    """A value as field.Error prints it: strings quoted, numbers and booleans plain, others as JSON."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, default=str, separators=(",", ":"))
