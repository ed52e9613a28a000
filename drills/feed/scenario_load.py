"""Turn a scenario YAML file into a typed Scenario, or every positioned problem with it."""

from __future__ import annotations

import re
from typing import Any

from drills.errors import ConditionSyntaxError, Diagnostic
from drills.feed.effects import DEFAULT_EFFECTS
from drills.feed.limits import MAX_DRILL_HOURS, POSTS_PER_PERSON_PER_HOUR, drill_size_problem
from drills.feed.scenario import (
    BRAND_PLACEHOLDERS,
    CRISIS_TYPES,
    MESSAGE_PLACEHOLDERS,
    Break,
    Cascade,
    CriticalTask,
    Crowd,
    Effect,
    Expectation,
    Inject,
    InjectTrigger,
    Persona,
    Phase,
    Scenario,
    expected_action,
)
from drills.inputs.checked import (
    Checked,
    check_path,
    check_source,
    list_or_empty,
    load_checked,
    mapping_or_empty,
    number_or,
    optional_number,
    wrong_kind,
)
from drills.inputs.durations import parse_duration
from drills.inputs.templates import placeholder_problems, template_tables
from drills.inputs.validation import suggest, validate
from drills.inputs.yamldoc import Document, Path
from drills.rulebook import ast
from drills.rulebook.grammar import parse_condition
from drills.rulebook.typecheck import check
from drills.vocabulary import TEMPLATE_PLACEHOLDERS

_RATE = re.compile(r"^(\d+(?:\.\d+)?)\s*/\s*(m|h|d)$")
_PER_MINUTE = {"m": 1.0, "h": 1 / 60, "d": 1 / 1440}
#: Scenario conditions see signals and the drill's clock, not rulebook severity.
_SCENARIO_DRILL_FIELDS = {"drill.elapsed", "drill.statements", "drill.since_statement",
                          "drill.cluster"}


def parse_rate(text: str) -> float:
    """Posts per minute from ``60/h``, ``2/m`` or ``100/d``."""
    match = _RATE.match(text.strip())
    if match is None:
        raise ValueError(f"bad rate {text!r}: write a number per unit, like 60/h")
    return float(match.group(1)) * _PER_MINUTE[match.group(2)]


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def load_scenario(path: str) -> Scenario:
    """Load and validate a scenario file; raise InputError listing every error."""
    return load_checked(path, check_scenario)


def check_scenario_file(path: str) -> Checked[Scenario]:
    return check_path(path, check_scenario)


def check_scenario_text(text: str, path: str = "<scenario>") -> Checked[Scenario]:
    return check_source(text, path, check_scenario)


def check_scenario(doc: Document) -> Checked[Scenario]:
    mistaken: Checked[Scenario] | None = wrong_kind(doc, "scenario")
    if mistaken is not None:
        return mistaken
    diags = validate(doc, "scenario")
    if not isinstance(doc.value, dict):
        return Checked[Scenario](None, diags)
    builder = _Builder(doc, diags)
    scenario = builder.build()
    found = sorted(set(builder.diags))
    if any(d.severity == "error" for d in found):
        return Checked[Scenario](None, found)
    return Checked(scenario, found)


