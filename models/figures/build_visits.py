"""Report sections about visits: per week, per day, per offer, unique citizens, anonymous."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from models.figures.names import Names, column, count, sort_rows
from models.figures.report import Cell, Chart, Column, ColumnType, Section
from models.figures.visits import Visit, topics_of

SITE = column("site", "Sted", "Site")
OFFER = column("offer", "Tilbud", "Offer")
VISITS = count("visits", "Besøg", "Visits")
CITIZENS = count("citizens", "Unikke borgere", "Unique citizens")
WEEK_COLUMNS = (column("week", "Uge", "Week"), SITE, OFFER, VISITS)
DAY_COLUMNS = (column("date", "Dato", "Date", ColumnType.DATE), SITE, OFFER, VISITS)
OFFER_COLUMNS = (SITE, OFFER, count("check_ins", "Tjek ind", "Check-ins"), CITIZENS,
                 count("anonymous", "Anonyme henvendelser", "Anonymous contacts"))  # fmt: skip
UNIQUE_COLUMNS = (SITE, CITIZENS, VISITS)
AGE = column("age_band", "Aldersgruppe", "Age band")
TOPIC = column("topic", "Emne", "Topic")
CONTACTS = count("contacts", "Antal", "Contacts")
ANONYMOUS_COLUMNS = (SITE, TOPIC, AGE, CONTACTS)
TOPIC_COLUMNS = (SITE, TOPIC, CONTACTS)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-U{week:02d}"


def _counted(
    columns: tuple[Column, ...], counter: Counter[tuple[Cell, ...]], keys: tuple[str, ...]
) -> list[tuple[Cell, ...]]:
    return sort_rows((k + (n,) for k, n in counter.items()), columns, keys)


@dataclass(slots=True)
class VisitTally:
    """Visits counted once for every section that shows them."""

    by_day: Counter[tuple[str, str, date]]  # (site, offer, Danish day) → visits
    citizens: Counter[tuple[str, str]]  # (site, offer) → distinct citizens
    site_citizens: Counter[str]  # site → distinct citizens
    everyone: int  # distinct citizens in all
    total: int

    @classmethod
    def of(cls, visits: list[Visit]) -> VisitTally:
        """Counted in Python from the visits themselves (the reference the SQL must equal)."""
        people: dict[tuple[str, str], set[str]] = defaultdict(set)
        by_site: dict[str, set[str]] = defaultdict(set)
        for site, offer, citizen, _ in visits:
            people[(site, offer)].add(citizen)
            by_site[site].add(citizen)
        return cls(
            Counter((s, o, d) for s, o, _, d in visits),
            Counter({key: len(c) for key, c in people.items()}),
            Counter({site: len(c) for site, c in by_site.items()}),
            len({citizen for _, _, citizen, _ in visits}),
            len(visits),
        )

    def plus(self, other: VisitTally) -> VisitTally:
        """Both tallies together; they must share no citizen (distinct counts add up)."""
        return VisitTally(self.by_day + other.by_day, self.citizens + other.citizens,
                          self.site_citizens + other.site_citizens,
                          self.everyone + other.everyone, self.total + other.total)  # fmt: skip

    def per_offer(self) -> Counter[tuple[str, str]]:
        counts: Counter[tuple[str, str]] = Counter()
        for (site, offer, _), n in self.by_day.items():
            counts[(site, offer)] += n
        return counts


def week_section(tally: VisitTally, names: Names) -> Section:
    weekly: Counter[tuple[Cell, ...]] = Counter()
    for (site, offer, day), n in tally.by_day.items():
        weekly[(iso_week(day), names.site(site), names.offer(offer))] += n
    return Section(
        "visits_week", "Besøg pr. uge", "Visits per week", WEEK_COLUMNS,
        _counted(WEEK_COLUMNS, weekly, ("week", "site", "offer")),
        Chart("week", "visits", "site", title_da="Besøg pr. uge og sted",
              title_en="Visits per week and site"),
    )  # fmt: skip


def day_section(tally: VisitTally, names: Names) -> Section:
    daily: Counter[tuple[Cell, ...]] = Counter()
    for (site, offer, day), n in tally.by_day.items():
        daily[(day, names.site(site), names.offer(offer))] += n
    return Section(
        "visits_day", "Besøg pr. dag", "Visits per day", DAY_COLUMNS,
        _counted(DAY_COLUMNS, daily, ("date", "site", "offer")), Chart("date", "visits", "offer"),
    )  # fmt: skip


def offer_section(
    tally: VisitTally, contacts: list[tuple[str, str, str, str]], names: Names
) -> Section:
    """Check-ins, unique citizens and anonymous contacts per site and offer, with a total."""
    check_ins = tally.per_offer()
    anonymous: Counter[tuple[str, str]] = Counter((s, o) for s, o, _, _ in contacts)
    rows = sort_rows(
        (
            (names.site(s), names.offer(o), check_ins[(s, o)], tally.citizens[(s, o)],
             anonymous[(s, o)])
            for s, o in set(check_ins) | set(anonymous)
        ),
        OFFER_COLUMNS,
        ("site", "offer"),
    )  # fmt: skip
    rows.append(("", names.word("total"), tally.total, tally.everyone, len(contacts)))
    return Section(
        "visits_offer", "Besøg pr. tilbud", "Visits per offer", OFFER_COLUMNS, rows,
        Chart("offer", "check_ins", "site"),
        note_da="I alt tæller hver borger én gang.", note_en="Total counts each citizen once.",
        totals=1,
    )  # fmt: skip


def unique_section(tally: VisitTally, names: Names) -> Section:
    visit_count: Counter[str] = Counter()
    for (site, _), n in tally.per_offer().items():
        visit_count[site] += n
    rows = sort_rows(
        ((names.site(s), n, visit_count[s]) for s, n in tally.site_citizens.items()),
        UNIQUE_COLUMNS,
        ("site",),
    )
    rows.append((names.word("total"), tally.everyone, tally.total))
    return Section(
        "unique", "Unikke borgere", "Unique citizens", UNIQUE_COLUMNS, rows,
        Chart("site", "citizens"),
        note_da="I alt tæller hver borger én gang.", note_en="Total counts each citizen once.",
        totals=1,
    )  # fmt: skip


def anonymous_sections(contacts: list[tuple[str, str, str, str]], names: Names) -> list[Section]:
    """Anonymous contacts per site, topic and age band, and per site and topic."""
    detail: Counter[tuple[Cell, ...]] = Counter()
    per_topic: Counter[tuple[Cell, ...]] = Counter()
    # Many contacts look alike: count the distinct ones, then spread them over their topics.
    alike = Counter((site, topics, age) for site, _offer, topics, age in contacts)
    for (site, topics, age), n in alike.items():
        for topic in topics_of(topics):
            detail[(names.site(site), names.topic(topic), age or names.word("no_age"))] += n
            per_topic[(names.site(site), names.topic(topic))] += n
    note_da = f"{len(contacts)} henvendelser; en henvendelse med flere emner tælles under hvert."
    note_en = f"{len(contacts)} contacts; a contact naming several topics counts under each."
    return [
        Section(
            "anonymous", "Anonyme henvendelser", "Anonymous contacts", ANONYMOUS_COLUMNS,
            _counted(ANONYMOUS_COLUMNS, detail, ("site", "topic", "age_band")),
            Chart("topic", "contacts", "site"), note_da=note_da, note_en=note_en,
        ),
        Section(
            "topics", "Anonyme henvendelser pr. emne", "Anonymous contacts per topic",
            TOPIC_COLUMNS, _counted(TOPIC_COLUMNS, per_topic, ("site", "topic")),
            Chart("topic", "contacts", "site"), note_da=note_da, note_en=note_en,
        ),
    ]  # fmt: skip
