"""Request bodies parsed strictly: no NaN/Infinity, no integer beyond 32 bits, no lone
surrogate. Such values cannot be stored (or answered as JSON), so they are refused at the
edge as an ordinary 422 instead of failing deep inside a transaction."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

#: Every integer column is a 32-bit INTEGER (PostgreSQL's ``integer``); nothing larger fits.
INT32_MAX = 2**31 - 1
_MAX_DIGITS = len(str(INT32_MAX))
#: A surrogate can only arrive escaped (\udxxx) or as raw CESU bytes; look closer only then.
_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


class UnsafeJSON(ValueError):
    """A JSON value the server refuses to take in."""


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_DIGITS or abs(value := int(text)) > INT32_MAX:
        raise UnsafeJSON(f"an integer beyond ±{INT32_MAX}")
    return value


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnsafeJSON("a number too large to be finite")
    return value


def _parse_constant(_name: str) -> Any:
    raise UnsafeJSON("NaN or Infinity, which is not JSON")


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


#: What a refused number becomes inside a pushed row: text no rule accepts (it holds NUL),
#: so that row alone is rejected and the rest of the batch, and the kiosk's queue, go on.
UNSAFE_NUMBER = "\x00refused number"


def _lenient_int(text: str) -> Any:
    try:
        return _parse_int(text)
    except UnsafeJSON:
        return UNSAFE_NUMBER


def _lenient_float(text: str) -> Any:
    value = float(text)
    return value if math.isfinite(value) else UNSAFE_NUMBER


def strict_loads(body: bytes, *, per_row: bool = False) -> Any:
    """``json.loads`` refusing what no column (and no JSON answer) can hold.

    Raises ``json.JSONDecodeError`` (the message names the problem, never the value), which
    FastAPI turns into a 422. With ``per_row`` (the push route) a refused number becomes
    ``UNSAFE_NUMBER`` and a lone surrogate stays in its string, for the push rules to
    reject the one row that holds it.
    """
    try:
        value = json.loads(
            body,
            parse_int=_lenient_int if per_row else _parse_int,
            parse_float=_lenient_float if per_row else _parse_float,
            parse_constant=(lambda _name: UNSAFE_NUMBER) if per_row else _parse_constant,
        )
        if not per_row and _MAYBE_SURROGATE.search(body) and _has_lone_surrogate(value):
            raise UnsafeJSON("a lone surrogate, which is not text")
    except UnsafeJSON as err:
        raise json.JSONDecodeError(f"refused value: {err}", "", 0) from None
    except json.JSONDecodeError as err:
        raise json.JSONDecodeError(err.msg, "", err.pos) from None
    except (RecursionError, UnicodeDecodeError) as err:
        raise json.JSONDecodeError(f"unreadable body ({type(err).__name__})", "", 0) from None
    return value


class StrictRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            per_row = self.url.path == PER_ROW_PATH
            self._json = strict_loads(await self.body(), per_row=per_row)
        return self._json


#: The route whose rows are judged one by one (a bad row is a rejection, not a 422).
PER_ROW_PATH = "/v1/sync/push"


class StrictJSONRoute(APIRoute):
    """An ``APIRoute`` whose JSON bodies go through ``strict_loads``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictRequest(request.scope, request.receive))

        return strict_handler
