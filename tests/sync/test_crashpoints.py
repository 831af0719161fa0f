"""Crash points raise only when armed, and cannot be swallowed by `except Exception`."""

import pytest

from sync.crashpoints import InjectedCrash, armed, crash_point, declare, declared

POINT = declare("test.point", "a point used by this test")


def test_unarmed_point_does_nothing_and_armed_point_crashes():
    crash_point(POINT)
    with armed(POINT), pytest.raises(InjectedCrash):
        try:
            crash_point(POINT)
        except Exception:  # noqa: BLE001 - proves a generic handler cannot swallow it
            pytest.fail("InjectedCrash was swallowed")
    crash_point(POINT)
    assert "test.point" in declared()


def test_arming_an_unknown_point_is_an_error():
    with pytest.raises(KeyError), armed("no.such.point"):
        pass
