"""``drill sweep``: a Monte Carlo over staffing parameters."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from drills.cli.main import cli
from drills.inputs.builtins import resolve
from drills.rulebook.load import load_rulebook
from drills.team.clock import NEVER
from drills.team.load import load_team
from drills.validate.staffing import apply, parse_vary, wilson

DEFAULT = load_rulebook(resolve("rulebook", "default"))
STANDARD = load_team(resolve("team", "standard"))


def test_parameters_change_what_they_say() -> None:
    book, team = apply(DEFAULT, STANDARD, (("ack_within", "5m"), ("on_call", "1"),
                                           ("response", "2"), ("skip_approval", "0.5")))
    assert {r.ack_within for r in book.roles.values()} == {5.0}
    on_call = [m.name for m in team.members if m.on_call is not NEVER]
    assert on_call == ["Sam Chen"]  # the team's first on-call member
    by_name = {m.name: m for m in STANDARD.members}
    for member in team.members:
        assert member.response.median == pytest.approx(2 * by_name[member.name].response.median)
    assert team.habits.skip_approval == 0.5
    _book, everyone = apply(DEFAULT, STANDARD, (("on_call", "99"),))
    assert all(m.on_call is not NEVER for m in everyone.members)


@pytest.mark.parametrize(("option", "message"), [
    ("speed=1,2", "unknown parameter 'speed'"),
    ("ack_within=5", "bad value '5'"),
    ("skip_approval=1.5", "bad value '1.5'"),
    ("on_call", "write NAME=VALUE,VALUE"),
    ("legal.speed=1", "unknown parameter 'legal.speed'; per role: ROLE.ack_within"),
    ("legl.ack_within=5m", "has no role 'legl' (did you mean 'legal'?)"),
    ("legal.ack_within=soon", "--vary legal.ack_within: bad value 'soon'"),
])
def test_bad_vary_options_are_one_clear_error(option: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["sweep", "--vary", option, "--seeds", "1"])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_faster_people_get_the_holding_statement_out_sooner() -> None:
    result = CliRunner().invoke(cli, [
        "sweep", "--team", "standard", "--vary", "response=0.25,4", "--seeds", "12",
        "--scenarios", "overheating-kettle,sv-data-breach,viral-complaint",
        "--workers", "1", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    fast, slow = doc["combinations"]
    assert fast["parameters"] == {"response": "0.25"} and fast["drills"] == 36
    p_fast = fast["outcomes"]["holding_statement_within_1h"]
    p_slow = slow["outcomes"]["holding_statement_within_1h"]
    assert p_fast["n"] > 10 and p_slow["n"] > 10
    assert p_fast["p"] > p_slow["p"]
    assert p_fast["ci"][0] <= p_fast["p"] <= p_fast["ci"][1]
    again = json.loads(CliRunner().invoke(cli, [
        "sweep", "--team", "standard", "--vary", "response=0.25,4", "--seeds", "12",
        "--scenarios", "overheating-kettle,sv-data-breach,viral-complaint",
        "--workers", "2", "--json"]).stdout)
    assert again == doc  # deterministic, whatever the executor


def test_wilson_intervals() -> None:
    low, high = wilson(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-3) and high == pytest.approx(0.7634, abs=1e-3)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == 1.0
    assert parse_vary(("on_call=1,2",)) == [("on_call", ["1", "2"])]


def test_per_role_parameters_change_only_that_role() -> None:
    book, team = apply(DEFAULT, STANDARD, (("legal.ack_within", "5m"),
                                           ("legal.response", "2")))
    assert book.roles["legal"].ack_within == 5.0
    assert all(r.ack_within == DEFAULT.roles[name].ack_within
               for name, r in book.roles.items() if name != "legal")
    by_name = {m.name: m for m in STANDARD.members}
    for member in team.members:
        factor = 2 if "legal" in member.roles else 1
        assert member.response.median == pytest.approx(
            factor * by_name[member.name].response.median)
    assert any("legal" in m.roles for m in team.members)


def test_a_parameter_that_changes_nothing_gets_a_note_and_n_is_shown() -> None:
    result = CliRunner().invoke(cli, [
        "sweep", "--vary", "executive_on_call.ack_within=5m,10m", "--seeds", "2",
        "--scenarios", "viral-complaint", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "n=" in result.stdout
    assert ("Note: executive_on_call.ack_within: 5m, 10m gave the same outcome in every "
            "drill; this parameter changed nothing here") in result.stdout


def test_differences_between_combinations_are_paired() -> None:
    from drills.validate.staffing import sweep_report

    same = {"holding_statement_within_1h": True, "holding_statement_on_time": True,
            "approved": True, "no_missed": True, "calmed": True, "no_violations": True}
    worse = {**same, "no_missed": False, "holding_statement_on_time": None}
    doc = sweep_report([((("response", "1"),), [same, same, same, same]),
                        ((("response", "2"),), [same, worse, same, worse])])
    (diff,) = doc["differences"]
    assert diff["parameters"] == {"response": "2"}
    assert diff["outcomes"]["no_missed"]["delta"] == -0.5
    assert diff["outcomes"]["no_missed"]["n"] == 4
    low, high = diff["outcomes"]["no_missed"]["ci"]
    assert low < -0.5 < high
    # Only drills where the outcome applied in both combinations are paired.
    assert diff["outcomes"]["holding_statement_on_time"] == {"delta": 0.0, "ci": [0.0, 0.0],
                                                              "n": 2}
    assert diff["outcomes"]["calmed"]["ci"] == [0.0, 0.0]
