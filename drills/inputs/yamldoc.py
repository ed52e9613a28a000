"""Read YAML safely into plain values while remembering where every node stood.

PyYAML's composer gives nodes with marks; we build plain dicts, lists and scalars ourselves,
so only the core YAML types are ever constructed (a ``!!python/object`` tag is an error, not
an object), duplicate keys are caught (PyYAML silently keeps the last), and every value and
key keeps its 1-based line and column for ``path:line:col`` messages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from drills.errors import Diagnostic, InputError

Path = tuple[str | int, ...]

_ALLOWED_SCALARS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
#: No drill file has more nodes (aliases expanded); more is refused, not built.
MAX_NODES = 200_000
#: No drill file nests deeper; PyYAML's composer recurses once per level, so a deeper one
#: (``[[[[...`` 500 times) would end in a RecursionError.
MAX_DEPTH = 64
#: No drill file is bigger (the largest built-in is 11 kB); a bigger one is refused before
#: it is parsed, not after a minute and a gigabyte.
MAX_BYTES = 5_000_000
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Position:
    line: int
    col: int
    #: The scalar's quoting style (None plain, '"' or "'"), to place columns inside strings.
    style: str | None = None
    single_line: bool = True


@dataclass
class Document:
    """A loaded YAML document: its value, and positions of values and keys by path."""

    path: str
    value: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def at(self, where: Path) -> Position:
        """The nearest known position of ``where`` (walking up to a parent if needed)."""
        probe = where
        while True:
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return Position(1, 1)
            probe = probe[:-1]

    def key_at(self, where: Path) -> Position:
        return self.keys.get(where) or self.at(where)

    def diagnostic(self, where: Path, message: str, *, key: bool = False,
                   severity: str = "error", offset: int | None = None) -> Diagnostic:
        """A diagnostic at a node; ``offset`` is a column inside a one-line string scalar."""
        pos = self.key_at(where) if key else self.at(where)
        col = pos.col
        if offset is not None and pos.single_line and pos.style in (None, '"', "'"):
            col += offset + (1 if pos.style else 0)
        return Diagnostic(self.path, pos.line, col, message, severity)


def _position(node: yaml.Node) -> Position:
    mark = node.start_mark
    style = getattr(node, "style", None)
    single = node.start_mark.line == node.end_mark.line
    return Position(mark.line + 1, mark.column + 1, style if style in ('"', "'") else None, single)


class _Builder:
    def __init__(self, path: str) -> None:
        self.doc = Document(path, None)
        self.errors: list[Diagnostic] = []
        self.count = 0
        self._constructor = yaml.SafeLoader("")

    def error(self, node: yaml.Node, message: str) -> None:
        pos = _position(node)
        self.errors.append(Diagnostic(self.doc.path, pos.line, pos.col, message))

    def build(self, node: yaml.Node, where: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge()
        self.doc.values[where] = _position(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.error(node, f"YAML tag {node.tag!r} is not allowed")
            return [self.build(item, (*where, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, where)
        self.error(node, "unsupported YAML node")  # pragma: no cover - composer yields only these
        return None

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if _SURROGATE.search(node.value):
            try:  # a pair of \u escapes is one character (as in JSON); a lone half is not
                node.value = node.value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            except UnicodeDecodeError:
                code = ord(_SURROGATE.findall(node.value)[0])
                self.error(node, f"a lone surrogate (\\u{code:04x}) is not text: write the "
                           "character itself (or \\U0001F600 for one past \\uFFFF)")
                return ""
        if node.tag not in _ALLOWED_SCALARS:
            if node.tag == "tag:yaml.org,2002:timestamp":
                self.error(node, f"{node.value!r} reads as a date; quote it to make it text")
            else:
                self.error(node, f"YAML tag {node.tag!r} is not allowed (only plain data)")
            return node.value
        value = self._constructor.yaml_constructors[node.tag](self._constructor, node)
        if isinstance(value, float) and not math.isfinite(value):
            self.error(node, f"{node.value!r} is not a finite number: write a number in the "
                       "range the key allows")
            return 0.0
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1e300:
            self.error(node, f"{node.value[:20]!r}... is too large a number")
            return 0
        return value

    def mapping(self, node: yaml.MappingNode, where: Path) -> dict[str, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            self.error(node, f"YAML tag {node.tag!r} is not allowed")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.error(key_node, "YAML merge keys (<<) are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, "a mapping key must be a plain word")
                continue
            key = self.scalar(key_node)
            if not isinstance(key, str):
                key = str(key_node.value)
            if key in result:
                self.error(key_node, f"duplicate key {key!r}")
                continue
            self.doc.keys[(*where, key)] = _position(key_node)
            result[key] = self.build(value_node, (*where, key))
        return result


class _TooLarge(Exception):
    pass


def _too_large(path: str) -> InputError:
    return InputError([Diagnostic(path, 1, 1, f"document too large (over {MAX_NODES:,} "
                                  "nodes after expanding aliases)")])


def _prescan(text: str, path: str) -> None:
    """Refuse a document too big or too deep before any node is built: libyaml's event
    stream is fast and not recursive. A syntax error is left to the composer, whose words
    and positions the messages use."""
    if len(text) > MAX_BYTES:
        raise InputError([Diagnostic(path, 1, 1, f"the file is too large ({len(text):,} "
                                     f"characters; at most {MAX_BYTES:,})")])
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.NodeEvent) and not isinstance(event, yaml.AliasEvent):
                nodes += 1
                if nodes > 2 * MAX_NODES:  # a mapping's keys are nodes here, not in the count
                    raise _too_large(path)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    raise InputError([Diagnostic(
                        path, line, col, f"nested more than {MAX_DEPTH} "
                        "levels deep: no drill file is; is a bracket left open?")])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return


def parse_yaml(text: str, path: str) -> Document:
    """Parse one YAML document from ``text``; raise InputError with every problem found."""
    _prescan(text, path)
    builder = _Builder(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError([Diagnostic(path, line, col, f"YAML syntax error: {problem}")]) from exc
    except yaml.YAMLError as exc:
        raise InputError([Diagnostic(path, 1, 1, f"YAML error: {exc}")]) from exc
    except RecursionError:  # what the prescan missed (it leaves broken YAML to the composer)
        raise InputError([Diagnostic(path, 1, 1, f"nested more than {MAX_DEPTH} levels "
                                     "deep: no drill file is")]) from None
    if root is None:
        raise InputError([Diagnostic(path, 1, 1, "the file is empty")])
    try:
        builder.doc.value = builder.build(root, ())
    except _TooLarge:
        raise _too_large(path) from None
    if builder.errors:
        raise InputError(builder.errors)
    return builder.doc


def read_text(path: str) -> str:
    """Read a UTF-8 text file, turning every way it can fail into a positioned InputError."""
    import os

    if not os.path.exists(path):
        raise InputError([Diagnostic(path, 1, 1, "no such file")])
    if os.path.isdir(path):
        raise InputError([Diagnostic(path, 1, 1, "is a directory, not a file")])
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise InputError([Diagnostic(path, 1, 1, f"the file is too large ({size:,} bytes;"
                                         f" at most {MAX_BYTES:,})")])
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise InputError([Diagnostic(path, 1, 1, f"cannot read: {exc.strerror}")]) from exc
    if b"\x00" in data:
        raise InputError([Diagnostic(path, 1, 1, "binary file, expected UTF-8 YAML text")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([Diagnostic(path, line, 1, "not UTF-8 text")]) from exc
    if not text.strip():
        raise InputError([Diagnostic(path, 1, 1, "the file is empty")])
    return text
