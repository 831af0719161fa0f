"""What a device of site S may push: a rule for each field of every kind (docs/authorisation.md).

Every string, number and date a kiosk sends is classified here — an id, a code from the
catalogue, a reference to a row that must belong to S or S's scope, or free text with its
length — and checked in one place before anything touches the database. A kind or a field
without a rule cannot be pushed: ``check_rules_cover_models`` fails at import.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import TypeAdapter, ValidationError

from models import EVENT_TABLES, Citizen
from models.events import CheckInAction, CheckInMethod, Mark, QueueAction, SessionRequest
from models.feedback import FitSwitch, FitTarget
from models.sensitive import text_problem, unsafe_char
from sync.hlc import Stamp
from sync.protocol import SITE_EVENT_TABLES
from sync.rows import table_name

#: A row older than this is refused (no kiosk is offline that long; audit retention is 183 d).
MAX_AGE = timedelta(days=400)
#: Day fields (contact_date, queue_date) may lie at most this far from the server's today.
DAY_SLACK = timedelta(days=1)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SLUG = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
#: Answers to a questionnaire: ``question:number`` pairs (checked against it in references).
_PAIR = r"[a-z0-9][a-z0-9_.-]{0,39}:\d{1,2}"
ANSWERS = re.compile(rf"{_PAIR}(,{_PAIR}){{0,5}}")  # fullmatch: no trailing newline
#: Age bands of anonymous contacts (the catalogue's code list).
AGE_BANDS: frozenset[str] = frozenset({"u18", "18-29", "30-49", "50-66", "67+"})
_DATETIME = TypeAdapter(datetime)
_DATE = TypeAdapter(date)


class Rejected(Exception):
    """A mutation central refuses permanently; the message never repeats a refused value."""


@dataclass(frozen=True)
class Check:
    """How one field is checked. ``what`` names the class of value (see the docs table)."""

    what: str
    optional: bool = False
    max_length: int = 0
    allowed: frozenset[str] = frozenset()
    low: int = 0
    high: int = 0


def uuid(*, optional: bool = False) -> Check:
    return Check("uuid", optional)


def ref(what: str, *, optional: bool = False) -> Check:
    """A reference resolved against central's rows (``sync.server.references``)."""
    return Check(what, optional)


def enum(values: type[StrEnum]) -> Check:
    return Check("enum", allowed=frozenset(v.value for v in values))


def text(max_length: int, *, optional: bool = False) -> Check:
    return Check("text", optional, max_length=max_length)


