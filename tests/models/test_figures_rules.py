"""One hand-computed fixture per rule in docs/figures.md (the counting module on plain facts)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from models.events import Mark, Outcome
from models.figures.courses import (
    AppointmentOutcome,
    CourseAlert,
    appointment_outcome,
    course_alert,
    course_length,
    course_week,
)
from models.figures.facts import live_check_ins, survivor
from models.figures.marks import MarkFact, current_marks, effective_mark
from models.figures.rules import (
    GroupTotals,
    SessionCounting,
    SessionFacts,
    participant_so_far,
    session_figures,
)
from models.figures.visits import topics_of
from models.schedule import SessionStatus

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
PAST = NOW - timedelta(hours=2)
LATER = NOW + timedelta(hours=2)


def facts(sid="s", *, at=PAST, status=SessionStatus.PLANNED, closed=False, enrolled=(),
          marks=None, desk=()):  # fmt: skip
    return SessionFacts(sid, "g", at, status, closed, frozenset(enrolled), marks or {},
                        frozenset(desk))  # fmt: skip


# Rule 1: present, late and left early are "attended"; afbud is excused; absent is a no-show.
def test_rule_marks_have_one_meaning():
    assert [m.outcome for m in Mark] == [
        Outcome.ATTENDED, Outcome.NO_SHOW, Outcome.EXCUSED, Outcome.ATTENDED, Outcome.ATTENDED,
    ]  # fmt: skip
    assert {m for m in Mark if m.attended} == {Mark.PRESENT, Mark.LATE, Mark.LEFT_EARLY}


# Rule 2: the current mark of (session, citizen) is the one with the latest HLC.
def test_rule_latest_mark_wins():
    older = MarkFact("a", "s", "c", Mark.ABSENT, "0001")
    newer = MarkFact("b", "s", "c", Mark.LATE, "0002")
    assert current_marks([newer, older])[("s", "c")].mark is Mark.LATE


# Rule 3: a desk check-in counts as present until the leader marks otherwise.
def test_rule_desk_check_in_is_present_until_the_leader_marks():
    assert effective_mark(None, checked_in=True) is Mark.PRESENT
    assert effective_mark(Mark.ABSENT, checked_in=True) is Mark.ABSENT  # the leader's mark wins
    assert effective_mark(None, checked_in=False) is None
    f = session_figures(facts(enrolled={"a", "b", "c"}, desk={"a", "b"},
                              marks={"b": Mark.EXCUSED}), NOW)  # fmt: skip
    assert (f.attended, f.excused, f.unmarked) == (1, 1, 1)


# Rule 4: a guest counts in attended and in the total.
def test_rule_guests_count_in_attended_and_in_the_total():
    f = session_figures(facts(enrolled={"a", "b"}, marks={"a": Mark.PRESENT, "x": Mark.PRESENT,
                                                         "y": Mark.ABSENT}), NOW)  # fmt: skip
    # 2 enrolled + 2 guests = 4 participants; a and x attended: 2 of 4
    assert (f.participants, f.guests, f.attended, f.no_show, f.unmarked) == (4, 2, 2, 1, 1)
    assert f.rate == 50.0


# Rule 5: a session not yet held is not in the rate; cancelled sessions never are.
def test_rule_sessions_not_held_are_not_in_the_rate():
    assert facts(at=LATER, enrolled={"a"}).counting(NOW) is SessionCounting.NOT_YET
    assert facts(at=PAST, enrolled={"a"}).counting(NOW) is SessionCounting.UNRECORDED
    cancelled = facts(status=SessionStatus.CANCELLED, enrolled={"a"})
    assert cancelled.counting(NOW) is SessionCounting.CANCELLED
    assert facts(at=LATER, status=SessionStatus.HELD).counting(NOW) is SessionCounting.COUNTED
    assert facts(at=LATER, desk={"a"}).counting(NOW) is SessionCounting.COUNTED
    assert session_figures(facts(at=LATER, enrolled={"a"}), NOW).rate is None
    totals = GroupTotals()
    for f in (facts("1", enrolled={"a", "b"}, marks={"a": Mark.PRESENT}),
              facts("2", at=LATER, enrolled={"a", "b"}), cancelled,
              facts("4", enrolled={"a", "b"})):  # fmt: skip
        totals.add(session_figures(f, NOW))
    assert (totals.sessions, totals.not_yet, totals.cancelled, totals.unrecorded) == (1, 1, 1, 1)
    assert (totals.participants, totals.attended, totals.rate) == (2, 1, 50.0)


# Rule 6: unmarked after closing counts as a no-show (udeblevet); before, as unmarked.
def test_rule_unmarked_after_closing_is_a_no_show():
    open_ = facts(enrolled={"a", "b"}, marks={"a": Mark.PRESENT})
    assert open_.outcome_of("b") is Outcome.UNMARKED
    closed = facts(enrolled={"a", "b"}, marks={"a": Mark.PRESENT}, closed=True)
    f = session_figures(closed, NOW)
    assert (f.attended, f.no_show, f.unmarked, f.marked) == (1, 1, 0, 2)


# Rule 7: "5 af 7" = attended of the counted sessions the citizen took part in.
def test_rule_so_far_counts_sessions_while_enrolled_or_as_a_guest():
    history = [
        facts("1", enrolled={"a"}, marks={"a": Mark.PRESENT}),
        facts("2", enrolled={"a"}, marks={"a": Mark.ABSENT}),
        facts("3", enrolled={"a"}, status=SessionStatus.HELD),  # held, a unmarked
        facts("4", enrolled={"a"}, status=SessionStatus.CANCELLED),
        facts("5", enrolled={"a"}),  # nothing recorded: not counted
        facts("6", enrolled=set(), marks={"a": Mark.LATE}),  # a came as a guest
        facts("7", enrolled=set(), marks={"z": Mark.PRESENT}),  # a was not part of it
    ]
    assert participant_so_far("a", history, NOW) == (2, 4)


# Rule 8: a visit is a check-in that was not retracted; check-outs are no visits.
def test_rule_visits_are_check_ins_not_retracted():
    rows = [("1", "check_in", "a", None), ("2", "check_in", "b", None),
            ("3", "retraction", "b", "2"), ("4", "check_out", "a", "1")]  # fmt: skip
    assert live_check_ins(rows) == {"1": "a"}


# Rule 9: a merged guest counts as the citizen they were merged into (chains followed).
def test_rule_merged_guests_count_as_their_survivor():
    step = {"g1": "g2", "g2": "c", "x": "y", "y": "x"}
    assert survivor(step, "g1") == "c" and survivor(step, "c") == "c"
    assert survivor(step, "x") in {"x", "y"}  # a cycle stops instead of looping


# Rule 10: anonymous contacts count once per topic they name, or under "no topic".
def test_rule_anonymous_contacts_count_under_each_topic():
    assert topics_of("oekonomi, bolig") == ["oekonomi", "bolig"]
    assert topics_of("") == [""] and topics_of(" , ") == [""]


# Rule 11: an appointment is a no-show once it is over without a check-in.
def test_rule_appointment_no_show_only_once_over():
    assert appointment_outcome(True, LATER, NOW) is AppointmentOutcome.ARRIVED
    assert appointment_outcome(False, PAST, NOW) is AppointmentOutcome.NO_SHOW
    assert appointment_outcome(False, NOW, NOW) is AppointmentOutcome.NO_SHOW
    assert appointment_outcome(False, LATER, NOW) is AppointmentOutcome.PENDING


# Rule 12: course weeks count from 1; flagged from week 10 of 12; over planned past week 12.
def test_rule_course_weeks_and_flags():
    start = date(2026, 9, 1)
    assert course_week(start, start) == 1 and course_week(start, date(2026, 8, 31)) == 0
    assert course_week(start, start + timedelta(days=83)) == 12
    assert course_alert(9) is CourseAlert.NONE and course_alert(10) is CourseAlert.NEARING_END
    assert course_alert(13) is CourseAlert.OVERDUE
    length = course_length(course_id="k", site_id="s", offer_id="o", reference="K",
                           starts_on=start, ends_on=None, planned_weeks=12,
                           until=start + timedelta(days=84))  # fmt: skip
    assert (length.days, length.weeks, length.ongoing, length.over_planned) == (
        84,
        12.0,
        True,
        True,
    )
    ended = course_length(course_id="k", site_id="s", offer_id="o", reference="K",
                          starts_on=start, ends_on=start + timedelta(days=30), planned_weeks=12,
                          until=start + timedelta(days=200))  # fmt: skip
    assert (ended.days, ended.ongoing, ended.over_planned) == (30, False, False)
