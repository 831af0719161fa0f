"""`mestring central questionnaire`: questionnaires defined at central as data, checked,
published to the kiosks and audited; bad files refused in Danish with nothing changed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from kiosk.cli import main
from models import AuditEntry, ChangeFeed, SiteOffer
from models.db import read_session, write_session
from models.demo_catalogue import SITE_IDS
from models.feedback import (
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireQuestion,
    QuestionnaireUse,
)
from sync.admin.questionnaires import QuestionnaireRefused, load, parse, show
from tests.sync.admin.conftest import db_url

THREE = """
id = "ventetid"
title_da = "Hvordan var ventetiden?"
title_en = "How was the wait?"

[[question]]
kind = "scale"
text_da = "Hvor længe ventede du?"
text_en = "How long did you wait?"
low = 1
high = 5
low_da = "kort"
low_en = "short"
high_da = "længe"
high_en = "long"

[[question]]
kind = "choice"
text_da = "Hvordan kom du?"
text_en = "How did you come?"
options_da = ["Bus", "Bil", "Cykel"]
options_en = ["Bus", "Car", "Bike"]

[[question]]
kind = "yes_no"
text_da = "Fik du en kop kaffe?"
text_en = "Did you get a cup of coffee?"

[[use]]
site = "ronde"
offer = "aaben-raadgivning"
automatic = true
"""


def _feed(engine, table: str) -> list[tuple[str, str, str]]:
    with read_session(engine) as session:
        rows = session.exec(select(ChangeFeed).where(ChangeFeed.table_name == table))
        return [(r.site_id, r.row_id, r.op) for r in rows]


def _counts(engine) -> tuple[int, int, int]:
    with read_session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(t)).one()
            for t in (Questionnaire, QuestionnaireQuestion, QuestionnaireUse)
        )


def test_a_loaded_questionnaire_is_stored_published_and_audited(central, frozen_now):
    qid, created = load(central, THREE, now=frozen_now)
    assert (qid, created) == ("ventetid", True)
    with read_session(central) as session:
        questions = session.exec(
            select(QuestionnaireQuestion).where(QuestionnaireQuestion.questionnaire_id == qid)
        ).all()
        assert [
            (q.id, q.kind, list(q.values())) for q in sorted(questions, key=lambda q: q.position)
        ] == [
            ("ventetid.1", "scale", [1, 2, 3, 4, 5]),
            ("ventetid.2", "choice", [1, 2, 3]),
            ("ventetid.3", "yes_no", [1, 2]),
        ]
        use = session.exec(select(QuestionnaireUse)).one()
        assert (use.site_id, use.offer_id, use.moment, use.automatic) == (
            "ronde",
            "aaben-raadgivning",
            "after_check_in",
            True,
        )
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "questionnaire_changed"))
        assert [a.detail.split(" (by ")[0] for a in audit] == ["questionnaire=ventetid"]
    # Reference data: the questionnaire and its questions reach every site, the use its own.
    assert {s for s, _r, _o in _feed(central, "questionnaire")} == set(SITE_IDS)
    assert {s for s, r, _o in _feed(central, "questionnaire_question") if r == "ventetid.3"} == set(
        SITE_IDS
    )
    assert _feed(central, "questionnaire_use") == [
        ("ronde", "ventetid|ronde|aaben-raadgivning", "upsert")
    ]


def test_show_prints_what_load_reads_back_unchanged(central, frozen_now):
    load(central, THREE, now=frozen_now)
    text = show(central, "ventetid")
    again = parse(text)
    assert again.questionnaire.title_da == "Hvordan var ventetiden?"
    assert [q.options_da for q in again.questions][1] == "Bus|Bil|Cykel"
    assert again.uses is not None and again.uses[0].automatic is True
    assert load(central, text, now=frozen_now) == ("ventetid", False)
    assert show(central, "ventetid") == text


def test_a_change_drops_questions_and_uses_with_tombstones(central, frozen_now):
    load(central, THREE, now=frozen_now)
    shorter = THREE.split('[[question]]\nkind = "yes_no"')[0]
    shorter = shorter.replace(
        'title_da = "Hvordan var ventetiden?"', 'title_da = "Ventetid"\nuse = []'
    )
    assert load(central, shorter, now=frozen_now) == ("ventetid", False)
    with read_session(central) as session:
        assert session.get(Questionnaire, "ventetid").title_da == "Ventetid"
        assert session.get(QuestionnaireQuestion, "ventetid.3") is None
        assert session.exec(select(QuestionnaireUse)).all() == []
    assert parse(show(central, "ventetid")).uses == []
    assert {s for s, r, o in _feed(central, "questionnaire_question")
            if r == "ventetid.3" and o == "delete"} == set(SITE_IDS)  # fmt: skip
    assert ("ronde", "ventetid|ronde|aaben-raadgivning", "delete") in _feed(
        central, "questionnaire_use"
    )


def test_once_answered_only_the_texts_may_change(central, frozen_now):
    load(central, THREE, now=frozen_now)
    with write_session(central) as session:
        session.add(QuestionnaireAnswer(
            id="a1", site_id="ronde", created_at=frozen_now, questionnaire_id="ventetid",
            offer_id="aaben-raadgivning", answer_date=date(2026, 11, 24), answers="ventetid.1:3",
        ))  # fmt: skip
    with pytest.raises(QuestionnaireRefused, match="har allerede svar"):
        load(central, THREE.replace("high = 5", "high = 7"), now=frozen_now)
    load(central, THREE.replace("Hvor længe ventede du?", "Hvor lang var ventetiden?"),
         now=frozen_now)  # fmt: skip
    with read_session(central) as session:
        assert (
            session.get(QuestionnaireQuestion, "ventetid.1").text_da == "Hvor lang var ventetiden?"
        )
        assert session.get(QuestionnaireQuestion, "ventetid.1").high == 5


SEVEN = "".join(
    f'\n[[question]]\nkind = "yes_no"\ntext_da = "Spørgsmål {n}"\ntext_en = "Question {n}"\n'
    for n in range(7)
)
HEAD = 'id = "x"\ntitle_da = "X"\ntitle_en = "X"\n'
YES = '\n[[question]]\nkind = "yes_no"\ntext_da = "Ja?"\ntext_en = "Yes?"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEAD + '\n[[question]]\nkind = "text"\ntext_da = "Skriv"\ntext_en = "Write"\n',
            "fritekst er ikke tilladt",
        ),
        (
            HEAD + '\n[[question]]\nkind = "yes_no"\ntext_da = "Ja?"\ntext_en = "Yes?"\n'
            "free_text = true\n",
            "ukendt felt free_text",
        ),
        (HEAD + SEVEN, "1 til 6 spørgsmål"),
        (HEAD, "1 til 6 spørgsmål"),
        (HEAD + '\n[[question]]\nkind = "scale"\ntext_da = "A"\ntext_en = "A"\n', "skalaens ende"),
        (
            HEAD
            + '\n[[question]]\nkind = "scale"\ntext_da = "A"\ntext_en = "A"\nlow = 5\nhigh = 5\n'
            'low_da = "a"\nlow_en = "a"\nhigh_da = "b"\nhigh_en = "b"\n',
            "low skal være mindre",
        ),
        (
            HEAD + '\n[[question]]\nkind = "scale"\ntext_da = "A"\ntext_en = "A"\nlow = -1\n',
            "helt tal fra 0",
        ),
        (
            HEAD + '\n[[question]]\nkind = "choice"\ntext_da = "A"\ntext_en = "A"\n'
            'options_da = ["a", "b"]\noptions_en = ["a"]\n',
            "options_en",
        ),
        (
            HEAD + '\n[[question]]\nkind = "choice"\ntext_da = "A"\ntext_en = "A"\n'
            'options_da = ["a", "b"]\noptions_en = ["a", "c"]\noptions = 1\n',
            "ukendt felt",
        ),
        ('id = "x"\ntitle_da = "X\\u0000"\ntitle_en = "X"\n' + YES, "styretegn"),
        ('id = "X Y"\ntitle_da = "X"\ntitle_en = "X"\n' + YES, "id: skal være"),
        ('id = "x"\ntitle_da = ""\ntitle_en = "X"\n' + YES, "title_da: mangler"),
        (HEAD + 'purpose = "secret"\n' + YES, "purpose: skal være"),
        (HEAD + 'purpose = "fit_outcome"\n' + YES, "4 skalaer fra 0 til 10"),
        (HEAD + YES + '\n[[use]]\nsite = "nowhere"\noffer = "aaben-raadgivning"\n', "ukendt sted"),
        (HEAD + YES + '\n[[use]]\nsite = "ronde"\noffer = "nothing"\n', "ukendt tilbud"),
        (
            HEAD + YES + '\n[[use]]\nsite = "ronde"\noffer = "aaben-raadgivning"\n'
            'moment = "session_end"\n',
            "kun FIT-mødevurderingen",
        ),
        (
            HEAD + YES + '\n[[use]]\nsite = "ronde"\noffer = "aaben-raadgivning"\n'
            'automatic = "ja"\n',
            "true eller false",
        ),
        ("id = [", "ikke gyldig TOML"),
    ],
)
def test_bad_files_are_refused_in_danish_and_change_nothing(central, frozen_now, text, message):
    before = _counts(central)
    with pytest.raises(QuestionnaireRefused, match=message):
        load(central, text, now=frozen_now)
    assert _counts(central) == before


def test_a_use_needs_an_offer_the_site_has(central, frozen_now):
    with write_session(central) as session:
        session.add(SiteOffer(site_id="ronde", offer_id="aaben-raadgivning"))
    text = HEAD + YES + '\n[[use]]\nsite = "ronde"\noffer = "akut"\n'
    with pytest.raises(QuestionnaireRefused, match="har ikke tilbuddet 'akut'"):
        load(central, text, now=frozen_now)


def test_fit_scale_texts_are_the_municipality_s_to_enter(central, frozen_now):
    scales = "".join(
        f'\n[[question]]\nkind = "scale"\ntext_da = "Skala {n} (kommunens tekst)"\n'
        f'text_en = "Scale {n}"\nlow = 0\nhigh = 10\nlow_da = "dårligt"\nlow_en = "bad"\n'
        'high_da = "godt"\nhigh_en = "good"\n'
        for n in range(1, 5)
    )
    text = 'id = "fit-outcome"\ntitle_da = "Hvordan har du det?"\ntitle_en = "How are you?"\n'
    text += 'purpose = "fit_outcome"\n' + scales
    load(central, text, now=frozen_now)
    with read_session(central) as session:
        assert (
            session.get(QuestionnaireQuestion, "fit-outcome.2").text_da
            == "Skala 2 (kommunens tekst)"
        )
    with pytest.raises(QuestionnaireRefused, match="formålet kan ikke ændres"):
        load(central, text.replace("fit_outcome", "anonymous"), now=frozen_now)


def test_the_cli_loads_lists_shows_and_refuses(central, tmp_path, capsys):
    url = db_url(central)
    good = tmp_path / "ventetid.toml"
    good.write_text(THREE, encoding="utf-8")
    assert main(["central", "questionnaire", "load", str(good), "--db", url]) == 0
    assert "spørgeskema ventetid oprettet" in capsys.readouterr().out
    assert main(["central", "questionnaire", "list", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "ventetid" in out and "3 spørgsmål" in out and "1 steder/tilbud" in out
    assert main(["central", "questionnaire", "show", "ventetid", "--db", url]) == 0
    assert 'options_da = ["Bus", "Bil", "Cykel"]' in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text(THREE.replace('kind = "yes_no"', 'kind = "free_text"'), encoding="utf-8")
    assert main(["central", "questionnaire", "load", str(bad), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "fritekst er ikke tilladt" in err and "intet er ændret" in err
    assert "Traceback" not in err
    assert main(["central", "questionnaire", "show", "nope", "--db", url]) == 2
    assert "intet spørgeskema 'nope'" in capsys.readouterr().err
    assert main(["central", "questionnaire", "load", str(tmp_path / "none.toml"), "--db", url]) == 2
    assert "kan ikke læse" in capsys.readouterr().err
