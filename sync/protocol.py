"""Wire DTOs of the sync protocol (pydantic), shared by the central server and the client."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: Most mutations one push may carry; the client sends at most this many.
MAX_PUSH_MUTATIONS = 500
#: Largest request body the server reads (bytes); bigger requests get 413.
MAX_REQUEST_BYTES = 4 * 1024 * 1024
#: Changes per pull page.
PULL_PAGE_SIZE = 1000
#: Rows per snapshot page.
SNAPSHOT_PAGE_SIZE = 2000
#: Largest device sequence number: central stores it as a 32-bit integer (PostgreSQL int4).
MAX_SEQ = 2**31 - 1
#: A push lineage: a UUID made by the kiosk.
LINEAGE_PATTERN = r"^([0-9a-f-]{36})?$"
#: Ids per verify request.
VERIFY_CHUNK = 2000
#: Event tables a snapshot carries besides the reference tables: a site's events from all its
#: devices (``sync.server.rules.FED_TO_SITE`` decides them and must agree with this list).
SITE_EVENT_TABLES = (
    "check_in",
    "attendance_mark",
    "queue_ticket",
    "queue_ticket_event",
    "session_state_change",
    "fit_rating",
)
#: Header carrying the server's wall clock (unix ms) on every response.
SERVER_TIME_HEADER = "X-Mestring-Server-Time"
#: Header the kiosk sends on every sync request: how many rows wait in its outbox (a
#: non-negative 32-bit decimal); central shows it on the sync-health page.
OUTBOX_HEADER = "X-Mestring-Outbox"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mutation(Strict):
    """One outbox entry: the device sequence number, its kind and the row as written."""

    seq: int = Field(ge=1, le=MAX_SEQ)
    kind: str = Field(min_length=1, max_length=40)
    row: dict[str, Any]


class PushBatch(Strict):
    """Consecutive outbox entries starting at ``first_seq``."""

    first_seq: int = Field(ge=1, le=MAX_SEQ)
    mutations: list[Mutation] = Field(min_length=1, max_length=MAX_PUSH_MUTATIONS)
    #: The kiosk's push lineage; a new one after a re-base, which then names its parent.
    lineage: str = Field(default="", max_length=36, pattern=LINEAGE_PATTERN)
    rebase_of: str = Field(default="", max_length=36, pattern=LINEAGE_PATTERN)

    @model_validator(mode="after")
    def _consecutive(self) -> PushBatch:
        for offset, mutation in enumerate(self.mutations):
            if mutation.seq != self.first_seq + offset:
                raise ValueError("mutation seqs must be consecutive from first_seq")
        return self


class RejectionInfo(Strict):
    seq: int
    kind: str
    row_id: str
    reason: str


class AdjustedRow(Strict):
    """An own event central stored with other clock values than the device sent (a clock
    far ahead is clamped to central's): the device takes them, as the feed does not send a
    device its own events back."""

    kind: str
    row_id: str
    hlc: str
    created_at: str


class PushResult(Strict):
    """Everything up to ``acked_through`` is durably applied or rejected."""

    acked_through: int
    rejections: list[RejectionInfo] = Field(default_factory=list)
    adjusted: list[AdjustedRow] = Field(default_factory=list)
    server_hlc: str = ""


class GapDetail(Strict):
    """Body of a 409: the device must push from ``expected_seq``.

    ``rewound``: central has acknowledged sequence numbers the device now uses for rows it
    has never seen (a kiosk restored from an image): re-base onto ``lineage`` from
    ``expected_seq``. ``cloned``: two machines push with one credential; nothing is taken.
    """

    error: Literal["gap", "rewound", "cloned"] = "gap"
    expected_seq: int
    message: str
    lineage: str = ""


class VerifyRequest(Strict):
    """Ids of the caller's own events, per table, that the kiosk holds as pushed."""

    tables: dict[str, list[str]] = Field(max_length=20)


class VerifyResult(Strict):
    """The ids of the request central does not hold (per table)."""

    missing: dict[str, list[str]]


class VerifiedReport(Strict):
    """``POST /v1/sync/verified``: the kiosk's integrity check matched central's summary
    at this epoch and cursor (central records the time as the device's last good check)."""

    epoch: str = Field(max_length=36)
    cursor: int = Field(ge=0, le=MAX_SEQ)


class VerifiedAck(Strict):
    recorded: bool


class Change(Strict):
    """One feed entry with the current row (``None`` for delete and evict)."""

    seq: int
    table: str
    op: Literal["upsert", "delete", "evict"]
    row_id: str
    row: dict[str, Any] | None = None


class PullPage(Strict):
    changes: list[Change]
    cursor: int
    epoch: str
    more: bool
    server_hlc: str = ""


class SnapshotPage(Strict):
    """Current rows of one table for the caller's site, keyset-paged by primary key."""

    table: str
    rows: list[dict[str, Any]]
    cursor: int  # feed position the snapshot is at least as new as
    epoch: str
    next_after: str | None = None  # pass as ``after`` for the next page; None = done


class EnrolRequest(Strict):
    code: str = Field(min_length=4, max_length=40)
    name: str = Field(default="", max_length=80)


class EnrolResponse(Strict):
    device_id: str
    site_id: str
    token: str
    epoch: str


class TableSummary(Strict):
    count: int
    hash: str


class IntegritySummary(Strict):
    """Per-table count + hash of the rows a site holds, and the feed position it is at."""

    cursor: int
    epoch: str
    tables: dict[str, TableSummary]


class ErrorBody(Strict):
    error: str
    message: str
