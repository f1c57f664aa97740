"""The CEL rules (``x-kubernetes-validations``) of the Strimzi 1.2.0 CRDs, evaluated as the API server does.

Every rule has a custom resource that breaks it, failing with the API server's error, and a valid
counterpart that passes. The violating shapes follow Strimzi's own API-server test of these rules
(strimzi-kafka-operator 1.2.0, api/src/test/java/io/strimzi/api/kafka/model/CelValidationIT.java and
its ``*-cel-*.yaml`` fixtures), with a namespace added as kubectl or Pulumi would.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from messaging_platform_tools.validation import cel_rules
from messaging_platform_tools.validation.cel_rules import CelValidator
from messaging_platform_tools.validation.crd_schema import CEL_RULE, CrdSchemas

TOPOLOGY_KEY = "topologyKey property is required"
ENV_VAR_NAME = "envVarName property is required"
VALUE_FROM = "valueFrom property is required"
NOT_SUPPORTED = "value type not supported"
ONLY_TLS = "'validityDays' and 'renewalDays' can be configured only with 'type: tls'"
TOGETHER = "Both 'validityDays' and 'renewalDays' must be set together, or both must be unset."
LESS_THAN = "'renewalDays' must be less than 'validityDays'."
RACK_TOPOLOGY = '(has(self.type) && self.type != "topology-label") || self.topologyKey != ""'
RACK_ENV_VAR = 'has(self.type) == false || self.type != "environment-variable" || self.envVarName != ""'
JMX_VALUE_FROM = "self.type != 'jmxPrometheusExporter' || has(self.valueFrom)"

# The 17 rules of Strimzi 1.2.0: (kind, where, rule, message), in schema order.
STRIMZI_CEL_RULES = [
    ("Kafka", "spec.kafka.rack", RACK_TOPOLOGY, TOPOLOGY_KEY),
    ("Kafka", "spec.kafka.rack", RACK_ENV_VAR, ENV_VAR_NAME),
    ("Kafka", "spec.kafka.metricsConfig", JMX_VALUE_FROM, VALUE_FROM),
    ("Kafka", "spec.cruiseControl.metricsConfig", JMX_VALUE_FROM, VALUE_FROM),
    ("Kafka", "spec.cruiseControl.metricsConfig", "self.type != 'strimziMetricsReporter'", NOT_SUPPORTED),
    ("KafkaBridge", "spec.rack", RACK_TOPOLOGY, TOPOLOGY_KEY),
    ("KafkaBridge", "spec.rack", RACK_ENV_VAR, ENV_VAR_NAME),
    ("KafkaBridge", "spec.metricsConfig", JMX_VALUE_FROM, VALUE_FROM),
    ("KafkaConnect", "spec.rack", RACK_TOPOLOGY, TOPOLOGY_KEY),
    ("KafkaConnect", "spec.rack", RACK_ENV_VAR, ENV_VAR_NAME),
    ("KafkaConnect", "spec.metricsConfig", JMX_VALUE_FROM, VALUE_FROM),
    ("KafkaMirrorMaker2", "spec.rack", RACK_TOPOLOGY, TOPOLOGY_KEY),
    ("KafkaMirrorMaker2", "spec.rack", RACK_ENV_VAR, ENV_VAR_NAME),
    ("KafkaMirrorMaker2", "spec.metricsConfig", JMX_VALUE_FROM, VALUE_FROM),
    ("KafkaUser", "spec.authentication", "self.type == 'tls' || (!has(self.validityDays) && !has(self.renewalDays))",
     ONLY_TLS),
    ("KafkaUser", "spec.authentication", "self.type != 'tls' || (has(self.renewalDays) == has(self.validityDays))",
     TOGETHER),
    ("KafkaUser", "spec.authentication", "self.type != 'tls' || !has(self.renewalDays) || !has(self.validityDays) || "
     "self.renewalDays < self.validityDays", LESS_THAN),
]  # fmt: skip

ENV_VAR = "environment-variable"
JMX = {"type": "jmxPrometheusExporter"}
JMX_FROM_CONFIG_MAP = {**JMX, "valueFrom": {"configMapKeyRef": {"name": "metrics", "key": "metrics.yaml"}}}
LISTENERS = [{"name": "plain", "port": 9092, "type": "internal", "tls": False}]
# Minimal valid specs, from the Strimzi fixtures' required fields.
SPECS: dict[str, dict[str, Any]] = {
    "Kafka": {"kafka": {"listeners": LISTENERS}},
    "KafkaBridge": {"replicas": 1, "bootstrapServers": "kafka:9092"},
    "KafkaConnect": {"replicas": 1, "bootstrapServers": "kafka:9092", "groupId": "my-connect-group",
                     "configStorageTopic": "my-connect-configs", "statusStorageTopic": "my-connect-status",
                     "offsetStorageTopic": "my-connect-offsets"},
    "KafkaMirrorMaker2": {"replicas": 1, "mirrors": [], "target": {
        "alias": "target", "bootstrapServers": "target:9092", "groupId": "g", "configStorageTopic": "c",
        "offsetStorageTopic": "o", "statusStorageTopic": "s"}},
    "KafkaUser": {},
}  # fmt: skip
# Where rack and metricsConfig sit in each kind's spec.
COMPONENT = {"Kafka": ("kafka",), "KafkaBridge": (), "KafkaConnect": (), "KafkaMirrorMaker2": ()}


def resource(kind: str, at: tuple[str, ...] = (), **fields: Any) -> dict[str, Any]:
    """A ``kind`` with the minimal valid spec plus ``fields`` set at ``spec.<at...>``."""
    spec = copy.deepcopy(SPECS[kind])
    node = spec
    for key in at:
        node = node.setdefault(key, {})
    node.update(fields)
    metadata = {"name": "my-resource", "namespace": "kafka"}
    return {"apiVersion": "kafka.strimzi.io/v1", "kind": kind, "metadata": metadata, "spec": spec}


def value_at(obj: dict[str, Any], path: str) -> Any:
    node: Any = obj
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node


def cel_error(where: str, message: str) -> str:
    return f'{where}: Invalid value: "object": {message}'


def no_such_key(where: str, key: str, message: str) -> str:
    """The API server's error when the rule reads a field that is absent."""
    return cel_error(where, f"no such key: {key} evaluating rule: {message}")


