"""Parse condition strings with a real grammar (lark, LALR) into our AST.

Nothing is evaluated: string literals are unescaped by hand, numbers by ``float``/``int``.

    signal.negative_share >= 0.35 and signal.mentions_1h >= 40
    event.kind in ["press_inquiry", "regulator_inquiry"] or not exists event.parent
    event.text contains "recall" and drill.severity >= "crisis" and drill.elapsed < 2h
"""

from __future__ import annotations

from functools import cache

import lark

from drills.errors import ConditionSyntaxError
from drills.rulebook import ast

GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND not_expr)*
?not_expr: NOT not_expr -> negation
         | atom
?atom: "(" or_expr ")"
     | FIELD OP value         -> compare
     | FIELD _IN list         -> member
     | FIELD NOT _IN list     -> not_member
     | FIELD CONTAINS STRING   -> contains
     | FIELD MATCHES STRING    -> matches
     | EXISTS FIELD           -> exists
     | FIELD                  -> truthy
list: "[" [value ("," value)*] "]"
?value: NUMBER | STRING | TRUE | FALSE

_OR.2: /or\b/
_AND.2: /and\b/
NOT.2: /not\b/
_IN.2: /in\b/
CONTAINS.2: /contains\b/
MATCHES.2: /matches\b/
EXISTS.2: /exists\b/
TRUE.2: /true\b/
FALSE.2: /false\b/
FIELD: /[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+/
OP: "==" | "!=" | "<=" | ">=" | "<" | ">"
NUMBER: /-?\d+(\.\d+)?([smhd]\b)?/
STRING: /"(\\.|[^"\\\n])*"/ | /'(\\.|[^'\\\n])*'/
%ignore /[ \t\r\n]+/
"""

_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t"}
_TOKEN_WORDS = {
    "FIELD": "a field like signal.mentions_1h",
    "OP": "a comparison (== != < <= > >=)",
    "NUMBER": "a number or duration",
    "STRING": "a quoted string",
    "TRUE": "true",
    "FALSE": "false",
    "_AND": "'and'",
    "_OR": "'or'",
    "NOT": "'not'",
    "_IN": "'in'",
    "CONTAINS": "'contains'",
    "MATCHES": "'matches'",
    "EXISTS": "'exists'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "$END": "the end",
}


@cache
def _parser() -> lark.Lark:
    return lark.Lark(GRAMMAR, parser="lalr", lexer="contextual", maybe_placeholders=False)


def unescape(token: str) -> str:
    """The value of a quoted string token, with \\\\ \\" \\' \\n \\t escapes and no others."""
    body = token[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1]
            if nxt not in _ESCAPES:
                raise ConditionSyntaxError(f"unknown escape \\{nxt} in string", i)
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _literal(token: lark.Token) -> ast.Literal:
    offset = token.start_pos or 0
    text = str(token)
    if token.type == "STRING":
        try:
            value = unescape(text)
        except ConditionSyntaxError as exc:
            raise ConditionSyntaxError(exc.message, offset + 1 + exc.offset) from None
        return ast.Literal(value, offset, "string", text)
    if token.type in ("TRUE", "FALSE"):
        return ast.Literal(token.type == "TRUE", offset, "bool", text)
    if text[-1] in "smhd":  # a duration
        from drills.inputs.durations import parse_duration

        return ast.Literal(parse_duration(text.lstrip("-")) * (-1 if text[0] == "-" else 1),
                           offset, "duration", text)
    number: float | int = float(text) if "." in text else int(text)
    return ast.Literal(number, offset, "number", text)


def _field(token: lark.Token) -> ast.Field:
    return ast.Field(str(token), token.start_pos or 0)


def _build(tree: lark.Tree[lark.Token] | lark.Token) -> ast.Node:
    if isinstance(tree, lark.Token):  # a bare FIELD reduces to a token only via 'truthy'
        return ast.Truthy(_field(tree), tree.start_pos or 0)
    kind = tree.data
    kids = tree.children
    if kind == "or_expr":
        items = tuple(_build(k) for k in kids)
        return ast.Or(items, _offset(items[0]))
    if kind == "and_expr":
        items = tuple(_build(k) for k in kids)
        return ast.And(items, _offset(items[0]))
    if kind == "negation":
        token = kids[0]
        assert isinstance(token, lark.Token)
        return ast.Not(_build(kids[1]), token.start_pos or 0)
    if kind == "compare":
        field_tok, op_tok, value_tok = kids
        assert isinstance(field_tok, lark.Token) and isinstance(value_tok, lark.Token)
        return ast.Compare(str(op_tok), _field(field_tok), _literal(value_tok), _pos(field_tok))
    if kind in ("member", "not_member"):
        field_tok = kids[0]
        list_tree = kids[-1]
        assert isinstance(field_tok, lark.Token) and isinstance(list_tree, lark.Tree)
        values = tuple(_literal(v) for v in list_tree.children if isinstance(v, lark.Token))
        node: ast.Node = ast.In(_field(field_tok), values, _pos(field_tok))
        return ast.Not(node, _pos(field_tok)) if kind == "not_member" else node
    if kind in ("contains", "matches"):
        field_tok, _op, pattern = kids
        assert isinstance(field_tok, lark.Token) and isinstance(pattern, lark.Token)
        return ast.TextMatch(kind, _field(field_tok), _literal(pattern), _pos(field_tok))
    if kind == "exists":
        field_tok = kids[1]
        assert isinstance(field_tok, lark.Token)
        return ast.Exists(_field(field_tok), _pos(kids[0]))
    if kind == "truthy":
        field_tok = kids[0]
        assert isinstance(field_tok, lark.Token)
        return ast.Truthy(_field(field_tok), _pos(field_tok))
    raise AssertionError(f"unhandled grammar rule {kind}")  # pragma: no cover


def _pos(token: lark.Tree[lark.Token] | lark.Token) -> int:
    return (token.start_pos or 0) if isinstance(token, lark.Token) else 0


def _offset(node: ast.Node) -> int:
    return node.offset


def parse_condition(text: str) -> ast.Node:
    """Parse a condition; raise ConditionSyntaxError with the 0-based column at fault."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionSyntaxError("empty condition", 0)
    try:
        tree = _parser().parse(text)
    except lark.UnexpectedCharacters as exc:
        at = exc.pos_in_stream or 0
        char = text[at] if at < len(text) else ""
        hint = ""
        if char in "=!&|":
            hint = " (use ==, !=, and, or)"
        elif char.isupper() or char == "_" or char.isalpha():
            hint = " (a field needs its namespace, like event.kind or signal.mentions_1h)"
        raise ConditionSyntaxError(f"unexpected character {char!r}{hint}", at) from None
    except lark.UnexpectedToken as exc:
        token = exc.token
        at_end = token.type == "$END" or token.start_pos is None
        pos = len(text.rstrip()) if at_end else token.start_pos
        found = "the end of the condition" if token.type == "$END" else repr(str(token))
        expected = sorted({_TOKEN_WORDS.get(t, t) for t in exc.expected})
        raise ConditionSyntaxError(
            f"unexpected {found}; expected {', '.join(expected[:6])}", pos
        ) from None
    except lark.UnexpectedEOF as exc:  # pragma: no cover - LALR reports UnexpectedToken
        raise ConditionSyntaxError("condition ends too early", len(text)) from exc
    except ConditionSyntaxError:
        raise
    try:
        return _build(tree)
    except ValueError as exc:  # a malformed duration slipping past the token regex
        raise ConditionSyntaxError(str(exc), 0) from None
