"""Defining questionnaires at central (``mestring central questionnaire list|show|load``).

A questionnaire is written as a small TOML file (``show`` prints one, ``load`` reads it back):
its Danish and English title, its purpose, 1–6 questions (a scale with labelled ends, a choice
or yes/no; never free text) and, optionally, where it is used (site, offer, moment, whether it
opens by itself). Loading checks everything first and changes nothing on a problem; a
change is published to the kiosks as reference data and audited (``questionnaire_changed``).

Once a questionnaire has answers, its questions keep their kinds and values (texts may be
corrected): a changed scale would mix two meanings in one report. Make a new one instead.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from models import Offer, Site, SiteOffer
from models.db import read_session, write_session
from models.feedback import (
    MAX_QUESTIONS,
    FitRating,
    Moment,
    Purpose,
    QuestionKind,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireQuestion,
    QuestionnaireUse,
    options,
)
from sync.admin.audit import central_audit
from sync.changes import DELETE, publish

#: A questionnaire's id: a slug short enough that ``id.6`` is a question id on the wire.
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,29}")
#: Control characters (NUL, escapes, line breaks) are never shown on a kiosk.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The FIT instruments: four 0–10 scales (the texts are the municipality's to enter).
FIT_SCALES, FIT_LOW, FIT_HIGH = 4, 0, 10
MAX_OPTIONS = 9  # one digit answers a choice

_TOP_KEYS = {"id", "title_da", "title_en", "purpose", "active", "sort_order", "question", "use"}
_QUESTION_KEYS = {
    QuestionKind.SCALE: {"kind", "text_da", "text_en", "low", "high",
                         "low_da", "low_en", "high_da", "high_en"},
    QuestionKind.CHOICE: {"kind", "text_da", "text_en", "options_da", "options_en"},
    QuestionKind.YES_NO: {"kind", "text_da", "text_en"},
}  # fmt: skip
_USE_KEYS = {"site", "offer", "moment", "automatic"}


class QuestionnaireRefused(ValueError):
    """The file does not describe a questionnaire central can use; nothing was changed."""


@dataclass
class Definition:
    questionnaire: Questionnaire
    questions: list[QuestionnaireQuestion]
    uses: list[QuestionnaireUse] | None  # None: the file leaves the uses as they are


def _text(where: str, value: Any, limit: int, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise QuestionnaireRefused(f"{where}: skal være en tekst")
    text = value.strip()
    if required and not text:
        raise QuestionnaireRefused(f"{where}: mangler")
    if len(text) > limit:
        raise QuestionnaireRefused(f"{where}: højst {limit} tegn (er {len(text)})")
    if CONTROL.search(text):
        raise QuestionnaireRefused(f"{where}: indeholder styretegn")
    return text


def _whole(where: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise QuestionnaireRefused(f"{where}: skal være et helt tal fra {low} til {high}")
    return value


def _unknown(where: str, given: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(given) - allowed)
    if extra:
        raise QuestionnaireRefused(f"{where}: ukendt felt {', '.join(extra)}")


def _kind(where: str, raw: Any) -> QuestionKind:
    value = raw if isinstance(raw, str) else ""
    if value in {"text", "free_text", "fritekst", "tekst"}:
        raise QuestionnaireRefused(
            f"{where}: fritekst er ikke tilladt (den indbyder til navne, CPR-numre og "
            "helbredsoplysninger); brug scale, choice eller yes_no"
        )
    try:
        return QuestionKind(value)
    except ValueError:
        raise QuestionnaireRefused(
            f"{where}: kind skal være scale, choice eller yes_no (ikke {raw!r})"
        ) from None


def _option_list(where: str, raw: Any) -> list[str]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_OPTIONS:
        raise QuestionnaireRefused(f"{where}: skal være en liste med 2 til {MAX_OPTIONS} svar")
    found = [_text(f"{where}[{n}]", item, 60) for n, item in enumerate(raw, 1)]
    if any("|" in item for item in found):
        raise QuestionnaireRefused(f"{where}: et svar må ikke indeholde |")
    return found


def _question(qid: str, where: str, raw: Any, position: int) -> QuestionnaireQuestion:
    if not isinstance(raw, dict):
        raise QuestionnaireRefused(f"{where}: skal være en tabel [[question]]")
    kind = _kind(where, raw.get("kind"))
    _unknown(where, raw, _QUESTION_KEYS[kind])
    row = QuestionnaireQuestion(
        id=qid, questionnaire_id=qid.rsplit(".", 1)[0], position=position, kind=kind,
        text_da=_text(f"{where} text_da", raw.get("text_da"), 200),
        text_en=_text(f"{where} text_en", raw.get("text_en"), 200),
    )  # fmt: skip
    if kind is QuestionKind.SCALE:
        row.low = _whole(f"{where} low", raw.get("low", 1), 0, 98)
        row.high = _whole(f"{where} high", raw.get("high", 5), 1, 99)
        if row.low >= row.high:
            raise QuestionnaireRefused(f"{where}: low skal være mindre end high")
        for end in ("low_da", "low_en", "high_da", "high_en"):
            setattr(row, end, _text(f"{where} {end} (skalaens ende)", raw.get(end), 60))
    elif kind is QuestionKind.CHOICE:
        da = _option_list(f"{where} options_da", raw.get("options_da"))
        en = _option_list(f"{where} options_en", raw.get("options_en"))
        if len(da) != len(en):
            raise QuestionnaireRefused(
                f"{where}: options_da og options_en skal have lige mange svar"
            )
        row.options_da, row.options_en = "|".join(da), "|".join(en)
    return row


def _use(qid: str, where: str, raw: Any) -> QuestionnaireUse:
    if not isinstance(raw, dict):
        raise QuestionnaireRefused(f"{where}: skal være en tabel [[use]]")
    _unknown(where, raw, _USE_KEYS)
    moment = raw.get("moment", Moment.AFTER_CHECK_IN)
    if moment == Moment.SESSION_END:
        raise QuestionnaireRefused(
            f"{where}: ved holdmødets afslutning spørges kun FIT-mødevurderingen "
            "(mestring central fit on --group); brug after_check_in eller standalone"
        )
    if moment not in (Moment.AFTER_CHECK_IN, Moment.STANDALONE):
        raise QuestionnaireRefused(f"{where}: moment skal være after_check_in eller standalone")
    automatic = raw.get("automatic", False)
    if not isinstance(automatic, bool):
        raise QuestionnaireRefused(f"{where} automatic: skal være true eller false")
    return QuestionnaireUse(
        questionnaire_id=qid, site_id=_text(f"{where} site", raw.get("site"), 32),
        offer_id=_text(f"{where} offer", raw.get("offer"), 40), moment=moment,
        automatic=automatic,
    )  # fmt: skip


def parse(text: str) -> Definition:
    """A questionnaire from its TOML form; ``QuestionnaireRefused`` says what is wrong."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise QuestionnaireRefused(f"filen er ikke gyldig TOML: {err}") from None
    _unknown("spørgeskemaet", raw, _TOP_KEYS)
    qid = raw.get("id")
    if not isinstance(qid, str) or not SLUG.fullmatch(qid):
        raise QuestionnaireRefused("id: skal være 1–30 små bogstaver, tal, - eller _ (fx besoeg)")
    try:
        purpose = Purpose(raw.get("purpose", Purpose.ANONYMOUS))
    except ValueError:
        raise QuestionnaireRefused(
            "purpose: skal være anonymous, fit_outcome eller fit_session"
        ) from None
    active = raw.get("active", True)
    if not isinstance(active, bool):
        raise QuestionnaireRefused("active: skal være true eller false")
    questionnaire = Questionnaire(
        id=qid, title_da=_text("title_da", raw.get("title_da"), 120),
        title_en=_text("title_en", raw.get("title_en"), 120), purpose=purpose, active=active,
        sort_order=_whole("sort_order", raw.get("sort_order", 0), 0, 10_000),
    )  # fmt: skip
    listed = raw.get("question", [])
    if not isinstance(listed, list) or not 1 <= len(listed) <= MAX_QUESTIONS:
        raise QuestionnaireRefused(
            f"et spørgeskema har 1 til {MAX_QUESTIONS} spørgsmål ([[question]])"
        )
    questions = [
        _question(f"{qid}.{n}", f"spørgsmål {n}", item, n) for n, item in enumerate(listed, 1)
    ]
    if purpose.identified:
        fit = all(
            q.kind == QuestionKind.SCALE and (q.low, q.high) == (FIT_LOW, FIT_HIGH)
            for q in questions
        )
        if len(questions) != FIT_SCALES or not fit:
            raise QuestionnaireRefused(
                f"en FIT-vurdering har {FIT_SCALES} skalaer fra {FIT_LOW} til {FIT_HIGH}"
            )
    uses = None
    if "use" in raw:
        if not isinstance(raw["use"], list):
            raise QuestionnaireRefused("use: skal være tabeller [[use]]")
        if purpose.identified and raw["use"]:
            raise QuestionnaireRefused(
                "en FIT-vurdering bruges hvor FIT er slået til (mestring central fit on), "
                "ikke via [[use]]"
            )
        uses = [_use(qid, f"brug {n}", item) for n, item in enumerate(raw["use"], 1)]
        keys = [(u.site_id, u.offer_id) for u in uses]
        if len(set(keys)) != len(keys):
            raise QuestionnaireRefused("use: samme sted og tilbud står to gange")
    return Definition(questionnaire, questions, uses)


