"""Per-citizen audit log export (the citizen's right of access): dates, actions, sites.

Staff identities are included only on request (``with_staff``): a citizen is entitled to
them only when needed to exercise their rights. The export itself is audited.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import AuditEntry, Citizen, Site, Staff
from models.db import write_session
from models.timeutil import LOCAL_TZ
from sync.admin.audit import CENTRAL_DEVICE, central_audit
from sync.admin.provisional import find_citizen

ACTION_LABELS = {
    "search": "vist i et søgeresultat",
    "read": "opslag",
    "view": "opslag",
    "check_in": "tjekket ind",
    "check_out": "tjekket ud",
    "retraction": "tjek-ind fortrudt",
    "attendance": "fremmøde registreret",
    "guest_added": "tilføjet som gæst",
    "change": "ændring",
    "export": "eksport",
    "delete": "sletning",
    "import": "import fra fagsystem",
    "citizen_merge": "sammenlægning af borgerposter",
    "citizen_confirm": "borger bekræftet",
    "audit_export": "udlevering af log",
}


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One line of a citizen's log, as the citizen sees it."""

    at: datetime  # Danish local time
    action: str
    site: str
    staff: str | None  # only with ``with_staff``


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " "))


def _with_merged(session: Session, citizen_id: str) -> list[str]:
    """The citizen and every citizen merged into them, directly or through a chain."""
    ids, frontier = [citizen_id], [citizen_id]
    while frontier:
        query = select(Citizen.id).where(col(Citizen.merged_into).in_(frontier))
        frontier = [cid for cid in session.exec(query).all() if cid not in ids]
        ids += frontier
    return ids


def export_citizen_log(
    engine: Engine, citizen_key: str, *, now: datetime, with_staff: bool = False
) -> tuple[str, list[AuditLine]]:
    """The audit log about one citizen (id or case-system reference), oldest first."""
    with write_session(engine) as session:
        citizen = find_citizen(session, citizen_key)
        ids = _with_merged(session, citizen.id)
        entries = session.exec(
            select(AuditEntry)
            .where(col(AuditEntry.citizen_id).in_(ids))
            .order_by(col(AuditEntry.created_at), col(AuditEntry.hlc))
        ).all()
        sites = {s.id: s.name for s in session.exec(select(Site)).all()}
        staff = {s.id: f"{s.initials} ({s.display_name})" for s in session.exec(select(Staff))}
        lines = [
            AuditLine(
                at=e.created_at.astimezone(LOCAL_TZ),
                action=action_label(e.action),
                site=sites.get(e.site_id, e.site_id),
                staff=_staff_label(e, staff) if with_staff else None,
            )
            for e in entries
        ]
        central_audit(
            session,
            action="audit_export",
            now=now,
            citizen_id=citizen.id,
            detail=f"{len(lines)} entries; staff {'included' if with_staff else 'withheld'}",
        )
        return citizen.id, lines


def _staff_label(entry: AuditEntry, staff: dict[str, str]) -> str:
    if entry.staff_id:
        return staff.get(entry.staff_id, entry.staff_id)
    return "central administration" if entry.device_id == CENTRAL_DEVICE else ""


def _rows(lines: list[AuditLine], with_staff: bool) -> tuple[list[str], list[list[str]]]:
    header = ["Dato", "Tid", "Handling", "Sted"] + (["Medarbejder"] if with_staff else [])
    rows = [
        [ln.at.strftime("%d.%m.%Y"), ln.at.strftime("%H:%M"), ln.action, ln.site]
        + ([ln.staff or ""] if with_staff else [])
        for ln in lines
    ]
    return header, rows


def render_log_csv(lines: list[AuditLine], *, with_staff: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    header, rows = _rows(lines, with_staff)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def render_log_table(lines: list[AuditLine], *, with_staff: bool) -> str:
    header, rows = _rows(lines, with_staff)
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    if not rows:
        out.append("(ingen registreringer)")
    return "\n".join(out) + "\n"