class _Builder:
    def __init__(self, doc: Document, diags: list[Diagnostic]) -> None:
        self.doc = doc
        self.raw: dict[str, Any] = doc.value
        self.diags = list(diags)
        self._phases: tuple[Phase, ...] = ()

    def error(self, where: Path, message: str, *, offset: int | None = None) -> None:
        self.diags.append(self.doc.diagnostic(where, message, offset=offset))

    def warn(self, where: Path, message: str) -> None:
        self.diags.append(self.doc.diagnostic(where, message, severity="warning"))

    def minutes(self, value: Any) -> float | None:
        try:
            return parse_duration(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def rate(self, value: Any) -> float | None:
        try:
            return parse_rate(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def texts(self, where: Path, texts: Any, allowed: frozenset[str]) -> tuple[str, ...]:
        if not isinstance(texts, list):
            return ()
        good = []
        for i, text in enumerate(texts):
            if isinstance(text, str) and self.template(( *where, i), text, allowed):
                good.append(text)
        return tuple(good)

    def template(self, where: Path, text: str, allowed: frozenset[str]) -> bool:
        problems = placeholder_problems(text, allowed)
        for offset, message in problems:
            self.error(where, message, offset=offset)
        return not problems

    def message_table(self, where: Path, raw: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(raw, dict):
            return {}
        return {k: self.texts((*where, k), v, MESSAGE_PLACEHOLDERS) for k, v in raw.items()}

    def brand(self, where: Path, raw: Any) -> dict[str, str]:
        if not isinstance(raw, dict):
            return {}
        result = {}
        for key, value in raw.items():
            if isinstance(value, str) and self.template((*where, key), value, BRAND_PLACEHOLDERS):
                result[key] = value
        return result

    def phase_messages(self, where: Path, raw: Any, phases: tuple[Phase, ...]
                       ) -> dict[str, dict[str, tuple[str, ...]]]:
        if not isinstance(raw, dict):
            return {}
        names = [p.name for p in phases]
        result = {}
        for name, table in raw.items():
            if name not in names:
                self.error((*where, name), f"no phase named {name!r}{suggest(str(name), names)};"
                           f" phases: {', '.join(names)}")
                continue
            result[name] = self.message_table((*where, name), table)
        return result

    def phases(self, duration: float) -> tuple[Phase, ...]:
        raw = self.raw.get("phases")
        if not isinstance(raw, list):
            return ()
        phases: list[Phase] = []
        previous = -1.0
        for i, item in enumerate(raw):
            if not isinstance(item, dict):
                continue
            at = self.minutes(item.get("at"))
            rate = self.rate(item.get("rate"))
            if at is None or rate is None:
                continue
            if i == 0 and at != 0:
                self.error(("phases", 0, "at"), "the first phase must start at 0h")
            if at <= previous:
                self.error(("phases", i, "at"), "phases must be in time order")
            if at >= duration:
                self.error(("phases", i, "at"), "phase starts after the scenario ends")
            previous = at
            negative = number_or(item.get("negative"), 0.5)
            positive = number_or(item.get("positive"), 0.1)
            if negative + positive > 1:
                self.error(("phases", i), f"negative ({negative:g}) and positive "
                           f"({positive:g}) shares add up to more than 1")
            press = self.rate(item.get("press")) if "press" in item else 0.0
            capacity = number_or(_mapping(self.raw.get("crowd")).get("size"), 5000) * \
                POSTS_PER_PERSON_PER_HOUR
            if rate * 60 > capacity:
                self.error(("phases", i, "rate"), f"a crowd of "
                           f"{capacity / POSTS_PER_PERSON_PER_HOUR:,.0f} cannot post "
                           f"{rate * 60:,.0f} times an hour: at most "
                           f"{POSTS_PER_PERSON_PER_HOUR:g} posts an hour each is plausible "
                           f"({capacity:,.0f}/h); raise crowd.size or lower the rate")
            phases.append(Phase(
                at=at, name=str(item.get("name", "")), rate=rate, negative=negative,
                positive=positive, arousal=number_or(item.get("arousal"), 0.5),
                branching=optional_number(item.get("branching")),
                misinformation=number_or(item.get("misinformation"), 0.0),
                abusive=number_or(item.get("abusive"), 0.01), press=press or 0.0,
            ))
        return tuple(phases)

    def condition(self, where: Path, text: str) -> ast.Node | None:
        try:
            node = parse_condition(text)
        except ConditionSyntaxError as exc:
            self.error(where, f"condition: {exc.message}", offset=exc.offset)
            return None
        findings = check(node, ())
        for field in ast.fields_of(node):
            if field.namespace == "event":
                findings.append((field.offset, "an inject condition is checked on signals and "
                                 "the drill's clock, not on single events"))
            elif field.namespace == "drill" and field.name not in _SCENARIO_DRILL_FIELDS:
                findings.append((field.offset, f"{field.name} depends on the rulebook; a "
                                 "scenario may use " + ", ".join(sorted(_SCENARIO_DRILL_FIELDS))))
        for offset, message in findings:
            self.error(where, message, offset=offset)
        return None if findings else node

    def injects(self, duration: float) -> tuple[Inject, ...]:
        raw = self.raw.get("injects")
        if not isinstance(raw, list):
            return ()
        injects: list[Inject] = []
        seen: set[str] = set()
        for i, item in enumerate(raw):
            where: Path = ("injects", i)
            if not isinstance(item, dict) or not isinstance(item.get("kind"), str):
                continue
            ident = str(item.get("id", f"inject-{i + 1}"))
            if ident in seen:
                self.error((*where, "id"), f"duplicate inject id {ident!r}")
            seen.add(ident)
            ways = [k for k in ("at", "when", "after") if k in item]
            if len(ways) != 1:
                self.error(where, "an inject needs exactly one of at, when or after"
                           + (f" (has {', '.join(ways)})" if ways else ""))
                continue
            at = self.minutes(item.get("at")) if "at" in item else None
            if at is not None and at >= duration:
                self.error((*where, "at"), "inject comes after the scenario ends")
            trigger = None
            if "when" in item and isinstance(item["when"], str):
                node = self.condition((*where, "when"), item["when"])
                if node is None:
                    continue
                trigger = InjectTrigger(when=item["when"], condition=node)
            elif isinstance(item.get("after"), dict):
                after = item["after"]
                within = self.minutes(after.get("within"))
                if within is None:
                    continue
                trigger = InjectTrigger(after_kind=str(after.get("kind")), within=within,
                                        unless=tuple(list_or_empty(after.get("unless"))))
            text = item.get("text")
            if isinstance(text, str) and not self.template((*where, "text"), text,
                                                           MESSAGE_PLACEHOLDERS):
                continue
            injects.append(Inject(
                id=ident, kind=item["kind"], at=at, trigger=trigger,
                platform=item.get("platform"), author=dict(mapping_or_empty(item.get("author"))),
                text=text if isinstance(text, str) else None,
                sentiment=item.get("sentiment"), arousal=item.get("arousal"),
                outlet=item.get("outlet"), journalist=item.get("journalist"),
                deadline=self.minutes(item.get("deadline")), claim=item.get("claim"),
                reach=item.get("reach"),
                cluster=item.get("cluster") if isinstance(item.get("cluster"), str) else None,
                office_hours=item["office_hours"] if isinstance(item.get("office_hours"), bool)
                else None,
                **self.message(where, item),
            ))
        return tuple(injects)

    def personas(self) -> tuple[Persona, ...]:
        """The people a facilitator may post as (the schema checked their fields)."""
        found: dict[str, Persona] = {}
        for i, item in enumerate(list_or_empty(self.raw.get("personas"))):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            if item["id"] in found:
                self.error(("personas", i, "id"), f"persona {item['id']!r} is given twice")
                continue
            handle = str(item.get("handle", "")).lstrip("@")
            found[item["id"]] = Persona(item["id"], str(item.get("name") or handle), handle,
                                        int(number_or(item.get("followers"), 0)),
                                        str(item.get("platform")),
                                        str(item.get("kind", "public")))
        return tuple(found.values())

    def breaks(self, duration: float) -> tuple[Break, ...]:
        found = []
        for i, item in enumerate(list_or_empty(self.raw.get("breaks"))):
            if not isinstance(item, dict):
                continue
            at, length = self.minutes(item.get("at")), self.minutes(item.get("for"))
            if at is None or length is None:
                continue
            if at >= duration:
                self.error(("breaks", i, "at"), "the break comes after the scenario ends")
                continue
            found.append(Break(at, length, str(item.get("title", ""))))
        return tuple(sorted(found, key=lambda b: b.at))

    def evaluation(self) -> tuple[CriticalTask, ...]:
        """The critical tasks, numbered ``o1/t1``... unless they have an id of their own."""
        found: list[CriticalTask] = []
        seen: set[str] = set()
        for i, objective in enumerate(list_or_empty(self.raw.get("evaluation"))):
            if not isinstance(objective, dict) or not isinstance(objective.get("objective"), str):
                continue
            for j, item in enumerate(list_or_empty(objective.get("tasks"))):
                spec = {"task": item} if isinstance(item, str) else item
                if not isinstance(spec, dict) or not isinstance(spec.get("task"), str):
                    continue
                ident = str(spec.get("id") or f"o{i + 1}/t{j + 1}")
                if ident in seen:
                    self.error(("evaluation", i, "tasks", j, "id"),
                               f"task id {ident!r} is used twice")
                    continue
                seen.add(ident)
                found.append(CriticalTask(ident, objective["objective"],
                                          str(objective.get("capability") or ""),
                                          spec["task"], str(spec.get("role") or "")))
        return tuple(found)

    def message(self, where: Path, item: dict[str, Any]) -> dict[str, Any]:
        """A message's recipients, sender, subject, channel, attachments and expectations."""
        raw_to = item.get("to")
        to = tuple(raw_to) if isinstance(raw_to, list) else (raw_to,) if raw_to else ()
        expects = []
        for i, spec in enumerate(list_or_empty(item.get("expect"))):
            if not isinstance(spec, dict) or not isinstance(spec.get("reaction"), str):
                continue
            role = spec.get("role") or (to[0] if to and to[0] != "all" else None)
            if not isinstance(role, str):
                self.error((*where, "expect", i), "say which role is expected to react "
                           "(role: ...), or address the message to one role (to: ...)")
                continue
            within = self.minutes(spec.get("within")) if "within" in spec else None
            action = spec.get("action")
            expects.append(Expectation(spec["reaction"], role, within,
                                       number_or(spec.get("points"), 1.0),
                                       action if isinstance(action, str)
                                       else expected_action(spec["reaction"])))
        if item.get("kind") == "message" and not to:
            self.error(where, "a message needs 'to': the role or roles it is for")
        if item.get("kind") == "message" and not isinstance(item.get("text"), str):
            self.error(where, "a message needs a 'text'")
        return {"to": to, "sender": item.get("from"), "subject": item.get("subject"),
                "channel": item.get("channel"),
                "attachments": tuple(str(a) for a in list_or_empty(item.get("attachments"))),
                "expect": tuple(expects)}

    def effects(self) -> dict[str, Effect]:
        effects = dict(DEFAULT_EFFECTS)
        raw = self.raw.get("effects")
        if not isinstance(raw, dict):
            return effects
        for action, spec in raw.items():
            if not isinstance(spec, dict):
                continue
            base = effects.get(action, Effect())
            duration = self.minutes(spec.get("for"))
            after = self.minutes(spec.get("after"))
            effects[action] = Effect(
                rate=number_or(spec.get("rate"), base.rate),
                negative=number_or(spec.get("negative"), base.negative),
                arousal=number_or(spec.get("arousal"), base.arousal),
                misinformation=number_or(spec.get("misinformation"), base.misinformation),
                duration=duration if duration is not None else base.duration,
                after=after if after is not None else base.after,
            )
        return effects

    def translations(self) -> dict[str, dict[str, object]]:
        raw = self.raw.get("translations")
        result: dict[str, dict[str, object]] = {}
        if not isinstance(raw, dict):
            return result
        inject_ids = {str(i.get("id")) for i in self.raw.get("injects") or []
                      if isinstance(i, dict) and "id" in i}
        for locale, spec in raw.items():
            if not isinstance(spec, dict):
                continue
            where: Path = ("translations", locale)
            tr: dict[str, object] = {}
            for key in ("title", "description"):
                if isinstance(spec.get(key), str):
                    tr[key] = spec[key]
            if "brand" in spec:
                tr["brand"] = self.brand((*where, "brand"), spec["brand"])
            if "messages" in spec:
                tr["messages"] = self.message_table((*where, "messages"), spec["messages"])
            else:
                self.error(where, f"translation {locale} needs its own messages:")
            if self.raw.get("claims") and "claims" not in spec:
                self.error(where, f"translation {locale} needs its own claims: (the "
                           "scenario's are in its own language)")
            if isinstance(spec.get("phase_messages"), dict):
                tr["phase_messages"] = self.phase_messages(
                    (*where, "phase_messages"), spec["phase_messages"], self._phases)
            if isinstance(spec.get("platform_messages"), dict):
                tr["platform_messages"] = {
                    p: self.message_table((*where, "platform_messages", p), m)
                    for p, m in spec["platform_messages"].items()}
            for key in ("outlets", "claims"):
                if key in spec:
                    tr[key] = self.texts((*where, key), spec[key], MESSAGE_PLACEHOLDERS)
            if isinstance(spec.get("injects"), dict):
                for ident, texts in spec["injects"].items():
                    if ident not in inject_ids:
                        self.error((*where, "injects", ident), f"no inject with id {ident!r}"
                                   f"{suggest(ident, inject_ids)}")
                    elif isinstance(texts, dict) and isinstance(texts.get("text"), str):
                        self.template((*where, "injects", ident, "text"), texts["text"],
                                      MESSAGE_PLACEHOLDERS)
                tr["injects"] = {k: dict(v) for k, v in spec["injects"].items()
                                 if isinstance(v, dict)}
            given = tr.get("injects") or {}
            assert isinstance(given, dict)
            for item in self.raw.get("injects") or []:
                if not isinstance(item, dict):
                    continue
                ident = str(item.get("id", item.get("kind")))
                missing = [k for k in ("text", "outlet", "journalist", "claim")
                           if k in item and k not in given.get(ident, {})]
                if missing:
                    self.warn(where, f"inject {ident!r} has no {locale} "
                              f"{', '.join(missing)}: left out in that locale (the drill draws "
                              "its own), never shown in the wrong language")
            result[locale] = tr
        return result

    def build(self) -> Scenario | None:
        raw = self.raw
        duration = self.minutes(raw.get("duration")) or 0.0
        if "duration" in raw and duration <= 0:
            self.error(("duration",), "the scenario must last longer than zero")
        if duration > MAX_DRILL_HOURS * 60:
            self.error(("duration",), f"a scenario lasts at most {MAX_DRILL_HOURS:g} hours "
                       f"(31 days), not {duration / 60:g}")
        platforms = raw.get("platforms")
        platforms = platforms if isinstance(platforms, dict) else {}
        total = sum(v for v in platforms.values() if isinstance(v, (int, float)))
        if platforms and abs(total - 1.0) > 1e-6:
            self.error(("platforms",), f"platform shares must add up to 1, they add up to "
                       f"{total:g}")
        cluster = raw.get("cluster")
        crisis_type = raw.get("crisis_type")
        if isinstance(crisis_type, str) and crisis_type in CRISIS_TYPES and \
                CRISIS_TYPES[crisis_type] != cluster:
            self.warn(("cluster",), f"SCCT puts {crisis_type} in the "
                      f"{CRISIS_TYPES[crisis_type]} cluster, not {cluster} (fine when a history "
                      "of crises or a bad reputation moves it up; say so in the description)")
        crowd_raw = _mapping(raw.get("crowd"))
        followers = _mapping(crowd_raw.get("followers"))
        crowd = Crowd(size=int(number_or(crowd_raw.get("size"), 5000)),
                      median_followers=number_or(followers.get("median"), 300),
                      sigma=number_or(followers.get("sigma"), 2.0),
                      verified=number_or(crowd_raw.get("verified"), 0.01))
        cascade_raw = _mapping(raw.get("cascade"))
        cascade = Cascade(
            branching=number_or(cascade_raw.get("branching"), 0.5),
            s0=self.minutes(cascade_raw.get("s0")) or 5.0,
            theta=number_or(cascade_raw.get("theta"), 0.2314843),
            influence=number_or(cascade_raw.get("influence"), 0.5),
            replies=number_or(cascade_raw.get("replies"), 0.35),
        )
        phases = self._phases = self.phases(duration)
        messages = self.message_table(("messages",), raw.get("messages"))
        for needed in ("negative", "neutral"):
            if isinstance(raw.get("messages"), dict) and needed not in raw["messages"]:
                self.error(("messages",), f"messages need a {needed!r} list")
        platform_messages = {}
        if isinstance(raw.get("platform_messages"), dict):
            platform_messages = {p: self.message_table(("platform_messages", p), m)
                                 for p, m in raw["platform_messages"].items()}
        phase_messages = self.phase_messages(("phase_messages",), raw.get("phase_messages"),
                                             phases)
        injects = self.injects(duration)
        needs = {i.kind for i in injects} | {"misinformation" for p in phases
                                              if p.misinformation > 0}
        if any(p.misinformation > 0 for p in phases) and not raw.get("claims"):
            self.error(("phases",), "phases spread misinformation but the scenario has no "
                       "claims: list")
        if "press_inquiry" in needs and not raw.get("outlets"):
            self.warn(("injects",), "press inquiries but no outlets: list; built-in outlet "
                      "names are used")
        scenario_id = raw.get("scenario")
        if not all(isinstance(raw.get(k), str) for k in ("scenario", "title", "locale")) \
                or not phases or not messages or not platforms:
            return None
        scenario = Scenario(
            id=str(scenario_id), title=raw["title"], cluster=str(cluster),
            locale=raw["locale"], duration=duration,
            brand=self.brand(("brand",), raw.get("brand")), platforms=platforms,
            phases=phases, messages=messages, description=str(raw.get("description", "")),
            crisis_type=str(crisis_type or ""), crowd=crowd, cascade=cascade,
            injects=injects, platform_messages=platform_messages,
            phase_messages=phase_messages,
            outlets=self.texts(("outlets",), raw.get("outlets"), MESSAGE_PLACEHOLDERS),
            claims=self.texts(("claims",), raw.get("claims"), MESSAGE_PLACEHOLDERS),
            effects=self.effects(), translations=self.translations(), source=self.doc.path,
            templates=template_tables(raw.get("templates"), self.error, lambda where, text:
                                      self.template(where, text, TEMPLATE_PLACEHOLDERS)),
            breaks=self.breaks(duration), personas=self.personas(),
            evaluation=self.evaluation(),
        )
        too_big = drill_size_problem(scenario)
        if too_big is not None:
            self.error(("phases",), too_big)
        return scenario