COMMON: dict[str, Check] = {
    "id": uuid(),
    "site_id": Check("own_site"),
    "device_id": Check("own_device"),
    "hlc": Check("hlc"),
    "created_at": Check("time"),
    "received_at": Check("server", optional=True),
}
STAFF = ref("site_staff", optional=True)
#: kind → field → check. Adding a kind or a field means deciding its rule here.
RULES: dict[str, dict[str, Check]] = {
    "check_in": {
        "action": enum(CheckInAction),
        "citizen_id": ref("citizen_in_scope"),
        "offer_id": ref("offer"),
        "session_id": ref("site_session", optional=True),
        "appointment_id": ref("site_appointment", optional=True),
        "ref_id": ref("site_check_in", optional=True),
        "method": enum(CheckInMethod),
        "staff_id": STAFF,
    },
    "anonymous_contact": {
        "offer_id": ref("anonymous_offer"),
        "topics": ref("topics"),
        "age_band": Check("age_band", optional=True),
        "contact_date": Check("day"),
    },
    "attendance_mark": {
        "session_id": ref("site_session"),
        "citizen_id": ref("citizen_in_scope"),
        "mark": enum(Mark),
        "staff_id": STAFF,
    },
    "queue_ticket": {
        "queue_date": Check("day"),
        "number": Check("int", low=1, high=9999),
        "offer_id": ref("offer"),
        "name": text(80, optional=True),
        "staff_id": STAFF,
    },
    "queue_ticket_event": {
        "ticket_id": ref("site_ticket"),
        "action": enum(QueueAction),
        "staff_id": STAFF,
    },
    "session_state_change": {
        "session_id": ref("site_session"),
        "state": enum(SessionRequest),
        "reason": text(200),
        "staff_id": STAFF,
    },
    "questionnaire_answer": {  # anonymous: no citizen, no staff (docs/questionnaires.md)
        "questionnaire_id": ref("anonymous_questionnaire"),
        "offer_id": ref("offer"),
        "answer_date": Check("day"),
        "answers": Check("answers"),
    },
    "fit_rating": {  # identified health data of a course or a group session
        "questionnaire_id": ref("fit_questionnaire"),
        "citizen_id": ref("citizen_in_scope"),
        "course_id": ref("site_course", optional=True),
        "session_id": ref("site_session", optional=True),
        "answers": Check("answers"),
        "staff_id": STAFF,
    },
    "fit_plan_change": {  # a request: central applies it to S's course's or group's plan
        "target": enum(FitTarget),
        "target_id": ref("site_fit_target"),
        "state": enum(FitSwitch),
        "staff_id": ref("site_staff"),
    },
    "audit_entry": {
        "staff_id": STAFF,
        "citizen_id": ref("citizen_in_scope", optional=True),
        "action": Check("slug"),
        "detail": text(400),
    },
}
#: kind → whether an accepted row is fed to the site's other devices (the change feed).
#: Adding a kind means deciding this too. Anonymous contacts and audit entries stay with
#: central: no kiosk needs another desk's, and each copy would be one more place to leak.
FED_TO_SITE: dict[str, bool] = {
    "check_in": True,
    "anonymous_contact": False,
    "attendance_mark": True,
    "queue_ticket": True,
    "queue_ticket_event": True,
    "session_state_change": True,
    # Anonymous answers stay central like anonymous contacts; a course's ratings reach the
    # site's other desks, so its counsellor sees the whole trend wherever they log in.
    "questionnaire_answer": False,
    "fit_rating": True,
    # The plan itself reaches the site's kiosks as reference data (``fit_plan``).
    "fit_plan_change": False,
    "audit_entry": False,
}
#: Kinds central keeps without a time finer than the hour: ``created_at``, the HLC and its own
#: ``received_at`` are cut to the hour, whatever the device sent (anonymous answers and contacts).
HOUR_ONLY: frozenset[str] = frozenset({"questionnaire_answer", "anonymous_contact"})
#: A guest (provisional citizen) added at a kiosk: no identity beyond a name and birth year.
GUEST_RULES: dict[str, Check] = {
    "id": uuid(),
    "display_name": text(120),
    "birth_year": Check("int", optional=True, low=1900, high=2100),
    "reference": Check("absent", optional=True),
    "card_token": Check("absent", optional=True),
    "provisional": Check("true"),
    "merged_into": Check("absent", optional=True),
    "created_site_id": Check("own_site"),
    "updated_at": Check("time", optional=True),
}


@dataclass(frozen=True)
class Caller:
    """What the rules compare a row with: the credential's device and site, the server time."""

    device_id: str
    site_id: str
    now: datetime
    max_skew: timedelta


@dataclass
class Checked:
    """A row that passed the format rules; ``clamped`` when its future created_at was cut."""

    params: dict[str, Any]
    clamped: bool = False


def check_rules_cover_models() -> None:
    """Every pushed event kind has a rule for each of its fields, and no rule is stray."""
    for model in EVENT_TABLES:
        kind = table_name(model)
        fields = set(model.model_fields)  # type: ignore[attr-defined]
        rules = set(RULES.get(kind, {})) | set(COMMON)
        if kind not in RULES or fields != rules:
            raise RuntimeError(f"push rules for {kind!r} do not match its fields: {fields ^ rules}")
    if set(FED_TO_SITE) != set(RULES):
        stray = set(FED_TO_SITE) ^ set(RULES)
        raise RuntimeError(f"feed decisions do not match the pushed kinds: {stray}")
    if {k for k, fed in FED_TO_SITE.items() if fed} != set(SITE_EVENT_TABLES):
        raise RuntimeError("FED_TO_SITE and sync.protocol.SITE_EVENT_TABLES disagree")
    if set(Citizen.model_fields) != set(GUEST_RULES):
        raise RuntimeError("push rules for guests do not match the citizen fields")


def check_event(kind: str, row: dict[str, Any], caller: Caller) -> Checked:
    """The typed insert parameters of an event row, or ``Rejected``."""
    return _check_row({**COMMON, **RULES[kind]}, row, caller)


def check_guest(row: dict[str, Any], caller: Caller) -> Citizen:
    """A kiosk's guest as central stores it, or ``Rejected``."""
    checked = _check_row(GUEST_RULES, row, caller)
    return Citizen(**checked.params)


def _check_row(rules: dict[str, Check], row: dict[str, Any], caller: Caller) -> Checked:
    unknown = set(row) - set(rules)
    if unknown:
        names = sorted(n for n in unknown if isinstance(n, str) and SLUG.match(n))
        raise Rejected(f"invalid row: unknown fields {names or '(unprintable)'}")
    checked = Checked(params={})
    for name, rule in rules.items():
        value = row.get(name)
        if value is None:
            if not rule.optional:
                raise Rejected(f"invalid row: {name} is required")
            checked.params[name] = None
            continue
        checked.params[name] = _check_value(name, rule, value, caller, checked)
    return checked


