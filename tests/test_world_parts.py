"""The world's parts and its public operations (issue 17), and acting on any post of a busy
drill (issue 22)."""

from __future__ import annotations

import ast
import dataclasses
import io
import tracemalloc
from pathlib import Path

from drills.api import people_config
from drills.drive.live import LiveDrill
from drills.log.records import TextSink
from drills.sim.people import PersonAction
from drills.sim.posts import Posts

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "drills"
#: Private names every Python object has by protocol (namedtuple's API, for one).
_PROTOCOL = frozenset({"_replace", "_asdict", "_fields", "_make"})


def _defined_here(tree: ast.Module) -> set[str]:
    """Underscore names a module defines itself: its functions, classes, attributes."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _private_reaches(path: Path, root: Path = ROOT, own: set[str] | None = None) -> list[str]:
    """``obj._name`` where ``obj`` is not ``self``/``cls`` and ``_name`` is not in ``own``
    (by default what the module defines itself): a reach into another's privates
    (``world._act``, ``crisis._fired``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _defined_here(tree) if own is None else own
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        name = node.attr
        if not name.startswith("_") or name.startswith("__") or name in _PROTOCOL:
            continue
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            continue
        if name in own:
            continue
        found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_reaches_into_another_packages_private_attributes() -> None:
    """A module may use the privates of its own package (``feed/generator`` of
    ``feed/crowd``), never another package's: a front end never reaches into the world."""
    found = []
    for package in sorted({p.parent for p in PACKAGE.rglob("*.py")}):
        modules = sorted(package.glob("*.py"))
        own = set().union(*(_defined_here(ast.parse(m.read_text(encoding="utf-8")))
                            for m in modules))
        found += [line for m in modules for line in _private_reaches(m, own=own)]
    assert found == [], "\n".join(found)


def test_people_and_the_facilitator_use_only_the_worlds_public_operations() -> None:
    found = [line for name in ("people.py", "facilitator.py")
             for line in _private_reaches(PACKAGE / "sim" / name)]
    assert found == [], "\n".join(found)


def test_the_check_catches_a_reach_into_the_world(tmp_path: Path) -> None:
    module = tmp_path / "front.py"
    module.write_text("def f(live):\n    return live.world._channels, live.world.crisis._fired\n")
    assert [line.split(": ", 1)[1] for line in _private_reaches(module, tmp_path)] == [
        "live.world._channels", "live.world.crisis._fired"]


# -- acting on any post of a busy drill -----------------------------------------------------------


def _busy_drill() -> tuple[LiveDrill, io.StringIO]:
    config = people_config(scenario="overheating-kettle", rulebook="default", team="standard",
                           seed=3, start="fri 17:30", humans={"community_manager": "Bo"},
                           hours=6, log_feed="none")
    config = dataclasses.replace(config, rate_scale=30.0)
    out = io.StringIO()
    live = LiveDrill(config, TextSink(out))
    live.begin()
    return live, out


def test_a_person_acts_on_the_first_post_after_thousands_more() -> None:
    live, _out = _busy_drill()
    live.advance(300)
    posts = live.world.posts
    assert posts is not None and len(posts) > 7000  # e1 is far outside the recent window
    acted = live.perform("Bo", PersonAction("delete_comment", event="e1"))
    record = acted.record
    assert record is not None and record["event"] == "e1" and record["human"] is True
    assert record["channels"] == [posts.get("e1")["platform"]]  # type: ignore[index]
    reply = live.perform("Bo", PersonAction("reply", event="e2", text="Sorry to hear it."))
    assert reply.record is not None and reply.record["id"] != record["id"]
    live.finish()


def test_an_older_post_keeps_what_acting_on_it_reads_and_little_else() -> None:
    posts = Posts(("id", "t", "platform", "author", "violates_policy"), recent=10)
    author = {"handle": "ann", "followers": 10}
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(1, 20_001):
        posts.add({"id": f"e{n}", "t": n / 10, "platform": "x", "author": author,
                   "text": f"post number {n} " + "x" * 400, "sentiment": -0.5,
                   "violates_policy": n == 1})
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown / 20_000 < 400, f"{grown / 20_000:.0f} bytes a post"  # a whole post is ~1 KB
    assert posts.get("e1") == {"id": "e1", "t": 0.1, "platform": "x", "author": author,
                               "violates_policy": True}
    assert posts.get("e20000") is not None and "text" in posts.get("e20000")  # type: ignore[operator]
    assert posts.get("e20001") is None
