"""The background sync's pace: soon after a write and every 30 s online, rarely offline."""

from kiosk.services.sync_pace import SyncPace


def _pace(online: bool = True) -> SyncPace:
    pace = SyncPace(after_write_s=3, poll_s=30, offline_s=300)
    pace.noticed(0, 1)
    pace.started(0, 1)
    pace.finished(reached_central=online)
    return pace


def test_a_write_syncs_within_the_debounce_and_writes_in_between_join_it() -> None:
    pace = _pace()
    pace.noticed(10, 2)
    assert not pace.due(12)
    pace.noticed(12, 3)  # a second write does not push the session further away
    assert pace.due(13)
    pace.started(13, 3)
    assert not pace.due(14) and not pace.due(42.9) and pace.due(43)


def test_online_polls_every_30_seconds_without_writes() -> None:
    pace = _pace()
    for second in range(1, 30):
        pace.noticed(second, 1)
        assert not pace.due(second)
    assert pace.due(30)


def test_offline_keeps_the_long_interval_and_writes_wait_at_least_a_poll() -> None:
    pace = _pace(online=False)
    assert not pace.due(100)
    pace.noticed(5, 2)
    assert not pace.due(10) and not pace.due(29) and pace.due(30)
    pace.started(30, 2)
    pace.finished(reached_central=False)
    assert not pace.due(329) and pace.due(330)


def test_the_first_look_is_no_write() -> None:
    pace = SyncPace()
    pace.noticed(0, 7)
    assert pace.write_at is None


def test_the_service_notices_a_local_write_through_the_outbox(demo_db, tmp_path) -> None:
    from kiosk.services.queue import add_ticket
    from kiosk.services.staff import StaffMember
    from kiosk.services.sync import SyncService
    from models.config import Settings
    from models.timeutil import utcnow

    clock = [1000.0]
    service = SyncService(Settings(home=tmp_path), demo_db, monotonic=lambda: clock[0])
    service.pace.online = True
    service.pace.started(clock[0], service.write_marker())
    assert not service.background_due()
    desk = StaffMember("s-mh", "MH", "Mette Holm", frozenset({"front_desk"}))
    add_ticket(demo_db, staff=desk, now=utcnow())
    clock[0] += 1
    assert not service.background_due()  # noticed; waits for the debounce
    clock[0] += 3
    assert service.background_due()
