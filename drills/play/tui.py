"""``drill play``'s full-screen terminal UI (Textual): a thin room over the console.

Everything it does goes through :class:`~drills.play.console.Console`, the same as
``--plain``: the panes show the clock, the severity, the inbox with live countdowns, the
feed (filterable by platform), the signals and what just happened; the command line has
the focus from the start.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, RichLog, Static

from drills.play.console import Console

REFRESH_SECONDS = 0.25
_SEVERITY_STYLE = ("green", "yellow", "dark_orange", "red", "bold white on red")


#: Stands for a line break in the one-line command box (a pasted statement of several lines).
LINE_BREAK = " \u23ce "


class CommandInput(Input):
    """The command line; a pasted text of several lines is kept whole, its line breaks
    shown as ⏎, and run as one statement (drills/play/lines.py)."""

    def _on_paste(self, event: events.Paste) -> None:
        if event.text and "\n" in event.text.strip("\n"):
            self.insert_text_at_cursor(LINE_BREAK.join(event.text.strip("\n").splitlines()))
            event.prevent_default()  # Input's own handler would paste the first line again
            event.stop()


class PlayApp(App[None]):
    CSS = """
    #status { height: 1; background: $panel; padding: 0 1; }
    #left { width: 46%; }
    #inbox { height: 2fr; border: round $accent; padding: 0 1; }
    #signals { height: 1fr; border: round $secondary; padding: 0 1; }
    #feed { height: 3fr; border: round $primary; }
    #messages { height: 2fr; border: round $success; }
    #command { dock: bottom; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "end_drill", "End the drill", priority=True),
        Binding("ctrl+q", "end_drill", "End the drill", priority=True),
        Binding("ctrl+o", "show_latest", "Show the latest notable post whole", priority=True),
    ]

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.drill_console = console
        self._feed_seen = 0
        self._filter: str | None = None
        self._shown: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal():
            with Vertical(id="left"):
                yield Static(id="inbox")
                yield Static(id="signals")
            with Vertical():
                yield RichLog(id="feed", wrap=True, max_lines=400)
                yield RichLog(id="messages", wrap=True, max_lines=1000)
        yield CommandInput(placeholder="type a command ('help' lists them; 'show e812' a post "
                           "whole, ctrl+o the latest), Enter to run", id="command")

    def on_mount(self) -> None:
        w = self.drill_console.w
        self.query_one("#inbox", Static).border_title = w("Inbox")
        self.query_one("#signals", Static).border_title = w("Signals")
        self.query_one("#feed", RichLog).border_title = w("Feed ({platform})",
                                                          platform=w("all platforms"))
        self.query_one("#messages", RichLog).border_title = w("What happens")
        self.query_one("#command", Input).placeholder = w(
            "type a command ('help' lists them; 'show e812' a post whole, ctrl+o the "
            "latest), Enter to run")
        roles = ", ".join(self.drill_console.shown(r) for r in self.drill_console.member.roles)
        self.say([w("You play {roles} as {name}.", roles=roles,
                    name=self.drill_console.name), *self.drill_console.briefing()])
        self.query_one("#command", Input).focus()
        self.refresh_drill()
        self.set_interval(REFRESH_SECONDS, self.refresh_drill)

    # -- the panes --------------------------------------------------------------------------

    def say(self, lines: list[str]) -> None:
        log = self.query_one("#messages", RichLog)
        for line in lines:
            log.write(Text(line, style=_style(line)))

    def refresh_drill(self) -> None:
        console = self.drill_console
        self.say(console.tick())
        live = console.live
        level = live.world.severity
        w = console.w
        status = Text(f" {console.at()}  ", style="bold")
        status.append(f" {console.shown(live.severity)} ", style=_SEVERITY_STYLE[min(level, 4)])
        status.append("  " + (w("paused") if console.session.paused else
                              w("speed {speed}x", speed=f"{console.session.speed:g}")))
        status.append("  |  " + w("{name} as {roles}", name=console.name, roles=", ".join(
            console.shown(r) for r in console.member.roles))
            + "  |  " + w("ends {at}", at=console.at(live.end)))
        self.query_one("#status", Static).update(status)
        self.query_one("#inbox", Static).update("\n".join(console.inbox_lines(compact=True)))
        signals = live.signals
        self.query_one("#signals", Static).update("\n".join(
            f"{k:<22} {signals[k]:,.2f}".rstrip("0").rstrip(".") for k in _SIGNALS_SHOWN
            if k in signals))
        self._refresh_feed()
        if console.session.over:
            self.say([console.w("the drill has ended at {at}", at=console.at())])
            self.exit()

    def _refresh_feed(self) -> None:
        console = self.drill_console
        feed = self.query_one("#feed", RichLog)
        if console.platform != self._filter:
            self._filter = console.platform
            feed.clear()
            feed.border_title = console.w("Feed ({platform})",
                                          platform=self._filter or console.w("all platforms"))
            self._feed_seen = 0
        display = console.live.display
        total = display.count
        if total == self._feed_seen:
            return
        events = list(display.feed)
        fresh = [e for e in events if e["id"] not in self._shown] if self._feed_seen else \
            events[-100:]
        self._feed_seen = total
        for event in fresh:
            self._shown.add(event["id"])
            if self._filter is None or event["platform"] == self._filter:
                style = "red" if float(event["sentiment"]) <= -0.5 else ""
                feed.write(Text(console.event_line(event), style=style))

    # -- the command line ---------------------------------------------------------------------

    def on_input_submitted(self, message: Input.Submitted) -> None:
        line = message.value.replace(LINE_BREAK.strip(), "\n")
        box = self.query_one("#command", Input)
        box.value = ""
        if not line.strip():
            return
        self.say([f"> {part}" for part in line.splitlines()])
        if line.split()[0].lower() == "filter":
            self._shown.clear()
        reply = self.drill_console.execute(line)
        self.say(reply.lines)
        if reply.prefill:
            box.value = reply.prefill
            box.cursor_position = len(reply.prefill)
        if reply.quit:
            self.exit()
            return
        self.refresh_drill()

    def action_show_latest(self) -> None:
        """The latest inquiry, letter or notable post, whole (``show`` on it)."""
        latest = self.drill_console.latest_notable()
        if latest is None:
            self.say(["nothing notable yet: 'feed' lists posts, 'show ID' prints one"])
            return
        self.say(self.drill_console.execute(f"show {latest}").lines)

    def action_end_drill(self) -> None:
        self.exit()


_SIGNALS_SHOWN = ("mentions_15m", "mentions_1h", "negative_1h", "negative_share", "velocity",
                  "reach_1h", "negative_reach_1h", "press_1h", "influencers_1h",
                  "misinformation_share")


def _style(line: str) -> str:
    if line.startswith("?"):
        return "bold red"
    for word, style in (("] PAGE", "bold yellow"), ("] APPROVAL", "bold yellow"),
                        ("] NEW", "yellow"), ("] VIOLATION", "bold red"),
                        ("] OVERDUE", "red"), ("] SEVERITY", "bold magenta"),
                        ("  coach:", "cyan"),
                        # the same notices in Swedish
                        ("] LARM", "bold yellow"), ("] GODKÄNNANDE", "bold yellow"),
                        ("] NY", "yellow"), ("] ÖVERTRÄDELSE", "bold red"),
                        ("] FÖRSENAT", "red"), ("] ALLVARSGRAD", "bold magenta"),
                        ("  coachning:", "cyan")):
        if word in line:
            return style
    return ""


def run_tui(console: Console) -> None:
    PlayApp(console).run()
