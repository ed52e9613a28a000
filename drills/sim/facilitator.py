"""What a facilitator may do to a running drill besides time: trigger a scripted inject now,
or add an ad-hoc one (a press call, a leaked memo) addressed to a role.

Like a person's input, each is logged (a ``control`` record) and replayed from the log.
"""

from __future__ import annotations

from drills.feed.scenario import Inject
from drills.inputs.validation import suggest
from drills.sim.people import PersonError
from drills.sim.world import World
from drills.vocabulary import EVENT_KINDS

#: Where an ad-hoc inject of each kind arrives.
ADHOC_PLATFORM = {"press_inquiry": "news", "regulator_inquiry": "mail",
                  "employee_leak": "internal", "internal_report": "internal"}
MAX_INJECT_TEXT = 2000


def triggerable(world: World) -> list[Inject]:
    """Scripted injects that have not happened yet: scheduled ones and conditional ones."""
    crisis = world.crisis
    scheduled = [i for i in crisis.feed.pending_injects() if i.id not in crisis._fired]
    scheduled = list({i.id: i for i in scheduled}.values())
    ids = {i.id for i in scheduled}
    waiting = [i for i in world.scenario.injects if i.trigger is not None
               and i.id not in crisis._fired and i.id not in crisis.feed.emitted
               and i.id not in ids]
    return scheduled + waiting


def trigger_inject(world: World, inject_id: str) -> Inject:
    options = triggerable(world)
    inject = next((i for i in options if i.id == inject_id), None)
    if inject is None:
        names = [i.id for i in options]
        done = any(i.id == inject_id for i in world.scenario.injects)
        raise PersonError(f"inject {inject_id!r} " + (
            "has already happened" if done else
            f"is not in the scenario{suggest(inject_id, names)}")
            + (f"; still to come: {', '.join(names)}" if names else ""))
    world.crisis._fired.add(inject.id)
    world.log("control", op="trigger", inject=inject.id)
    world.crisis.feed.schedule_inject(inject, world.now)
    return inject


def adhoc_inject(world: World, to: str, kind: str, text: str) -> str:
    """A message from outside to ``to`` (a role), as an event of ``kind``; returns its id."""
    if to not in world.rulebook.roles:
        raise PersonError(f"no role {to!r}{suggest(to, sorted(world.rulebook.roles))}")
    if kind not in EVENT_KINDS:
        raise PersonError(f"unknown kind {kind!r}{suggest(kind, EVENT_KINDS)}; kinds: "
                          + ", ".join(EVENT_KINDS))
    if not text.strip():
        raise PersonError("an inject needs a text")
    if len(text) > MAX_INJECT_TEXT:
        raise PersonError(f"the text has {len(text):,} characters; at most "
                          f"{MAX_INJECT_TEXT:,}")
    world._adhoc += 1
    inject_id = f"adhoc-{world._adhoc}"
    platform = ADHOC_PLATFORM.get(kind, "mail")
    inject = Inject(id=inject_id, kind=kind, platform=platform,
                    text=text.replace("{", "{{").replace("}", "}}"),
                    author={"handle": "facilitator", "name": "Facilitator", "followers": 0})
    world.sink.write({"type": "control", "t": round(world.now, 3), "op": "inject",
                      "inject": inject_id, "to": to, "kind": kind, "text": text})
    world.adhoc_to[inject_id] = to
    world.crisis.feed.schedule_inject(inject, world.now)
    return inject_id


#: What a facilitator may say of an objective.
VERDICTS = ("met", "partly", "missed")


def validate(world: World, expectation: str, status: str, comment: str = "") -> None:
    """The facilitator's verdict on an exercise objective (it corrects the world's)."""
    number = expectation[1:]
    if not (expectation.startswith("x") and number.isdigit()
            and 0 < int(number) <= world._x_ids):
        raise PersonError(f"no objective {expectation!r}; objectives are x1 to "
                          f"x{world._x_ids}" if world._x_ids else "no objective yet")
    if status not in VERDICTS:
        raise PersonError(f"status must be one of {', '.join(VERDICTS)}, not {status!r}")
    if len(comment) > MAX_INJECT_TEXT:
        raise PersonError(f"the comment has {len(comment):,} characters; at most "
                          f"{MAX_INJECT_TEXT:,}")
    world.sink.write({"type": "control", "t": round(world.now, 3), "op": "validate",
                      "inject": expectation, "status": status, "comment": comment})
    world.expectations.pop(expectation, None)
    world.sink.write({"type": "expectation", "t": round(world.now, 3), "id": expectation,
                      "status": status, "by": "facilitator", "comment": comment or None})
