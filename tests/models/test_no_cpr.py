"""Privacy: there is no CPR column anywhere in the schema (SPEC §6)."""

from sqlmodel import SQLModel

import models

models.load_all()  # registers every table


def test_no_table_has_a_cpr_like_column() -> None:
    forbidden = ("cpr", "personnummer", "ssn", "national_id")
    for table in SQLModel.metadata.tables.values():
        for column in table.columns:
            assert not any(word in column.name.lower() for word in forbidden), (
                f"{table.name}.{column.name}"
            )


def test_anonymous_contacts_have_no_identity_columns() -> None:
    columns = {c.name for c in SQLModel.metadata.tables["anonymous_contact"].columns}
    assert not columns & {"citizen_id", "staff_id", "name", "card_token", "birth_year"}
