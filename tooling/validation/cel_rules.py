"""CEL validation rules (``x-kubernetes-validations``) of a CRD schema, evaluated as the API server does.

Each rule runs at its schema node with ``self`` bound to the object's value there, only where that
value is present and not null, and fails with the API server's error: the rule's ``message`` (or
``messageExpression``), else ``failed rule: <rule>``, reported at the node's field path, e.g.
``spec.kafka.rack: Invalid value: "object": topologyKey property is required``.

Ref: https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
Ref: k8s.io/apiextensions-apiserver v0.36.3 (Kubernetes 1.36), pkg/apiserver/schema/cel/validation.go
(``validateExpressions``, ``ruleMessageOrDefault``, ``ruleErrorString``, ``fieldErrorForReason``).

What an offline check cannot do, it skips and counts (:attr:`CelValidator.skipped`) instead of guessing:

- transition rules (they use ``oldSelf``) compare an update with the stored object; the API server
  skips them on create too, since there is no old object;
- rules calling a Kubernetes CEL library function the evaluator lacks (``quantity()``, ``url()``,
  ``isSorted()``, ...). Strimzi 1.2.0 has neither kind.

Evaluation is bounded: the API server stops a custom resource's rules once their CEL cost exceeds a
budget; the evaluator used here (cel-expr-python, Google's CEL C++ runtime) reports no cost, so
the bound is evaluation time per object, with the API server's message when it runs out.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cel_expr_python import cel
from cel_expr_python.ext import ext_bindings, ext_encoders, ext_math, ext_optional, ext_strings

TIME_BUDGET_SECONDS = 1.0
"""How long the rules of one object may take before the rest are reported as not run."""

# Ref: k8s.io/apiserver pkg/apis/cel/config.go (MaxEvaluatedMessageExpressionSizeBytes).
_MAX_MESSAGE_BYTES = 5 * 1024
_INT64 = (-(2**63), 2**63 - 1)
# The cel-go extensions of the API server's base environment that the C++ runtime has too (Ref:
# k8s.io/apiserver pkg/cel/environment/base.go). It lacks the sets and lists extensions and the
# Kubernetes libraries (k8s.io/apiserver pkg/cel/library: quantity, url, ip, cidr, format, semver,
# regex, lists): a rule calling one of those fails to compile here and is skipped, and said so.
_EXTENSIONS = (ext_strings.ExtStrings(), ext_optional.ExtOptional(), ext_math.ExtMath(),
               ext_bindings.ExtBindings(), ext_encoders.ExtEncoders())  # fmt: skip
_ENV = cel.NewEnv(variables={"self": cel.Type.DYN}, extensions=_EXTENSIONS)
_TRANSITION_ENV = cel.NewEnv(variables={"self": cel.Type.DYN, "oldSelf": cel.Type.DYN}, extensions=_EXTENSIONS)
_OUT_OF_BUDGET = "validation failed due to running out of cost budget, no further validation rules will be run"


class CelError(Exception):
    """A rule or messageExpression that failed to evaluate (its text as cel-go would word it)."""


@dataclass(frozen=True)
class CelRule:
    """One ``x-kubernetes-validations`` entry, compiled (``program`` is None when it is skipped)."""

    rule: str
    message: str = ""
    message_expression: str = ""
    reason: str = ""
    field_path: str = ""
    program: cel.Expression | None = None
    message_program: cel.Expression | None = None
    skip_reason: str = ""

    @property
    def error_string(self) -> str:
        """The rule as the API server names it in errors: its message, else its expression."""
        return self.message.strip() or self.rule.strip()

    @property
    def default_message(self) -> str:
        """The API server's message when the rule is false: ``message``, else ``failed rule: <rule>``."""
        return self.message.strip() or f"failed rule: {self.rule.strip()}"


@dataclass(frozen=True)
class RuleSite:
    """Where a rule sits in the schema: a field path with ``[*]`` for list items and map values."""

    path: str
    rule: CelRule


@dataclass
class CelNode:
    """The rules of one schema node and of the nodes below it that have any (the API server's
    ``Validator`` tree); value checks run on the pruned, defaulted object."""

    type: str
    rules: tuple[CelRule, ...] = ()
    properties: dict[str, CelNode] = field(default_factory=dict)
    additional: CelNode | None = None
    items: CelNode | None = None
    all_of: tuple[CelNode, ...] = ()


