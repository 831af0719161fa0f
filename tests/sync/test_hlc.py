"""Hybrid Logical Clock properties."""

from hypothesis import given
from hypothesis import strategies as st

from sync.hlc import MAX_COUNTER, HybridClock, Stamp

walls = st.lists(st.integers(min_value=0, max_value=10**13), min_size=1, max_size=60)


def clock_reading(values: list[int], node: str = "a", **kw) -> HybridClock:
    it = iter(values)
    current = [values[0]]

    def wall() -> int:
        current[0] = next(it, current[0])
        return current[0]

    return HybridClock(node, wall=wall, **kw)


@given(walls)
def test_now_never_goes_backwards_even_when_the_wall_clock_does(values: list[int]) -> None:
    clock = clock_reading(values)
    stamps = [clock.now() for _ in values]
    assert all(a < b for a, b in zip(stamps, stamps[1:], strict=False))


@given(walls)
def test_packed_stamps_sort_like_stamps(values: list[int]) -> None:
    clock = clock_reading(values)
    stamps = [clock.now() for _ in values]
    assert sorted(stamps) == sorted(stamps, key=lambda s: s.pack())
    assert all(Stamp.parse(s.pack()) == s for s in stamps)


@given(st.integers(0, 10**13), st.integers(0, 10**13), st.integers(0, 1000))
def test_observe_then_now_is_after_the_remote_stamp(
    local: int, remote_ms: int, counter: int
) -> None:
    clock = HybridClock("a", wall=lambda: local, max_drift_ms=10**14)
    remote = Stamp(remote_ms, counter, "b")
    clock.observe(remote)
    assert clock.now() > remote


@given(st.integers(10**12, 10**13), st.integers(1, 10**9))
def test_remote_stamps_far_in_the_future_are_clamped(local: int, ahead: int) -> None:
    drift = 300_000
    clock = HybridClock("a", wall=lambda: local, max_drift_ms=drift)
    stored = clock.observe(Stamp(local + drift + ahead, 7, "b"))
    assert stored.ms == local + drift
    assert clock.now().ms <= local + drift + 1


def test_counter_overflow_moves_to_the_next_millisecond() -> None:
    clock = HybridClock("a", wall=lambda: 5, last=Stamp(5, MAX_COUNTER, "a"))
    assert clock.now() == Stamp(6, 0, "a")


def test_malformed_stamps_are_refused() -> None:
    import pytest

    for bad in ["", "1-2", "abc-000000-x", "000000000000001-00000a-x", "000000000000001-000001-"]:
        with pytest.raises(ValueError):
            Stamp.parse(bad)
