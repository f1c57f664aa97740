"""The base every stack-config model derives from: frozen, camelCase keys, unknown keys rejected."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..invariants import did_you_mean


class ConfigModel(BaseModel):
    """Base of all config models.

    Keys are camelCase in YAML (``deleteClaim``) and snake_case in Python (``delete_claim``).
    An unknown key is an error that names the keys allowed at that level and the closest match,
    so a typo in ``Pulumi.<stack>.yaml`` is reported with its fix instead of being ignored.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
        validate_default=False,
    )

    @model_validator(mode="wrap")
    @classmethod
    def _explain_unknown_keys(cls, data: Any, handler: Any) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            allowed = sorted(cls.allowed_keys())
            details: list[InitErrorDetails] = []
            for error in exc.errors():
                loc = error["loc"]
                if error["type"] == "extra_forbidden" and len(loc) == 1:
                    key = str(loc[0])
                    hint = did_you_mean(key, allowed)
                    details.append(
                        {
                            "type": PydanticCustomError(
                                "unknown_key",
                                "unknown key '{key}'; allowed keys here: {allowed}{hint}",
                                {"key": key, "allowed": ", ".join(allowed), "hint": hint},
                            ),
                            "loc": loc,
                            "input": error["input"],
                        }
                    )
                else:
                    details.append(_as_init_error(error))
            raise ValidationError.from_exception_data(exc.title, details) from None

    @classmethod
    def allowed_keys(cls) -> set[str]:
        """The YAML keys this model accepts."""
        return {field.alias or name for name, field in cls.model_fields.items()}

    def to_dict(self) -> dict[str, Any]:
        """The model as plain JSON-compatible data with camelCase keys and unset values left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


def json_pattern(regex: re.Pattern[str]) -> str:
    """A Python regex as a JSON Schema ``pattern`` (ECMA 262): named groups become plain groups."""
    return re.sub(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>", "(", regex.pattern)


def _as_init_error(error: Any) -> InitErrorDetails:
    """Carry a nested error through unchanged: same type name, message, context, location and input."""
    ctx = error.get("ctx") if error["type"] == PROBLEMS_ERROR else None
    return {
        "type": PydanticCustomError(error["type"], error["msg"], ctx),
        "loc": error["loc"],
        "input": error["input"],
    }


PROBLEMS_ERROR = "config_problems"
Problem = tuple[tuple[str | int, ...], str, Any]
"""A cross-field problem: key path relative to the model, message, value received."""


def raise_problems(problems: list[Problem]) -> None:
    """Raise cross-field problems from a model validator, each keeping its own key path."""
    if problems:
        summary = "; ".join(".".join(map(str, path)) + ": " + message for path, message, _ in problems)
        raise PydanticCustomError(PROBLEMS_ERROR, summary, {"problems": problems})
