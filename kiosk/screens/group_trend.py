"""A group's FIT trend for its leader (from F7): per session, the participants' average
outcome and session rating, how many rated, and a flag. No name, no one citizen's figure."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable

from kiosk.i18n import current_language, t, tr
from kiosk.i18n.formats import short_date
from kiosk.screens.base import KioskModal, KioskScreen
from kiosk.services.group_trends import MIN_RATERS, GroupTrend, SessionTrend
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.table import refill
from kiosk.widgets.words import Caption
from models.figures.fit import FitFlag
from models.timeutil import local_today

COLUMNS = ("day", "outcome", "outcome_n", "session", "session_n", "flag")
FLAG_STYLE = {FitFlag.FALLING: "bold red", FitFlag.LOW_SESSION: "yellow"}


def average_text(average: float | None, raters: int) -> str:
    """``27,5`` (Danish decimal comma), ``–`` without ratings, ``<2`` when too few to show."""
    if average is None:
        return f"<{MIN_RATERS}" if raters else "–"
    text = f"{average:.1f}"
    return text if current_language() == "en" else text.replace(".", ",")


def trend_cells(row: SessionTrend) -> list[str | Text]:
    flag = "" if row.flag is FitFlag.NONE else t(f"fit.flag.{row.flag.value}")
    return [
        short_date(local_today(row.starts_at)),
        average_text(row.outcome_average, row.outcome_raters),
        str(row.outcome_raters),
        average_text(row.session_average, row.session_raters),
        str(row.session_raters),
        Text(flag, style=FLAG_STYLE.get(row.flag, "")),
    ]


class GroupTrendScreen(KioskModal[None]):
    """The trend of one group, already read (and audited) by the screen that opened it."""

    CSS_PATH = "group_trend.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "fit.trend.close", tooltip="fit.trend.close.tooltip",
                id="fit.trend.close"),
    ]  # fmt: skip

    def __init__(self, trend: GroupTrend) -> None:
        super().__init__()
        self.trend = trend

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Caption(self.title_words, id="trend-title", classes="dialog-title")
            yield DataTable(id="trend-table", cursor_type="row", zebra_stripes=True)
            yield Caption(tr("fit.trend.help", raters=MIN_RATERS), classes="dialog-help")
        yield KeyBar()

    def title_words(self) -> str:
        state = t("fit.trend.on") if self.trend.fit_on else t("fit.trend.off")
        return t("fit.trend.title", title=self.trend.title, state=state)

    def on_mount(self) -> None:
        self.retranslate()
        self.query_one(DataTable).focus()

    def retranslate(self) -> None:
        columns = [(key, t(f"fit.trend.col.{key}")) for key in COLUMNS]
        rows: list[tuple[str | None, list[str | Text]]] = [
            (row.session_id, trend_cells(row)) for row in self.trend.sessions
        ]
        if not rows:
            rows.append((None, [t("fit.trend.none"), *[""] * (len(COLUMNS) - 1)]))
        refill(self.query_one(DataTable), columns, rows)

    def action_close(self) -> None:
        """Back to the group's screen."""
        self.dismiss(None)


def open_group_trend(screen: KioskScreen, group_id: str) -> None:
    """Read the group's trend as the member logged in now (refused for anyone but its
    leader or an admin, said in the screen's status line) and show it."""
    staff, now = screen.staff, screen.kiosk.clock()
    if staff is None:
        return
    feedback = screen.kiosk.services.feedback

    def show(trend: GroupTrend) -> None:
        screen.app.push_screen(GroupTrendScreen(trend))

    screen.request(lambda: feedback.group_trend(group_id, staff, now), show)  # asked once


SCREEN: Any = GroupTrendScreen
