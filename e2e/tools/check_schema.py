#!/usr/bin/env python3
"""Check that a bridged provider's Pulumi schema matches an installed Python SDK.

Usage: check_schema.py SCHEMA_JSON PYTHON_PACKAGE   (e.g. schema.json pulumi_kafka)

The SDK is read with `ast` (not imported), so any Python that can find the
package's files works. Compared, per resource / function / provider / config:
  * the set of type tokens,
  * input property names and which of them are required,
  * output property names (resources and function results).
Exit status 0 when everything matches, 1 otherwise; differences are printed.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import pathlib
import sys


def _call_name(node: ast.AST) -> str:
    """'pulumi.getter' for a decorator like @pulumi.getter(...) or @pulumi.getter."""
    if isinstance(node, ast.Call):
        node = node.func
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _str_arg(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        return node.args[0].value
    return None


def _getters(cls: ast.ClassDef) -> set[str]:
    """Wire names of the @pulumi.getter properties of a class."""
    names = set()
    for fn in cls.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        for dec in fn.decorator_list:
            if _call_name(dec) != "pulumi.getter":
                continue
            wire = fn.name
            if isinstance(dec, ast.Call):
                for kw in dec.keywords:
                    if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                        wire = kw.value.value
            names.add(wire)
    return names


def _required_init_args(cls: ast.ClassDef) -> set[str]:
    """Python names of keyword-only __init__ args without a default."""
    for fn in cls.body:
        if isinstance(fn, ast.FunctionDef) and fn.name == "__init__":
            a = fn.args
            return {arg.arg for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=False) if d is None}
    return set()


def _python_to_wire(cls: ast.ClassDef) -> dict[str, str]:
    out = {}
    for fn in cls.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        for dec in fn.decorator_list:
            if _call_name(dec) == "pulumi.getter":
                wire = fn.name
                if isinstance(dec, ast.Call):
                    for kw in dec.keywords:
                        if kw.arg == "name":
                            wire = kw.value.value
                out[fn.name] = wire
    return out


def read_sdk(pkg: str) -> dict:
    spec = importlib.util.find_spec(pkg)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"cannot find the Python package {pkg}")
    root = pathlib.Path(next(iter(spec.submodule_search_locations)))
    sdk = {"resources": {}, "functions": {}, "methods": set(), "provider": None, "config": set()}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        classes = {c.name: c for c in tree.body if isinstance(c, ast.ClassDef)}
        for cls in classes.values():
            token = next((_str_arg(d) for d in cls.decorator_list if _call_name(d) == "pulumi.type_token"), None)
            if token is None:
                continue
            args = classes.get(cls.name + "Args")
            entry = {
                "inputs": _getters(args) if args else set(),
                "required": ({_python_to_wire(args)[p] for p in _required_init_args(args)} if args else set()),
                "outputs": _getters(cls),
            }
            if token.startswith("pulumi:providers:"):
                sdk["provider"] = entry
            else:
                sdk["resources"][token] = entry
        # Functions: pulumi.runtime.invoke('tok', __args__, ..., typ=XResult).
        # Methods (pulumi.runtime.call, e.g. the provider's terraformConfig)
        # are compared by token only.
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            kind = _call_name(node)
            if kind == "pulumi.runtime.call":
                sdk["methods"].add(node.args[0].value)
                continue
            if kind != "pulumi.runtime.invoke":
                continue
            token = node.args[0].value
            result = next(
                (kw.value.id for kw in node.keywords if kw.arg == "typ" and isinstance(kw.value, ast.Name)), None
            )
            fn_def = next(
                f for f in tree.body if isinstance(f, ast.FunctionDef) and any(n is node for n in ast.walk(f))
            )
            inputs = set()
            for n in ast.walk(fn_def):
                if (
                    isinstance(n, ast.Subscript)
                    and isinstance(n.value, ast.Name)
                    and n.value.id == "__args__"
                    and isinstance(n.slice, ast.Constant)
                ):
                    inputs.add(n.slice.value)
            outputs = _getters(classes[result]) if result in classes else set()
            # Python SDK functions give every argument a default of None, so
            # requiredness of function inputs cannot be read from the SDK.
            sdk["functions"][token] = {"inputs": inputs, "outputs": outputs}
        if path.name == "vars.py" and path.parent.name == "config":
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and _call_name(node.func.value) == "__config__"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    sdk["config"].add(node.args[0].value)
    return sdk


def main() -> int:
    schema_path, pkg = sys.argv[1], sys.argv[2]
    schema = json.loads(pathlib.Path(schema_path).read_text())
    sdk = read_sdk(pkg)
    problems: list[str] = []

    def cmp(what: str, want: set, got: set) -> None:
        if want != got:
            problems.append(f"{what}: only in SDK {sorted(want - got)}, only in schema {sorted(got - want)}")

    sch_res = schema.get("resources", {})
    cmp("resource tokens", set(sdk["resources"]), set(sch_res))
    for tok, e in sorted(sdk["resources"].items()):
        r = sch_res.get(tok)
        if r is None:
            continue
        cmp(f"{tok} inputs", e["inputs"], set(r.get("inputProperties", {})))
        cmp(f"{tok} required inputs", e["required"], set(r.get("requiredInputs", [])))
        cmp(f"{tok} outputs", e["outputs"], set(r.get("properties", {})))

    sch_fn = schema.get("functions", {})
    cmp("function and method tokens", set(sdk["functions"]) | sdk["methods"], set(sch_fn))
    for tok, e in sorted(sdk["functions"].items()):
        f = sch_fn.get(tok)
        if f is None:
            continue
        ins = (f.get("inputs") or {}).get("properties", {})
        cmp(f"{tok} inputs", e["inputs"], set(ins))
        outs = set((f.get("outputs") or {}).get("properties", {}))
        cmp(f"{tok} outputs", e["outputs"], outs)

    if sdk["provider"] is not None:
        p = schema.get("provider", {})
        cmp("provider inputs", sdk["provider"]["inputs"], set(p.get("inputProperties", {})))
        cmp("provider required inputs", sdk["provider"]["required"], set(p.get("requiredInputs", [])))
    cmp("config variables", sdk["config"], set(schema.get("config", {}).get("variables", {})))

    n_res, n_fn = len(sdk["resources"]), len(sdk["functions"])
    if problems:
        print(f"{pkg} vs {schema_path}: {len(problems)} mismatch(es)")
        for p in problems:
            print("  - " + p)
        return 1
    print(
        f"{pkg} vs {schema_path}: OK ({n_res} resources, {n_fn} functions, "
        f"{len(sdk['methods'])} methods, provider inputs, "
        f"{len(sdk['config'])} config variables match)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
