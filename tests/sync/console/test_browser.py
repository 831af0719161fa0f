"""The console in a real headless Chromium (Debian's chromium + chromium-driver, Selenium):
sign in, enrol a device, import a CSV with a bad line, merge a guest, download a report.
Screenshots are kept under ``$MESTRING_TEST_ARTEFACTS`` (default ``test-artefacts/console``).

Runs wherever chromium and its driver are installed; CI installs both and sets
``MESTRING_BROWSER_REQUIRED=1``, so there a missing browser fails instead of skipping.
A click that submits a form returns before the browser has left the page, so every submit
waits for the old page to go and the new one to finish loading before anything is read."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from models import Citizen
from models.config import Settings
from models.db import read_session, write_session
from sync.server.app import create_app
from tests.sync.admin.report_fixture import seed_report_fixture
from tests.sync.console.conftest import PASSWORD, Console
from tests.sync.server_thread import serve

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as shown  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
#: Set by CI (``.ci/run``), which installs chromium: there a missing browser is a failure.
REQUIRED = os.environ.get("MESTRING_BROWSER_REQUIRED") == "1"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("central", ["sqlite"], indirect=True),
]
ARTEFACTS = Path(os.environ.get("MESTRING_TEST_ARTEFACTS", "test-artefacts/console"))
PAGE_LOAD_S = 15


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    if not (CHROMIUM and DRIVER):
        missing = "Debian's chromium and chromium-driver are not installed"
        if REQUIRED:
            pytest.fail(f"{missing} (MESTRING_BROWSER_REQUIRED=1)")
        pytest.skip(missing)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=da"):
        options.add_argument(flag)
    options.add_argument("--window-size=1100,900")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(str(DRIVER)))
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


def _shot(driver: object, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTEFACTS / f"{name}.png"))  # type: ignore[attr-defined]


def _submit(driver: object, css: str) -> None:
    """Click the submit button ``css`` and wait until the page it leads to has loaded: the
    click itself returns before the form's navigation begins, and the page read in between
    is the old one or an empty document."""
    old_page = driver.find_element(By.TAG_NAME, "html")  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, css).click()  # type: ignore[attr-defined]
    wait = WebDriverWait(driver, PAGE_LOAD_S)
    wait.until(shown.staleness_of(old_page))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def _open(driver: object, url: str) -> None:
    driver.get(url)  # type: ignore[attr-defined]
    WebDriverWait(driver, PAGE_LOAD_S).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def _seed(console: Console) -> None:
    seed_report_fixture(console.engine)
    with write_session(console.engine) as session:
        session.add(Citizen(id="p9", display_name="Gæst Møller", provisional=True))
        session.add(Citizen(id="t9", display_name="Birgitte Møller", reference="BOS-99"))


def _wait_for_file(folder: Path, suffix: str) -> Path:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} download in {folder}")


def test_the_administrator_works_through_the_console_in_a_browser(
    console: Console, browser, tmp_path: Path
) -> None:
    _seed(console)
    app = create_app(Settings(home=tmp_path), engine=console.engine)  # the real clock
    with serve(app) as url:
        base = url.replace("127.0.0.1", "localhost")  # a secure context for Secure cookies
        d = browser
        _open(d, f"{base}/admin/")
        assert "/admin/sign-in" in d.current_url
        d.find_element(By.ID, "login").send_keys("anne")
        d.find_element(By.ID, "password").send_keys(PASSWORD)
        _shot(d, "01-sign-in")
        _submit(d, "form button[type=submit]")
        assert d.current_url.endswith("/admin/sign-in/code")
        d.find_element(By.ID, "code").send_keys(pyotp.TOTP(console.secrets["anne"]).now())
        _submit(d, "main form button[type=submit]")
        assert d.current_url.endswith("/admin/")
        assert "Synkronisering pr. sted og enhed" in d.page_source
        _shot(d, "02-sync-health")

        _open(d, f"{base}/admin/devices")
        _submit(d, "form[action$='/devices/enrol'] button")
        code = d.find_element(By.CSS_SELECTOR, "output.code").text
        assert len(code.replace("-", "")) == 12
        _shot(d, "03-enrolment-code")

        bad = tmp_path / "borgere.csv"
        bad.write_text("reference;display_name;birth_year;card_token\nB-1;Ida;1980;\nB-2;;1981;\n")
        _open(d, f"{base}/admin/imports")
        d.find_element(By.ID, "file").send_keys(str(bad))
        _submit(d, "form[action$='/imports/dry-run'] button")
        table = d.find_element(By.ID, "bad-lines").text
        assert "3" in table.split()  # the line number of the line without a name
        _shot(d, "04-import-bad-line")

        _open(d, f"{base}/admin/provisional")
        search = d.find_element(By.ID, "q-p9")
        search.clear()
        search.send_keys("birgitte moeller")
        _submit(d, "form[action$='/provisional/p9/search'] button")
        _submit(d, "form[action$='/provisional/p9/merge'] button")
        assert "Gæsten er lagt sammen." in d.find_element(By.TAG_NAME, "main").text
        _shot(d, "05-guest-merged")

        _open(d, f"{base}/admin/reports?start=2026-11-01&end=2026-11-30")
        assert d.find_elements(By.CSS_SELECTOR, "svg.chart rect")
        _shot(d, "06-report-charts")
        d.find_element(By.PARTIAL_LINK_TEXT, "CSV").click()
        csv = _wait_for_file(d.downloads, ".csv")
        assert "Besøg pr. uge" in csv.read_text(encoding="utf-8-sig")
    with read_session(console.engine) as session:
        assert session.get(Citizen, "p9").merged_into == "t9"
