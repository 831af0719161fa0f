"""A visit checked in at two devices counts once, everywhere the same one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from models.visit_duplicates import (
    also_checked_in,
    count_once,
    duplicates,
    key_of,
    shown_here,
    visit_key,
    visits_here,
)

NOON = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    id: str
    device_id: str
    created_at: datetime
    citizen_id: str = "c1"
    action: str = "check_in"
    offer_id: str = "gruppeforloeb"
    session_id: str | None = "s1"
    appointment_id: str | None = None
    ref_id: str | None = None
    hlc: str = ""


def test_two_desks_one_visit_the_earliest_counts_in_any_order() -> None:
    late = Row("b", "desk2", NOON + timedelta(minutes=3))
    early = Row("a", "desk1", NOON)
    other_session = Row("c", "desk2", NOON, session_id="s2")
    for rows in ([late, early, other_session], [other_session, early, late]):
        assert count_once(rows) == [early, other_session]
    assert list(duplicates([late, early, other_session]).values()) == [[early, late]]


def test_a_retracted_check_in_is_no_duplicate() -> None:
    first = Row("a", "desk1", NOON)
    second = Row("b", "desk2", NOON + timedelta(minutes=1))
    undo = Row("u", "desk2", NOON + timedelta(minutes=2), action="retraction", ref_id="b")
    assert duplicates([first, second, undo]) == {}
    assert count_once([first, second, undo]) == [first]


def test_visits_on_two_local_days_are_two_visits() -> None:
    # 23:30 and 00:30 Copenhagen time are different days although one hour apart.
    evening = Row("a", "desk1", datetime(2026, 12, 2, 22, 30, tzinfo=UTC))
    morning = Row("b", "desk2", datetime(2026, 12, 2, 23, 30, tzinfo=UTC))
    assert visit_key(evening) != visit_key(morning)
    assert len(count_once([evening, morning])) == 2


def test_also_checked_in_names_the_other_devices_only() -> None:
    mine = Row("a", "desk1", NOON)
    theirs = Row("b", "desk2", NOON + timedelta(minutes=1))
    assert also_checked_in([mine, theirs], visit_key(mine), device_id="desk1") == [theirs]
    assert also_checked_in([mine], visit_key(mine), device_id="desk1") == []


def test_a_device_shows_its_own_check_in_else_the_earliest() -> None:
    theirs = Row("a", "desk2", NOON)
    mine = Row("b", "desk1", NOON + timedelta(minutes=2))
    third = Row("c", "desk3", NOON + timedelta(minutes=4))
    assert shown_here([theirs, mine, third], device_id="desk1") == (mine, [theirs, third])
    assert shown_here([theirs, mine, third], device_id="room") == (theirs, [mine, third])
    [(shown, others)] = visits_here([third, mine, theirs], device_id="desk3").values()
    assert (shown, others) == (third, [theirs, mine])


def test_the_key_names_session_then_appointment_then_offer() -> None:
    day = NOON.date()
    assert key_of("c1", "s1", "a1", "o1", day) == ("c1", "session", "s1", day)
    assert key_of("c1", None, "a1", "o1", day) == ("c1", "appointment", "a1", day)
    assert key_of("c1", None, None, "o1", day) == ("c1", "offer", "o1", day)
    assert visit_key(Row("a", "desk1", NOON, session_id=None)) == ("c1", "offer", "gruppeforloeb",
                                                                   day)  # fmt: skip