def rack_cases(kind: str) -> list[tuple[str, dict[str, Any], str]]:
    at = COMPONENT[kind]
    where = ".".join(("spec", *at, "rack"))
    return [
        (
            TOPOLOGY_KEY,
            resource(kind, at, rack={"type": "topology-label", "topologyKey": ""}),
            cel_error(where, TOPOLOGY_KEY),
        ),
        (
            TOPOLOGY_KEY,
            resource(kind, at, rack={"type": "topology-label"}),
            no_such_key(where, "topologyKey", TOPOLOGY_KEY),
        ),
        (TOPOLOGY_KEY, resource(kind, at, rack={"topologyKey": ""}), cel_error(where, TOPOLOGY_KEY)),
        (ENV_VAR_NAME, resource(kind, at, rack={"type": ENV_VAR, "envVarName": ""}), cel_error(where, ENV_VAR_NAME)),
        (ENV_VAR_NAME, resource(kind, at, rack={"type": ENV_VAR}), no_such_key(where, "envVarName", ENV_VAR_NAME)),
    ]


def metrics_case(kind: str) -> tuple[str, dict[str, Any], str]:
    at = COMPONENT[kind]
    return (
        VALUE_FROM,
        resource(kind, at, metricsConfig=JMX),
        cel_error(".".join(("spec", *at, "metricsConfig")), VALUE_FROM),
    )


def user(**authentication: Any) -> dict[str, Any]:
    return resource("KafkaUser", authentication=authentication)


