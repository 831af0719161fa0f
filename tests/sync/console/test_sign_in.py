"""Console sign-in: password then TOTP, lock-out, idle sign-out, CSRF, roles and cookies."""

from __future__ import annotations

import pytest

from sync.console.accounts import MAX_FAILURES
from tests.sync.console.conftest import PASSWORD, Console, csrf_of

ROUTES = (
    "/admin/",
    "/admin/devices",
    "/admin/imports",
    "/admin/provisional",
    "/admin/reports",
    "/admin/audit",
    "/admin/retention",
)
ADMIN_ONLY = tuple(r for r in ROUTES if r not in ("/admin/", "/admin/reports"))


def _password_step(console: Console, client, login: str, password: str):
    page = client.get("/admin/sign-in")
    return client.post(
        "/admin/sign-in", data={"login": login, "password": password, "csrf": csrf_of(page.text)}
    )


@pytest.mark.parametrize("route", ROUTES)
def test_signed_out_requests_are_sent_to_sign_in(console: Console, route: str) -> None:
    response = console.new_client().get(route)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/sign-in"


def test_password_and_code_sign_in_reaches_the_sync_overview(console: Console) -> None:
    client = console.sign_in("anne")
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Synkronisering pr. sted og enhed" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert [e.detail for e in console.audit("console_sign_in")] == ["admin (by anne)"]


def test_wrong_password_is_refused_and_audited_without_the_password(console: Console) -> None:
    client = console.new_client()
    response = _password_step(console, client, "anne", "forkert adgangskode")
    assert response.status_code == 401
    assert "Forkert brugernavn eller adgangskode" in response.text
    assert "mestring_console=" not in response.headers.get("set-cookie", "")
    refusals = console.audit("console_sign_in_refused")
    assert len(refusals) == 1 and "forkert" not in refusals[0].detail
    assert client.get("/admin/").status_code == 303


def test_unknown_login_gets_the_same_answer_as_a_wrong_password(console: Console) -> None:
    response = _password_step(console, console.new_client(), "nobody", PASSWORD)
    assert response.status_code == 401
    assert "Forkert brugernavn eller adgangskode" in response.text


def test_password_alone_does_not_open_any_page(console: Console) -> None:
    client = console.new_client()
    assert _password_step(console, client, "anne", PASSWORD).status_code == 303
    for route in ROUTES:
        assert client.get(route).status_code == 303, route


def test_wrong_code_is_refused_and_a_used_code_cannot_be_replayed(console: Console) -> None:
    client = console.new_client()
    _password_step(console, client, "anne", PASSWORD)
    csrf = csrf_of(client.get("/admin/sign-in/code").text)
    wrong = "000000" if console.code("anne") != "000000" else "111111"
    response = client.post("/admin/sign-in/code", data={"code": wrong, "csrf": csrf})
    assert response.status_code == 401 and "Koden er forkert" in response.text
    good = console.code("anne")
    assert client.post("/admin/sign-in/code", data={"code": good, "csrf": csrf}).status_code == 303
    other = console.new_client()
    _password_step(console, other, "anne", PASSWORD)
    csrf = csrf_of(other.get("/admin/sign-in/code").text)
    replay = other.post("/admin/sign-in/code", data={"code": good, "csrf": csrf})
    assert replay.status_code == 401
    assert other.get("/admin/").status_code == 303


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    console: Console,
) -> None:
    client = console.new_client()
    for _ in range(MAX_FAILURES):
        _password_step(console, client, "anne", "forkert adgangskode")
    locked = _password_step(console, client, "anne", PASSWORD)
    assert locked.status_code == 401 and "låst" in locked.text
    console.clock.advance(minutes=16)
    assert _password_step(console, client, "anne", PASSWORD).status_code == 303


def test_wrong_codes_count_towards_the_lock_out(console: Console) -> None:
    client = console.new_client()
    for _ in range(MAX_FAILURES):
        _password_step(console, client, "anne", PASSWORD)
        csrf = csrf_of(client.get("/admin/sign-in/code").text)
        client.post("/admin/sign-in/code", data={"code": "12345x", "csrf": csrf})
    assert "låst" in _password_step(console, client, "anne", PASSWORD).text


