"""Pull pages are serialised by orjson from Python values; what a kiosk receives must equal
the standard wire encoding (``encode``) for every table the feed carries, any values."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.rows import _python_type, encode, row_of, wire_json
from sync.server.site_events import FED_TABLES

MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
BY_TYPE = {
    str: st.text(max_size=30),  # any code point, lone surrogates included
    int: st.integers(min_value=-(2**31), max_value=2**31 - 1),
    bool: st.booleans(),
    datetime: MOMENTS,
    date: st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
}


@st.composite
def fed_rows(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    name = draw(st.sampled_from(sorted(FED_TABLES)))
    table = FED_TABLES[name]
    values = []
    for column in table.columns:
        kind = BY_TYPE[_python_type(column)]  # type: ignore[index]
        values.append(draw(st.none() | kind) if column.nullable else draw(kind))
    return name, row_of(table, values)


@settings(max_examples=300, deadline=None)
@given(fed_rows())
def test_wire_json_equals_the_standard_encoding(case: tuple[str, dict[str, object]]) -> None:
    name, row = case
    assert json.loads(wire_json({"row": row})) == {"row": encode(FED_TABLES[name], row)}


def test_datetimes_are_iso_text_with_their_offset_and_microseconds() -> None:
    moment = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)
    body = wire_json({"a": moment, "b": moment + timedelta(microseconds=5), "c": date(2026, 12, 2)})
    assert json.loads(body) == {
        "a": "2026-12-02T08:30:00+00:00",
        "b": "2026-12-02T08:30:00.000005+00:00",
        "c": "2026-12-02",
    }


def test_a_lone_surrogate_is_escaped_not_a_server_error() -> None:
    assert json.loads(wire_json({"name": "Å\ud800"})) == {"name": "Å\ud800"}


def test_an_enum_member_from_a_model_in_memory_is_written_as_its_value() -> None:
    from models.catalogue import OfferKind

    table = FED_TABLES["offer"]
    row = {c.name: None for c in table.columns} | {"kind": OfferKind.WALKIN}
    assert encode(table, row)["kind"] == "walkin"
    assert json.loads(wire_json(row))["kind"] == "walkin"
