"""Statements over several lines: which lines of input belong to one command.

The rule, the same in ``--plain`` and the terminal UI (docs/actions.md): after ``do`` or
``act`` with a text after ``:``, each following line that does not begin with a command in
lower case (``wait``, ``inbox``, ``act`` ...) goes on with the text, joined by a line break;
an empty line ends the text. A pasted two-line statement is therefore one statement, never a
first line published and a second answered ``? unknown command``.
"""

from __future__ import annotations

from drills.play.commands import USAGE


def begins_command(line: str) -> bool:
    """Whether ``line`` begins with a command word, as typed (lower case)."""
    words = line.split(maxsplit=1)
    return bool(words) and words[0].split(":", 1)[0] in USAGE


def takes_text(line: str) -> bool:
    """Whether ``line`` is a ``do``/``act`` with a text, which later lines may go on with."""
    words = line.split(maxsplit=1)
    return bool(words) and words[0].lower() in ("do", "act") and ":" in line


def continues(line: str) -> bool:
    """Whether ``line``, after a ``do``/``act`` with a text, goes on with that text."""
    return bool(line.strip()) and not begins_command(line)


def group(text: str) -> list[str]:
    """The commands in ``text`` (one or several lines), each with its text lines joined."""
    commands: list[str] = []
    open_text = False
    for line in text.splitlines():
        if open_text and continues(line):
            commands[-1] = commands[-1].rstrip() + "\n" + line.strip()
            continue
        if not line.strip():
            open_text = False
            continue
        commands.append(line)
        open_text = takes_text(line)
    return commands