def _check_uses(session: Session, uses: Sequence[QuestionnaireUse]) -> None:
    sites = set(session.exec(select(Site.id)).all())
    offers = set(session.exec(select(Offer.id)).all())
    offered = {(s, o) for s, o in session.exec(select(SiteOffer.site_id, SiteOffer.offer_id))}
    for use in uses:
        if use.site_id not in sites:
            raise QuestionnaireRefused(f"ukendt sted '{use.site_id}'")
        if use.offer_id not in offers:
            raise QuestionnaireRefused(f"ukendt tilbud '{use.offer_id}'")
        if offered and (use.site_id, use.offer_id) not in offered:
            raise QuestionnaireRefused(f"{use.site_id} har ikke tilbuddet '{use.offer_id}'")


def _answered(session: Session, qid: str) -> bool:
    anonymous = select(func.count()).where(QuestionnaireAnswer.questionnaire_id == qid)
    rated = select(func.count()).where(FitRating.questionnaire_id == qid)
    return bool(session.exec(anonymous).one() or session.exec(rated).one())


def _shape(question: QuestionnaireQuestion) -> tuple[str, list[int]]:
    return str(question.kind), list(question.values())


def load(engine: Engine, text: str, *, now: datetime) -> tuple[str, bool]:
    """Create or change the questionnaire ``text`` describes; (id, whether it was new)."""
    definition = parse(text)
    new = definition.questionnaire
    with write_session(engine) as session:
        old = session.get(Questionnaire, new.id)
        query = select(QuestionnaireQuestion).where(
            QuestionnaireQuestion.questionnaire_id == new.id
        )
        old_questions = list(session.exec(query.order_by(col(QuestionnaireQuestion.position))))
        if old is not None and old.purpose != new.purpose:
            raise QuestionnaireRefused(
                f"{new.id}: formålet kan ikke ændres ({old.purpose} → {new.purpose}); "
                "lav et nyt spørgeskema"
            )
        if old is not None and _answered(session, new.id):
            if [_shape(q) for q in old_questions] != [_shape(q) for q in definition.questions]:
                raise QuestionnaireRefused(
                    f"{new.id} har allerede svar: spørgsmålenes antal, slags og svarmuligheder "
                    "kan ikke ændres (kun teksterne); lav et nyt spørgeskema"
                )
        if definition.uses is not None:
            _check_uses(session, definition.uses)
        if old is None:
            session.add(new)
            session.flush()
            publish(session, [new], now=now)
        else:
            for name in ("title_da", "title_en", "active", "sort_order"):
                setattr(old, name, getattr(new, name))
            publish(session, [old], now=now)
        wanted = {q.id for q in definition.questions}
        gone = [q for q in old_questions if q.id not in wanted]
        if gone:
            publish(session, gone, now=now, op=DELETE)
            for question in gone:
                session.delete(question)
            session.flush()
        rows = [session.merge(q) for q in definition.questions]
        publish(session, rows, now=now)
        if definition.uses is not None:
            query_uses = select(QuestionnaireUse).where(QuestionnaireUse.questionnaire_id == new.id)
            old_uses = list(session.exec(query_uses))
            keys = {(u.site_id, u.offer_id) for u in definition.uses}
            dropped = [u for u in old_uses if (u.site_id, u.offer_id) not in keys]
            if dropped:
                publish(session, dropped, now=now, op=DELETE)
                for use in dropped:
                    session.delete(use)
                session.flush()
            publish(session, [session.merge(u) for u in definition.uses], now=now)
        central_audit(session, action="questionnaire_changed", now=now,
                      detail=f"questionnaire={new.id}")  # fmt: skip
    return new.id, old is None