class CelValidator:
    """Every CEL rule of one CRD version's schema, compiled once."""

    def __init__(self, root: CelNode, sites: list[RuleSite]) -> None:
        self._root = root
        self.sites = sites
        """Every rule and where it sits, in schema order."""

    @classmethod
    def from_schema(cls, schema: Mapping[str, Any]) -> CelValidator | None:
        """The validator of an ``openAPIV3Schema``; None when it has no ``x-kubernetes-validations``."""
        sites: list[RuleSite] = []
        root = _node(schema, "", sites)
        return None if root is None else cls(root, sites)

    @property
    def skipped(self) -> list[RuleSite]:
        """Rules not evaluated offline (transition rules, unsupported library functions)."""
        return [site for site in self.sites if site.rule.program is None]

    def validate(self, obj: Any, budget_seconds: float | None = None) -> list[tuple[str, str]]:
        """``(field path, error)`` for every rule the object breaks, in the API server's words; rules
        stop once they have taken ``budget_seconds`` (default :data:`TIME_BUDGET_SECONDS`)."""
        errors: list[tuple[str, str]] = []
        deadline = time.monotonic() + (TIME_BUDGET_SECONDS if budget_seconds is None else budget_seconds)
        for path, node, value in _visits(self._root, obj, ""):
            if not _evaluate(node, value, path, deadline, errors):
                break
        return errors


def _node(schema: Mapping[str, Any], path: str, sites: list[RuleSite]) -> CelNode | None:
    rules = tuple(_compile(entry, schema) for entry in schema.get("x-kubernetes-validations", ()))
    sites.extend(RuleSite(path, rule) for rule in rules)
    properties = {}
    for name, child in schema.get("properties", {}).items():
        if (sub := _node(child, f"{path}.{name}" if path else name, sites)) is not None:
            properties[name] = sub
    additional = schema.get("additionalProperties")
    additional_node = _node(additional, f"{path}[*]", sites) if isinstance(additional, Mapping) else None
    items = schema.get("items")
    items_node = _node(items, f"{path}[*]", sites) if isinstance(items, Mapping) else None
    all_of = tuple(n for s in schema.get("allOf", ()) if (n := _node({**s, "type": schema.get("type")}, path, sites)))
    if not (rules or properties or additional_node or items_node or all_of):
        return None
    return CelNode(str(schema.get("type", "")), rules, properties, additional_node, items_node, all_of)


def _visits(node: CelNode, value: Any, path: str) -> Iterator[tuple[str, CelNode, Any]]:
    """Depth first, a node's own rules before its children's, as the API server walks them; null and
    absent values are not validated (Ref: validation.go, "We only validate non-null values")."""
    if value is None:
        return
    yield path, node, value
    for sub in node.all_of:
        yield from _visits(sub, value, path)
    if isinstance(value, Mapping):
        for key in sorted(value):
            if node.additional is not None:
                yield from _visits(node.additional, value[key], f"{path}[{key}]")
            if key in node.properties:
                yield from _visits(node.properties[key], value[key], f"{path}.{key}" if path else key)
    elif isinstance(value, list) and node.items is not None:
        for index, item in enumerate(value):
            yield from _visits(node.items, item, f"{path}[{index}]")


def _evaluate(node: CelNode, value: Any, path: str, deadline: float, errors: list[tuple[str, str]]) -> bool:
    """Run a node's rules; False when the budget ran out (no further rules run)."""
    if not node.rules:
        return True
    activation = _ENV.Activation(data={"self": _cel_value(value)})
    for rule in node.rules:
        if rule.program is None:
            continue
        if time.monotonic() > deadline:
            errors.append((path, _invalid(node.type, _OUT_OF_BUDGET)))
            return False
        try:
            passed = _run(rule.program, activation)
        except CelError as exc:
            errors.append((path, _evaluation_error(node.type, rule, str(exc))))
            continue
        if passed is not True:
            where = f"{path}.{rule.field_path}" if path and rule.field_path else path or rule.field_path
            errors.append((where, _failure(node.type, rule, _message(rule, activation))))
    return True


def _run(program: cel.Expression, activation: cel.Activation) -> Any:
    result = program.eval(activation)
    if result.type() == cel.Type.ERROR:
        raise CelError(_cel_go_wording(str(result.value())))
    return result.value()


def _message(rule: CelRule, activation: cel.Activation) -> str:
    """``messageExpression``'s value when it yields a usable one, else the rule's message or default
    (Ref: validation.go ``evalMessageExpression``)."""
    if rule.message_program is not None:
        try:
            text = _run(rule.message_program, activation)
        except CelError:
            return rule.default_message
        if isinstance(text, str):
            text = text.strip()
            if text and "\n" not in text and len(text.encode()) <= _MAX_MESSAGE_BYTES:
                return text
    return rule.default_message


