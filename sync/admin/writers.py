"""Upserting validated import lines: citizens in bulk, staff with roles, the rest row by row.

Only rows that actually change are written and published, so re-importing a file is a no-op
(no row touched, no feed entry). Every write goes through ``sync.changes.publish`` (or its
bulk companion) in the import's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, SQLModel, col, select

from models import Citizen, Staff, StaffSiteRole
from models.ids import new_id
from sync.admin.bulk_sql import driver_value, insert_many, new_ids
from sync.admin.csvfile import ImportRefused, LineError
from sync.admin.importer import LineChange, Planned
from sync.admin.kinds import CLEAR, KindSpec
from sync.changes import DELETE, UPSERT, publish
from sync.changes_bulk import append_bulk, publish_bulk, scope_sites

_CHUNK = 900
_SCAN_ABOVE = 5_000  # lines; a larger citizens file reads all references in one query
Writer = Callable[[Session, KindSpec, list[Planned], datetime], list[LineChange]]


def _by_key(session: Session, model: Any, key: str, keys: Sequence[str]) -> dict[str, Any]:
    column = getattr(model, key)
    found: dict[str, Any] = {}
    for start in range(0, len(keys), _CHUNK):
        query = select(model).where(col(column).in_(keys[start : start + _CHUNK]))
        for row in session.exec(query).all():
            found[getattr(row, key)] = row
    return found


def _check_card_tokens(session: Session, planned: list[Planned]) -> None:
    """A card token may belong to one citizen only (in the file and in the database)."""
    owners = dict(
        session.exec(
            select(Citizen.card_token, Citizen.reference).where(
                col(Citizen.card_token).is_not(None)
            )
        ).all()
    )
    in_file: dict[str, int] = {}
    errors: list[LineError] = []
    for item in planned:
        token = item.values["card_token"]
        if token is None or token == CLEAR:
            continue
        if token in in_file:
            errors.append(LineError(item.line, f"card_token is also on line {in_file[token]}"))
        elif owners.get(token, item.key) != item.key:
            errors.append(LineError(item.line, "card_token belongs to another citizen"))
        in_file[token] = item.line
    if errors:
        raise ImportRefused(errors)


def _citizen_values(values: dict[str, Any], old_token: str | None) -> dict[str, Any]:
    token = values["card_token"]
    # An empty card_token keeps the card on file; "-" withdraws it.
    token = old_token if token is None else (None if token == CLEAR else token)
    return {**values, "card_token": token}


def write_citizens(
    session: Session, _spec: KindSpec, planned: list[Planned], now: datetime
) -> list[LineChange]:
    """Bulk upsert of citizens; the feed is told about changed citizens at their sites."""
    _check_card_tokens(session, planned)
    fields = ("display_name", "birth_year", "card_token")
    existing: dict[str, tuple[Any, ...]] = {}
    keys = [p.key for p in planned]
    table = Citizen.__table__  # type: ignore[attr-defined]
    columns = [table.c[n] for n in ("reference", "id", *fields)]
    if len(keys) > _SCAN_ABOVE:  # one scan beats hundreds of IN (…) look-ups
        wanted = set(keys)
        for ref, *rest in session.connection().execute(sa_select(*columns)):
            if ref in wanted:
                existing[str(ref)] = tuple(rest)
    for start in range(0, len(keys) if len(keys) <= _SCAN_ABOVE else 0, _CHUNK):
        query = sa_select(*columns).where(table.c.reference.in_(keys[start : start + _CHUNK]))
        for ref, *rest in session.connection().execute(query):
            existing[str(ref)] = tuple(rest)
    # Sorted: ids minted in the same millisecond differ only in their random bits, and rows
    # inserted in id order append to the primary-key index instead of splitting its pages.
    fresh_ids = iter(sorted(new_ids(sum(1 for p in planned if p.key not in existing))))
    stamp = driver_value(session.connection(), table, "updated_at", now)
    inserts: list[tuple[Any, ...]] = []
    updates: list[dict[str, Any]] = []
    changes: list[LineChange] = []
    for item in planned:
        old = existing.get(item.key)
        if old is None:
            token = item.values["card_token"]
            inserts.append(
                (
                    next(fresh_ids),
                    item.key,
                    False,
                    stamp,
                    item.values["display_name"],
                    item.values["birth_year"],
                    None if token == CLEAR else token,
                )
            )
            changes.append(LineChange(item.line, item.key, "new"))
            continue
        values = _citizen_values(item.values, old[3])
        diff = tuple(f for f, v in zip(fields, old[1:], strict=True) if values[f] != v)
        if diff:
            updates.append({"id": old[0], "updated_at": now, **values})
            changes.append(LineChange(item.line, item.key, "changed", diff))
    names = ("id", "reference", "provisional", "updated_at", *fields)
    insert_many(session.connection(), table, names, inserts)
    if updates:
        # Clear changed tokens first so a token moving between rows never clashes mid-way.
        session.connection().execute(
            update(Citizen).where(col(Citizen.id) == _bind("id")).values(card_token=None),
            [{"b_id": u["id"]} for u in updates],
        )
        session.connection().execute(
            update(Citizen)
            .where(col(Citizen.id) == _bind("id"))
            .values({f: _bind(f) for f in (*fields, "updated_at")}),
            [{f"b_{k}": v for k, v in u.items()} for u in updates],
        )
    # New citizens are in no site's scope yet: only changed ones reach kiosks now.
    sites = scope_sites(session, [u["id"] for u in updates])
    entries = [
        (site, "citizen", u["id"], UPSERT)
        for u in updates
        for site in sorted(sites.get(u["id"], ()))
    ]
    append_bulk(session, entries, now=now)
    return changes


def _bind(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(f"b_{name}")


def write_staff(
    session: Session, _spec: KindSpec, planned: list[Planned], now: datetime
) -> list[LineChange]:
    """Staff with their roles per site; PINs are stored only as argon2 hashes."""
    hasher = PasswordHasher()
    existing = _by_key(session, Staff, "initials", [p.key for p in planned])
    missing_pin = [
        LineError(p.line, "pin is missing for a new staff member")
        for p in planned
        if p.key not in existing and p.values["pin"] is None
    ]
    if missing_pin:
        raise ImportRefused(missing_pin)
    changes: list[LineChange] = []
    for item in planned:
        values, staff = item.values, existing.get(item.key)
        if staff is None:
            staff = Staff(
                id=new_id(),
                initials=item.key,
                display_name=values["display_name"],
                pin_hash=hasher.hash(values["pin"]),
                active=values["active"],
            )
            session.add(staff)
            session.flush()
            old_roles: dict[tuple[str, str], StaffSiteRole] = {}
            diff: tuple[str, ...] = ("new",)
        else:
            old_roles = {
                (r.site_id, r.role): r
                for r in session.exec(
                    select(StaffSiteRole).where(StaffSiteRole.staff_id == staff.id)
                ).all()
            }
            diff = _staff_diff(hasher, staff, values, set(old_roles))
            if not diff:
                continue
        _apply_staff(session, hasher, staff, values, old_roles, now=now)
        if diff == ("new",):
            changes.append(LineChange(item.line, item.key, "new"))
        else:
            changes.append(LineChange(item.line, item.key, "changed", diff))
    return changes


def _staff_diff(
    hasher: PasswordHasher, staff: Staff, values: dict[str, Any], roles: set[tuple[str, str]]
) -> tuple[str, ...]:
    diff = [f for f in ("display_name", "active") if getattr(staff, f) != values[f]]
    if roles != values["roles"]:
        diff.append("roles")
    if values["pin"] is not None:
        try:
            hasher.verify(staff.pin_hash, values["pin"])
        except (VerificationError, InvalidHashError):
            diff.append("pin")
    return tuple(diff)


def _apply_staff(
    session: Session,
    hasher: PasswordHasher,
    staff: Staff,
    values: dict[str, Any],
    old_roles: dict[tuple[str, str], StaffSiteRole],
    *,
    now: datetime,
) -> None:
    for key in sorted(set(old_roles) - values["roles"]):
        session.delete(old_roles[key])
        session.flush()
        publish(session, [old_roles[key]], now=now, op=DELETE)
    # A site where they hold no role any more drops the staff row (and its PIN hash).
    left = {s for s, _r in old_roles} - {s for s, _r in values["roles"]}
    if left:
        publish(session, [staff], now=now, op=DELETE, sites=left)
    added = [
        StaffSiteRole(staff_id=staff.id, site_id=s, role=r)
        for s, r in sorted(values["roles"] - set(old_roles))
    ]
    session.add_all(added)
    staff.display_name, staff.active = values["display_name"], values["active"]
    if values["pin"] is not None:
        try:
            hasher.verify(staff.pin_hash, values["pin"])
        except (VerificationError, InvalidHashError):
            staff.pin_hash = hasher.hash(values["pin"])
    session.flush()
    publish(session, [staff], now=now)  # the staff row reaches each site before its roles
    publish(session, added, now=now)


def write_reference(
    session: Session, spec: KindSpec, planned: list[Planned], now: datetime
) -> list[LineChange]:
    """Groups, sessions, enrolments, courses, appointments: upsert by reference, in bulk."""
    existing = _by_key(session, spec.model, "reference", [p.key for p in planned])
    changes: list[LineChange] = []
    touched: list[SQLModel] = []
    moved: list[tuple[SQLModel, str]] = []
    for item in planned:
        row: SQLModel | None = existing.get(item.key)
        if row is None:
            touched.append(spec.model(id=new_id(), reference=item.key, **item.values))
            changes.append(LineChange(item.line, item.key, "new"))
            continue
        diff = tuple(f for f, v in item.values.items() if getattr(row, f) != v)
        if not diff:
            continue
        old_site = str(getattr(row, "site_id", ""))
        for name in diff:
            setattr(row, name, item.values[name])
        if old_site != getattr(row, "site_id", ""):
            moved.append((row, old_site))  # the old site gets a tombstone
        touched.append(row)
        changes.append(LineChange(item.line, item.key, "changed", diff))
    publish_bulk(session, touched, now=now, moved=moved)
    return changes


WRITERS: dict[str, Writer] = {
    "citizens": write_citizens,
    "staff": write_staff,
    "groups": write_reference,
    "sessions": write_reference,
    "enrolments": write_reference,
    "courses": write_reference,
    "appointments": write_reference,
}