def _toml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(map(_toml_text, values)) + "]"


def show(engine: Engine, qid: str) -> str:
    """A questionnaire in the TOML form ``load`` reads."""
    with read_session(engine) as session:
        questionnaire = session.get(Questionnaire, qid)
        if questionnaire is None:
            raise QuestionnaireRefused(f"intet spørgeskema '{qid}'")
        query = select(QuestionnaireQuestion).where(QuestionnaireQuestion.questionnaire_id == qid)
        questions = list(session.exec(query.order_by(col(QuestionnaireQuestion.position))))
        query_uses = select(QuestionnaireUse).where(QuestionnaireUse.questionnaire_id == qid)
        uses = sorted(session.exec(query_uses), key=lambda u: (u.site_id, u.offer_id))
    lines = [
        f"id = {_toml_text(questionnaire.id)}",
        f"title_da = {_toml_text(questionnaire.title_da)}",
        f"title_en = {_toml_text(questionnaire.title_en)}",
        f"purpose = {_toml_text(str(questionnaire.purpose))}",
        f"active = {'true' if questionnaire.active else 'false'}",
        f"sort_order = {questionnaire.sort_order}",
    ]
    if not uses and not Purpose(questionnaire.purpose).identified:
        lines.append("use = []  # no site uses it yet: add [[use]] tables")
    for q in questions:
        lines += ["", "[[question]]", f"kind = {_toml_text(str(q.kind))}"]
        lines += [f"text_da = {_toml_text(q.text_da)}", f"text_en = {_toml_text(q.text_en)}"]
        if q.kind == QuestionKind.SCALE:
            lines += [f"low = {q.low}", f"high = {q.high}"]
            lines += [f"{end} = {_toml_text(getattr(q, end))}"
                      for end in ("low_da", "low_en", "high_da", "high_en")]  # fmt: skip
        elif q.kind == QuestionKind.CHOICE:
            lines += [f"options_da = {_toml_list(options(q.options_da))}",
                      f"options_en = {_toml_list(options(q.options_en))}"]  # fmt: skip
    if not Purpose(questionnaire.purpose).identified:
        for use in uses:
            lines += ["", "[[use]]", f"site = {_toml_text(use.site_id)}",
                      f"offer = {_toml_text(use.offer_id)}",
                      f"moment = {_toml_text(str(use.moment))}",
                      f"automatic = {'true' if use.automatic else 'false'}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def listing(engine: Engine) -> list[str]:
    """One line per questionnaire: id, purpose, active, questions, uses, title."""
    with read_session(engine) as session:
        rows = session.exec(select(Questionnaire).order_by(col(Questionnaire.sort_order)))
        counts = dict(
            session.exec(
                select(QuestionnaireQuestion.questionnaire_id, func.count()).group_by(
                    col(QuestionnaireQuestion.questionnaire_id)
                )
            ).all()
        )
        uses = dict(
            session.exec(
                select(QuestionnaireUse.questionnaire_id, func.count()).group_by(
                    col(QuestionnaireUse.questionnaire_id)
                )
            ).all()
        )
        return [
            f"{q.id}\t{q.purpose}\t{'aktiv' if q.active else 'inaktiv'}\t"
            f"{counts.get(q.id, 0)} spørgsmål\t{uses.get(q.id, 0)} steder/tilbud\t{q.title_da}"
            for q in rows
        ]
