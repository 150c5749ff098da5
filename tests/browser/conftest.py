"""Real-browser fixtures: the app served by `streamlit run`, driven by Playwright on Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = ROOT / "tests" / "artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(home: Path, env_extra: dict[str, str] | None = None):
    """Run the app on a free loopback port with ``home`` as its CLUEBOARD_HOME (and ``env_extra``, e.g. hosted
    mode); yield the base URL."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium; run it that way")
    port = _free_port()
    env = dict(os.environ, CLUEBOARD_HOME=str(home), PYTHONUNBUFFERED="1")
    env.pop("CLUEBOARD_HOSTED", None)
    env.pop("CLUEBOARD_ACCOUNTS", None)
    env.update(env_extra or {})
    log = open(home / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        pytest.fail("the app did not start; see " + str(home / "streamlit.log"))
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The app with its own CLUEBOARD_HOME, shared by the tests that use the sample shop.

    The first request this server gets is a deep link (``/home``): the tests of test_navigation.py /
    test_figures.py check that a page opened by URL on a fresh server goes through app.py's router.
    """
    with serve_app(tmp_path_factory.mktemp("clueboard_home")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def wait_for_app(page, timeout: float = 120_000) -> None:
    """Wait until app.py has drawn its sidebar and Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stSidebar"] >> text=Workspace', timeout=timeout)
    for _ in range(2):
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
        page.wait_for_timeout(500)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def undo_last_load(page) -> None:
    """On the Upload page: open "Undo the last load", confirm, and undo (then wait for the app)."""
    page.locator('[data-testid="stExpander"]').filter(has_text="Undo the last load").first.click()
    page.get_by_text("Yes, remove what the last load added").click()
    wait_for_app(page)
    page.get_by_role("button", name="Undo the last load").click()
    wait_for_app(page)
