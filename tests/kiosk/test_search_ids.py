"""The search index's packed citizen ids: every id back as it was, found by number."""

from __future__ import annotations

from kiosk.services.search import CitizenIndex
from kiosk.services.search_ids import CitizenIds, pack, unpack
from models.ids import new_id


def test_ids_come_back_as_given_uuid_or_not() -> None:
    given = [new_id() for _ in range(50)] + ["c1", "0190ABCD-0000-7000-8000-000000000001", ""]
    given.append("00000000-0000-0000-0000-000000000000")  # trailing zero bytes
    ids = CitizenIds()
    numbers = [ids.append(i) for i in given]
    ids.freeze()
    assert [ids[n] for n in numbers] == given
    assert all(ids.find(i) == n for i, n in zip(given, numbers, strict=True))
    assert ids.find(new_id()) is None and ids.find("c2") is None
    assert pack("0190ABCD-0000-7000-8000-000000000001") is None  # kept as text
    uuid = new_id()
    assert unpack(pack(uuid) or b"") == uuid


def test_forget_and_add_again_after_the_freeze() -> None:
    first, second = new_id(), new_id()
    ids = CitizenIds()
    ids.append(first)
    ids.freeze()
    assert ids.forget(first) == 0 and ids.find(first) is None and ids.forget(first) is None
    again = ids.append(first)
    late = ids.append(second)
    assert ids.find(first) == again and ids.find(second) == late
    assert ids.forget(second) == late and ids.find(second) is None


def test_the_index_finds_upserts_and_removes_by_packed_id() -> None:
    a, b = new_id(), new_id()
    index = CitizenIndex([(a, "Mette Hansen", 1970), (b, "Jens Hansen", None), ("c1", "Ole Bo", 1)])
    assert len(index) == 3 and index.has(a) and index.has("c1")
    assert {h.citizen_id for h in index.search("hansen").hits} == {a, b}
    index.remove(b)
    assert not index.has(b) and len(index) == 2
    index.upsert(a, "Mette Jensen", 1971)
    assert [h.citizen_id for h in index.search("jensen").hits] == [a]
    assert b not in {h.citizen_id for h in index.search("hansen").hits}
    index.set_today([a, "c1", new_id()])
