"""The import templates: columns and per-line validation for each kind of reference data."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import SQLModel

from models import Appointment, Citizen, Course, Enrolment, Group, GroupSession, Staff
from models.people import Role
from sync.admin.csvfile import (
    FieldError,
    local_instant,
    parse_bool,
    parse_date,
    parse_int,
    parse_optional_date,
    parse_time,
    require,
)
from sync.admin.lookups import Lookups, citizen, group, offer, site, staff_id

_CARD = re.compile(r"^[0-9A-Z]{4,64}$")
_INITIALS = re.compile(r"^[A-ZÆØÅ0-9]{1,8}$")
#: 6+ digits: a 4-digit space is searched offline in minutes (docs/security.md).
MIN_PIN_DIGITS, MAX_PIN_DIGITS = 6, 12
_PIN = re.compile(rf"^\d{{{MIN_PIN_DIGITS},{MAX_PIN_DIGITS}}}$")
CLEAR = "-"  # in an optional column: remove the stored value


def _span(starts: Any, ends: Any, what: str) -> None:
    if ends is not None and ends < starts:
        raise FieldError(f"{what} ends before it starts")


def parse_citizen(_lookups: Lookups, row: dict[str, str]) -> dict[str, Any]:
    card = row["card_token"].upper()
    if card and card != CLEAR and not _CARD.match(card):
        raise FieldError("card_token must be 4–64 digits or letters A–Z")
    return {
        "display_name": require(row["display_name"], name="display_name", max_length=120),
        "birth_year": parse_int(row["birth_year"], name="birth_year", low=1900, high=2100)
        if row["birth_year"]
        else None,
        "card_token": card or None,
    }


def parse_staff(lookups: Lookups, row: dict[str, str]) -> dict[str, Any]:
    roles: set[tuple[str, str]] = set()
    for item in filter(None, (r.strip() for r in row["roles"].split(","))):
        site_name, _, role = item.partition(":")
        if role.strip() not in {r.value for r in Role}:
            allowed = ", ".join(r.value for r in Role)
            raise FieldError(f"role '{item}' is not site:role (roles: {allowed})")
        roles.add((site(lookups, site_name), role.strip()))
    if not roles:
        raise FieldError("roles is missing (e.g. hornslet:front_desk)")
    if row["pin"] and not _PIN.match(row["pin"]):
        digits = f"{MIN_PIN_DIGITS}–{MAX_PIN_DIGITS}"
        raise FieldError(f"pin must be {digits} digits (a shorter PIN is guessed too easily)")
    return {
        "display_name": require(row["display_name"], name="display_name", max_length=120),
        "roles": frozenset(roles),
        "pin": row["pin"] or None,
        "active": True if not row["active"] else parse_bool(row["active"]),
    }


def parse_group(lookups: Lookups, row: dict[str, str]) -> dict[str, Any]:
    starts_on = parse_date(row["starts_on"])
    ends_on = parse_optional_date(row["ends_on"])
    _span(starts_on, ends_on, "the group")
    return {
        "site_id": site(lookups, row["site"]),
        "offer_id": offer(lookups, row["offer"]),
        "title": require(row["title"], name="title", max_length=120),
        "code": require(row["code"], name="code", max_length=16),
        "sensitive": parse_bool(row["sensitive"]),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "leader_staff_id": staff_id(lookups, row["leader_initials"]),
    }


def parse_session(lookups: Lookups, row: dict[str, str]) -> dict[str, Any]:
    group_id, site_id = group(lookups, row["group_reference"])
    day = parse_date(row["date"])
    starts_at = local_instant(day, parse_time(row["starts"]))
    ends_at = local_instant(day, parse_time(row["ends"]))
    if ends_at <= starts_at:
        raise FieldError("the session ends before it starts")
    location = row["location"]
    if len(location) > 80:
        raise FieldError("location is longer than 80 characters")
    return {
        "group_id": group_id,
        "site_id": site_id,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "location": location,
    }


def parse_enrolment(lookups: Lookups, row: dict[str, str]) -> dict[str, Any]:
    group_id, site_id = group(lookups, row["group_reference"])
    starts_on = parse_date(row["starts_on"])
    ends_on = parse_optional_date(row["ends_on"])
    _span(starts_on, ends_on, "the enrolment")
    return {
        "group_id": group_id,
        "citizen_id": citizen(lookups, row["citizen_reference"]),
        "site_id": site_id,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }


def parse_course(lookups: Lookups, row: dict[str, str]) -> dict[str, Any]:
    starts_on = parse_date(row["starts_on"])
    ends_on = parse_optional_date(row["ends_on"])
    _span(starts_on, ends_on, "the course")
    weeks = row["planned_weeks"]
    return {
        "citizen_id": citizen(lookups, row["citizen_reference"]),
        "site_id": site(lookups, row["site"]),
        "offer_id": offer(lookups, row["offer"]),
        "starts_on": starts_on,
        "planned_weeks": parse_int(weeks, name="planned_weeks", low=1, high=104) if weeks else 12,
        "ends_on": ends_on,
        "counsellor_staff_id": staff_id(lookups, row["counsellor_initials"]),
    }


def parse_appointment(lookups: Lookups, row: dict[str, str]) -> dict[str, Any]:
    day = parse_date(row["date"])
    starts_at = local_instant(day, parse_time(row["starts"]))
    ends_at = local_instant(day, parse_time(row["ends"]))
    if ends_at <= starts_at:
        raise FieldError("the appointment ends before it starts")
    citizen_id = citizen(lookups, row["citizen_reference"])
    course_id = None
    if row["course_reference"]:
        course = lookups.courses.get(row["course_reference"])
        if course is None:
            raise FieldError(f"course '{row['course_reference']}' is not known")
        if course[1] != citizen_id:
            raise FieldError(f"course '{row['course_reference']}' belongs to another citizen")
        course_id = course[0]
    return {
        "citizen_id": citizen_id,
        "site_id": site(lookups, row["site"]),
        "offer_id": offer(lookups, row["offer"]),
        "staff_id": staff_id(lookups, row["staff_initials"]),
        "course_id": course_id,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "cancelled": parse_bool(row["cancelled"]),
    }


@dataclass(frozen=True)
class KindSpec:
    """One importable kind: its model, template columns and line parser."""

    name: str
    model: type[SQLModel]
    columns: tuple[str, ...]
    parse: Callable[[Lookups, dict[str, str]], dict[str, Any]]
    key: str = "reference"


def _reference_key(value: str) -> str:
    return require(value, name="reference", max_length=40)


def _initials_key(value: str) -> str:
    initials = value.strip().upper()
    if not _INITIALS.match(initials):
        raise FieldError("initials must be 1–8 letters or digits")
    return initials


KEY_PARSERS: dict[str, Callable[[str], str]] = {
    "reference": _reference_key,
    "initials": _initials_key,
}

KINDS: dict[str, KindSpec] = {
    spec.name: spec
    for spec in (
        KindSpec(
            "citizens",
            Citizen,
            ("reference", "display_name", "birth_year", "card_token"),
            parse_citizen,
        ),
        KindSpec(
            "staff",
            Staff,
            ("initials", "display_name", "roles", "pin", "active"),
            parse_staff,
            key="initials",
        ),
        KindSpec(
            "groups",
            Group,
            (
                "reference",
                "site",
                "offer",
                "title",
                "code",
                "sensitive",
                "starts_on",
                "ends_on",
                "leader_initials",
            ),
            parse_group,
        ),
        KindSpec(
            "sessions",
            GroupSession,
            ("reference", "group_reference", "date", "starts", "ends", "location"),
            parse_session,
        ),
        KindSpec(
            "enrolments",
            Enrolment,
            ("reference", "group_reference", "citizen_reference", "starts_on", "ends_on"),
            parse_enrolment,
        ),
        KindSpec(
            "courses",
            Course,
            (
                "reference",
                "citizen_reference",
                "site",
                "offer",
                "starts_on",
                "planned_weeks",
                "ends_on",
                "counsellor_initials",
            ),
            parse_course,
        ),
        KindSpec(
            "appointments",
            Appointment,
            (
                "reference",
                "citizen_reference",
                "site",
                "offer",
                "date",
                "starts",
                "ends",
                "staff_initials",
                "course_reference",
                "cancelled",
            ),
            parse_appointment,
        ),
    )
}
