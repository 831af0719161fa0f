"""Sensitive group titles never reach a locked or public screen."""

from datetime import date

from kiosk.services.attendance import todays_sessions
from kiosk.services.privacy import display_title
from models import Group
from tests.kiosk.attendance_world import seed_group, seed_reference


def _group(sensitive: bool) -> Group:
    return Group(id="g", site_id="hornslet", offer_id="gruppeforloeb", title="ADHD i hverdagen",
                 code="G-201", sensitive=sensitive, starts_on=date(2026, 9, 1))  # fmt: skip


def test_a_sensitive_title_shows_only_on_a_private_screen():
    assert display_title(_group(True), private=False) == "G-201"
    assert display_title(_group(True), private=True) == "ADHD i hverdagen"


def test_an_ordinary_title_shows_everywhere():
    assert display_title(_group(False), private=False) == "ADHD i hverdagen"


def test_session_summaries_for_a_locked_kiosk_carry_the_code(fresh_db, frozen_now):
    seed_reference(fresh_db)
    seed_group(fresh_db, frozen_now, sensitive=True)
    [summary] = todays_sessions(fresh_db, now=frozen_now, staff=None)
    assert summary.shown_title(private=False) == "G-101" and not summary.own