def _check_value(name: str, rule: Check, value: Any, caller: Caller, checked: Checked) -> Any:
    what = rule.what
    if what == "int":
        return _integer(name, value, rule.low, rule.high)
    if what == "true":
        if value is not True:
            raise Rejected(f"invalid row: {name} must be true")
        return True
    if what == "absent":
        raise Rejected(f"invalid row: a kiosk may not set {name}")
    if what in ("time", "server"):
        return _time(name, value, caller, checked) if what == "time" else None
    if what == "day":
        return _day(name, value, caller)
    if not isinstance(value, str):
        raise Rejected(f"invalid row: {name} must be text")
    if what == "text":
        problem = text_problem(value, max_length=rule.max_length)
        if problem:
            raise Rejected(f"invalid row: {name} {problem}")
        return value
    if what == "answers":
        if not ANSWERS.fullmatch(value):
            raise Rejected(f"invalid row: {name} are not question:number pairs")
        return value
    if unsafe_char(value) is not None or len(value) > 80:
        raise Rejected(f"invalid row: {name} is not a valid value")
    return _code(name, rule, value, caller)


def _code(name: str, rule: Check, value: str, caller: Caller) -> str:
    what = rule.what
    if what == "own_site":
        if value != caller.site_id:
            raise Rejected("the row belongs to another site")
    elif what == "own_device":
        if value != caller.device_id:
            raise Rejected("the row was made by another device")
    elif what == "hlc":
        try:
            stamp = Stamp.parse(value)
        except ValueError:
            raise Rejected("invalid row: hlc is not a clock stamp") from None
        if stamp.node != caller.device_id:
            raise Rejected("invalid row: hlc was not stamped by this device")
    elif what == "enum" and value not in rule.allowed:
        raise Rejected(f"invalid row: {name} is not one of {', '.join(sorted(rule.allowed))}")
    elif what == "slug" and not SLUG.match(value):
        raise Rejected(f"invalid row: {name} is not a code (a-z, 0-9, _)")
    elif what == "age_band" and value not in AGE_BANDS:
        raise Rejected(f"invalid row: {name} is not an age band")
    elif what in ("uuid", "citizen_in_scope") or what.startswith("site_"):
        if not UUID.match(value):
            raise Rejected(f"invalid row: {name} is not an id")
    elif what.endswith("_questionnaire") and not CODE.match(value):
        raise Rejected(f"invalid row: {name} is not a questionnaire code")
    elif what in ("offer", "anonymous_offer") and not CODE.match(value):
        raise Rejected(f"invalid row: {name} is not an offer code")
    elif what == "topics" and not all(CODE.match(t) for t in value.split(",") if value):
        raise Rejected(f"invalid row: {name} is not a list of topic codes")
    return value


def _integer(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Rejected(f"invalid row: {name} must be a whole number")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise Rejected(f"invalid row: {name} must be a whole number")
    number = int(value)
    if not low <= number <= high:
        raise Rejected(f"invalid row: {name} must be between {low} and {high}")
    return number


def _time(name: str, value: Any, caller: Caller, checked: Checked) -> datetime:
    try:
        moment = _DATETIME.validate_python(value)
    except (ValidationError, ValueError, TypeError, OverflowError):
        raise Rejected(f"invalid row: {name} is not a time") from None
    if moment.utcoffset() is None:
        raise Rejected(f"invalid row: {name} has no time zone")
    moment = moment.astimezone(UTC)
    if moment < caller.now - MAX_AGE:
        raise Rejected(f"invalid row: {name} is more than {MAX_AGE.days} days old")
    if moment > caller.now + caller.max_skew:
        # A clock far ahead: the row is kept at the server's time, so it cannot outlive
        # its retention or hold a scope open (the HLC is clamped the same way).
        checked.clamped = True
        return caller.now
    return moment


def _day(name: str, value: Any, caller: Caller) -> date:
    try:
        day = _DATE.validate_python(value)
    except (ValidationError, ValueError, TypeError, OverflowError):
        raise Rejected(f"invalid row: {name} is not a date") from None
    if isinstance(day, datetime) or not isinstance(day, date):
        raise Rejected(f"invalid row: {name} is not a date")
    today = caller.now.date()
    if not today - MAX_AGE <= day <= today + DAY_SLACK:
        raise Rejected(f"invalid row: {name} is outside the accepted window")
    return day


check_rules_cover_models()
