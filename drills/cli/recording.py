"""Recording drills in the history store: the shell's part (path, clock, temp log)."""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

from drills.errors import InputError
from drills.i18n.catalogue import t

F = TypeVar("F", bound=Callable[..., Any])


def store_options(func: F) -> F:
    """``--db`` and ``--no-store``: every command that runs a drill records it."""
    func = click.option("--no-store", is_flag=True,
                        help="Do not record this drill in the history store.")(func)
    return click.option("--db", "db", metavar="PATH",
                        help="The history store (default: DRILLS_DB, else the user's data "
                             "folder).")(func)


@contextmanager
def rescue_notices(ctx: click.Context) -> Iterator[None]:
    """Tell the user at once, in one line, where a file went whose folder vanished, and
    remember it for ``saved_as`` (the library warns with ``Rescued``; it never prints)."""
    from drills.log.files import Rescued

    rescued: dict[str, str] = ctx.meta.setdefault("drills.rescued", {})
    with warnings.catch_warnings():
        previous = warnings.showwarning

        def show(message: Warning | str, category: type[Warning], *args: Any,
                 **kwargs: Any) -> None:
            if isinstance(message, Rescued):
                rescued[message.path] = message.rescued
                click.echo(f"warning: {message}", err=True)
            else:
                previous(message, category, *args, **kwargs)

        warnings.simplefilter("always", Rescued)
        warnings.showwarning = show
        yield


def saved_as(path: str) -> str:
    """Where ``path`` was written: itself, or where it was rescued to."""
    ctx = click.get_current_context(silent=True)
    rescued: dict[str, str] = ctx.meta.get("drills.rescued", {}) if ctx else {}
    return rescued.get(path, path)


@dataclass
class Recorder:
    """Where the drill's log goes, and the store that records it when it is done."""

    log: str | None
    store: Any | None
    kind: str
    inputs: dict[str, str]

    def done(self, score: dict[str, Any]) -> None:
        if self.store is None or self.log is None:
            return
        from drills.inputs.builtins import resolve
        from drills.log.files import read_log_lines
        from drills.store.store import file_hash

        log = saved_as(self.log)
        if not os.path.isfile(log):  # /dev/null or a pipe: nothing to read back
            click.echo(f"not recorded in the history store: {log} is not a file", err=True)
            return
        with open(log, "rb") as handle:
            data = handle.read()
        numbered = read_log_lines(log)
        hashes = {}
        for kind, name in self.inputs.items():
            try:
                hashes[kind] = file_hash(resolve(kind, name))
            except InputError:  # a name that no longer resolves has no hash
                hashes[kind] = None
        drill_id = self.store.record(
            recorded=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            kind=self.kind, header=numbered[0][1], score=score, log=data,
            records=len(numbered), hashes=hashes)
        click.echo(t(language_of(numbered[0][1]), "recorded as drill {id} in {path}",
                     id=drill_id, path=self.store.path), err=True)


@contextmanager
def recording(db: str | None, no_store: bool, kind: str, log: str | None,
              inputs: dict[str, str]) -> Iterator[Recorder]:
    """Open the store up front (a bad path fails before the drill runs); the drill writes
    its log to ``recorder.log`` (the given file, or a temporary one to record)."""
    if no_store:
        yield Recorder(log, None, kind, inputs)
        return
    from drills.store.store import open_store, store_path

    store = open_store(store_path(db))
    try:
        if log is not None:
            yield Recorder(log, store, kind, inputs)
            return
        with tempfile.TemporaryDirectory(prefix="drill-") as folder:
            yield Recorder(os.path.join(folder, "drill.jsonl"), store, kind, inputs)
    finally:
        store.close()


def language_of(header: dict[str, Any]) -> str:
    """The language a drill's header speaks (its locale; English without one)."""
    locale = header.get("locale")
    return locale.split("_")[0] if isinstance(locale, str) and locale else "en"
