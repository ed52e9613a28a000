"""The comparison operators of the condition language: one table for every backend.

The evaluator, the event guards and the durable-rules compiler all read this table, so an
operator means the same thing everywhere. Comparing values of different kinds (a number with
a string or a boolean) is three-valued: ``==`` is false, ``!=`` is true, and an ordering is
*unknown* (None), which never fires a rule.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Comparison:
    symbol: str
    #: The Python operation on two values of the same kind.
    apply: Callable[[Any, Any], bool]
    #: The durable-rules operator (``==`` is written as a plain key: value).
    engine: str
    #: The operator of ``not (a OP b)`` on values of the same kind.
    negated: str


COMPARISONS: dict[str, Comparison] = {c.symbol: c for c in (
    Comparison("==", operator.eq, "$eq", "!="),
    Comparison("!=", operator.ne, "$neq", "=="),
    Comparison("<", operator.lt, "$lt", ">="),
    Comparison("<=", operator.le, "$lte", ">"),
    Comparison(">", operator.gt, "$gt", "<="),
    Comparison(">=", operator.ge, "$gte", "<"),
)}


def same_kind(a: Any, b: Any) -> bool:
    """Both booleans, both strings, or both numbers (a bool is not a number here)."""
    return isinstance(a, bool) == isinstance(b, bool) and isinstance(a, str) == isinstance(b, str)


def compare(op: str, left: Any, right: Any) -> bool | None:
    """``left OP right``: True, False, or None (unknown) when an ordering meets two kinds.

    >>> compare("<", 3, 5), compare("==", "x", 1), compare("!=", True, 1), compare(">", "a", 1)
    (True, False, True, None)
    """
    if not same_kind(left, right):
        return None if op not in ("==", "!=") else op == "!="
    return bool(COMPARISONS[op].apply(left, right))