CRUISE_CONTROL_METRICS = "spec.cruiseControl.metricsConfig"
AUTHENTICATION = "spec.authentication"
# (kind, message of the rule broken, resource, the API server's error for it)
VIOLATIONS: list[tuple[str, str, dict[str, Any], str]] = [
    *[(kind, message, obj, error) for kind in COMPONENT for message, obj, error in rack_cases(kind)],
    *[(kind, *metrics_case(kind)) for kind in COMPONENT],
    (
        "Kafka",
        VALUE_FROM,
        resource("Kafka", ("cruiseControl",), metricsConfig=JMX),
        cel_error(CRUISE_CONTROL_METRICS, VALUE_FROM),
    ),
    (
        "Kafka",
        NOT_SUPPORTED,
        resource("Kafka", ("cruiseControl",), metricsConfig={"type": "strimziMetricsReporter"}),
        cel_error(CRUISE_CONTROL_METRICS, NOT_SUPPORTED),
    ),
    ("KafkaUser", TOGETHER, user(type="tls", validityDays=10), cel_error(AUTHENTICATION, TOGETHER)),
    ("KafkaUser", TOGETHER, user(type="tls", renewalDays=10), cel_error(AUTHENTICATION, TOGETHER)),
    ("KafkaUser", LESS_THAN, user(type="tls", renewalDays=10, validityDays=9), cel_error(AUTHENTICATION, LESS_THAN)),
    ("KafkaUser", LESS_THAN, user(type="tls", renewalDays=10, validityDays=10), cel_error(AUTHENTICATION, LESS_THAN)),
    (
        "KafkaUser",
        ONLY_TLS,
        user(type="scram-sha-512", renewalDays=10, validityDays=20),
        cel_error(AUTHENTICATION, ONLY_TLS),
    ),
    ("KafkaUser", ONLY_TLS, user(type="tls-external", validityDays=20), cel_error(AUTHENTICATION, ONLY_TLS)),
]

RACKS = ({"topologyKey": "topology.kubernetes.io/zone"}, {"type": ENV_VAR, "envVarName": "NODE_ZONE"})
# Valid resources that reach the rules (a value where they sit) and satisfy them.
VALID: list[dict[str, Any]] = [
    *[resource(kind, COMPONENT[kind], rack=rack) for kind in COMPONENT for rack in RACKS],
    *[resource(kind, COMPONENT[kind], metricsConfig=JMX_FROM_CONFIG_MAP) for kind in COMPONENT],
    resource("Kafka", ("cruiseControl",), metricsConfig=JMX_FROM_CONFIG_MAP),
    resource("Kafka", ("kafka",), metricsConfig={"type": "strimziMetricsReporter"}),
    user(type="tls", validityDays=30, renewalDays=10),
    user(type="tls"),
    user(type="scram-sha-512"),
]


def test_strimzi_1_2_0_has_exactly_these_17_cel_rules(crd_schemas: CrdSchemas) -> None:
    found = [(kind, site.path, site.rule.rule, site.rule.message) for _, kind, site in crd_schemas.cel_rules]
    assert len(found) == 17
    assert sorted(found) == sorted(STRIMZI_CEL_RULES)
    assert crd_schemas.skipped_cel_rules == []  # no transition rule, no Kubernetes library function


def test_every_rule_has_a_violating_and_a_valid_resource() -> None:
    rules = {(kind, where, message) for kind, where, _, message in STRIMZI_CEL_RULES}
    broken = {(kind, error.split(": ")[0], message) for kind, message, _, error in VIOLATIONS}
    reached = {(kind, where, message) for kind, where, message in rules for obj in VALID
               if obj["kind"] == kind and value_at(obj, where) is not None}  # fmt: skip
    assert broken == reached == rules


@pytest.mark.parametrize(
    ("obj", "error"), [(obj, error) for _, _, obj, error in VIOLATIONS], ids=[e for *_, e in VIOLATIONS]
)
def test_a_resource_breaking_a_rule_fails_with_the_api_servers_error(
    obj: dict[str, Any], error: str, crd_schemas: CrdSchemas
) -> None:
    violations = crd_schemas.validate(obj)
    assert [f"{v.path}: {v.message}" for v in violations] == [error]
    assert [v.rule for v in violations] == [CEL_RULE]
    assert str(violations[0]) == f"{obj['kind']} kafka/my-resource: {error}"


@pytest.mark.parametrize("obj", VALID, ids=[f"{obj['kind']}-{i}" for i, obj in enumerate(VALID)])
def test_the_valid_counterpart_passes(obj: dict[str, Any], crd_schemas: CrdSchemas) -> None:
    assert crd_schemas.validate(obj) == []


def test_rules_do_not_run_when_the_schema_finds_a_blocking_error(crd_schemas: CrdSchemas) -> None:
    bad = user(type="tls", renewalDays="10")  # wrong type: the API server does not run CEL rules
    messages = [(v.rule, v.path, v.message) for v in crd_schemas.validate(bad)]
    assert messages == [
        ("crd-schema", "spec.authentication.renewalDays", "'10' is not of type 'integer'"),
        ("crd-cel", "", "Invalid value: null: some validation rules were not checked because the object was "
                        "invalid; correct the existing errors to complete validation"),
    ]  # fmt: skip


