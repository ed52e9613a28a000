from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drills.rulebook.load import check_rulebook_text
from drills.rulebook.model import Rulebook

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def rulebook_from(text: str) -> Rulebook:
    """A rulebook from YAML text; fails the test with the diagnostics when it is invalid."""
    checked = check_rulebook_text(text, "test.yaml")
    assert checked.value is not None, "\n".join(str(d) for d in checked.diagnostics)
    return checked.value


MINIMAL = """\
rulebook: t
version: 1
roles:
  a: {backup: b}
  b: {}
severity: [normal, watch, issue, crisis]
rules:
{rules}
"""


def minimal_rulebook(rules_yaml: str, extra: str = "") -> Rulebook:
    return rulebook_from(MINIMAL.replace("{rules}", rules_yaml) + extra)

# Hypothesis runs are pinned: the same examples on every run and machine.
from hypothesis import settings as _settings  # noqa: E402

_settings.register_profile("pinned", derandomize=True, database=None, deadline=None)
_settings.load_profile("pinned")


@pytest.fixture(scope="session", autouse=True)
def _history_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Drills the tests run are recorded in a store of the test session's own, never in
    the user's data folder (subprocesses inherit it)."""
    import os

    os.environ["DRILLS_DB"] = str(tmp_path_factory.mktemp("store") / "drills.db")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium for the module's browser tests (tests/browser.py)."""
    from tests.browser import launched_chromium

    with launched_chromium() as launched:
        yield launched
