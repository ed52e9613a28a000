"""The HTML pages: Jinja2 templates over one base (autoescaped; what a page's script needs goes
in as JSON through ``|tojson``), the after-action report, and the join codes' QR codes."""

from __future__ import annotations

import hmac
from functools import cache, partial
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from drills.i18n.catalogue import N_, available, t
from drills.i18n.names import display_name
from drills.serve.auth import COOKIE, facilitator, server_of, token_valid
from drills.serve.errors import api_error
from drills.serve.views import page_lang

REPORT_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

#: Every message the pages' scripts say (``w("...")`` in ``static/*.js``, the words they look
#: up by key, and the facilitator page's ``data-w`` labels they set again for a drill's
#: language). A page gets them in its drill's language, built from the catalogue: the
#: scripts keep no catalogue of their own (tests/test_serve_i18n.py holds the two together).
SCRIPT_MESSAGES: tuple[str, ...] = (
    N_("(no text to read)"), N_("(none: your oldest of this action)"), N_("(paged: {role})"),
    N_("(write your own)"), N_("APPROVE"), N_("Acknowledge"), N_("Acknowledged {id}."),
    N_("Actions"), N_("Advance"), N_("Approve"), N_("Approved {id}."), N_("As"), N_("At"),
    N_("Attachment (its text)"), N_("Capability:"), N_("Channel"),
    N_("Choose the obligation the draft is for."), N_("Clear the wall"), N_("Comment on {id}"),
    N_("Connection lost: reconnecting… What you see may be out of date; what you type is kept."),
    N_("Controls"), N_("Correct"), N_("Could not check the text: {error}"), N_("Delete"),
    N_("Delete {id}?"), N_("Deleted {id}."), N_("Do it"), N_("Done."), N_("EXPECTED"),
    N_("End drill"), N_("Evaluator (rates the critical tasks)"), N_("Exercise objectives"),
    N_("Feed"), N_("Followers"), N_("From"), N_("Handle"), N_("Injects"), N_("Join links"),
    N_("Live score"), N_("Looks good."), N_("Message scheduled in {when}."),
    N_("Message sent."), N_("Message to roles"), N_("Move on by"), N_("Move to private"),
    N_("Name"), N_("No critical tasks: the rulebook requires nothing."), N_("No messages."),
    N_("No public statement yet."), N_("No ratings yet."),
    N_("Not saved ({error}); your note is still here."), N_("Not sent: {error}"),
    N_("Note on {id}"), N_("Note only"), N_("Nothing waits for you."), N_("Obligations"),
    N_("On the room wall"), N_("Open the after-action report"), N_("PAGE"), N_("Pause"),
    N_("Persona"), N_("Platform"), N_("Post"), N_("Post as a persona"),
    N_("Posted in the public feed."), N_("Published: {action}."), N_("Rate {rating}"),
    N_("Reject with comment"), N_("Rejected {id}: sent back to the drafter."), N_("Reply"),
    N_("Reply to it as a persona"), N_("Replying to"), N_("Respond"), N_("Resume"),
    N_("Room wall:"), N_("SMS"), N_("Save"), N_("Saved at {clock}: {task} rated {rating}."),
    N_("Saved at {clock}: {task}."), N_("Say what should change before rejecting."),
    N_("Schedule message"), N_("Send inject"),
    N_("Sent {id} for approval: the approvers read it now."), N_("Set"),
    N_("Show it on the room wall"), N_("Signals"), N_("Sound off"), N_("Sound on"),
    N_("Speed (drill seconds per real second)"), N_("Start"), N_("Subject"), N_("TO DO"),
    N_("Text"), N_("Thank you: your answers are in the report."),
    N_("The public feed. Project a post or an action to show it there."),
    N_("The score appears once the drill runs."), N_("The wall shows the feed."), N_("To"),
    N_("Trigger now"), N_("Validate"),
    N_("What should change? (sent to the drafter with the rejection)"),
    N_("What you saw (optional)"), N_("When"), N_("Who"), N_("all"), N_("approvals"),
    N_("approved"), N_("as {role}"), N_("attached: {files}"), N_("comment"), N_("countdown"),
    N_("due"), N_("edit"), N_("ended"), N_("expected"), N_("false claims in the last hour"),
    N_("from {sender}"), N_("how heated (last hour)"), N_("id"),
    N_("influencer posts in the last hour"), N_("internal"), N_("internal report"),
    N_("leaked memo"), N_("mail"), N_("mentions (last 15 minutes)"), N_("mentions / hour"),
    N_("mentions in the last hour"), N_("met"), N_("misinformation share"), N_("missed"),
    N_("negative"), N_("negative posts (last 15 minutes)"), N_("negative posts (last hour)"),
    N_("negative reach (last hour)"), N_("new posts a minute"), N_("not asked"),
    N_("not rated yet"), N_("not started yet"), N_("open"), N_("partly"), N_("paused"),
    N_("people reached in the last hour"), N_("phone"), N_("points"), N_("post"),
    N_("press (whole drill)"), N_("press / hour"), N_("press call"),
    N_("press contacts in the last hour"), N_("project"), N_("reach / hour"),
    N_("regulator letter"), N_("rejected"), N_("reply as persona"), N_("role"), N_("round {n}"),
    N_("running · {speed}× speed"), N_("share negative"), N_("status"),
    N_("stopped by an error"), N_("the end"),
    N_("the server cannot be reached (connection lost); try again"),
    N_("timeliness {timeliness} · adherence {adherence} · conduct {conduct}"),
    N_("typed in below"), N_("unvalidated"), N_("validate"), N_("velocity"),
    N_("via {channels}"), N_("waiting"), N_("what"),
    N_("{clock} violation by {member}: {reason}"), N_("{id} changed."),
    N_("{id} is on the room wall."), N_("{time} in"),
)


