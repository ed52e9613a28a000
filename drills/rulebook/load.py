"""Turn a rulebook YAML file into a typed Rulebook, or every positioned problem with it.

Validation runs once, at this edge: the schema (shipped JSON Schema), then what a schema
cannot say (roles that exist, conditions that parse and name real fields, placeholders that
the drill provides). Warnings ride along for ``drill lint``.
"""

from __future__ import annotations

from typing import Any

from drills.errors import ConditionSyntaxError, Diagnostic
from drills.inputs.checked import (
    Checked,
    check_path,
    check_source,
    list_or_empty,
    load_checked,
    mapping_or_empty,
    wrong_kind,
)
from drills.inputs.durations import parse_duration
from drills.inputs.templates import placeholder_problems, template_tables
from drills.inputs.validation import suggest, validate
from drills.inputs.yamldoc import Document, Path
from drills.rulebook import ast
from drills.rulebook.grammar import parse_condition
from drills.rulebook.model import Calm, Forbid, Obligation, Role, Rule, Rulebook, Weights
from drills.rulebook.typecheck import check
from drills.vocabulary import TEMPLATE_PLACEHOLDERS


def load_rulebook(path: str) -> Rulebook:
    """Load and validate a rulebook file; raise InputError listing every error."""
    return load_checked(path, check_rulebook)


def check_rulebook_file(path: str) -> Checked[Rulebook]:
    return check_path(path, check_rulebook)


def check_rulebook_text(text: str, path: str = "<rulebook>") -> Checked[Rulebook]:
    return check_source(text, path, check_rulebook)


def check_rulebook(doc: Document) -> Checked[Rulebook]:
    mistaken: Checked[Rulebook] | None = wrong_kind(doc, "rulebook")
    if mistaken is not None:
        return mistaken
    diags = validate(doc, "rulebook")
    if not isinstance(doc.value, dict):
        return Checked[Rulebook](None, diags)
    builder = _Builder(doc, diags)
    rulebook = builder.build()
    diags = sorted(set(builder.diags))
    if any(d.severity == "error" for d in diags):
        return Checked[Rulebook](None, diags)
    return Checked(rulebook, diags)


