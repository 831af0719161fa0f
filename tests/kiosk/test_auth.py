"""Staff login: PIN check, roles per site, lock-out that survives a restart, audited."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kiosk.services.auth import LoginPolicy, LoginRefused, log_in
from models import AuditEntry, LoginLockout
from models.db import make_engine, read_session
from tests.kiosk.frontdesk_data import seed_frontdesk


@pytest.fixture
def kiosk(fresh_db):
    seed_frontdesk(fresh_db)
    return fresh_db


def audit_actions(engine):
    with read_session(engine) as session:
        return [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.hlc))]


def test_right_pin_logs_in_with_the_roles_at_this_site(kiosk, frozen_now):
    member = log_in(kiosk, initials=" mh ", pin="2001", now=frozen_now)
    assert (member.id, member.initials, member.roles) == ("s-mh", "MH", frozenset({"front_desk"}))
    assert audit_actions(kiosk) == ["login"]


def test_staff_without_a_role_at_this_site_is_refused(kiosk, frozen_now):
    with pytest.raises(LoginRefused) as refused:
        log_in(kiosk, initials="JK", pin="2002", now=frozen_now)
    assert refused.value.reason == "no_role"


def test_wrong_pin_is_refused_audited_and_counted(kiosk, frozen_now):
    with pytest.raises(LoginRefused) as refused:
        log_in(kiosk, initials="MH", pin="9999", now=frozen_now)
    assert refused.value.reason == "wrong" and refused.value.attempts_left == 4
    assert audit_actions(kiosk) == ["login_failed"]


def test_unknown_initials_are_refused_like_a_wrong_pin(kiosk, frozen_now):
    with pytest.raises(LoginRefused) as refused:
        log_in(kiosk, initials="ZZ", pin="2001", now=frozen_now)
    assert refused.value.reason == "wrong"


def test_empty_initials_or_pin_change_nothing(kiosk, frozen_now):
    for initials, pin in (("", "2001"), ("MH", ""), ("  ", "  ")):
        with pytest.raises(LoginRefused) as refused:
            log_in(kiosk, initials=initials, pin=pin, now=frozen_now)
        assert refused.value.reason == "empty"
    assert audit_actions(kiosk) == []


def test_five_wrong_pins_lock_the_login_even_for_the_right_pin(kiosk, frozen_now):
    for attempt in range(5):
        with pytest.raises(LoginRefused) as refused:
            log_in(kiosk, initials="MH", pin="0000", now=frozen_now + timedelta(seconds=attempt))
    assert refused.value.reason == "locked"
    with pytest.raises(LoginRefused) as refused:
        log_in(kiosk, initials="MH", pin="2001", now=frozen_now + timedelta(minutes=1))
    assert refused.value.reason == "locked"
    actions = audit_actions(kiosk)
    assert actions.count("login_failed") == 5 and actions.count("login_locked") == 1
    assert actions[-1] == "login_while_locked"


def test_lock_out_survives_a_restart_and_ends_after_its_minutes(kiosk, frozen_now, tmp_path):
    policy = LoginPolicy(failures=3, minutes=5)
    for _ in range(3):
        with pytest.raises(LoginRefused):
            log_in(kiosk, initials="MH", pin="0000", now=frozen_now, policy=policy)
    kiosk.dispose()
    restarted = make_engine(str(kiosk.url))
    with read_session(restarted) as session:
        assert session.get(LoginLockout, "MH").locked_until is not None
    with pytest.raises(LoginRefused):
        log_in(restarted, initials="MH", pin="2001", now=frozen_now + timedelta(minutes=4))
    later = frozen_now + timedelta(minutes=5, seconds=1)
    assert log_in(restarted, initials="MH", pin="2001", now=later, policy=policy).id == "s-mh"