def script_words(lang: str) -> dict[str, str]:
    """The scripts' messages in ``lang`` (English: none, the scripts' own text is English)."""
    if lang == "en":
        return {}
    return {message: t(lang, message) for message in SCRIPT_MESSAGES}


def drill_lang(request: Request, drill_id: str) -> str:
    """The language of a drill's pages: the live drill's (``en`` when it is not running in
    this server, or its language has no catalogue)."""
    runner = server_of(request).runners.get(drill_id)
    return "en" if runner is None else page_lang(runner.live)


@cache
def templates() -> Environment:
    return Environment(loader=PackageLoader("drills.serve", "templates"),
                       autoescape=select_autoescape(default=True), auto_reload=False)


def render(name: str, lang: str = "en", **context: Any) -> HTMLResponse:
    """A page in ``lang``: the template says its words with ``w("...")``, and the script
    gets them in the page's JSON block (``words``, with ``lang``)."""
    page = context.pop("page", None)
    if page is not None and lang != "en":  # an English page's scripts say their own words
        page = dict(page, lang=lang, words=script_words(lang))
    if page is not None:
        context["page"] = page
    return HTMLResponse(templates().get_template(f"{name}.html").render(
        lang=lang, w=partial(t, lang), **context))


def _message(title: str, message: str) -> HTMLResponse:
    return render("message", title=title, message=message)


async def facilitator_page(request: Request) -> Response:
    """The first visit brings the token in the URL: it moves to a cookie, and the address
    bar (history, screen shares, the Referer) no longer carries it."""
    token = request.query_params.get("token")
    if token is None:
        # The set-up form is English; an open drill's part follows its language (the
        # words of every catalogue come with the page, picked by the drill's state).
        return render("facilitator", scripts=["common", "facilitator", "facilitator_room"],
                      page={"words_by_lang": {lang: script_words(lang) for lang in available()
                                              if lang != "en"}})
    if not token_valid(server_of(request), token):
        page = _message("Wrong facilitator link",
                        "This link does not carry this server's token. Use the one "
                        "'drill serve' printed.")
        page.status_code = 401
        return page
    moved = RedirectResponse("/", status_code=303)
    moved.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
    return moved


async def participant_page(request: Request) -> Response:
    code = request.path_params["code"]
    found = server_of(request).db.code(code)
    if found is None:
        return _message("Unknown join code",
                        "This join link is not valid. Ask the facilitator for yours.")
    drill_id, role = found
    lang = drill_lang(request, drill_id)
    runner = server_of(request).runners.get(drill_id)
    shown = role.replace("_", " ") if runner is None or lang == "en" else \
        display_name(role, lang, runner.live.world.rulebook.role_names())
    return render("participant", lang, role=shown,
                  scripts=["common", "participant", "hotwash"],
                  page={"drill": drill_id, "code": code, "role": role})


async def room_page(request: Request) -> Response:
    room = request.path_params["room"]
    row = next((r for r in server_of(request).db.drills()
                if hmac.compare_digest(r.room.encode(), room.encode())), None)
    if row is None:
        return _message("Unknown room", "This room link is not valid.")
    return render("room", drill_lang(request, row.id), scripts=["common", "room"],
                  page={"drill": row.id, "room": room})


async def report_page(request: Request) -> Response:
    server = facilitator(request)
    drill_id = request.path_params["drill_id"]
    data, _score = server.db.finished(drill_id)
    if data is None:
        raise api_error(409, "the drill has not ended: the report comes at the end")
    from drills.api import report_from_lines
    from drills.log.files import parse_log_lines
    from drills.serve.evaluation import evaluation_of, stored_config

    numbered = parse_log_lines(data.decode("utf-8").splitlines(keepends=True), drill_id)
    lang = request.query_params.get("lang")
    if lang not in (None, "en", "sv"):
        raise api_error(422, "lang must be en or sv")
    evaluation = evaluation_of(server.db, drill_id, stored_config(request, drill_id))
    rendered = report_from_lines(numbered, source=f"drill {drill_id}", lang=lang,
                                 evaluation=evaluation)
    return HTMLResponse(rendered.text, headers={"Content-Security-Policy": REPORT_POLICY})


async def qr_code(request: Request) -> Response:
    code = request.path_params["code"]
    db = server_of(request).db
    if db.code(code) is not None:
        url = f"{request.base_url}join/{code}"
    elif db.evaluator(code) is not None:
        url = f"{request.base_url}evaluate/{code}"
    else:
        raise api_error(404, "unknown join code")
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2)
    return Response(buffer.getvalue(), media_type="image/svg+xml")
