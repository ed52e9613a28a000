"""The shipped JSON Schemas agree with the code's vocabulary and validate the built-ins."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from drills.feed.scenario import CRISIS_TYPES
from drills.inputs.validation import load_schema
from drills.vocabulary import ACTIONS, CLUSTERS, EVENT_KINDS, PLATFORMS, STRATEGIES

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["rulebook", "scenario", "team", "actions"])
def test_schema_is_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(load_schema(name))


def test_rulebook_schema_enums_match_the_vocabulary() -> None:
    schema = load_schema("rulebook")
    obligation = schema["$defs"]["obligation"]["properties"]
    assert obligation["action"]["enum"] == list(ACTIONS)
    assert obligation["channels"]["oneOf"][1]["items"]["enum"] == list(PLATFORMS)
    strategies = schema["properties"]["strategies"]["properties"]
    assert set(strategies) == set(CLUSTERS)
    assert all(s["items"]["enum"] == list(STRATEGIES) for s in strategies.values())


def test_scenario_schema_enums_match_the_vocabulary() -> None:
    schema = load_schema("scenario")
    props = schema["properties"]
    assert props["cluster"]["enum"] == list(CLUSTERS)
    assert set(props["crisis_type"]["enum"]) == set(CRISIS_TYPES)
    assert set(props["platforms"]["properties"]) == set(PLATFORMS)
    inject = props["injects"]["items"]["properties"]
    assert inject["kind"]["enum"] == list(EVENT_KINDS)
    assert set(props["effects"]["properties"]) == {*ACTIONS, "silence"}


@pytest.mark.parametrize("folder,schema", [("rules", "rulebook"), ("scenarios", "scenario"),
                                           ("scenarios/teams", "team")])
def test_builtins_validate_against_their_schema(folder: str, schema: str) -> None:
    validator = jsonschema.Draft202012Validator(load_schema(schema))
    files = sorted((ROOT / folder).glob("*.yaml"))
    assert files
    for path in files:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text("utf-8"))))
        assert not errors, (path.name, [e.message for e in errors])


def test_schemas_are_shipped_as_package_data() -> None:
    for name in ("rulebook", "scenario", "team", "actions"):
        path = ROOT / "drills" / "inputs" / "schemas" / f"{name}.schema.json"
        assert json.loads(path.read_text("utf-8"))["title"]


def test_actions_schema_enums_match_the_vocabulary() -> None:
    from drills.sim.people import CHANNELS

    item = load_schema("actions")["properties"]["actions"]["items"]["properties"]
    assert item["action"]["enum"] == [*ACTIONS, "reject", "draft"]
    assert item["channels"]["items"]["enum"] == list(CHANNELS)
