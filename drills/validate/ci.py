"""Findings in the forms CI systems read: GitHub workflow annotations and SARIF 2.1.0.

``drill lint``, ``drill test`` and ``drill coverage`` turn what they found into
:class:`Finding` records (a position, a level, a rule id and a message); this module only
renders them. Paths are made relative to the working directory when they lie under it, so
a code-scanning upload and an annotation point at the file in the repository.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass

from drills import __version__
from drills.errors import Diagnostic

FORMATS = ("text", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "note": "notice"}


@dataclass(frozen=True, order=True)
class Finding:
    """One thing to show a reviewer at a place in a file."""

    path: str
    line: int
    col: int
    message: str
    level: str = "error"  # error | warning | note
    rule: str = "drill"  # what kind of finding: lint, rule-test, coverage/never-fired, ...

    @classmethod
    def of(cls, diagnostic: Diagnostic, rule: str = "lint") -> Finding:
        level = diagnostic.severity if diagnostic.severity in _LEVELS else "note"
        return cls(diagnostic.path, diagnostic.line, diagnostic.col, diagnostic.message,
                   level, rule)


def relative(path: str) -> str:
    """``path`` relative to the working directory when it lies under it, else as given."""
    try:
        rel = os.path.relpath(os.path.abspath(path))
    except ValueError:  # pragma: no cover - another drive on Windows
        return path
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def _escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github(findings: Iterable[Finding]) -> str:
    """GitHub Actions workflow commands: ``::error file=F,line=L,col=C,title=T::message``."""
    lines = []
    for f in findings:
        props = (f"file={_escape(relative(f.path), True)},line={f.line},col={f.col},"
                 f"title={_escape(f.rule, True)}")
        lines.append(f"::{_LEVELS.get(f.level, 'notice')} {props}::{_escape(f.message)}")
    return "\n".join(lines)


def sarif(findings: Iterable[Finding], command: str) -> str:
    """A SARIF 2.1.0 log with one run of ``command`` (for code-scanning uploads)."""
    items = list(findings)
    rules = sorted({f.rule for f in items})
    results = [{
        "ruleId": f.rule,
        "ruleIndex": rules.index(f.rule),
        "level": f.level if f.level in ("error", "warning", "note") else "note",
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": _artifact(f.path),
            "region": {"startLine": max(1, f.line), "startColumn": max(1, f.col)}}}],
    } for f in items]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "crisis-drills",
                "fullName": f"crisis-drills {command}",
                "version": __version__,
                "rules": [{"id": rule, "shortDescription": {"text": rule}} for rule in rules],
            }},
            "automationDetails": {"id": f"{command}/"},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def _artifact(path: str) -> dict[str, str]:
    """A repository-relative URI (against %SRCROOT%), or a file URI outside the checkout."""
    from pathlib import Path

    rel = relative(path)
    if os.path.isabs(rel):
        return {"uri": Path(rel).as_uri()}
    return {"uri": rel, "uriBaseId": "%SRCROOT%"}


def render(findings: Iterable[Finding], fmt: str, command: str) -> str:
    """``github`` annotations or a ``sarif`` log (``text`` is each command's own)."""
    if fmt == "github":
        return github(findings)
    if fmt == "sarif":
        return sarif(findings, command)
    raise ValueError(f"unknown CI format {fmt!r}; formats: {', '.join(FORMATS)}")