class _Builder:
    """Builds the typed rulebook, adding a diagnostic for everything that is wrong."""

    def __init__(self, doc: Document, diags: list[Diagnostic]) -> None:
        self.doc = doc
        self.raw: dict[str, Any] = doc.value
        self.diags = list(diags)
        severity = self.raw.get("severity")
        self.severity: tuple[str, ...] = (
            tuple(s for s in severity if isinstance(s, str)) if isinstance(severity, list) else ()
        )
        roles = self.raw.get("roles")
        self.role_names: set[str] = set(roles) if isinstance(roles, dict) else set()

    def error(self, where: Path, message: str, *, key: bool = False,
              offset: int | None = None) -> None:
        self.diags.append(self.doc.diagnostic(where, message, key=key, offset=offset))

    def warn(self, where: Path, message: str) -> None:
        self.diags.append(self.doc.diagnostic(where, message, severity="warning"))

    # -- pieces ----------------------------------------------------------------------------

    def duration(self, where: Path, value: Any) -> float | None:
        if not isinstance(value, str):
            return None
        try:
            minutes = parse_duration(value)
        except ValueError:
            return None  # the schema already said so
        if minutes <= 0:
            self.error(where, f"duration {value!r} must be longer than zero")
            return None
        return minutes

    def level(self, where: Path, value: Any) -> int | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            if not 0 <= value < len(self.severity):
                self.error(where, f"severity {value} is out of range 0..{len(self.severity) - 1}")
                return None
            return value
        if isinstance(value, str):
            if value not in self.severity:
                self.error(where, f"unknown severity {value!r}{suggest(value, self.severity)}; "
                           f"levels are {', '.join(self.severity)}")
                return None
            return self.severity.index(value)
        return None

    def role(self, where: Path, name: Any, what: str) -> str | None:
        if not isinstance(name, str):
            return None
        if name not in self.role_names:
            self.error(where, f"{what} names undefined role {name!r}"
                       f"{suggest(name, self.role_names)}; define it under roles:")
            return None
        return name

    def condition(self, where: Path, text: Any) -> ast.Node | None:
        if not isinstance(text, str):
            return None
        try:
            node = parse_condition(text)
        except ConditionSyntaxError as exc:
            self.error(where, f"condition: {exc.message}", offset=exc.offset)
            return None
        findings = check(node, self.severity)
        for offset, message in findings:
            self.error(where, message, offset=offset)
        return None if findings else node

    # -- sections --------------------------------------------------------------------------

    def roles(self) -> dict[str, Role]:
        raw = self.raw.get("roles")
        roles: dict[str, Role] = {}
        if not isinstance(raw, dict):
            return roles
        for name, spec in raw.items():
            spec = spec if isinstance(spec, dict) else {}
            backup = spec.get("backup")
            if backup is not None:
                backup = self.role((("roles", name, "backup")), backup, f"backup of {name}")
                if backup == name:
                    self.error(("roles", name, "backup"), f"role {name!r} cannot back itself up")
                    backup = None
            ack = self.duration(("roles", name, "ack_within"), spec.get("ack_within"))
            shown = spec.get("name")
            roles[name] = Role(name, backup, ack if ack is not None else 15.0,
                               works_comments=spec.get("works_comments") is True,
                               names={str(k): str(v) for k, v in shown.items()}
                               if isinstance(shown, dict) else {})
        self._check_backup_cycles(roles)
        return roles

    def _check_backup_cycles(self, roles: dict[str, Role]) -> None:
        for start in roles:
            seen = [start]
            current = roles[start].backup
            while current is not None and current in roles:
                if current == start:
                    chain = " -> ".join([*seen, start])
                    self.error(("roles", start, "backup"), f"backup chain loops: {chain}")
                    break
                if current in seen:
                    break
                seen.append(current)
                current = roles[current].backup

    def obligation(self, where: Path, raw: Any, templates: dict[str, Any]) -> Obligation | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("action"), str):
            return None
        role = self.role((*where, "role"), raw.get("role"), "obligation")
        approvers = raw.get("approve") or []
        if isinstance(approvers, str):  # one role, written without a list
            approve: tuple[str, ...] = tuple(
                a for a in (approvers,) if self.role((*where, "approve"), a, "approval"))
        elif isinstance(approvers, list):
            approve = tuple(a for i, a in enumerate(approvers)
                            if self.role((*where, "approve", i), a, "approval"))
        else:
            approve = ()
        within = self.duration((*where, "within"), raw.get("within"))
        every = self.duration((*where, "every"), raw.get("every"))
        if "within" not in raw and "every" not in raw:
            self.error(where, f"obligation {raw['action']!r} needs a deadline: within or every")
        template = raw.get("template")
        if isinstance(template, str) and template not in templates:
            self.error((*where, "template"), f"unknown template {template!r}"
                       f"{suggest(template, list(templates))}")
        channels = raw.get("channels")
        if isinstance(channels, list):
            channels = tuple(channels)
        if role is None or (within is None and every is None):
            return None
        weight = raw.get("weight", 1.0)
        good_weight = isinstance(weight, (int, float)) and not isinstance(weight, bool) \
            and weight > 0
        return Obligation(raw["action"], role, within, every, approve, channels,
                          template if isinstance(template, str) else None,
                          float(weight) if good_weight else 1.0)

    def rules(self, templates: dict[str, Any]) -> tuple[Rule, ...]:
        raw = self.raw.get("rules")
        if not isinstance(raw, list):
            return ()
        rules: list[Rule] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            where: Path = ("rules", i)
            if not isinstance(item, dict):
                continue
            rule_id = item.get("id")
            if isinstance(rule_id, str):
                if rule_id in seen:
                    self.error((*where, "id"), f"duplicate rule id {rule_id!r} "
                               f"(first at rules[{seen[rule_id]}])")
                seen.setdefault(rule_id, i)
            condition = self.condition((*where, "when"), item.get("when"))
            escalate = self.level((*where, "escalate"), item.get("escalate"))
            deescalate = self.level((*where, "deescalate"), item.get("deescalate"))
            if "escalate" in item and "deescalate" in item:
                self.error(where, "a rule either escalates or de-escalates, not both")
            require = tuple(
                ob for j, o in enumerate(list_or_empty(item.get("require")))
                if (ob := self.obligation((*where, "require", j), o, templates)) is not None
            )
            once_within = self.duration((*where, "once_within"), item.get("once_within"))
            if condition is None or not isinstance(rule_id, str):
                continue
            rules.append(Rule(
                id=rule_id, when=item["when"], condition=condition,
                description=str(item.get("description", "")),
                escalate=escalate, deescalate=deescalate, require=require,
                once=str(item.get("once", "never")), once_within=once_within,
                enabled=bool(item.get("enabled", True)),
            ))
        return tuple(rules)

    def forbid(self) -> tuple[Forbid, ...]:
        raw = self.raw.get("forbid")
        result: list[Forbid] = []
        if not isinstance(raw, list):
            return ()
        for i, item in enumerate(raw):
            if not isinstance(item, dict) or not isinstance(item.get("action"), str):
                continue
            unless = None
            if "unless" in item:
                unless = self.condition(("forbid", i, "unless"), item["unless"])
                if unless is None:
                    continue
                if any(f.namespace == "signal" for f in ast.fields_of(unless)):
                    self.warn(("forbid", i, "unless"), "signal fields in 'unless' are read at "
                              "the moment of the action")
            reason = item.get("reason", "")
            reasons = {str(k): str(v) for k, v in reason.items()} \
                if isinstance(reason, dict) else {}
            own = next(iter(reasons.values()), "") if reasons else str(reason)
            result.append(Forbid(str(item.get("id") or item["action"]), item["action"],
                                 reasons.get("en", own), unless,
                                 str(item.get("unless", "")), reasons))
        return tuple(result)

    def templates(self) -> dict[str, dict[str, dict[str, str]]]:
        """name -> language ("" = the rulebook's own) -> platform or "default" -> text."""
        return template_tables(self.raw.get("templates"), self.error, self._template_text)

    def _template_text(self, where: Path, text: str) -> bool:
        problems = placeholder_problems(text, TEMPLATE_PLACEHOLDERS)
        for offset, message in problems:
            self.error(where, message, offset=offset)
        return not problems

    def calm(self) -> Calm | None:
        raw = self.raw.get("calm")
        if not isinstance(raw, dict):
            return None
        condition = self.condition(("calm", "when"), raw.get("when"))
        minutes = self.duration(("calm", "for"), raw.get("for"))
        to = self.level(("calm", "to"), raw.get("to", 0))
        if condition is not None and any(f.namespace == "event" for f in ast.fields_of(condition)):
            self.error(("calm", "when"), "calm is judged on signals and drill state, "
                       "not on single events")
            return None
        if condition is None or minutes is None or to is None:
            return None
        return Calm(raw["when"], condition, minutes, to)

    def weights(self) -> tuple[Weights, float]:
        scoring = self.raw.get("scoring")
        scoring = scoring if isinstance(scoring, dict) else {}
        raw = scoring.get("weights")
        weights = Weights()
        if isinstance(raw, dict):
            values = {k: float(v) for k, v in raw.items()
                      if k in ("timeliness", "adherence", "conduct")
                      and isinstance(v, (int, float)) and not isinstance(v, bool)}
            weights = Weights(**{**weights.__dict__, **values})
            total = weights.timeliness + weights.adherence + weights.conduct
            if abs(total - 1.0) > 1e-6:
                self.error(("scoring", "weights"), f"weights must add up to 1, they add up to "
                           f"{total:g}")
        late = scoring.get("late_credit", 0.5)
        good = isinstance(late, (int, float)) and not isinstance(late, bool)
        return weights, float(late) if good else 0.5

    # -- the whole -------------------------------------------------------------------------

    def build(self) -> Rulebook | None:
        roles = self.roles()
        templates = self.templates()
        rules = self.rules(mapping_or_empty(self.raw.get("templates")))
        forbid = self.forbid()
        calm = self.calm()
        weights, late = self.weights()
        strategies_raw = self.raw.get("strategies")
        strategies = (
            {k: tuple(v) for k, v in strategies_raw.items() if isinstance(v, list)}
            if isinstance(strategies_raw, dict) else {}
        )
        self._warnings(rules, roles)
        name = self.raw.get("rulebook")
        version = self.raw.get("version")
        if not isinstance(name, str) or not isinstance(version, int) or len(self.severity) < 2:
            return None
        return Rulebook(
            name=name, version=version, severity=self.severity, roles=roles, rules=rules,
            description=str(self.raw.get("description", "")), forbid=forbid,
            strategies=strategies, templates=templates, weights=weights, late_credit=late,
            calm=calm, source=self.doc.path,
            language=str(self.raw.get("language", "en")),
        )

    def _warnings(self, rules: tuple[Rule, ...], roles: dict[str, Role]) -> None:
        reached = {r.escalate for r in rules if r.escalate is not None and r.enabled}
        for level, name in enumerate(self.severity):
            if level and level not in reached:
                self.warn(("severity",), f"no rule escalates to severity {name!r}")
        with_deadlines = {o.role for r in rules for o in r.require}
        for name in sorted(with_deadlines):
            role = roles.get(name)
            if role is not None and role.backup is None:
                self.warn(("roles", name), f"role {name!r} has deadlines but no backup: "
                          "an unanswered page goes nowhere")
        used = with_deadlines | {a for r in rules for o in r.require for a in o.approve}
        used |= {r.backup for r in roles.values() if r.backup}
        used |= {name for name, role in roles.items() if role.works_comments}
        for name in sorted(set(roles) - used):
            self.warn(("roles", name), f"role {name!r} is defined but no rule gives it work")
        if roles and not any(role.works_comments for role in roles.values()):
            self.warn(("roles",), "no role works the comments (works_comments: true): nobody "
                      "will reply to, move to private, delete or argue with the public")
        seen: dict[str, str] = {}
        for i, rule in enumerate(rules):
            key = ast.render(rule.condition)
            raw_rules = self.raw.get("rules") or []
            index = next((j for j, r in enumerate(raw_rules)
                          if isinstance(r, dict) and r.get("id") == rule.id), i)
            if key in seen and rule.enabled:
                self.warn(("rules", index, "when"), f"rule {rule.id!r} has the same condition as "
                          f"{seen[key]!r}; merge them or one shadows the other")
            seen.setdefault(key, rule.id)
