"""FastAPI app factory for the central server; no engine or state at module level."""

import os
import secrets
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.responses import Response
from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware

from models.config import Settings
from models.db import make_engine, read_session
from models.timeutil import Clock, utcnow
from sync.console.app import create_console
from sync.hlc import HybridClock, Stamp
from sync.protocol import (
    OUTBOX_HEADER,
    PULL_PAGE_SIZE,
    SERVER_TIME_HEADER,
    SNAPSHOT_PAGE_SIZE,
    EnrolRequest,
    EnrolResponse,
    IntegritySummary,
    PullPage,
    PushBatch,
    PushResult,
    SnapshotPage,
    VerifiedAck,
    VerifiedReport,
    VerifyRequest,
    VerifyResult,
)
from sync.rows import wire_json
from sync.server import auth, feed
from sync.server import verify as verify_rows
from sync.server.activity import (
    REFUSALS,
    BadOutboxHeader,
    DeviceActivity,
    VerifiedRefused,
    check_verified,
    parse_waiting,
    request_kind,
)
from sync.server.errors import (
    client_address,
    error_response,
    install_error_handlers,
    log_event,
    note_refusal,
)
from sync.server.limits import BodySizeLimit
from sync.server.push import apply_push
from sync.server.site_events import FED_TABLES
from sync.server.strict_json import INT32_MAX, StrictJSONRoute
from sync.server.throttle import EnrolThrottle

#: Environment variable carrying ``mestring central serve``'s settings to worker processes.
SETTINGS_ENV = "MESTRING_CENTRAL_SETTINGS"


