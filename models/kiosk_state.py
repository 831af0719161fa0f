"""Kiosk-only sync and login state: outbox, cursor, persisted clock, lock-outs."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class Outbox(SQLModel, table=True):
    """One local write waiting to be pushed; written in the same transaction as the row.

    ``seq`` is the device sequence number: gap-free, ascending, never reused.
    """

    __tablename__ = "outbox"
    seq: int = Field(primary_key=True)
    kind: str = Field(max_length=40)  # table name of the row, or a request kind
    row_id: str = Field(index=True, max_length=36)
    payload: str  # JSON of the row as pushed
    created_at: datetime
    attempts: int = 0


class SyncState(SQLModel, table=True):
    """The kiosk's single sync-state row (id = 1)."""

    __tablename__ = "sync_state"
    id: int = Field(default=1, primary_key=True)
    device_id: str = Field(default="", max_length=36)
    site_id: str = Field(default="", max_length=32)
    server_url: str = Field(default="", max_length=200)
    next_seq: int = 1  # the next device sequence number to hand out
    cursor: int = 0  # last applied change-feed sequence of this site
    epoch: str = Field(default="", max_length=36)  # central's epoch the cursor belongs to
    hlc: str = Field(default="", max_length=80)  # last issued/observed clock stamp
    last_sync_ok_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str = Field(default="", max_length=400)
    #: Push lineage (see central's ``Device.lineage``): made new when the kiosk re-bases its
    #: outbox after central found it rewound; ``rebase_of`` is sent until central adopts it.
    lineage: str = Field(default="", max_length=36)
    rebase_of: str = Field(default="", max_length=36)
    #: JSON {table: rowid}: own events up to these rowids were confirmed present at central.
    own_verified: str = Field(default="", max_length=2000)


class LocalRejection(SQLModel, table=True):
    """A pushed item that central refused permanently, kept for the sync status screen."""

    __tablename__ = "local_rejection"
    id: int | None = Field(default=None, primary_key=True)
    seq: int
    kind: str = Field(max_length=40)
    row_id: str = Field(max_length=36)
    reason: str = Field(max_length=400)
    rejected_at: datetime


class LoginLockout(SQLModel, table=True):
    """Failed-PIN count per initials; survives a restart so a reboot does not reset it."""

    __tablename__ = "login_lockout"
    initials: str = Field(primary_key=True, max_length=8)
    failures: int = 0
    locked_until: datetime | None = None
