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
    feed = world.crisis.feed
    scheduled = [i for i in feed.pending_injects() if not world.inject_fired(i.id)]
    scheduled = list({i.id: i for i in scheduled}.values())
    ids = {i.id for i in scheduled}
    waiting = [i for i in world.scenario.injects if i.trigger is not None
               and not world.inject_fired(i.id) and i.id not in feed.emitted
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
    world.trigger(inject)
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
    return world.add_inject(to, kind, text, ADHOC_PLATFORM.get(kind, "mail"))


#: What a facilitator may say of an objective.
VERDICTS = ("met", "partly", "missed")


def validate(world: World, expectation: str, status: str, comment: str = "") -> None:
    """The facilitator's verdict on an exercise objective (it corrects the world's)."""
    number = expectation[1:]
    created = world.objectives_created
    if not (expectation.startswith("x") and number.isdigit()
            and 0 < int(number) <= created):
        raise PersonError(f"no objective {expectation!r}; objectives are x1 to "
                          f"x{created}" if created else "no objective yet")
    if status not in VERDICTS:
        raise PersonError(f"status must be one of {', '.join(VERDICTS)}, not {status!r}")
    if len(comment) > MAX_INJECT_TEXT:
        raise PersonError(f"the comment has {len(comment):,} characters; at most "
                          f"{MAX_INJECT_TEXT:,}")
    world.validate_objective(expectation, status, comment)


#: The facilitator's controls of time, logged as they are applied.
CLOCK_OPS = ("start", "pause", "resume", "speed", "advance")


def clock_control(world: World, op: str, value: float | None = None) -> None:
    """Log a control of time (the session applies it; the world only keeps the record)."""
    if op not in CLOCK_OPS:
        raise PersonError(f"op must be one of {', '.join(CLOCK_OPS)}, not {op!r}")
    if op in ("speed", "advance") and value is None:
        raise PersonError(f"{op} needs a value")
    world.clock_control(op, value)


def project(world: World, item: str) -> None:
    """Show a post (its id, or a scripted inject's) or a team's action (``a12``) on the room
    wall; an empty id clears the wall's projection."""
    if item:
        event = world.post(item)
        number = item[1:]
        action = item.startswith("a") and number.isdigit() and \
            0 < int(number) <= world.actions.count
        if not action and (event is None or float(event["t"]) > world.now + 1e-9):
            raise PersonError(f"nothing to project as {item!r}: name a post of the feed "
                              "(e812) or an action of the team (a3)")
        if event is not None and not action:
            item = str(event["id"])
    world.project(item)
