"""The merge rule for attendance marks: latest HLC wins, whatever the arrival order."""

from hypothesis import given
from hypothesis import strategies as st

from kiosk.services.mark_merge import MarkFact, current_marks, merge_marks
from sync.hlc import Stamp

marks = st.builds(
    lambda n, session, citizen, mark, ms, counter, node: MarkFact(
        id=f"id-{n}",
        session_id=session,
        citizen_id=citizen,
        mark=mark,
        hlc=Stamp(ms, counter, node).pack(),
    ),
    st.integers(0, 10_000),
    st.sampled_from(["s1", "s2"]),
    st.sampled_from(["c1", "c2", "c3"]),
    st.sampled_from(["present", "absent", "excused", "late", "left_early"]),
    st.integers(1_700_000_000_000, 1_700_000_000_050),
    st.integers(0, 3),
    st.sampled_from(["dev-a", "dev-b"]),
)
#: Events are immutable and their ids unique: one id never carries two different marks.
mark_lists = st.lists(marks, unique_by=lambda f: f.id)


@given(mark_lists, st.randoms())
def test_current_marks_do_not_depend_on_arrival_order(facts, rnd):
    shuffled = list(facts)
    rnd.shuffle(shuffled)
    assert current_marks(shuffled) == current_marks(facts)


@given(mark_lists)
def test_each_current_mark_is_the_latest_by_hlc_for_its_pair(facts):
    merged = current_marks(facts)
    for fact in facts:
        assert merged[fact.key].hlc >= fact.hlc
    assert set(merged) == {f.key for f in facts}


@given(mark_lists, st.integers(0, 50))
def test_merging_is_commutative_and_idempotent(facts, split):
    left, right = facts[:split], facts[split:]
    a, b = current_marks(left), current_marks(right)
    assert merge_marks(a, b.values()) == merge_marks(b, a.values())
    once = merge_marks(a, b.values())
    assert merge_marks(once, b.values()) == once
    assert merge_marks(once, once.values()) == once


def test_an_older_mark_arriving_late_does_not_replace_the_newer_one():
    newer = MarkFact("b", "s1", "c1", "absent", Stamp(2000, 0, "dev-b").pack())
    older = MarkFact("a", "s1", "c1", "present", Stamp(1999, 5, "dev-a").pack())
    assert current_marks([newer, older])[("s1", "c1")] is newer
