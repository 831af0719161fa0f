"""App-wide texts: title, bindings, language, errors."""

DA = {
    "app.title": "Mestringscenteret",
    "app.quit": "Afslut",
    "app.quit.tooltip": "Luk kiosken",
    "app.language": "English",
    "app.language.tooltip": "Skift sprog til engelsk",
    "app.palette": "Kommandoer",
    "app.palette.tooltip": "Søg blandt alle kommandoer",
    "app.language_changed": "Sproget er nu dansk",
    "app.palette.placeholder": "Søg efter en kommando …",
    "app.error.no_identity": (
        "kiosken har ingen data endnu: tilmeld den med 'mestring kiosk enroll' "
        "eller prøv 'mestring demo'"
    ),
    "app.error.load_failed": "Kunne ikke læse data: {error}",
    "app.error.language": "ukendt sprog {language!r} i indstillingerne (language): vælg {known}",
    "app.error.failed": "Det lykkedes ikke: {error}",
    "app.error.refused": "Det går ikke: {reason}",
}

EN = {
    "app.title": "Mestringscenteret",
    "app.quit": "Quit",
    "app.quit.tooltip": "Close the kiosk",
    "app.language": "Dansk",
    "app.language.tooltip": "Switch the language to Danish",
    "app.palette": "Commands",
    "app.palette.tooltip": "Search all commands",
    "app.language_changed": "The language is now English",
    "app.palette.placeholder": "Search for a command …",
    "app.error.no_identity": (
        "this kiosk has no data yet: enrol it with 'mestring kiosk enroll' or try 'mestring demo'"
    ),
    "app.error.load_failed": "Could not read data: {error}",
    "app.error.language": "unknown language {language!r} in the settings: choose {known}",
    "app.error.failed": "That did not work: {error}",
    "app.error.refused": "Not possible: {reason}",
}
