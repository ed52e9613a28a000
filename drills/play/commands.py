"""The command line of a live drill, parsed: ``do o3 via x,facebook : We are aware ...``.

One grammar for every front end (``--plain``, the terminal UI, later the browser). A
mistyped command raises :class:`CommandError` with one line: what is wrong, what works.
"""

from __future__ import annotations

from dataclasses import dataclass

from drills.drive.clock import MAX_SPEED
from drills.errors import RefusedError
from drills.inputs.durations import parse_span
from drills.inputs.validation import suggest

#: Each command and its usage, in the order ``help`` lists them.
USAGE: dict[str, str] = {
    "help": "help                      this list",
    "inbox": "inbox                     your pages, obligations (with countdowns), approvals",
    "feed": "feed [N] [PLATFORM]       the last N posts (default 10), with their ids",
    "signals": "signals                   what monitoring sees now",
    "show": "show ID                   one post, inquiry or letter whole (e812, or o3's post)",
    "ack": "ack [OB]                  acknowledge a page (the oldest when no id)",
    "do": "do OB [on EVENT] [via CH,CH] [: TEXT]     fulfil obligation OB with its action",
    "act": "act ACTION [on EVENT] [via CH,CH] [: TEXT] any action (fulfils your oldest such)",
    "approve": "approve [OB]              approve the draft a colleague waits with",
    "reject": "reject OB : COMMENT       send the draft back with what to change",
    "draft": "draft OB : TEXT           write the text for approval: the approvers read it",
    "templates": "templates                 the rulebook's templates",
    "template": "template NAME             a template filled in, ready to edit",
    "wait": "wait DURATION             let time pass (wait 10m, wait 1h30m); a page stops it",
    "speed": "speed X                   simulated seconds per second (0 stops the clock)",
    "pause": "pause                     stop the clock",
    "resume": "resume                    start it again",
    "filter": "filter PLATFORM|all       show only one platform's posts in the feed",
    "quit": "quit                      end the drill now and see the report",
}




class CommandError(RefusedError):
    """A command that does not parse: one line."""


@dataclass(frozen=True)
class Command:
    verb: str
    #: The first argument: an obligation, an action, a template, a platform, a number.
    arg: str | None = None
    event: str | None = None
    channels: tuple[str, ...] | None = None
    text: str | None = None
    count: int | None = None
    minutes: float | None = None
    speed: float | None = None


def parse_command(line: str) -> Command | None:
    """The command on ``line``, or None for an empty line."""
    head, colon, text = line.partition(":")
    words = head.split()
    if not words:
        if colon:
            raise CommandError("a command comes before ':' (like 'do o3 : TEXT')")
        return None
    verb, args = words[0].lower(), words[1:]
    if verb not in USAGE:
        raise CommandError(f"unknown command {verb!r}{suggest(verb, USAGE)}; 'help' lists "
                           "the commands")
    body = text.strip() if colon else None
    if colon and verb not in ("do", "act", "reject", "draft"):
        raise CommandError(f"only 'do', 'act', 'draft' and 'reject' take a text after ':'; "
                           f"usage: {USAGE[verb]}")
    if verb in ("do", "act"):
        return _action(verb, args, body)
    if verb in ("reject", "draft"):
        if len(args) != 1 or not body:
            raise CommandError(f"usage: {USAGE[verb]}")
        return Command(verb, arg=args[0], text=body)
    if verb == "feed":
        return _feed(args)
    if verb == "wait":
        return Command("wait", minutes=_duration(args))
    if verb == "speed":
        return Command("speed", speed=_speed(args))
    if verb in ("ack", "approve"):
        return Command(verb, arg=_at_most_one(verb, args))
    if verb in ("template", "filter", "show"):
        if len(args) != 1:
            raise CommandError(f"usage: {USAGE[verb]}")
        return Command(verb, arg=args[0])
    if args:
        raise CommandError(f"{verb} takes nothing after it; usage: {USAGE[verb]}")
    return Command(verb)


def _action(verb: str, args: list[str], text: str | None) -> Command:
    if not args:
        raise CommandError(f"usage: {USAGE[verb]}")
    arg, rest = args[0], args[1:]
    event: str | None = None
    channels: tuple[str, ...] | None = None
    while rest:
        if len(rest) < 2 or rest[0].lower() not in ("on", "via"):
            raise CommandError(f"expected 'on EVENT' or 'via CH,CH' after {arg!r}, got "
                               f"{' '.join(rest)!r}; put a text after ':'")
        key, value, rest = rest[0].lower(), rest[1], rest[2:]
        if key == "on":
            event = value
        else:
            channels = tuple(c for c in value.lower().split(",") if c)
            if not channels:
                raise CommandError("'via' needs channels, like 'via x,facebook'")
    return Command(verb, arg=arg, event=event, channels=channels, text=text or None)


def _feed(args: list[str]) -> Command:
    count: int | None = None
    platform: str | None = None
    for arg in args:
        if arg.isdecimal() and count is None:
            count = int(arg)
        elif platform is None and not arg.isdecimal():
            platform = arg.lower()
        else:
            raise CommandError(f"usage: {USAGE['feed']}")
    return Command("feed", arg=platform, count=count)


def _duration(args: list[str]) -> float:
    if len(args) != 1:
        raise CommandError(f"usage: {USAGE['wait']}")
    try:
        return parse_span(args[0])
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def _speed(args: list[str]) -> float:
    if len(args) != 1:
        raise CommandError(f"usage: {USAGE['speed']}")
    try:
        speed = float(args[0].removesuffix("x"))
    except ValueError:
        raise CommandError(f"speed takes a number, like 'speed 60', not {args[0]!r}") from None
    if not 0 <= speed <= MAX_SPEED:  # also nan
        raise CommandError(f"speed must be between 0 and {MAX_SPEED:g}, not {args[0]!r}")
    return speed


def _at_most_one(verb: str, args: list[str]) -> str | None:
    if len(args) > 1:
        raise CommandError(f"usage: {USAGE[verb]}")
    return args[0] if args else None
