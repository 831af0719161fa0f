"""One table registry: every table is in it once, and the package's lists all come from it."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlmodel import SQLModel

import models
from models.registry import GROUP_OF_ROLE, TABLES


def _typing_names() -> dict[str, str]:
    """``class name -> module`` as the TYPE_CHECKING block of ``models/__init__.py`` has them."""
    tree = ast.parse(Path(models.__file__).read_text())
    block = next(node for node in tree.body if isinstance(node, ast.If))
    return {
        alias.name: str(node.module).removeprefix("models.")
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_the_typing_names_are_the_registry() -> None:
    assert _typing_names() == {name: module for name, module, _ in TABLES}


def test_every_table_class_is_registered_once_under_its_own_module() -> None:
    models.load_all()
    names = [name for name, _m, _r in TABLES]
    assert len(names) == len(set(names))
    for name, module, _role in TABLES:
        assert getattr(models, name).__module__ == f"models.{module}"
    registered = {str(getattr(models, name).__tablename__) for name in names}
    assert registered == set(SQLModel.metadata.tables)


def test_the_groups_are_the_registry_by_role_in_its_order() -> None:
    for role, group in GROUP_OF_ROLE.items():
        expected = [name for name, _m, r in TABLES if r == role]
        assert [cls.__name__ for cls in getattr(models, group)] == expected
    assert "outbox" in models.KIOSK_TABLE_NAMES and "outbox" not in models.CENTRAL_TABLE_NAMES
    assert "device" in models.CENTRAL_TABLE_NAMES and "device" not in models.KIOSK_TABLE_NAMES
    shared = models.table_names(models.REFERENCE_TABLES + models.EVENT_TABLES)
    assert shared == models.KIOSK_TABLE_NAMES & models.CENTRAL_TABLE_NAMES
    assert set(models.__all__) >= {name for name, _m, _r in TABLES} | set(GROUP_OF_ROLE.values())
