"""The default questionnaires: the sample "Hvordan var dit besøg i dag?" and the two FIT-style
rating scales with neutral placeholder texts (the municipality replaces them with the texts
of the instrument it has a licence for; the software ships none)."""

from __future__ import annotations

from sqlmodel import SQLModel

from models.demo_catalogue import SITE_IDS
from models.feedback import (
    Moment,
    Purpose,
    QuestionKind,
    Questionnaire,
    QuestionnaireQuestion,
    QuestionnaireUse,
)

VISIT = "besoeg"
PLACE = "stedet"  # stand-alone: the desk may hand the keyboard over without a check-in
FIT_OUTCOME = "fit-outcome"
FIT_SESSION = "fit-session"
#: The walk-in offers where the desk may hand the keyboard to the citizen after a check-in.
VISIT_OFFERS = ("aaben-raadgivning", "aabent-samvaer")


def questionnaires() -> list[Questionnaire]:
    return [
        Questionnaire(id=VISIT, title_da="Hvordan var dit besøg i dag?",
                      title_en="How was your visit today?", sort_order=10),
        Questionnaire(id=FIT_OUTCOME, title_da="Hvordan har du det?",
                      title_en="How are you doing?", purpose=Purpose.FIT_OUTCOME, sort_order=20),
        Questionnaire(id=FIT_SESSION, title_da="Hvordan var mødet i dag?",
                      title_en="How was today's meeting?", purpose=Purpose.FIT_SESSION,
                      sort_order=30),
        Questionnaire(id=PLACE, title_da="Hvad synes du om stedet?",
                      title_en="What do you think of the place?", sort_order=40),
    ]  # fmt: skip


def _scale(questionnaire: str, n: int, da: str, en: str, ends: tuple[str, str, str, str],
           low: int = 1, high: int = 5) -> QuestionnaireQuestion:  # fmt: skip
    low_da, low_en, high_da, high_en = ends
    return QuestionnaireQuestion(
        id=f"{questionnaire}.{n}", questionnaire_id=questionnaire, position=n,
        kind=QuestionKind.SCALE, text_da=da, text_en=en, low=low, high=high,
        low_da=low_da, low_en=low_en, high_da=high_da, high_en=high_en,
    )  # fmt: skip


def questions() -> list[QuestionnaireQuestion]:
    bad_good = ("dårligt", "bad", "rigtig godt", "very good")
    rows = [
        _scale(VISIT, 1, "Hvordan blev du taget imod?", "How were you welcomed?", bad_good),
        _scale(VISIT, 2, "Fik du den hjælp, du kom efter?", "Did you get the help you came for?",
               ("slet ikke", "not at all", "helt", "fully")),
        QuestionnaireQuestion(
            id=f"{VISIT}.3", questionnaire_id=VISIT, position=3, kind=QuestionKind.YES_NO,
            text_da="Vil du komme igen?", text_en="Will you come again?",
        ),
    ]  # fmt: skip
    rows += [
        _scale(PLACE, 1, "Hvor godt føler du dig tilpas her?", "How comfortable do you feel here?",
               ("slet ikke", "not at all", "helt", "fully")),
        QuestionnaireQuestion(
            id=f"{PLACE}.2", questionnaire_id=PLACE, position=2, kind=QuestionKind.YES_NO,
            text_da="Ved du, hvem du kan spørge?", text_en="Do you know whom to ask?",
        ),
    ]  # fmt: skip
    placeholder = ("lavt", "low", "højt", "high")
    for questionnaire in (FIT_OUTCOME, FIT_SESSION):
        for n in range(1, 5):
            # Neutral placeholders: the real item texts are the municipality's to configure.
            rows.append(_scale(questionnaire, n, f"Skala {n}", f"Scale {n}", placeholder, 0, 10))
    return rows


def questionnaire_uses() -> list[QuestionnaireUse]:
    """Every site offers the visit questionnaire after a walk-in check-in (on the desk's key),
    and the place questionnaire stand-alone at the open drop-in (Ctrl+B, no check-in)."""
    after_visits = [
        QuestionnaireUse(questionnaire_id=VISIT, site_id=site, offer_id=offer)
        for site in SITE_IDS
        for offer in VISIT_OFFERS
    ]
    stand_alone = [
        QuestionnaireUse(
            questionnaire_id=PLACE, site_id=site, offer_id="aabent-samvaer",
            moment=Moment.STANDALONE,
        )
        for site in SITE_IDS
    ]  # fmt: skip
    return [*after_visits, *stand_alone]


def questionnaire_rows() -> list[SQLModel]:
    """Questionnaires, their questions and uses, in foreign-key order."""
    return [*questionnaires(), *questions(), *questionnaire_uses()]
