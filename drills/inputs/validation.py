"""Validate a loaded YAML document against one of our shipped JSON Schemas, with positions.

The schemas in ``drills/inputs/schemas/`` are the real validators (not documentation that drifts):
editors use the same files. Errors are mapped back to YAML lines, and an unknown key gets a
"did you mean" from the keys the schema allows there.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from drills.errors import Diagnostic
from drills.inputs.yamldoc import Document


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The shipped JSON Schema ``name`` (``rulebook``, ``scenario`` or ``team``)."""
    schemas = resources.files("drills.inputs.schemas")
    text = schemas.joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema(name))


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a choice is close to ``word``, else empty."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _describe(error: jsonschema.ValidationError) -> str:
    kind = error.validator
    value: Any = error.validator_value
    schema: Any = error.schema
    instance: Any = error.instance
    if kind == "type":
        if isinstance(instance, (int, float)) and not isinstance(instance, bool) and \
                "duration" in str(schema.get("description", "")):
            return f"a duration needs a unit, like {instance:g}m"
        expected = value if isinstance(value, str) else " or ".join(value)
        article = "an" if str(expected)[0] in "aeiou" else "a"
        return f"expected {article} {expected}, got {_show(error.instance)}"
    if kind == "enum":
        choices = ", ".join(str(v) for v in value)
        hint = suggest(str(error.instance), [str(v) for v in value])
        return f"{_show(error.instance)} is not one of: {choices}{hint}"
    if kind == "pattern":
        desc = schema.get("description", f"must match {value}")
        return f"{_show(instance)}: {desc}"
    if kind == "required":
        missing = [k for k in value if k not in instance]
        return f"missing required key {missing[0]!r}" if missing else error.message
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        return f"{_show(error.instance)} must be {words[kind]} {value}"
    if kind == "minItems":
        return f"needs at least {value} item{'s' if value != 1 else ''}"
    if kind == "uniqueItems":
        return "items must be unique"
    if kind in ("oneOf", "anyOf"):
        desc = schema.get("description")
        return f"{_show(instance)}: {desc}" if desc else f"{_show(instance)} is not valid here"
    if kind == "minProperties":
        return "must not be empty"
    return error.message


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


def _allowed_keys(schema: dict[str, Any]) -> list[str]:
    return sorted(schema.get("properties", {}))


def validate(doc: Document, schema_name: str) -> list[Diagnostic]:
    """Every schema violation in ``doc`` as a positioned diagnostic (empty when valid)."""
    found: list[Diagnostic] = []
    seen: set[tuple[int, int, str]] = set()
    for error in _validator(schema_name).iter_errors(doc.value):
        for diag in _diagnostics_for(doc, error):
            ident = (diag.line, diag.col, diag.message)
            if ident not in seen:
                seen.add(ident)
                found.append(diag)
    return sorted(found)


def _diagnostics_for(doc: Document, error: jsonschema.ValidationError) -> list[Diagnostic]:
    where = tuple(error.absolute_path)
    schema: Any = error.schema
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = _allowed_keys(schema)
        patterns = schema.get("patternProperties", {})
        result = []
        for key in error.instance:
            if key in allowed or patterns:
                continue
            hint = suggest(key, allowed) or (f"; expected one of: {', '.join(allowed)}"
                                             if allowed else "")
            result.append(doc.diagnostic((*where, key), f"unknown key {key!r}{hint}", key=True))
        return result or [doc.diagnostic(where, error.message)]
    if error.validator in ("oneOf", "anyOf") and error.context:
        # A branch whose type matched but whose content did not explains more than the
        # schema's summary: report that branch's own errors.
        depth = len(error.relative_schema_path)
        typed = [e for e in error.context
                 if not (e.validator == "type" and len(e.relative_schema_path) <= depth + 3
                         and e.absolute_path == error.absolute_path)]
        if typed:
            return [d for e in typed for d in _diagnostics_for(doc, e)]
    return [doc.diagnostic(where, _describe(error))]
