"""The models package loads a table module only when one of its names is used."""

import subprocess
import sys

import pytest

import models


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_settings_load_no_tables_and_no_orm() -> None:
    loaded = modules_after("from models.config import Settings")
    assert "sqlmodel" not in loaded
    # models.registry is the list of tables (names only), not a table module
    assert {m for m in loaded if m.startswith("models.")} <= {"models.config", "models.registry"}


def test_a_table_loads_its_module_and_the_tables_its_foreign_keys_name() -> None:
    loaded = modules_after("from models import GroupSession")
    assert {"models.schedule", "models.catalogue", "models.people"} <= loaded
    assert "models.central_state" not in loaded  # the kiosk never needs the server's tables


def test_table_groups_load_every_table() -> None:
    loaded = modules_after("import models\nmodels.KIOSK_TABLE_NAMES")
    assert "models.central_state" in loaded


def test_names_resolve_to_the_classes_of_their_modules() -> None:
    from models.central_state import Device
    from models.people import Citizen

    assert models.Citizen is Citizen
    assert models.Device is Device
    assert "device" in models.CENTRAL_TABLE_NAMES
    assert "device" not in models.KIOSK_TABLE_NAMES


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nonesuch'"):
        _ = models.Nonesuch  # type: ignore[attr-defined]
