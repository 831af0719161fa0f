"""Error answers of the central server: typed, short, and never an echo of the request."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
)

from models.sensitive import cpr_like, unsafe_char
from sync.protocol import GapDetail
from sync.server import auth, feed
from sync.server.push import GapError
from sync.server.throttle import Throttled

log = logging.getLogger("mestring.server")

#: Database errors caused by the values sent: retrying cannot help, so never a 503.
PERMANENT_DB_ERRORS: tuple[type[DBAPIError], ...] = (
    DataError,
    IntegrityError,
    ProgrammingError,
    NotSupportedError,
)
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
MAX_PROBLEMS = 10


def log_event(event: str, **fields: Any) -> None:
    """One structured (JSON) log line; never carries personal data."""
    log.info(json.dumps({"event": event, **fields}, default=str))


def note_refusal(request: Request, reason: str) -> None:
    """Remember why the request was refused (short, non-personal) for the device's health."""
    request.state.refusal = reason


def error_response(status: int, error: str, message: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = {"error": error, "message": message, **extra}
    return JSONResponse(status_code=status, content=body, headers=headers)


def _safe_loc(error: dict[str, Any]) -> str:
    """Where the problem is, from field names and list positions only: a key the client
    made up (an extra field) may be anything, so it is not repeated."""
    loc = list(error.get("loc") or ())
    if error.get("type") == "extra_forbidden" and loc:
        loc[-1] = "(unknown field)"
    parts = []
    for item in loc:
        if isinstance(item, int) and not isinstance(item, bool) and 0 <= item < 10_000:
            parts.append(str(item))
        elif isinstance(item, str) and (_FIELD.fullmatch(item) or item == "(unknown field)"):
            parts.append(item)
        else:
            parts.append("?")
    return ".".join(parts)


def _safe_msg(error: dict[str, Any]) -> str:
    """Pydantic's message when it cannot hold the input, else just the error type."""
    msg = str(error.get("msg") or "")[:160]
    kind = str(error.get("type") or "invalid")[:40]
    if not msg or cpr_like(msg) or unsafe_char(msg) is not None:
        return kind
    return msg


def validation_problems(exc: RequestValidationError) -> list[dict[str, str]]:
    """The first problems of a refused request, without the values that were sent."""
    return [
        {"loc": _safe_loc(e), "type": str(e.get("type") or "invalid")[:40], "msg": _safe_msg(e)}
        for e in exc.errors()[:MAX_PROBLEMS]
    ]


def install_error_handlers(app: FastAPI) -> None:
    """Map every refusal the server makes to its status, and note it for device health."""

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = validation_problems(exc)
        where = problems[0]["loc"] if problems else "request"
        if request.url.path.endswith("/enrol"):
            log_event("enrol_refused", address=client_address(request), reason="invalid request")
        note_refusal(request, f"422 invalid request ({where}) on {request.url.path}")
        message = "the request does not follow the protocol: " + "; ".join(
            f"{p['loc']}: {p['msg']}" for p in problems[:3]
        )
        return error_response(422, "invalid", message, problems=problems)

    async def unauthorised(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, auth.RevokedError):
            note_refusal(request, "403 revoked")
            return error_response(403, "revoked", str(exc))
        return error_response(401, "unauthorised", str(exc))

    async def gap(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, GapError)
        note_refusal(request, f"409 {exc.error}: central expects seq {exc.expected_seq}")
        body = GapDetail(
            error=exc.error, expected_seq=exc.expected_seq, message=str(exc), lineage=exc.lineage
        ).model_dump()
        if exc.error != "gap":
            log_event("push_refused", reason=exc.error, expected=exc.expected_seq)
        return JSONResponse(status_code=409, content=body)

    async def resync(_r: Request, exc: Exception) -> JSONResponse:
        return error_response(410, "resync", str(exc))

    async def enrolment(request: Request, exc: Exception) -> JSONResponse:
        log_event("enrol_refused", address=client_address(request), reason="bad code")
        return error_response(403, "enrolment", str(exc))

    async def throttled(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Throttled)
        log_event("enrol_throttled", address=client_address(request), scope=exc.scope)
        response = error_response(429, "throttled", str(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    async def permanent(request: Request, exc: Exception) -> JSONResponse:
        # The driver's message may quote the values; only the class name is logged.
        log_event("bad_value", error=type(exc).__name__, path=request.url.path)
        note_refusal(request, f"422 a value cannot be stored ({type(exc).__name__})")
        message = "a value in the request cannot be stored; it is refused (do not retry as is)"
        return error_response(422, "bad_value", message)

    async def transient(_r: Request, exc: Exception) -> JSONResponse:
        log_event("transient_error", error=type(exc).__name__)
        response = error_response(503, "unavailable", "the database is busy; retry shortly")
        response.headers["Retry-After"] = "1"
        return response

    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(auth.AuthError, unauthorised)
    app.add_exception_handler(GapError, gap)
    app.add_exception_handler(feed.ResyncRequired, resync)
    app.add_exception_handler(auth.EnrolmentError, enrolment)
    app.add_exception_handler(Throttled, throttled)
    for permanent_error in PERMANENT_DB_ERRORS:
        app.add_exception_handler(permanent_error, permanent)
    app.add_exception_handler(OperationalError, transient)
    # SQLite's write lock still busy after the busy timeout, raised by the driver itself
    # (``models.db`` sends BEGIN IMMEDIATE straight to it): transient like the rest.
    app.add_exception_handler(sqlite3.OperationalError, transient)
    app.add_exception_handler(DBAPIError, transient)


def client_address(request: Request) -> str:
    """The caller's address as the server sees it (the proxy's, behind a proxy)."""
    return request.client.host if request.client else "unknown"
