"""The DPO's paperwork in docs/ states facts about the code; these tests keep them true."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from kiosk.cli import build_parser
from models.config import Settings
from models.demo_catalogue import offers
from models.filemodes import PRIVATE_DIR, PRIVATE_FILE
from sync.admin.kinds import MAX_PIN_DIGITS, MIN_PIN_DIGITS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAPERS = ("record-of-processing.md", "dpia.md", "operations.md", "security.md")


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def table_rows(text: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]


def test_the_retention_periods_in_the_record_of_processing_are_the_codes_defaults() -> None:
    defaults = Settings()
    named: set[str] = set()
    for row in table_rows(read("record-of-processing.md")):
        settings = re.findall(r"`(\w+_days)`", " ".join(row))
        if settings:
            assert int(row[-1]) == getattr(defaults, settings[0]), settings[0]
            named.add(settings[0])
    # Every period the code has is in the record (rows may share one, as the questionnaire
    # answers share the anonymous contacts').
    assert named == {name for name in Settings.model_fields if name.endswith("_days")}
    assert defaults.audit_retention_days == 183  # "ca. 6 måneder"


def test_the_facts_in_the_dpia_are_the_codes() -> None:
    defaults = Settings()
    facts = {row[0]: row[1] for row in table_rows(read("dpia.md")) if len(row) == 2}
    for key, value in facts.items():
        if key.startswith("`"):
            actual = getattr(defaults, key.strip("`"))
            assert value == (str(actual).lower() if isinstance(actual, bool) else str(actual))
    assert facts["PIN-længde"] == f"{MIN_PIN_DIGITS}–{MAX_PIN_DIGITS}"
    assert facts["filer"] == f"0{PRIVATE_FILE:o}" and facts["mapper"] == f"0{PRIVATE_DIR:o}"


def test_the_record_of_processing_gives_a_legal_basis_for_every_offer() -> None:
    text = read("record-of-processing.md")
    rows = {row[0]: row[1] for row in table_rows(text) if len(row) >= 4}
    squeeze = lambda s: s.replace(" ", "")  # noqa: E731
    for offer in offers():
        [row] = [basis for name, basis in rows.items() if offer.name_da in name]
        if offer.legal_basis:
            assert squeeze(offer.legal_basis.split("/")[0]) in squeeze(row), offer.id
    assert "art. 6, stk. 1, litra e" in text and "art. 9, stk. 2" in text


def test_every_test_the_papers_point_to_exists() -> None:
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    for name in PAPERS:
        text = read(name)
        for path in re.findall(r"`(tests/[\w/]+\.py)", text):
            assert (ROOT / path).exists(), (name, path)
        for test in re.findall(r"(?<![/\w])(test_[a-z0-9_]{10,})\b(?!\.py)", text):
            assert f"def {test}(" in tests, (name, test)


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


@pytest.mark.parametrize("name", PAPERS)
def test_every_mestring_command_the_papers_name_exists(name: str) -> None:
    named = re.findall(r"`mestring ([^`]+)`", read(name))
    assert named, name
    for line in named:
        parser = build_parser()
        for word in line.split():
            commands = _commands(parser)
            if not commands or not re.fullmatch(r"[a-z][a-z-]*", word):
                break
            assert word in commands, (name, line)
            parser = commands[word]