def test_idle_session_is_signed_out(console: Console) -> None:
    client = console.sign_in("anne")
    console.clock.advance(minutes=14)
    assert client.get("/admin/").status_code == 200
    console.clock.advance(minutes=14)  # 14 min since the last request: still fine
    assert client.get("/admin/").status_code == 200
    console.clock.advance(minutes=16)
    assert client.get("/admin/").status_code == 303


def test_sign_out_ends_the_session_on_the_server(console: Console) -> None:
    client = console.sign_in("anne")
    cookie = client.cookies.get("mestring_console")
    csrf = csrf_of(client.get("/admin/").text)
    assert client.post("/admin/sign-out", data={"csrf": csrf}).status_code == 303
    replayed = console.new_client()
    replayed.cookies.set("mestring_console", cookie, domain="testserver.local", path="/admin")
    assert replayed.get("/admin/", cookies={"mestring_console": cookie}).status_code == 303


def test_session_cookie_is_secure_http_only_and_strict(console: Console) -> None:
    client = console.new_client()
    response = _password_step(console, client, "anne", PASSWORD)
    cookie = response.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie


def test_forms_without_the_csrf_token_are_refused(console: Console) -> None:
    client = console.new_client()
    client.get("/admin/sign-in")
    response = client.post("/admin/sign-in", data={"login": "anne", "password": PASSWORD})
    assert response.status_code == 403
    signed = console.sign_in("anne")
    for path, data in (
        ("/admin/devices/enrol", {"site": "hornslet"}),
        ("/admin/sign-out", {}),
        ("/admin/devices/enrol", {"site": "hornslet", "csrf": "forged"}),
    ):
        assert signed.post(path, data=data).status_code == 403, path
    assert console.audit("device_enrol_code") == []


@pytest.mark.parametrize("route", ADMIN_ONLY)
def test_leadership_cannot_reach_admin_pages(console: Console, route: str) -> None:
    client = console.sign_in("leif")
    response = client.get(route)
    assert response.status_code == 403
    assert "kun for administratorer" in response.text


def test_leadership_lands_on_reports(console: Console) -> None:
    client = console.sign_in("leif")
    response = client.get("/admin/")
    assert response.status_code == 303 and response.headers["location"] == "/admin/reports"


def test_english_is_available(console: Console) -> None:
    client = console.new_client()
    response = client.get("/admin/language", params={"to": "en", "back": "/admin/sign-in"})
    assert response.headers["location"] == "/admin/sign-in"
    assert "Sign in" in client.get("/admin/sign-in").text
    evil = client.get("/admin/language", params={"to": "en", "back": "https://evil.example/"})
    assert evil.headers["location"] == "/admin/"


def _console_routes(console: Console) -> list[tuple[str, str]]:
    """(method, path) of every route the console app has, with ``{…}`` parts filled in."""
    from starlette.routing import Mount, Route

    app = console.client.app
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/admin")  # type: ignore[attr-defined]
    found: list[tuple[str, str]] = []
    pending = list(mount.app.routes)  # type: ignore[attr-defined]
    while pending:
        route = pending.pop(0)
        if isinstance(route, Route):
            path = "/admin" + route.path.replace("{", "x").replace("}", "")
            found += [(m, path) for m in sorted(route.methods or ()) if m != "HEAD"]
        elif hasattr(route, "original_router"):  # an included router (no prefix here)
            pending += list(route.original_router.routes)
    return found


# Open to anyone: the sign-in steps, the stylesheet and the language switch (a cookie only).
OPEN = ("/admin/sign-in", "/admin/static/console.css", "/admin/language")


def test_every_console_route_sends_signed_out_requests_to_sign_in(console: Console) -> None:
    routes = [(m, p) for m, p in _console_routes(console) if not p.startswith(OPEN)]
    assert ("GET", "/admin/reports/download") in routes and len(routes) > 10
    client = console.new_client()
    for method, path in routes:
        answer = client.request(method, path)
        assert (answer.status_code, answer.headers.get("location")) == (303, "/admin/sign-in"), (
            method,
            path,
        )
        assert answer.headers["cache-control"] == "no-store", path


def test_every_console_page_is_sent_with_no_store(console: Console) -> None:
    client = console.sign_in("anne")
    pages = [p for m, p in _console_routes(console) if m == "GET" and not p.startswith(OPEN)]
    for path in pages:
        answer = client.get(path)
        assert answer.headers["cache-control"] == "no-store", (path, answer.status_code)
