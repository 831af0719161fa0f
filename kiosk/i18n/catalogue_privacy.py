"""Texts for refused input (CPR, PIN, control characters) and need-to-know refusals."""

_CPR_DA = "Det ligner et CPR-nummer, og CPR-numre gemmes aldrig her. Skriv det uden nummeret."
_CPR_EN = "That looks like a CPR number, and CPR numbers are never stored here. Leave it out."
_PIN_DA = "Det ligner initialer og en PIN-kode. En PIN skrives kun i login-feltet."
_PIN_EN = "That looks like initials and a PIN. A PIN goes only into the login field."
_CTRL_DA = "Teksten indeholder et kontroltegn. Skriv den igen."
_CTRL_EN = "The text holds a control character. Type it again."
_ROSTER_DA = "Holdets deltagere vises kun for holdets ledere, stedets vejledere og administratorer."
_ROSTER_EN = (
    "A group's participants are shown only to its leaders, the site's counsellors and admins."
)

DA = {
    "privacy.refused.cpr": _CPR_DA,
    "privacy.refused.pin": _PIN_DA,
    "privacy.refused.control": _CTRL_DA,
    "privacy.search.cpr": (
        "Søgningen er ikke udført: den ligner et CPR-nummer, og CPR bruges aldrig her. "
        "Søg på navn eller fødselsår."
    ),
    "attendance.refused.cpr_like": _CPR_DA,
    "attendance.refused.pin_like": _PIN_DA,
    "attendance.refused.control_char": _CTRL_DA,
    "attendance.refused.need_to_know": _ROSTER_DA,
    "scan.done.no_name": "Tak, du er tjekket ind",
    "scan.duplicate.no_name": "Tak, du er allerede tjekket ind",
    "scan.no_plan.no_name": "Hej, du har ingen aftale her i dag. Henvend dig ved skranken.",
    "scan.choose.no_name": "Du har flere ting i dag: henvend dig ved skranken.",
}

EN = {
    "privacy.refused.cpr": _CPR_EN,
    "privacy.refused.pin": _PIN_EN,
    "privacy.refused.control": _CTRL_EN,
    "privacy.search.cpr": (
        "The search was not run: it looks like a CPR number, and CPR is never used here. "
        "Search by name or birth year."
    ),
    "attendance.refused.cpr_like": _CPR_EN,
    "attendance.refused.pin_like": _PIN_EN,
    "attendance.refused.control_char": _CTRL_EN,
    "attendance.refused.need_to_know": _ROSTER_EN,
    "scan.done.no_name": "Thank you, you are checked in",
    "scan.duplicate.no_name": "Thank you, you are already checked in",
    "scan.no_plan.no_name": "Hello, you have nothing booked here today. Please ask at the desk.",
    "scan.choose.no_name": "You have several things today: please ask at the desk.",
}
