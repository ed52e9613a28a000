"""What a facilitator hit (issue 13): the scorer judges a hand-written log, the rating
respects misconduct, and a log can be written by hand without reading the source."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from drills.cli.main import cli
from drills.drive.batch import simulate
from drills.feed.scenario_load import load_scenario
from drills.inputs.builtins import resolve
from drills.rulebook.load import load_rulebook
from drills.score.score import capped_rating, score_log
from drills.team.load import load_team
from drills.vocabulary import PUBLIC_ACTIONS

LOGS = Path(__file__).parent / "data" / "logs"
DEFAULT = load_rulebook(resolve("rulebook", "default"))
HEADER = {"type": "drill", "t": 0, "schema": 1, "rulebook": "default", "start": "tue 10:00",
          "cluster": "accidental"}


def _score(*records: dict) -> dict:
    return score_log([HEADER, *records, {"type": "end", "t": 60}], DEFAULT)


def test_forbidden_conduct_is_derived_from_actions_not_believed() -> None:
    doc = _score({"type": "action", "t": 5, "id": "a1", "member": "Kim", "action": "argue"},
                 {"type": "action", "t": 9, "id": "a2", "member": "Kim",
                  "action": "delete_comment"})
    assert [v["rule"] for v in doc["violations"]] == ["no-arguing", "no-deleting-criticism"]
    assert doc["subscores"]["conduct"] < 100
    assert doc["rating"] != "P"


def test_a_violation_the_rulebook_does_not_produce_is_a_mismatch() -> None:
    doc = _score({"type": "action", "t": 5, "id": "a1", "member": "Kim", "action": "reply"},
                 {"type": "violation", "t": 5, "rule": "no-arguing", "action": "reply",
                  "member": "Kim", "action_id": "a1"})
    assert doc["violations"] == []
    assert any("does not produce" in w for w in doc["warnings"])


def test_an_excused_deletion_is_no_violation_when_the_event_shows_it() -> None:
    event = {"type": "event", "t": 1, "id": "e1", "kind": "mention", "violates_policy": True}
    excused = _score(event, {"type": "action", "t": 5, "id": "a1", "member": "Kim",
                             "action": "delete_comment", "event": "e1"})
    assert excused["violations"] == []
    unexcused = _score({**event, "violates_policy": False},
                       {"type": "action", "t": 5, "id": "a1", "member": "Kim",
                        "action": "delete_comment", "event": "e1"})
    assert [v["rule"] for v in unexcused["violations"]] == ["no-deleting-criticism"]


def test_a_sampled_log_keeps_its_own_word_where_the_event_is_missing() -> None:
    header = {**HEADER, "log_feed": "none"}
    action = {"type": "action", "t": 5, "id": "a1", "member": "Kim",
              "action": "delete_comment", "event": "e77"}
    # The world excused it (the post broke the policy) and wrote no violation: none here.
    assert score_log([header, action, {"type": "end", "t": 60}], DEFAULT)["violations"] == []
    claimed = {"type": "violation", "t": 5, "rule": "no-deleting-criticism",
               "action": "delete_comment", "member": "Kim", "action_id": "a1"}
    doc = score_log([header, action, claimed, {"type": "end", "t": 60}], DEFAULT)
    assert len(doc["violations"]) == 1 and doc["warnings"] == []


def test_simulated_logs_derive_exactly_the_violations_they_record() -> None:
    scenario = load_scenario(resolve("scenario", "overheating-kettle"))
    team = load_team(resolve("team", "understaffed"))
    for seed in (1, 2, 3):
        for feed in ("full", "sample", "none"):
            records, summary = simulate(scenario, DEFAULT, team, seed=seed, start=540.0,
                                        log_feed=feed)
            doc = score_log(records, DEFAULT)
            assert len(doc["violations"]) == summary.violations, (seed, feed)
            assert not any("does not produce" in w for w in doc["warnings"]), (seed, feed)


def test_misconduct_caps_the_rating() -> None:
    assert capped_rating(96.5, 0) == "P"
    assert capped_rating(96.5, 1) == "S"
    assert capped_rating(96.5, 3) == "M"
    assert capped_rating(40.0, 1) == "U"  # a cap never raises a rating
    arguments = [{"type": "action", "t": float(i), "id": f"a{i}", "member": "Kim",
                  "action": "argue"} for i in range(1, 11)]
    assert _score(*arguments)["rating"] == "M"


def test_references_the_rulebook_lacks_are_warnings_and_strict_makes_them_errors() -> None:
    log = LOGS / "sv-vattenrykte.jsonl"
    runner = CliRunner()
    result = runner.invoke(cli, ["score", str(log), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    warnings = "\n".join(doc["warnings"])
    assert f"{log}:6: rule 'rykte-sprids' is not in rulebook 'default'" in warnings
    assert f"{log}:6: role 'kontaktcenter' is not in rulebook 'default'" in warnings
    strict = runner.invoke(cli, ["score", str(log), "--strict"])
    assert strict.exit_code == 2
    # Argue and delete with no violation records: derived, and the rating is not P.
    assert [v["action"] for v in doc["violations"]] == ["argue", "delete_comment"]
    assert doc["rating"] != "P"
    # Hand-written severity records give the episode and its calm.
    assert doc["outcome"]["time_to_calm"] == [{"episode": 1, "start": 5.0,
                                                "calm_after": 95.0}]


def test_bad_header_values_and_swedish_weekdays(tmp_path: Path) -> None:
    runner = CliRunner()
    for start, ok in (("tis 09:00", True), ("fre 17:30", True), ("tue 09.00", True),
                      ("fre 17.30", True), ("fre 17,30", False), ("09:00", False),
                      ("2024-09-17 09:00", False)):
        log = tmp_path / "log.jsonl"
        log.write_text(json.dumps({**HEADER, "start": start}) + "\n"
                       + '{"type":"end","t":10}\n')
        result = runner.invoke(cli, ["score", str(log)])
        assert result.exit_code == (0 if ok else 2), (start, result.output)
        if not ok:
            assert f"{log}:1: 'start': bad start" in result.output
            assert "Traceback" not in result.output
    for cluster in ("offer",):
        log = tmp_path / "c.jsonl"
        log.write_text(json.dumps({**HEADER, "cluster": cluster}) + "\n"
                       + '{"type":"end","t":10}\n')
        result = runner.invoke(cli, ["score", str(log)])
        assert result.exit_code == 2 and "'cluster' is 'offer'" in result.output
    missing = tmp_path / "m.jsonl"
    header = {k: v for k, v in HEADER.items() if k not in ("start", "cluster")}
    missing.write_text(json.dumps(header) + "\n" + '{"type":"end","t":10}\n')
    result = runner.invoke(cli, ["score", str(missing), "--json"])
    warnings = json.loads(result.stdout)["warnings"]
    assert any("no 'start'" in w for w in warnings) and any("no 'cluster'" in w for w in warnings)


def test_duplicate_created_and_done_before_created(tmp_path: Path) -> None:
    created = {"type": "obligation", "t": 5, "id": "o1", "status": "created",
               "rule": "press-inquiry", "action": "route", "role": "spokesperson", "due": 35}
    done_first = {"type": "obligation", "t": 0, "id": "o1", "status": "done", "member": "A"}
    runner = CliRunner()
    for records, message in (([created, created], "obligation 'o1' is created twice"),
                             ([done_first, created], "has a 'done' record before it was "
                                                     "created")):
        log = tmp_path / "o.jsonl"
        log.write_text("\n".join(json.dumps(r) for r in
                                 [HEADER, *records, {"type": "end", "t": 60}]) + "\n")
        result = runner.invoke(cli, ["score", str(log)])
        assert result.exit_code == 2 and message in result.output, result.output


def test_the_rulebook_a_log_names_is_found_beside_the_log(tmp_path: Path) -> None:
    folder = tmp_path / "drills"
    folder.mkdir()
    rules = Path(__file__).resolve().parent.parent / "rules" / "default.yaml"
    (folder / "acme.yaml").write_text(rules.read_text().replace("rulebook: default",
                                                                "rulebook: acme"))
    log = folder / "log.jsonl"
    for name in ("acme", "./acme.yaml"):
        log.write_text(json.dumps({**HEADER, "rulebook": name}) + "\n"
                       + '{"type":"end","t":10}\n')
        result = CliRunner().invoke(cli, ["score", str(log)])  # run from elsewhere
        assert result.exit_code == 0, result.output
    log.write_text(json.dumps({**HEADER, "rulebook": "./missing.yaml"}) + "\n"
                   + '{"type":"end","t":10}\n')
    result = CliRunner().invoke(cli, ["score", str(log)])
    assert result.exit_code == 2 and "missing.yaml" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_log_with_a_bom_blank_lines_and_comments_is_read() -> None:
    raw = (LOGS / "sv-vattenrykte.jsonl").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\n#" in raw and b"\n\n" in raw
    assert CliRunner().invoke(cli, ["score", str(LOGS / "sv-vattenrykte.jsonl")]).exit_code \
        == 0


def test_a_swedish_drill_speaks_swedish_with_text_fit_for_each_action() -> None:
    scenario = load_scenario(resolve("scenario", "sv-data-breach"))
    team = load_team(resolve("team", "understaffed"))  # personal texts too (template < 1)
    texts: dict[str, set[str]] = {}
    for rulebook in ("default", "strict"):
        book = load_rulebook(resolve("rulebook", rulebook))
        for seed in (1, 2, 3):
            records, _ = simulate(scenario, book, team, seed=seed, start=540.0,
                                  log_feed="none")
            for r in records:
                if r["type"] == "action":
                    texts.setdefault(r["action"], set()).add(r["text"])
    assert texts["delete_comment"] == {None}  # a deleted comment has no text of ours
    public = {a: t for a, t in texts.items() if a in PUBLIC_ACTIONS and a != "delete_comment"}
    assert {"holding_statement", "update"} <= set(public)
    for action, found in public.items():
        for text in found:
            assert text and not any(word in f" {text} " for word in
                                    (" the ", " We ", " we ", " you ")), (action, text)
    # One stock sentence no longer stands in for every action.
    assert not (public["holding_statement"] & public.get("correct_misinformation", set()))
    assert all("Vi hör er och jobbar på det" not in t for found in public.values()
               for t in found)


def test_templates_by_language_and_platform() -> None:
    book = DEFAULT
    assert book.template_text("holding_statement", "x", "sv").startswith("Vi känner till")
    assert book.template_text("holding_statement", "facebook", "sv").startswith(
        "Vi känner till uppgifterna")
    assert book.template_text("holding_statement", "x", "en").startswith("We're aware")
    assert book.template_text("holding_statement", None, "fr") is None  # no French text


def test_an_outlet_has_one_audience_and_a_crisis_keeps_its_own_place() -> None:
    from drills.feed.crisis import Crisis
    from drills.feed.scenario_load import check_scenario_text

    root = Path(__file__).resolve().parent.parent
    text = (root / "scenarios" / "sv-data-breach.yaml").read_text()
    scenario = load_scenario(resolve("scenario", "sv-data-breach"))
    audiences: dict[str, set[int]] = {}
    for event in Crisis(scenario, 1).feed:
        if event["kind"] == "press_inquiry":
            audiences.setdefault(event["outlet"], set()).add(event["reach"])
    assert audiences and all(len(r) == 1 for r in audiences.values())
    placed = text.replace("brand:\n", "brand:\n  city: Skellefteå\n", 1)
    assert placed != text
    local = check_scenario_text(placed.replace("{brand}", "{brand} i {city}"), "s.yaml").value
    assert local is not None and local.brand["city"] == "Skellefteå"
    cities = {word for e in Crisis(local, 2).feed for word in ("Skellefteå", "Trollhättan")
              if word in e["text"]}
    assert cities == {"Skellefteå"}


def test_lint_speaks_plainly_to_a_swedish_author() -> None:
    from drills.feed.scenario_load import check_scenario_text

    root = Path(__file__).resolve().parent.parent
    text = (root / "scenarios" / "sv-data-breach.yaml").read_text()
    renamed = text.replace("scenario: sv-data-breach", "scenario: sv-vattenrykte-ö")
    messages = [str(d) for d in check_scenario_text(renamed, "s.yaml").diagnostics]
    assert any("ASCII letters a-z" in m and "no å, ä, ö" in m for m in messages)
    bad_effect = text.replace("effects:\n", "effects:\n  ursakt: {rate: 0.5}\n", 1)
    if bad_effect == text:
        bad_effect = text + "effects:\n  ursakt: {rate: 0.5}\n"
    messages = [str(d) for d in check_scenario_text(bad_effect, "s.yaml").diagnostics]
    assert any("unknown key 'ursakt'; expected one of: acknowledge, apology" in m
               for m in messages)


def test_an_approver_on_shift_is_paged_and_the_advice_says_slow_not_absent() -> None:
    scenario = load_scenario(resolve("scenario", "sv-data-breach"))
    team = load_team(resolve("team", "standard"))
    found_slow = False
    for seed in range(1, 8):
        records, _ = simulate(scenario, DEFAULT, team, seed=seed, start=8 * 60 + 1440,
                              log_feed="none")
        asked = [r for r in records if r.get("status") == "approval_requested"]
        # On a Tuesday in office hours legal is on shift: every request names who was paged
        # (by the Swedish name the team gives its lawyer in a Swedish drill).
        assert asked and all(r.get("member") == "Mikael Sjöberg" for r in asked)
        doc = score_log(records, DEFAULT)
        for item in doc["improvements"]:
            # Advice in the drill's language (Swedish), the log's reasons said in it too.
            if "utan godkännande av jurist" in item["text"] and "habit" not in item["text"]:
                assert "Mikael Sjöberg (jurist) larmades" in item["text"]
                assert "Sätt jurist i beredskap" not in item["text"]  # slow, not absent
                found_slow = True
    assert found_slow


def test_approvers_are_paged_when_drafting_starts() -> None:
    scenario = load_scenario(resolve("scenario", "overheating-kettle"))
    team = load_team(resolve("team", "standard"))
    records, _ = simulate(scenario, DEFAULT, team, seed=1, start=540.0, log_feed="none")
    acks = {r["id"]: r["t"] for r in records if r.get("status") == "acknowledged"}
    asked = [r for r in records if r.get("status") == "approval_requested"]
    assert asked
    for request in asked:  # paged the moment the drafter took it up, not after drafting
        assert request["t"] >= acks[request["id"]]
        done = next(r["t"] for r in records if r.get("id") == request["id"] and
                    r.get("status") == "done")
        assert request["t"] < done


def test_a_translation_never_shows_texts_in_the_wrong_language() -> None:
    from drills.feed.crisis import Crisis
    from drills.feed.scenario_load import check_scenario_text

    root = Path(__file__).resolve().parent.parent
    text = (root / "scenarios" / "overheating-kettle.yaml").read_text()
    # Drop the Swedish text of one inject: lint warns, and the Swedish drill leaves it out.
    untranslated = text.replace(
        '      creator-piles-on:\n        text: "Slänger min {product} I DAG. Om {brand} inte '
        'varnar folk gör jag det. {hashtag}"\n', "")
    assert untranslated != text
    checked = check_scenario_text(untranslated, "k.yaml")
    assert any("inject 'creator-piles-on' has no sv_SE text" in str(d)
               for d in checked.diagnostics)
    assert checked.value is not None
    swedish = checked.value.localized("sv_SE")
    english_words = [i.text for i in checked.value.injects if i.id == "creator-piles-on"]
    assert english_words and english_words[0]
    for event in Crisis(swedish, 1).feed:
        if event.get("inject") == "creator-piles-on":
            assert event["text"] != english_words[0] and event["lang"] == "sv"
        if event["kind"] == "press_inquiry":
            assert event["outlet"] not in ("Consumer Watch Weekly", "The Daily Ledger")


def test_a_log_template_is_a_skeleton_the_facilitator_fills_in(tmp_path: Path) -> None:
    runner = CliRunner()
    skeleton = tmp_path / "t.jsonl"
    made = runner.invoke(cli, ["log", "template", "--hours", "6", "--seed", "2", "-o",
                               str(skeleton)])
    assert made.exit_code == 0, made.output
    lines = [line for line in skeleton.read_text().splitlines() if not line.startswith("#")]
    records = [json.loads(line) for line in lines]
    obligations = [r for r in records if r["type"] == "obligation"]
    assert records[0]["type"] == "drill" and records[-1]["type"] == "end"
    assert obligations and all(r["status"] == "created" for r in obligations)
    empty = json.loads(runner.invoke(cli, ["score", str(skeleton), "--json"]).stdout)
    assert empty["subscores"]["timeliness"] < 100  # nothing done yet: missed
    # The room did everything a minute after it arose: fill it in, in time order.
    filled = list(records[:-1])
    for ob in obligations:
        filled.append({"type": "action", "t": ob["t"] + 1, "member": "Ana",
                       "action": ob["action"], "obligation": ob["id"],
                       "channels": ob.get("channels", [])})
        for approver in ob.get("approve", []):
            filled.append({"type": "obligation", "t": ob["t"] + 1, "id": ob["id"],
                           "status": "approved", "approver": approver})
    filled.sort(key=lambda r: r["t"])
    filled.append(records[-1])
    skeleton.write_text("\n".join(json.dumps(r) for r in filled) + "\n")
    full = json.loads(runner.invoke(cli, ["score", str(skeleton), "--json"]).stdout)
    assert full["subscores"]["timeliness"] == 100.0 and full["score"] > empty["score"]
