"""The layering is enforced: import-linter's contracts hold, and a wrong import breaks them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cli", "models", "sync", "kiosk", "bench")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )


def _copy_of_the_tree(target: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def test_the_code_keeps_every_layering_contract() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("kiosk/screens/wrong.py", "import sqlmodel", "Screens and widgets reach data"),
        ("kiosk/screens/wrong.py", "from models.db import make_engine", "Screens and widgets"),
        ("kiosk/widgets/wrong.py", "import httpx", "Screens and widgets reach data"),
        ("kiosk/services/wrong.py", "from textual.app import App", "Services do not use the UI"),
        ("models/wrong.py", "from sync.hlc import HybridClock", "Models import neither"),
        ("sync/wrong.py", "from kiosk.cli import UserError", "Sync and the central server"),
        ("cli/wrong.py", "import kiosk.app", "The command-line root imports no area"),
    ],
)
def test_a_wrong_import_breaks_its_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    tree = _copy_of_the_tree(tmp_path)
    (tree / module).write_text(f'"""A deliberate layering mistake."""\n\n{line}\n')
    result = _lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert contract in result.stdout and "BROKEN" in result.stdout
    assert f"{module.removesuffix('.py').replace('/', '.')} ->" in result.stdout
