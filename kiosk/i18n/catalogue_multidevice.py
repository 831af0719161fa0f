"""Texts about a site's other devices (several desks at one site)."""

DA = {
    "multi.also_at": "også tjekket ind ved {device} kl. {time}",
    "multi.other_device": "en anden enhed",
}
EN = {
    "multi.also_at": "also checked in at {device} at {time}",
    "multi.other_device": "another device",
}