def test_rules_still_run_beside_a_non_blocking_error(crd_schemas: CrdSchemas) -> None:
    below_minimum = user(type="tls", renewalDays=0, validityDays=0)  # minimum is Invalid, not blocking
    messages = [f"{v.path}: {v.message}" for v in crd_schemas.validate(below_minimum)]
    assert messages == [
        "spec.authentication.renewalDays: 0 is less than the minimum of 1",
        "spec.authentication.validityDays: 0 is less than the minimum of 1",
        cel_error("spec.authentication", LESS_THAN),
    ]


def test_an_object_whose_rules_take_too_long_fails_with_the_api_servers_budget_error(
    crd_schemas: CrdSchemas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cel_rules, "TIME_BUDGET_SECONDS", -1.0)
    (violation,) = crd_schemas.validate(resource("Kafka", ("kafka",), rack={"topologyKey": "zone"}))
    assert f"{violation.path}: {violation.message}" == cel_error(
        "spec.kafka.rack",
        "validation failed due to running out of cost budget, no further validation rules will be run",
    )


# Rule features Strimzi 1.2.0 does not use, on a made-up schema.


def schema_with(*rules: dict[str, Any]) -> dict[str, Any]:
    limits = {"type": "object", "additionalProperties": {"type": "integer"}}
    fields = {"min": {"type": "integer"}, "max": {"type": "integer"}, "limits": limits}
    spec = {"type": "object", "x-kubernetes-validations": list(rules), "properties": fields}
    return {"type": "object", "properties": {"spec": spec}}


def errors_of(rule: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    validator = CelValidator.from_schema(schema_with(rule))
    assert validator is not None
    return [f"{path}: {message}" for path, message in validator.validate({"spec": spec})]


MIN_MAX = "self.min <= self.max"
MESSAGE_CASES = {
    "default-message": ({"rule": MIN_MAX}, f'spec: Invalid value: "object": failed rule: {MIN_MAX}'),
    "message-expression": (
        {"rule": MIN_MAX, "messageExpression": "'min ' + string(self.min) + ' > max'"},
        'spec: Invalid value: "object": min 5 > max',
    ),
    "empty-message-expression-falls-back": (
        {"rule": MIN_MAX, "message": "min above max", "messageExpression": "''"},
        'spec: Invalid value: "object": min above max',
    ),
    "reason-and-field-path": (
        {"rule": MIN_MAX, "message": "min above max", "reason": "FieldValueForbidden", "fieldPath": ".min"},
        "spec.min: Forbidden: min above max",
    ),
    "map-key-field-path": (
        {"rule": MIN_MAX, "message": "too low", "fieldPath": ".limits['cpu']"},
        'spec.limits[cpu]: Invalid value: "object": too low',
    ),
    "runtime-error": (
        {"rule": "self.min / 0 > 1"},
        'spec: Invalid value: "object": division by zero evaluating rule: self.min / 0 > 1',
    ),
}


@pytest.mark.parametrize(("rule", "error"), MESSAGE_CASES.values(), ids=MESSAGE_CASES.keys())
def test_messages_follow_the_api_server(rule: dict[str, Any], error: str) -> None:
    assert errors_of(rule, {"min": 5, "max": 1, "limits": {"cpu": 1}}) == [error]


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("self.min >= oldSelf.min", "transition rule (uses oldSelf)"),
        ("quantity(self.max).isGreaterThan(quantity('1'))", "not supported by the offline CEL evaluator"),
    ],
)
def test_rules_that_cannot_run_offline_are_skipped_and_say_why(rule: str, reason: str) -> None:
    validator = CelValidator.from_schema(schema_with({"rule": rule}))
    assert validator is not None
    (site,) = validator.skipped
    assert (site.path, site.rule.rule) == ("spec", rule)
    assert site.rule.skip_reason.startswith(reason)
    assert validator.validate({"spec": {"min": 2, "max": 1}}) == []


def test_absent_and_null_values_are_not_validated() -> None:
    assert errors_of({"rule": "false"}, {}) == ['spec: Invalid value: "object": failed rule: false']
    validator = CelValidator.from_schema(schema_with({"rule": "false"}))
    assert validator is not None
    assert validator.validate({}) == validator.validate({"spec": None}) == []
