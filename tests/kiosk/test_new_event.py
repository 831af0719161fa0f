"""A mark written as column values (``NewEvent``) is the same row and the same outbox entry
as one written from its model object."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Engine

from models import AttendanceMark, AuditEntry
from models.db import write_session
from models.ids import new_id
from sync.outbox import NewEvent, record


def _written(engine: Engine, table: str, row_id: str) -> tuple[dict[str, object], str]:
    with engine.connect() as c:
        row = c.execute(text(f"SELECT * FROM {table} WHERE id = :i"), {"i": row_id}).mappings()
        outbox = c.execute(text("SELECT payload FROM outbox WHERE row_id = :i"), {"i": row_id})
        return dict(next(iter(row))), outbox.scalar_one()


def test_new_event_matches_the_model_row(demo_db: Engine, frozen_now: datetime) -> None:
    by_model, by_values = new_id(), new_id()
    audit_model, audit_values = new_id(), new_id()
    columns = {"session_id": "s1", "citizen_id": "c1", "mark": "late", "staff_id": "x"}
    audit = {"staff_id": None, "citizen_id": "c1", "action": "attendance_mark", "detail": "æ"}
    with write_session(demo_db) as session:
        record(session, [AttendanceMark(id=by_model, **columns),
                         AuditEntry(id=audit_model, **audit)], now=frozen_now)  # fmt: skip
    with write_session(demo_db) as session:
        event = NewEvent(AttendanceMark, {"id": by_values, **columns})
        record(session, [event, NewEvent(AuditEntry, {"id": audit_values, **audit})],
               now=frozen_now)  # fmt: skip
    assert event.values["hlc"] and event.values["device_id"]  # filled in
    for table, one, other in (("attendance_mark", by_model, by_values),
                              ("audit_entry", audit_model, audit_values)):  # fmt: skip
        row_a, payload_a = _written(demo_db, table, one)
        row_b, payload_b = _written(demo_db, table, other)
        differ = {"id", "hlc"}  # a new id, a later stamp
        assert {k: v for k, v in row_a.items() if k not in differ} == {
            k: v for k, v in row_b.items() if k not in differ
        }
        a, b = json.loads(payload_a), json.loads(payload_b)
        assert a.keys() == b.keys()
        assert {k: v for k, v in a.items() if k not in differ} == {
            k: v for k, v in b.items() if k not in differ
        }
