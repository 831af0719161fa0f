"""Texts of FIT at the kiosk: turning it on and off, a group's trend, the session-end rating
at a closed roster, and the stand-alone questionnaire (Ctrl+B)."""

DA = {
    "fit.toggle": "FIT til/fra",
    "fit.toggle.tooltip": "Slå FIT-vurderinger (trivsel ved start, mødet ved slut) til eller fra",
    "fit.switched_on": "FIT er slået til: borgeren bliver bedt om vurderingerne.",
    "fit.switched_off": "FIT er slået fra: der spørges ikke længere om vurderinger.",
    "fit.no_course": "Vælg et forløb først.",
    "fit.on_no_ratings": "til (ingen vurderinger endnu)",
    "fit.roster.rate": "Vurdering",
    "fit.roster.rate.tooltip": "Vend skærmen mod den valgte deltager: vurdering af mødet",
    "fit.roster.rate_now": (
        "FIT er slået til: vælg en deltager og tryk v – skærmen vendes mod deltageren."
    ),
    "fit.trend.open": "Holdets udvikling",
    "fit.trend.open.tooltip": "Holdets FIT-vurderinger pr. møde: gennemsnit, ingen navne",
    "fit.trend.close": "Tilbage",
    "fit.trend.close.tooltip": "Tilbage til holdet",
    "fit.trend.title": "{title} · FIT {state}",
    "fit.trend.on": "slået til",
    "fit.trend.off": "slået fra",
    "fit.trend.col.day": "Dato",
    "fit.trend.col.outcome": "Trivsel (gns.)",
    "fit.trend.col.outcome_n": "Svar",
    "fit.trend.col.session": "Mødet (gns.)",
    "fit.trend.col.session_n": "Svar",
    "fit.trend.col.flag": "Markering",
    "fit.trend.none": "Ingen møder endnu.",
    "fit.trend.help": (
        "Gennemsnit af deltagernes samlede score (0–40). Færre end {raters} svar: intet tal."
    ),
    "attendance.refused.fit_unknown": "Forløbet eller holdet findes ikke på denne kiosk.",
    "attendance.refused.fit_not_yours": (
        "Kun forløbets rådgiver eller holdets leder (eller en administrator) kan slå FIT til."
    ),
    "attendance.refused.fit_group_only": (
        "Holdets vurderinger ses kun af holdets leder og administratorer."
    ),
    "attendance.refused.fit_off": "FIT er ikke slået til for holdet (Ctrl+F slår det til).",
    "attendance.refused.fit_close_first": "Afslut mødet først (l); så kan deltagerne vurdere det.",
    "attendance.refused.fit_not_attended": "Deltageren er ikke registreret som mødt.",
    "attendance.refused.fit_already_rated": "Deltageren har allerede vurderet dette møde.",
    "attendance.refused.fit_no_scale": "Der er ingen vurderingsskala for mødet i kataloget.",
    "citizen.standalone": "Spørgeskema uden tjek-ind",
    "citizen.standalone.tooltip": "Vend skærmen mod borgeren: stedets anonyme spørgeskema",
    "citizen.standalone.pick": "Hvilket spørgeskema?",
    "citizen.standalone.busy": "Luk dialogen først.",
    "citizen.no_standalone": "Stedet har intet spørgeskema, der bruges uden tjek-ind.",
}

EN = {
    "fit.toggle": "FIT on/off",
    "fit.toggle.tooltip": "Turn FIT ratings (outcome at the start, session at the end) on or off",
    "fit.switched_on": "FIT is on: the citizen is asked for the ratings.",
    "fit.switched_off": "FIT is off: no more ratings are asked for.",
    "fit.no_course": "Select a course first.",
    "fit.on_no_ratings": "on (no ratings yet)",
    "fit.roster.rate": "Rating",
    "fit.roster.rate.tooltip": "Turn the screen to the selected participant: the session rating",
    "fit.roster.rate_now": (
        "FIT is on: select a participant and press v – the screen turns to them."
    ),
    "fit.trend.open": "Group trend",
    "fit.trend.open.tooltip": "The group's FIT ratings per session: averages, no names",
    "fit.trend.close": "Back",
    "fit.trend.close.tooltip": "Back to the group",
    "fit.trend.title": "{title} · FIT {state}",
    "fit.trend.on": "on",
    "fit.trend.off": "off",
    "fit.trend.col.day": "Date",
    "fit.trend.col.outcome": "Outcome (avg.)",
    "fit.trend.col.outcome_n": "Ratings",
    "fit.trend.col.session": "Session (avg.)",
    "fit.trend.col.session_n": "Ratings",
    "fit.trend.col.flag": "Flag",
    "fit.trend.none": "No sessions yet.",
    "fit.trend.help": (
        "Average of the participants' total scores (0–40). Fewer than {raters} ratings: no figure."
    ),
    "attendance.refused.fit_unknown": "The course or group is not known on this kiosk.",
    "attendance.refused.fit_not_yours": (
        "Only the course's counsellor or the group's leader (or an admin) can turn FIT on."
    ),
    "attendance.refused.fit_group_only": (
        "The group's ratings are shown only to its leader and admins."
    ),
    "attendance.refused.fit_off": "FIT is not on for the group (Ctrl+F turns it on).",
    "attendance.refused.fit_close_first": "Close the session first (l); then it can be rated.",
    "attendance.refused.fit_not_attended": "The participant is not marked as attending.",
    "attendance.refused.fit_already_rated": "The participant has already rated this session.",
    "attendance.refused.fit_no_scale": "The catalogue has no session rating scale.",
    "citizen.standalone": "Questionnaire without check-in",
    "citizen.standalone.tooltip": "Turn the screen to the citizen: the site's questionnaire",
    "citizen.standalone.pick": "Which questionnaire?",
    "citizen.standalone.busy": "Close the dialog first.",
    "citizen.no_standalone": "This site has no questionnaire used without a check-in.",
}
