"""A site's devices as its kiosks see them: name and queue-ticket prefix, published in the feed."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from models import Device, SiteDevice
from models.sensitive import text_problem
from sync.changes import publish

#: The public queue screen's large digits draw A–F besides 0–9; later devices get AA, AB, ….
LETTERS = "ABCDEF"


def safe_name(name: str) -> str:
    """A device name a kiosk proposed at enrolment, or "" when it is not fit to show on the
    site's other devices (control characters, a CPR-like number, too long)."""
    cleaned = " ".join(name.split())
    return "" if text_problem(cleaned, max_length=80) else cleaned


def prefix_for(index: int) -> str:
    """The queue prefix of a site's ``index``-th device (0 → A, …, 5 → F, 6 → AA)."""
    if index < len(LETTERS):
        return LETTERS[index]
    return prefix_for(index // len(LETTERS) - 1) + LETTERS[index % len(LETTERS)]


def add_site_device(session: Session, device: Device, *, now: datetime) -> SiteDevice:
    """Give a newly enrolled device the site's next prefix (never reused, even after a
    revocation, so a day's ticket labels stay unique) and publish it to the site."""
    at_site = col(SiteDevice.site_id) == device.site_id
    used = session.exec(select(func.count()).select_from(SiteDevice).where(at_site)).one()
    row = SiteDevice(
        id=device.id, site_id=device.site_id, name=device.name, queue_prefix=prefix_for(int(used))
    )
    publish(session, [row], now=now)
    return row


def site_devices(session: Session, site_id: str) -> dict[str, SiteDevice]:
    rows = session.exec(select(SiteDevice).where(col(SiteDevice.site_id) == site_id)).all()
    return {row.id: row for row in rows}
