"""Front-desk texts added with one-way screens: counts, empty input, queue and dialogs."""

DA = {
    "desk.checked_in_at": "✓ inde {time}",
    "desk.hits_shown": "{count} fundet · viser de første {shown} · skriv mere for færre",
    "desk.hits_over": "Over {count} fundet · viser de første {shown} · skriv mere for færre",
    "desk.type_first": "Skriv en del af et navn først (eller scan kortet).",
    "desk.unknown_citizen": "Borgeren findes ikke længere på denne kiosk.",
    "desk.anon_refused": "Det valg kan ikke gemmes her: vælg tilbud og emne igen.",
    "desk.queue.served": "Nr. {number} er betjent.",
    "desk.queue.left": "Nr. {number} er gået uden at blive betjent.",
    "desk.queue.done_already": "Nr. {number} er allerede {status}: vælg en anden billet.",
    "desk.queue.call_first_number": "Nr. {number} er ikke kaldt endnu: kald først (Ctrl+K).",
    "desk.queue.call_first": "Billetten er ikke kaldt endnu: kald først (Ctrl+K).",
    "desk.queue.finished_already": "Billetten er allerede afsluttet.",
    "desk.queue.unknown": "Billetten findes ikke i dagens kø.",
    "desk.roster.marked": "{name}: {mark}",
}

EN = {
    "desk.checked_in_at": "✓ in {time}",
    "desk.hits_shown": "{count} found · showing the first {shown} · type more for fewer",
    "desk.hits_over": "More than {count} found · showing the first {shown} · type more for fewer",
    "desk.type_first": "Type part of a name first (or scan the card).",
    "desk.unknown_citizen": "This citizen is no longer on this kiosk.",
    "desk.anon_refused": "That choice cannot be saved here: choose the offer and topic again.",
    "desk.queue.served": "No. {number} has been served.",
    "desk.queue.left": "No. {number} left without being served.",
    "desk.queue.done_already": "No. {number} is already {status}: choose another ticket.",
    "desk.queue.call_first_number": "No. {number} has not been called yet: call it first (Ctrl+K).",
    "desk.queue.call_first": "The ticket has not been called yet: call it first (Ctrl+K).",
    "desk.queue.finished_already": "The ticket is already finished.",
    "desk.queue.unknown": "The ticket is not in today's queue.",
    "desk.roster.marked": "{name}: {mark}",
}
