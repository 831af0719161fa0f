"""Central-only sync state: devices, enrolment codes, the per-site change feed, scopes."""

from datetime import datetime

from sqlmodel import Field, SQLModel

import models.catalogue  # noqa: F401  (site: the table its foreign keys name)


class Device(SQLModel, table=True):
    """An enrolled kiosk. Its site comes from here, never from a request body."""

    __tablename__ = "device"
    id: str = Field(primary_key=True, max_length=36)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=32)
    name: str = Field(default="", max_length=80)
    token_hash: str = Field(max_length=200)  # only a hash of the credential is kept
    token_lookup: str = Field(index=True, max_length=64)  # sha256 prefix to find the row
    created_at: datetime
    revoked_at: datetime | None = None
    last_seq: int = 0  # highest device sequence number applied
    last_seen_at: datetime | None = None  # last authenticated request of any kind
    last_push_at: datetime | None = None
    last_pull_at: datetime | None = None
    last_error: str = Field(default="", max_length=200)  # last refusal (never personal data)
    #: The push lineage the device's outbox numbering belongs to; a kiosk restored from an
    #: image re-bases onto a new lineage, and a superseded one seen again means a clone.
    lineage: str = Field(default="", max_length=36)
    superseded_lineages: str = Field(default="", max_length=2000)  # comma-separated
    cloned_at: datetime | None = None  # two machines pushed with this credential
    #: Rows waiting in the kiosk's outbox, as it last reported (``None``: never reported).
    outbox_waiting: int | None = None
    #: When the kiosk last reported that its integrity check matched central's summary.
    last_verified_at: datetime | None = None


class EnrolmentCode(SQLModel, table=True):
    """A one-time code (valid 24 h, usable once) a kiosk trades for its credential."""

    __tablename__ = "enrolment_code"
    code_hash: str = Field(primary_key=True, max_length=64)
    site_id: str = Field(foreign_key="site.id", max_length=32)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    device_id: str | None = Field(default=None, max_length=36)
    name: str = Field(default="", max_length=80)  # the device's name, given with the code


class FeedCounter(SQLModel, table=True):
    """Single-row counter; taking its row lock serialises feed appends so that commit
    order equals cursor order (a plain sequence does not guarantee that on PostgreSQL)."""

    __tablename__ = "feed_counter"
    id: int = Field(default=1, primary_key=True)
    value: int = 0


class ChangeFeed(SQLModel, table=True):
    """One change a site's kiosks must pull: upsert, delete (tombstone) or evict."""

    __tablename__ = "change_feed"
    seq: int = Field(primary_key=True)
    site_id: str = Field(index=True, max_length=32)
    table_name: str = Field(max_length=40)
    row_id: str = Field(max_length=80)
    op: str = Field(max_length=8)  # upsert | delete | evict
    changed_at: datetime


class Rejection(SQLModel, table=True):
    """A pushed mutation central refused permanently; the device's sequence still advances."""

    __tablename__ = "rejection"
    id: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(index=True, max_length=36)
    site_id: str = Field(max_length=32)
    seq: int
    kind: str = Field(max_length=40)
    row_id: str = Field(max_length=36)
    payload: str
    reason: str = Field(max_length=400)
    rejected_at: datetime = Field(index=True)  # rejections follow the audit retention


class SiteScope(SQLModel, table=True):
    """A citizen is in a site's scope while they have an enrolment, course or appointment
    there, or visited recently. ``until`` bounds a visit-based membership."""

    __tablename__ = "site_scope"
    site_id: str = Field(foreign_key="site.id", primary_key=True, max_length=32)
    citizen_id: str = Field(primary_key=True, max_length=36)
    since: datetime
    until: datetime | None = None


class ServerMeta(SQLModel, table=True):
    """Key/value facts about this central database, e.g. its ``epoch``."""

    __tablename__ = "server_meta"
    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)
