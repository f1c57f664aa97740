"""Kubernetes-native config types: resource quantities, requests and limits, names."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema, model_validator

from .base import ConfigModel, json_pattern

# Ref: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
_QUANTITY = re.compile(r"^(?P<number>[+]?[0-9]*\.?[0-9]+)(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$")
_SUFFIX = {
    None: Decimal(1),
    "m": Decimal("0.001"),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15,
    "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50,
    "Ei": Decimal(2) ** 60,
}

# Ref: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def quantity_value(text: str) -> Decimal:
    """The numeric value of a Kubernetes quantity (``"512Mi"`` -> 536870912)."""
    match = _QUANTITY.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not a Kubernetes quantity; use e.g. 500m, 2, 512Mi, 4Gi")
    try:
        return Decimal(match["number"]) * _SUFFIX[match["suffix"]]
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise ValueError(f"'{text}' is not a Kubernetes quantity") from exc


def _check_quantity(value: str) -> str:
    quantity_value(value)
    return value


def _stringify_number(value: Any) -> Any:
    # YAML turns `cpu: 2` into an int; Kubernetes accepts it as the quantity "2".
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


Quantity = Annotated[
    str,
    BeforeValidator(_stringify_number),
    AfterValidator(_check_quantity),
    WithJsonSchema(
        {
            "title": "quantity",
            "anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": json_pattern(_QUANTITY)}],
            "examples": ["500m", "2", "512Mi", "4Gi"],
        }
    ),
]


def _check_dns_label(value: str) -> str:
    if len(value) > 63 or not _DNS_LABEL.match(value):
        raise ValueError(
            f"'{value}' is not a valid Kubernetes name: use at most 63 lowercase letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    return value


DnsLabel = Annotated[
    str,
    AfterValidator(_check_dns_label),
    WithJsonSchema({"title": "DNS label", "type": "string", "maxLength": 63, "pattern": json_pattern(_DNS_LABEL)}),
]


class ComputeResources(ConfigModel):
    """CPU and memory for one container (``requests`` and ``limits``)."""

    cpu: Quantity | None = Field(default=None, description="CPU as a Kubernetes quantity: `500m` (half a core), `2`.")
    memory: Quantity | None = Field(default=None, description="Memory as a Kubernetes quantity: `512Mi`, `4Gi`.")


class ResourceRequirements(ConfigModel):
    """Container ``resources``: requests must not exceed limits (Kubernetes rejects such pods)."""

    requests: ComputeResources | None = Field(
        default=None, description="What the scheduler reserves for the container; at most `limits`."
    )
    limits: ComputeResources | None = Field(
        default=None, description="The most the container may use; above the memory limit it is killed."
    )

    @model_validator(mode="after")
    def _requests_within_limits(self) -> ResourceRequirements:
        if self.requests is None or self.limits is None:
            return self
        for name in ("cpu", "memory"):
            request, limit = getattr(self.requests, name), getattr(self.limits, name)
            if request is not None and limit is not None and quantity_value(request) > quantity_value(limit):
                raise ValueError(
                    f"requests.{name} ({request}) is greater than limits.{name} ({limit}); "
                    f"raise limits.{name} or lower requests.{name}"
                )
        return self
