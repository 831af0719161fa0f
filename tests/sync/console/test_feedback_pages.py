"""The console's report page and its CSV/XLSX downloads show the questionnaire and FIT
sections with the same small-number suppression as `mestring report` (fewer than 5
answers: no figure), because all of them come from the shared report model."""

from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook

from models.db import write_session
from tests.sync.admin.test_feedback_reports import SUPPRESSED, _answers, _ratings
from tests.sync.console.conftest import Console

PERIOD = {"start": "2026-11-16", "end": "2026-11-24"}


def test_the_console_report_page_and_downloads_suppress_small_questionnaire_groups(
    console: Console,
) -> None:
    with write_session(console.engine) as session:  # the catalogue has the questionnaires
        for row in (*_answers(), *_ratings()):
            session.add(row)
            session.flush()
    client = console.sign_in("anne")
    page = client.get("/admin/reports", params=PERIOD).text
    headings = re.findall(r"<h2 id=\"s-[a-z_]+\">([^<]*)</h2>", page)
    assert "Hvordan var dit besøg i dag?" in " ".join(headings)
    assert SUPPRESSED in page
    # The open drop-in's 3 answers (all "1"): its row is the suppression marker, no count.
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    drop_in = [r for r in rows if "Åbent samværstilbud" in r and SUPPRESSED in r]
    assert drop_in and all(
        re.findall(r"<td>([^<]*)</td>", row)[-3:] != ["3", "3", "100,0"] for row in drop_in
    )
    csv = client.get("/admin/reports/download", params={**PERIOD, "fmt": "csv"})
    text = csv.content.decode("utf-8-sig")
    lines = [line for line in text.splitlines() if "Åbent samværstilbud" in line]
    assert any(SUPPRESSED in line for line in lines)
    assert not any("1 (dårligt)" in line for line in lines)
    xlsx = client.get("/admin/reports/download", params={**PERIOD, "fmt": "xlsx"})
    book = load_workbook(BytesIO(xlsx.content))
    rows = [[c.value for c in row] for ws in book.worksheets for row in ws.iter_rows()]
    drop_rows = [r for r in rows if "Åbent samværstilbud" in r]
    assert drop_rows and all(SUPPRESSED in r and "1 (dårligt)" not in r for r in drop_rows)
