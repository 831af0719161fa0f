"""Central report and audit-export files are 0600 whatever the umask (they hold personal data)."""

from __future__ import annotations

import os
import stat

import pytest

from kiosk.cli import main
from tests.sync.admin.conftest import db_url
from tests.sync.admin.report_fixture import seed_report_fixture


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("r.csv", ["report", "--site", "all", "--format", "csv"]),
        ("r.xlsx", ["report", "--site", "all", "--format", "xlsx"]),
        ("u.xlsx", ["report", "--halfyear", "2026H2"]),
        ("log.csv", ["audit", "export", "--citizen", "c1", "--format", "csv"]),
    ],
)
def test_report_and_audit_files_are_private(central, tmp_path, loose_umask, name, argv):
    seed_report_fixture(central)
    out = tmp_path / name
    main([*argv, "--out", str(out), "--db", db_url(central)])
    assert out.exists() and stat.S_IMODE(out.stat().st_mode) == 0o600
