"""``drill serve``: live tabletop drills in the browser."""

from __future__ import annotations

import os
import secrets

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Where to listen (localhost unless you say otherwise).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--db", metavar="PATH",
              help="The server's database (default: serve.db in the user's data folder).")
@click.option("--token-file", type=click.Path(dir_okay=False),
              help="Read the facilitator token here, or create it with a fresh one.")
@click.option("--history", metavar="PATH",
              help="The history store ended drills are recorded in (default: DRILLS_DB, else "
                   "the user's data folder).")
@click.option("--no-store", is_flag=True, help="Do not record ended drills in the history.")
@click.option("--library", type=click.Path(file_okay=False),
              help="A folder of your own scenario, rulebook and team files to offer beside "
                   "the built-ins (an imported exercise script, say).")
def serve(host: str, port: int, db: str | None, token_file: str | None, history: str | None,
          no_store: bool, library: str | None) -> None:
    """Run live drills in the browser: a facilitator page, a page per role, a room wall.

    Prints the facilitator's URL (it carries a secret token). Drills that were running when
    the server stopped resume where they had reached, by replay. See docs/serve.md.

    \b
    Example:
        drill serve
        drill serve --host 0.0.0.0 --port 8080 --token-file ~/.drill-token
        drill serve --library ./exercise
    """
    import uvicorn

    from drills.serve.app import create_app
    from drills.serve.db import ServeDB
    from drills.store.store import open_store, store_path

    path = db or _default_db()
    token = _token(token_file)
    history_path = None if no_store else store_path(history)
    if history_path is not None:
        open_store(history_path).close()  # a bad store path fails now, not at a drill's end
    from drills.serve.app import load_library

    files = load_library(library) if library else None
    from drills.serve.middleware import host_names

    app = create_app(ServeDB(path), token, history_path, files, hosts=host_names(host))
    resumed = [r for r, runner in app.server.runners.items() if runner.status != "ended"]
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    click.echo(f"facilitator: http://{shown}:{port}/?token={token}")
    click.echo(f"database: {path}" + (f"; resumed drills: {', '.join(resumed)}"
                                      if resumed else ""))
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _default_db() -> str:
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("crisis-drills", appauthor=False), "serve.db")


def _token(path: str | None) -> str:
    if path is None:
        return secrets.token_urlsafe(24)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            token = handle.read().strip()
        if len(token) < 16:
            raise click.BadParameter("the token in it is shorter than 16 characters",
                                     param_hint="--token-file")
        return token
    token = secrets.token_urlsafe(24)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return token