def _failure(schema_type: str, rule: CelRule, detail: str) -> str:
    # Ref: validation.go fieldErrorForReason; k8s.io/apimachinery field.Error.ErrorBody.
    if rule.reason == "FieldValueForbidden":
        return f"Forbidden: {detail}"
    if rule.reason == "FieldValueRequired":
        return f"Required value: {detail}"
    if rule.reason == "FieldValueDuplicate":
        return f'Duplicate value: "{schema_type}"'
    return _invalid(schema_type, detail)


def _evaluation_error(schema_type: str, rule: CelRule, error: str) -> str:
    if error.startswith("no such overload"):
        detail = (f"'{error}': call arguments did not match a supported operator, function or macro signature "
                  f"for rule: {rule.error_string}")  # fmt: skip
    else:
        detail = f"{error} evaluating rule: {rule.error_string}"
    return _invalid(schema_type, detail)


def _invalid(schema_type: str, detail: str) -> str:
    return f'Invalid value: "{schema_type}": {detail}'


# cel-cpp's words for the runtime errors a rule can hit, and cel-go's (the API server's) for them
# (Ref: github.com/google/cel-go common/types: "no such key: %v", "index '%d' out of range in list
# size '%d'", "division by zero", ...).
_CEL_GO_WORDING = (
    (re.compile(r'^Key not found in map ?: ?"?(?P<key>.*?)"?$'), "no such key: {key}"),
    (re.compile(r"^No matching overloads? found.*"), "no such overload"),
    (re.compile(r"^divide by zero$"), "division by zero"),
    (re.compile(r"^Index error: index=(?P<index>-?\d+) size=(?P<size>\d+)$"),
     "index '{index}' out of range in list size '{size}'"),
)  # fmt: skip


def _cel_go_wording(error: str) -> str:
    text = re.sub(r"^[A-Z_]+: ", "", error.strip())
    for pattern, wording in _CEL_GO_WORDING:
        if match := pattern.match(text):
            return wording.format(**match.groupdict(default=""))
    return text


def _cel_value(value: Any) -> Any:
    """JSON as the API server decodes it for CEL: integers beyond int64 become doubles (Ref:
    k8s.io/apimachinery pkg/util/json, ``convertNumber``)."""
    if isinstance(value, bool) or value is None or isinstance(value, float | str):
        return value
    if isinstance(value, int):
        return value if _INT64[0] <= value <= _INT64[1] else float(value)
    if isinstance(value, Mapping):
        return {str(k): _cel_value(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [_cel_value(v) for v in value]
    return str(value)


def _compile(entry: Mapping[str, Any], schema: Mapping[str, Any]) -> CelRule:
    rule = CelRule(
        rule=str(entry.get("rule", "")),
        message=str(entry.get("message", "")),
        message_expression=str(entry.get("messageExpression", "")),
        reason=str(entry.get("reason", "")),
        field_path=_normalised_field_path(str(entry.get("fieldPath", "")), schema),
    )
    program, skip = _program(rule.rule)
    message_program = _program(rule.message_expression)[0] if rule.message_expression else None
    return replace(rule, program=program, message_program=message_program, skip_reason=skip)


@functools.cache
def _program(expression: str) -> tuple[cel.Expression | None, str]:
    """The compiled expression, or None and why it is skipped; cached in-process by its text (the
    same rule recurs across CRDs)."""
    try:
        return _ENV.compile(expression), ""
    except RuntimeError as exc:
        try:
            _TRANSITION_ENV.compile(expression)
        except RuntimeError:
            first_line = str(exc).splitlines()[0].removeprefix("INVALID_ARGUMENT: ")
            return None, f"not supported by the offline CEL evaluator: {first_line}"
        return None, "transition rule (uses oldSelf): needs the stored object, which an offline check does not have"


def _normalised_field_path(field_path: str, schema: Mapping[str, Any]) -> str:
    """``fieldPath`` (``.a.b``, ``.a['k']``) as a field path below the rule's node, like the API
    server's ``ValidFieldPath``: names of properties as ``.name``, map keys as ``[key]``."""
    parts = []
    node: Mapping[str, Any] = schema
    for dotted, quoted in re.findall(r"\.([^.\[\]]+)|\['((?:[^'\\]|\\.)*)'\]", field_path):
        name = dotted or quoted.replace("\\'", "'").replace("\\\\", "\\")
        if name in node.get("properties", {}):
            parts.append(f".{name}")
            node = node["properties"][name]
        else:
            parts.append(f"[{name}]")
            additional = node.get("additionalProperties")
            node = additional if isinstance(additional, Mapping) else {}
    return "".join(parts).lstrip(".")
