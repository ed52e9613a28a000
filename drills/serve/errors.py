"""What the server refuses, and how: a status and one line, sent as ``{"error": "..."}``."""

from __future__ import annotations

from starlette.exceptions import HTTPException


class ApiError(HTTPException):
    """A request the server refuses; its detail is the one line the client sees."""


def api_error(status: int, message: str) -> ApiError:
    return ApiError(status_code=status, detail=message)
