"""``drill test``, richer expectations: counts, "not at T", time passing, conduct, series."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from drills.cli.main import cli

CALM_AND_CONDUCT = """\
rulebook: default
tests:
  - name: a crisis that goes quiet calms after 2h, and the 2-hourly update recurs until then
    input:
      - {at: 0m, signal: {mentions_1h: 200, negative_share: 0.7}}
      - {at: 30m, signal: {mentions_1h: 10, negative_1h: 2}}
      - {at: 30m, advance: 3h}
    expect:
      - {at: 0m, fires: crisis-declared}
      - {fires: crisis-declared, times: 1}
      - {at: 120m, obligation: {action: update, role: comms_lead, due: 240m}}
      - {at: 145m, severity: crisis}
      - {at: 150m, severity: normal}
      - {never: crisis-declared, at: 150m}

  - name: deleting criticism is a violation unless the post breaks the policy
    input:
      - {at: 0m, every: 5m, until: 15m, signal: {mentions_1h: 20, negative_share: 0.5}}
      - {at: 20m, action: {name: delete_comment, event: {sentiment: -0.8}}}
      - {at: 25m, action: {name: delete_comment, event: {violates_policy: true}}}
    expect:
      - {at: 0m, fires: watch-negative-chatter}
      - {fires: watch-negative-chatter, times: 1}
      - {at: 5m, never: watch-negative-chatter}
      - {at: 20m, violation: no-deleting-criticism}
      - {at: 25m, allowed: delete_comment}
"""


def _run(tmp_path: Path, text: str) -> tuple[int, str, str]:
    path = tmp_path / "tests.yaml"
    path.write_text(text)
    result = CliRunner().invoke(cli, ["test", str(path)])
    return result.exit_code, result.stdout, result.stderr


def test_calm_every_counts_and_conduct_cases_pass(tmp_path: Path) -> None:
    code, out, err = _run(tmp_path, CALM_AND_CONDUCT)
    assert code == 0, out + err
    assert out.count("PASS") == 2 and "2 passed, 0 failed" in err


def test_wrong_expectations_say_what_fired_and_when(tmp_path: Path) -> None:
    text = (CALM_AND_CONDUCT
            .replace("{at: 150m, severity: normal}", "{at: 140m, severity: normal}")
            .replace("{fires: crisis-declared, times: 1}", "{fires: crisis-declared, times: 2}")
            .replace("{at: 0m, fires: crisis-declared}", "{at: 5m, fires: crisis-declared}")
            .replace("{at: 5m, never: watch-negative-chatter}",
                     "{at: 0m, never: watch-negative-chatter}")
            .replace("{at: 25m, allowed: delete_comment}",
                     "{at: 20m, allowed: delete_comment}")
            .replace("{at: 20m, violation: no-deleting-criticism}",
                     "{at: 25m, violation: no-deleting-criticism}"))
    code, out, _err = _run(tmp_path, text)
    assert code == 1
    assert ("expected crisis-declared to fire at 5m; got no firing at that time; "
            "crisis-declared fired at 0m") in out
    assert "expected crisis-declared to fire twice; got once (crisis-declared fired at 0m)" in out
    assert "expected severity normal at 140m; got crisis (set by crisis-threshold at 0m)" in out
    assert "expected watch-negative-chatter not to fire at 0m; it did" in out
    assert "expected a violation of no-deleting-criticism at 25m; got none" in out
    assert ("expected delete_comment to be allowed at 20m; it broke no-deleting-criticism"
            in out)


def test_a_wrong_severity_names_what_set_it(tmp_path: Path) -> None:
    text = CALM_AND_CONDUCT.replace("{at: 150m, severity: normal}", "{at: 150m, severity: crisis}")
    code, out, _err = _run(tmp_path, text)
    assert code == 1
    assert "expected severity crisis at 150m; got normal (set by calm at 150m)" in out


def test_without_time_passing_a_crisis_never_calms(tmp_path: Path) -> None:
    text = CALM_AND_CONDUCT.replace("      - {at: 30m, advance: 3h}\n", "")
    code, out, _err = _run(tmp_path, text)
    assert code == 1
    assert "expected severity normal at 150m; got crisis" in out
    assert "expected an obligation update by comms_lead due 240m at 120m; got none" in out


def test_series_expands_to_one_input_per_step(tmp_path: Path) -> None:
    text = CALM_AND_CONDUCT.replace("{at: 5m, never: watch-negative-chatter}",
                                    "{at: 15m, severity: watch}")
    code, out, err = _run(tmp_path, text)
    assert code == 0, out + err


def test_mistakes_in_the_new_forms_are_positioned_usage_errors(tmp_path: Path) -> None:
    cases = {
        "{at: 20m, violation: no-deleting-criticism}": "{at: 20m, violation: no-deleting}",
        "every: 5m, until: 15m,": "every: 5m,",
        "{fires: crisis-declared, times: 1}": "{severity: crisis, times: 1}",
        "{at: 30m, advance: 3h}": "{at: 10m, advance: 3h}",
        "{at: 0m, every: 5m, until: 15m,": "{at: 0m, every: 1s, until: 1d,",
    }
    wanted = ["has no forbid entry 'no-deleting' (did you mean 'no-deleting-criticism'?)",
              "a series needs both 'every' and 'until'",
              "'fires' with 'times'",
              "inputs must be in time order",
              "a series of 86,401 inputs; at most 1,000"]
    for (old, new), message in zip(cases.items(), wanted, strict=True):
        text = CALM_AND_CONDUCT.replace(old, new)
        assert text != CALM_AND_CONDUCT
        code, _out, err = _run(tmp_path, text)
        assert code == 2, (new, err)
        assert "tests.yaml:" in err and message in err, (new, err)
        assert "Traceback" not in err


def test_coverage_counts_a_fire_count_of_zero_as_never(tmp_path: Path) -> None:
    text = CALM_AND_CONDUCT.replace("{at: 5m, never: watch-negative-chatter}",
                                    "{fires: velocity-surge, times: 0}")
    path = tmp_path / "tests.yaml"
    path.write_text(text)
    result = CliRunner().invoke(cli, ["test", str(path), "--coverage"])
    assert result.exit_code == 0, result.output
    assert "Rules only tested not to fire: velocity-surge" in result.stderr
