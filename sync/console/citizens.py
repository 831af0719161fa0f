"""Finding a known citizen by name on central, with the kiosk's Danish-aware matching."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from models import Citizen
from models.db import write_session
from models.text import danish_sort_key
from sync.admin.audit import central_audit

MAX_HITS = 20


@dataclass(frozen=True, slots=True)
class CitizenHit:
    id: str
    display_name: str
    birth_year: int | None
    reference: str | None


def _word_matches(query_word: str, name_words: list[str]) -> bool:
    from models.search_text import sound_key  # pure text rules shared with the kiosk

    key = sound_key(query_word)
    return any(w.startswith(query_word) or sound_key(w).startswith(key) for w in name_words)


def search_citizens(engine: Engine, query: str, *, now: datetime) -> list[CitizenHit]:
    """Known (not provisional, not merged) citizens whose name has every word of ``query``
    (æ≡ae, ø≡oe, å≡aa, Christensen≡Kristensen, word prefixes); the search is audited."""
    from models.search_text import tokens

    words = tokens(query)[:6]
    if not words:
        return []
    with write_session(engine) as session:
        rows = session.exec(
            select(Citizen.id, Citizen.display_name, Citizen.birth_year, Citizen.reference).where(
                ~col(Citizen.provisional), col(Citizen.merged_into).is_(None)
            )
        ).all()
        hits = [
            CitizenHit(*row) for row in rows if all(_word_matches(w, tokens(row[1])) for w in words)
        ]
        central_audit(session, action="search", now=now, detail=f"console: {len(hits)} found")
    hits.sort(key=lambda h: danish_sort_key(h.display_name))
    return hits[:MAX_HITS]
