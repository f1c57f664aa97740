"""Kafka Connect connectors in the catalog, and the rules their config follows.

A connector is declared in a domain's catalog file next to the topics it uses: which Connect
cluster of the stack runs it, its class and config, and what it reads (``consumes``) and writes
(``produces``), as catalog topic keys. Those intents become the Connect cluster's ACLs, checked like
a service's. Secrets never appear in a connector's config: a password-like key takes a Kafka config
provider reference (``${directory:/mnt/secrets/<secret>:<key>}``) to a Secret the Connect cluster
mounts, and a literal value is a config error naming the key.

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaConnector-reference
Ref: https://kafka.apache.org/documentation/#config_providers (KIP-297, KIP-421)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, WithJsonSchema, model_validator

from ..strimzi import CONNECTOR_FORBIDDEN_CONFIG
from .base import ConfigModel, Problem, json_pattern, raise_problems
from .kubernetes import DnsLabel

ConnectorConfigValue = bool | int | float | str
ConnectorState = Literal["running", "paused", "stopped"]

# Kafka's ConfigTransformer syntax: ${provider:[path:]key}.
# Ref: clients/.../common/config/ConfigTransformer.java (DEFAULT_PATTERN).
_REFERENCE = re.compile(r"\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}")
# The last dot-separated part of a key says what the value is: `ssl.key.password` is a password,
# `key.converter` a class. A password-like last part contains password, secret, token or
# credentials, or ends with key (`api.key`, `aws.secret.access.key`, `apiKey`).
_SECRET_PART = re.compile(r"password|secret|token|credentials|key$", re.IGNORECASE)
# Ref: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names
_CONNECTOR_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
# Ref: SinkUtils.consumerGroupId: a sink connector's consumers read in the group connect-<name>.
SINK_GROUP_PREFIX = "connect-"
# Connector-level client overrides (KIP-458); the Connect cluster's override policy must allow them.
OVERRIDE_PREFIXES = ("producer.override.", "consumer.override.", "admin.override.")


@dataclass(frozen=True)
class ConfigReference:
    """One ``${provider:[path:]key}`` reference in a config value."""

    provider: str
    path: str | None
    key: str


def config_references(value: str) -> list[ConfigReference]:
    """The config-provider references in a value, in order."""
    return [ConfigReference(m.group(1), m.group(3), m.group(4)) for m in _REFERENCE.finditer(value)]


def is_reference(value: Any) -> bool:
    """Whether the whole value is one config-provider reference (resolved by the worker, not stored)."""
    return isinstance(value, str) and _REFERENCE.fullmatch(value.strip()) is not None


def password_like(key: str) -> bool:
    """Whether a config key holds a secret: its last dot-separated part names one."""
    return _SECRET_PART.search(key.rsplit(".", 1)[-1]) is not None


def literal_secrets(config: Mapping[str, Any]) -> Iterator[str]:
    """The keys of ``config`` whose value is a literal secret (a password-like key, not a reference)."""
    for key, value in config.items():
        literal = isinstance(value, int | float | str) and not isinstance(value, bool) and value != ""
        if password_like(key) and literal and not is_reference(value):
            yield key


def literal_secret_problems(config: Mapping[str, Any], where: tuple[str | int, ...] = ("config",)) -> list[Problem]:
    """A problem per literal secret, at its key; the value is never echoed."""
    return [
        (
            (*where, key),
            "is a literal secret: reference a Secret the Connect cluster mounts through a config provider "
            "instead, e.g. ${directory:/mnt/secrets/<secret>:<key>} (connect.<name>.secrets) or ${env:<VAR>} "
            "(connect.<name>.env)",
            None,
        )
        for key in literal_secrets(config)
    ]


def check_connector_name(name: str) -> str:
    """Connector names become KafkaConnector names (Kubernetes names) and the connector's name in Connect."""
    if len(name) > 63 or not _CONNECTOR_NAME.match(name):
        raise ValueError(
            f"'{name}' is not a valid connector name: use at most 63 lowercase letters, digits, '-' and '.', "
            "starting and ending with a letter or digit (it becomes the KafkaConnector name)"
        )
    return name


ConnectorName = Annotated[
    str,
    AfterValidator(check_connector_name),
    WithJsonSchema(
        {"title": "connector name", "type": "string", "maxLength": 63, "pattern": json_pattern(_CONNECTOR_NAME)}
    ),
]


def sink_group(connector: str) -> str:
    """The consumer group a sink connector's tasks read in."""
    return f"{SINK_GROUP_PREFIX}{connector}"


class ConnectorAutoRestart(ConfigModel):
    """Strimzi restarts a failed connector and its tasks, backing off between attempts."""

    enabled: bool = Field(default=True, description="Restart the connector and its tasks when they fail.")
    max_restarts: int | None = Field(
        default=None, ge=0, description="Restarts before giving up (then restart it by hand); unset: no limit."
    )


class ConnectorSpec(ConfigModel):
    """A Kafka Connect connector (``KafkaConnector``) run by a Connect cluster of the stack."""

    description: str | None = Field(default=None, description="What the connector moves (documentation).")
    connect: DnsLabel = Field(
        description="The Connect cluster that runs it: a key of the stack's `messaging-platform:connect`."
    )
    class_: str = Field(
        alias="class",
        min_length=1,
        pattern=r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$",
        description="The connector class, e.g. `org.apache.kafka.connect.file.FileStreamSourceConnector`; its plugin "
        "must be in the Connect image (a `build` plugin).",
    )
    tasks_max: int = Field(default=1, ge=1, description="Most tasks the connector runs in parallel.")
    state: ConnectorState = Field(default="running", description="`running`, `paused` or `stopped`.")
    auto_restart: ConnectorAutoRestart | None = Field(
        default=None, description="Automatic restarts of a failed connector; unset: none (Strimzi's default)."
    )
    consumes: list[str] = Field(
        default_factory=list,
        description="Keys of the catalog topics it reads (a sink), in consumer group `connect-<connector>`.",
    )
    produces: list[str] = Field(default_factory=list, description="Keys of the catalog topics it writes (a source).")
    config: dict[str, ConnectorConfigValue] = Field(
        default_factory=dict,
        description="The connector's own config (not `name`, `connector.class`, `tasks.max`); secrets only as "
        "config-provider references such as `${directory:/mnt/secrets/<secret>:<key>}`.",
    )

    @model_validator(mode="after")
    def _check_connector(self) -> ConnectorSpec:
        problems: list[Problem] = []
        if not (self.consumes or self.produces):
            problems.append(
                ((), "declare what it reads (consumes) or writes (produces): its ACLs come from them", None)
            )
        for field_name in ("consumes", "produces"):
            keys: list[str] = getattr(self, field_name)
            problems += [((field_name, i), "is listed twice", key) for i, key in enumerate(keys) if key in keys[:i]]
        for key in sorted(self.config.keys() & CONNECTOR_FORBIDDEN_CONFIG):
            problems.append(
                (("config", key), "is set by Strimzi from the connector's own keys (class, tasksMax) and the name; "
                 "remove it", self.config[key])
            )  # fmt: skip
        problems += literal_secret_problems(self.config)
        raise_problems(problems)
        return self


__all__ = [
    "ConfigReference",
    "ConnectorAutoRestart",
    "ConnectorName",
    "ConnectorSpec",
    "config_references",
    "is_reference",
    "literal_secrets",
    "password_like",
    "sink_group",
]