class SharedClock(HybridClock):
    """The server's clock, shared by request threads.

    Each process has its own, with its own node (``central_node``): two worker processes in
    the same millisecond then still issue different stamps. No decision depends on one
    process having seen every stamp: a decision over a stored row first observes that row's
    stamp, read under the row's lock (``decisions.set_session_state_centrally``).
    """

    def __init__(self, node: str, **kwargs: Any) -> None:
        super().__init__(node, **kwargs)
        self._lock = threading.Lock()

    def now(self) -> Stamp:
        with self._lock:
            return super().now()

    def observe(self, remote: Stamp) -> Stamp:
        with self._lock:
            return super().observe(remote)


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    now: Clock = utcnow,
    enrol_throttle: EnrolThrottle | None = None,
    activity: DeviceActivity | None = None,
) -> FastAPI:
    """The central server's app; ``engine`` defaults to ``settings.central_db_url()``.

    ``enrol_throttle`` and ``activity`` (device health bookkeeping) are injectable so tests
    can drive their clocks.
    """
    owned = engine is None
    db = engine if engine is not None else make_engine(settings.central_db_url())
    clock = SharedClock(
        central_node(),
        wall=lambda: int(now().timestamp() * 1000),
        max_drift_ms=settings.max_clock_skew_seconds * 1000,
    )

    throttle = enrol_throttle or EnrolThrottle.shared_by(settings.api_processes)
    device_health = activity or DeviceActivity(db)
    feed.ensure_epoch(db)
    max_skew_s = settings.max_clock_skew_seconds

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            db.dispose()

    app = FastAPI(title="Mestring central", version="1", lifespan=lifespan)
    app.router.route_class = StrictJSONRoute  # before any route: every body parsed strictly
    app.add_middleware(GZipMiddleware, minimum_size=4096, compresslevel=3)
    app.add_middleware(BodySizeLimit)
    install_error_handlers(app)

    @app.middleware("http")
    async def stamp_time(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
        started = time.perf_counter()
        response = await call_next(request)
        response.headers[SERVER_TIME_HEADER] = str(int(now().timestamp() * 1000))
        who = await account(request, response.status_code)
        log_event(
            "request",
            method=request.method,
            path=request.url.path,
            status=response.status_code,
            device=who.device_id if who else None,
            site=who.site_id if who else None,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return response

    def identify(request: Request, authorization: str | None) -> auth.DeviceIdentity:
        """The calling device, also kept on ``request.state`` for its log line and health."""
        try:
            with read_session(db) as session:
                identity = auth.authenticate(session, authorization)
        except auth.RevokedError as revoked:
            request.state.device = revoked.identity
            raise
        request.state.device = identity
        return identity

    async def account(request: Request, status: int) -> auth.DeviceIdentity | None:
        """Who made the request, and that device's health (a thread only when it writes)."""
        if status in REFUSALS and not hasattr(request.state, "device"):
            await run_in_threadpool(late_identity, request, status)
        who: auth.DeviceIdentity | None = getattr(request.state, "device", None)
        if who is None or (status >= 300 and status not in REFUSALS):
            return who  # e.g. 410 resync is the protocol working; 5xx is not the device's doing
        kind = request_kind(request.method, request.url.path)
        refusal = _refusal(request, status)
        values = device_health.due(
            who.device_id,
            kind=kind,
            refusal=refusal,
            at=now(),
            waiting=reported_waiting(request, who),
            verified=getattr(request.state, "verified", False),
        )
        if values is not None:
            await run_in_threadpool(device_health.write, who.device_id, kind, values)
        return who

    def reported_waiting(request: Request, who: auth.DeviceIdentity) -> int | None:
        """The outbox size the kiosk reported; a malformed header is logged and ignored
        (never refused, nor repeated: a garbled health report must not stop a sync)."""
        try:
            return parse_waiting(request.headers.getlist(OUTBOX_HEADER))
        except BadOutboxHeader as bad:
            log_event("bad_outbox_header", device=who.device_id, reason=str(bad))
            return None

    def late_identity(request: Request, status: int) -> None:
        """A body refused before its credential was checked (e.g. NaN) is still attributed
        to the device that sent it."""
        header = request.headers.get("authorization")
        if status in REFUSALS and header and not hasattr(request.state, "device"):
            with suppress(auth.AuthError):  # unknown: nobody to name; revoked: still noted
                identify(request, header)

    def device(
        request: Request,
        authorization: Annotated[str | None, Header()] = None,
    ) -> auth.DeviceIdentity:
        return identify(request, authorization)

    Device = Annotated[auth.DeviceIdentity, Depends(device)]

    def enrol_allowed(request: Request) -> None:
        throttle.check(client_address(request))

    @app.get("/health")
    def health() -> dict[str, str]:
        with db.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    @app.post("/v1/enrol", response_model=EnrolResponse, dependencies=[Depends(enrol_allowed)])
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
        cursor: Annotated[int, Query(ge=0, le=INT32_MAX)] = 0,
        epoch: Annotated[str, Query(max_length=36)] = "",
        limit: Annotated[int, Query(ge=1, le=5000)] = PULL_PAGE_SIZE,
        acked: Annotated[int, Query(ge=-1, le=INT32_MAX)] = -1,
    ) -> Response:
        page = feed.pull_page(db, who, cursor=cursor, epoch=epoch, limit=limit, acked=acked)
        page["server_hlc"] = clock.now().pack()
        # Serialised once from plain data: pages are large and made from our own rows.
        body = wire_json(page)
        return Response(body, media_type="application/json")

    @app.get("/v1/sync/snapshot", response_model=None, responses={200: {"model": SnapshotPage}})
    def snapshot(
        request: Request,
        who: Device,
        table: Annotated[str, Query(max_length=40)],
        after: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = SNAPSHOT_PAGE_SIZE,
    ) -> Any:
        if table not in FED_TABLES:
            note_refusal(request, "422 unknown snapshot table")
            return error_response(422, "unknown_table", "no such table")
        try:
            page = feed.snapshot_page(
                db, who, table_name=table, after=after, limit=limit, now=now()
            )
        except ValueError:
            note_refusal(request, "422 bad snapshot position")
            return error_response(422, "bad_after", "the snapshot position is not valid")
        return Response(page.model_dump_json(), media_type="application/json")

    @app.post("/v1/sync/verify", response_model=VerifyResult)
    def verify(body: VerifyRequest, who: Device) -> Any:
        try:
            return verify_rows.missing_own_rows(db, who, body)
        except verify_rows.VerifyRefused as err:
            return error_response(422, "bad_verify", str(err))

    @app.post("/v1/sync/verified", response_model=VerifiedAck)
    def verified(request: Request, body: VerifiedReport, who: Device) -> Any:
        """The kiosk's integrity check matched; its health row records when (one UPDATE,
        made with the request's other health fields)."""
        try:
            check_verified(db, who, body)
        except VerifiedRefused as err:
            note_refusal(request, f"422 {err}")
            return error_response(422, "bad_verified", str(err))
        request.state.verified = True
        log_event("verified", device=who.device_id, cursor=body.cursor)
        return VerifiedAck(recorded=True)

    @app.get("/v1/sync/integrity", response_model=IntegritySummary)
    def integrity(who: Device) -> IntegritySummary:
        return feed.integrity_summary(db, who)

    app.mount("/admin", create_console(settings, db, now=now))
    return app


def _refusal(request: Request, status: int) -> str:
    """Why a known device's request was refused, short and non-personal ('' if it was not)."""
    if status not in REFUSALS:
        return ""
    return getattr(request.state, "refusal", "") or f"{status} on {request.url.path}"


def central_node() -> str:
    """This process's HLC node: ``central-`` and 8 random hex digits (unique among the
    processes serving one database, on one machine or several)."""
    return f"central-{secrets.token_hex(4)}"


def create_app_from_env() -> FastAPI:
    """For ``uvicorn --factory sync.server.app:create_app_from_env``: the settings
    ``mestring central serve`` passed in ``MESTRING_CENTRAL_SETTINGS`` (JSON), else the
    ``MESTRING_*`` environment; run ``mestring central init`` first to migrate."""
    passed = os.environ.get(SETTINGS_ENV)
    return create_app(Settings.model_validate_json(passed) if passed else Settings())
