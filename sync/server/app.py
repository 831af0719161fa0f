"""FastAPI app factory for the central server; no engine or state at module level."""

import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.middleware.gzip import GZipMiddleware

from models.config import Settings
from models.db import make_engine, read_session
from models.timeutil import Clock, utcnow
from sync.hlc import HybridClock, Stamp
from sync.protocol import (
    PULL_PAGE_SIZE,
    SERVER_TIME_HEADER,
    SNAPSHOT_PAGE_SIZE,
    EnrolRequest,
    EnrolResponse,
    GapDetail,
    IntegritySummary,
    PullPage,
    PushBatch,
    PushResult,
    SnapshotPage,
    VerifyRequest,
    VerifyResult,
)
from sync.server import auth, feed
from sync.server import verify as verify_rows
from sync.server.limits import BodySizeLimit
from sync.server.push import GapError, apply_push
from sync.server.site_events import FED_TABLES

log = logging.getLogger("mestring.server")


class SharedClock(HybridClock):
    """The server's clock, shared by request threads."""

    def __init__(self, node: str, **kwargs: Any) -> None:
        super().__init__(node, **kwargs)
        self._lock = threading.Lock()

    def now(self) -> Stamp:
        with self._lock:
            return super().now()

    def observe(self, remote: Stamp) -> Stamp:
        with self._lock:
            return super().observe(remote)


def log_event(event: str, **fields: Any) -> None:
    """One structured (JSON) log line; never carries personal data."""
    log.info(json.dumps({"event": event, **fields}, default=str))


def _error(status: int, error: str, message: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = {"error": error, "message": message, **extra}
    return JSONResponse(status_code=status, content=body, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    async def unauthorised(_r: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, auth.RevokedError):
            return _error(403, "revoked", str(exc))
        return _error(401, "unauthorised", str(exc))

    async def gap(_r: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, GapError)
        body = GapDetail(
            error=exc.error, expected_seq=exc.expected_seq, message=str(exc), lineage=exc.lineage
        ).model_dump()
        if exc.error != "gap":
            log_event("push_refused", reason=exc.error, expected=exc.expected_seq)
        return JSONResponse(status_code=409, content=body)

    async def resync(_r: Request, exc: Exception) -> JSONResponse:
        return _error(410, "resync", str(exc))

    async def enrolment(_r: Request, exc: Exception) -> JSONResponse:
        return _error(403, "enrolment", str(exc))

    async def transient(_r: Request, exc: Exception) -> JSONResponse:
        log_event("transient_error", error=type(exc).__name__)
        response = _error(503, "unavailable", "the database is busy; retry shortly")
        response.headers["Retry-After"] = "1"
        return response

    app.add_exception_handler(auth.AuthError, unauthorised)
    app.add_exception_handler(GapError, gap)
    app.add_exception_handler(feed.ResyncRequired, resync)
    app.add_exception_handler(auth.EnrolmentError, enrolment)
    app.add_exception_handler(OperationalError, transient)
    app.add_exception_handler(DBAPIError, transient)


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    now: Clock = utcnow,
) -> FastAPI:
    """The central server's app; ``engine`` defaults to ``settings.central_db_url()``."""
    owned = engine is None
    db = engine if engine is not None else make_engine(settings.central_db_url())
    clock = SharedClock(
        "central",
        wall=lambda: int(now().timestamp() * 1000),
        max_drift_ms=settings.max_clock_skew_seconds * 1000,
    )

    feed.ensure_epoch(db)
    max_skew_s = settings.max_clock_skew_seconds

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            db.dispose()

    app = FastAPI(title="Mestring central", version="1", lifespan=lifespan)
    app.add_middleware(GZipMiddleware, minimum_size=4096, compresslevel=3)
    app.add_middleware(BodySizeLimit)
    _install_error_handlers(app)

    @app.middleware("http")
    async def stamp_time(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
        started = time.perf_counter()
        response = await call_next(request)
        response.headers[SERVER_TIME_HEADER] = str(int(now().timestamp() * 1000))
        log_event(
            "request",
            method=request.method,
            path=request.url.path,
            status=response.status_code,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return response

    def device(
        authorization: Annotated[str | None, Header()] = None,
    ) -> auth.DeviceIdentity:
        with read_session(db) as session:
            return auth.authenticate(session, authorization)

    Device = Annotated[auth.DeviceIdentity, Depends(device)]

    @app.get("/health")
    def health() -> dict[str, str]:
        with db.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    @app.post("/v1/enrol", response_model=EnrolResponse)
    def enrol(body: EnrolRequest) -> EnrolResponse:
        new_device, token = auth.enrol_device(db, code=body.code, name=body.name, now=now())
        log_event("enrolled", device=new_device.id, site=new_device.site_id)
        epoch = feed.ensure_epoch(db)
        return EnrolResponse(
            device_id=new_device.id, site_id=new_device.site_id, token=token, epoch=epoch
        )

    @app.post("/v1/sync/push", response_model=PushResult)
    def push(body: PushBatch, who: Device) -> PushResult:
        result = apply_push(
            db, who, body, now=now(), clock=clock, max_skew=timedelta(seconds=max_skew_s)
        )
        log_event(
            "push",
            device=who.device_id,
            first=body.first_seq,
            count=len(body.mutations),
            acked=result.acked_through,
            rejected=len(result.rejections),
        )
        return result

    @app.get("/v1/sync/pull", response_model=None, responses={200: {"model": PullPage}})
    def pull(
        who: Device,
        cursor: Annotated[int, Query(ge=0)] = 0,
        epoch: Annotated[str, Query(max_length=36)] = "",
        limit: Annotated[int, Query(ge=1, le=5000)] = PULL_PAGE_SIZE,
    ) -> Response:
        page = feed.pull_page(db, who, cursor=cursor, epoch=epoch, limit=limit)
        page["server_hlc"] = clock.now().pack()
        # Serialised once from plain data: pages are large and made from our own rows.
        body = json.dumps(page, ensure_ascii=False, separators=(",", ":"))
        return Response(body, media_type="application/json")

    @app.get("/v1/sync/snapshot", response_model=None, responses={200: {"model": SnapshotPage}})
    def snapshot(
        who: Device,
        table: Annotated[str, Query(max_length=40)],
        after: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = SNAPSHOT_PAGE_SIZE,
    ) -> Any:
        if table not in FED_TABLES:
            return _error(422, "unknown_table", f"no such table {table!r}")
        try:
            page = feed.snapshot_page(
                db, who, table_name=table, after=after, limit=limit, now=now()
            )
        except ValueError as err:
            return _error(422, "bad_after", str(err))
        return Response(page.model_dump_json(), media_type="application/json")

    @app.post("/v1/sync/verify", response_model=VerifyResult)
    def verify(body: VerifyRequest, who: Device) -> Any:
        try:
            return verify_rows.missing_own_rows(db, who, body)
        except verify_rows.VerifyRefused as err:
            return _error(422, "bad_verify", str(err))

    @app.get("/v1/sync/integrity", response_model=IntegritySummary)
    def integrity(who: Device) -> IntegritySummary:
        return feed.integrity_summary(db, who)

    return app


def create_app_from_env() -> FastAPI:
    """For ``uvicorn --factory sync.server.app:create_app_from_env`` (settings from the
    ``MESTRING_*`` environment); run ``mestring central init`` first to migrate."""
    return create_app(Settings())
