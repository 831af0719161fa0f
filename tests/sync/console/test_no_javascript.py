"""The console works with JavaScript turned off: no page carries a script or an inline event
handler, the policy forbids scripts from anywhere else, and every form is a plain HTML form
posting (or getting) to a console route, answered with a page or a redirect."""

from __future__ import annotations

import re

from tests.sync.console.conftest import Console, csrf_of

PAGES = ("/admin/", "/admin/devices", "/admin/imports", "/admin/provisional",
         "/admin/reports", "/admin/audit", "/admin/retention", "/admin/sign-in")  # fmt: skip
FORM = re.compile(r"<form\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_no_console_page_needs_javascript(console: Console) -> None:
    client = console.sign_in("anne")
    for path in PAGES:
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script" not in page.text.lower(), path
        assert not HANDLER.search(page.text), path
        assert "script-src" not in page.headers["content-security-policy"]  # default: 'self'
        assert "unsafe-inline" not in page.headers["content-security-policy"].split("style-src")[0]
        for attributes in FORM.findall(page.text):
            assert re.search(r'method="(get|post)"', attributes), (path, attributes)
            assert re.search(r'action="/admin/', attributes), (path, attributes)


def test_plain_form_posts_are_answered_with_pages_and_redirects(console: Console) -> None:
    client = console.sign_in("anne")
    page = client.get("/admin/devices")
    answer = client.post("/admin/devices/enrol", data={"site": "ronde", "csrf": csrf_of(page.text)})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert '<output class="code"' in answer.text  # the one-time code, on the page itself
    answer = client.post("/admin/sign-out", data={"csrf": csrf_of(answer.text)})
    assert answer.status_code == 303 and answer.headers["location"].startswith("/admin/sign-in")
