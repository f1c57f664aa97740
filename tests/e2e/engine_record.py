"""The offline planner's ``plan.json`` and the real engine's state, in one comparable shape.

Compared per URN: type, parent, custom, protect, retainOnDelete, dependencies and inputs. The
engine's inputs are what the provider's ``Check`` returned: secrets are ciphertext envelopes
(compared as ``[secret]``); provider-filled defaults are listed under ``__defaults`` and dropped,
since a program never sends them, as is the ``__internal`` map the engine keeps on provider
resources. Resources only the engine creates (the stack and default providers) are left out.
"""

from __future__ import annotations

from typing import Any

SECRET = "[secret]"
_SECRET_SIG = "4dabf18193072939515e22adb298388d"
FIELDS = ("type", "parent", "custom", "protect", "retainOnDelete", "dependencies", "inputs")


def _engine_only(urn: str, type_: str) -> bool:
    name = urn.rsplit("::", 1)[1]
    return type_ == "pulumi:pulumi:Stack" or (type_.startswith("pulumi:providers:") and name.startswith("default"))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        if _SECRET_SIG in value:
            return SECRET
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def engine_view(exported: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``pulumi stack export`` as ``{urn: {field: value}}``."""
    view = {}
    for resource in exported["deployment"].get("resources", []):
        if _engine_only(resource["urn"], resource["type"]):
            continue
        inputs = _plain(resource.get("inputs") or {})
        defaults = set(inputs.pop("__defaults", []) or [])
        inputs.pop("__internal", None)  # engine bookkeeping of provider resources, never sent by a program
        view[resource["urn"]] = {
            "type": resource["type"],
            "parent": resource.get("parent", ""),
            "custom": bool(resource.get("custom", False)),
            "protect": bool(resource.get("protect", False)),
            "retainOnDelete": bool(resource.get("retainOnDelete", False)),
            "dependencies": sorted(resource.get("dependencies") or []),
            "inputs": {k: v for k, v in inputs.items() if k not in defaults},
        }
    return view


def plan_view(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``plan.json`` as ``{urn: {field: value}}``."""
    view = {}
    for resource in plan["resources"]:
        if _engine_only(resource["urn"], resource["type"]):
            continue
        view[resource["urn"]] = {
            "type": resource["type"],
            "parent": resource["parent"],
            "custom": resource["custom"],
            "protect": resource["protect"],
            "retainOnDelete": resource["retainOnDelete"],
            "dependencies": sorted(resource["dependsOn"]),
            "inputs": resource["inputs"] if resource["custom"] else {},
        }
    return view


def describe_difference(planned: Any, recorded: Any) -> list[str]:
    """What differs between a planned and a recorded value (per key for maps), empty when equal."""
    if planned == recorded:
        return []
    if isinstance(planned, dict) and isinstance(recorded, dict):
        return [
            f"{key}: plan {planned.get(key, '<absent>')!r} != engine {recorded.get(key, '<absent>')!r}"
            for key in sorted(set(planned) | set(recorded))
            if planned.get(key, "<absent>") != recorded.get(key, "<absent>")
        ]
    return [f"plan {planned!r} != engine {recorded!r}"]
