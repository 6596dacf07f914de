"""The dashboard in real headless Chromium (Debian's, driven by Playwright), served by uvicorn."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(demo_db):
    import uvicorn

    from parley.server import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(demo_db, token=""), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, server):
    """A page that records every request leaving localhost (and blocks it)."""
    pages = []
    outside: list[str] = []

    def opener(size=DESKTOP):
        context = browser.new_context(viewport=size)
        page = context.new_page()

        def guard(route):
            host = urlparse(route.request.url).hostname
            if host not in ("127.0.0.1", "localhost"):
                outside.append(route.request.url)
                return route.abort()
            return route.continue_()

        page.route("**/*", guard)
        pages.append(context)
        return page

    yield opener
    for context in pages:
        context.close()
    assert outside == [], f"pages loaded from outside localhost: {outside}"


def _no_horizontal_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_browser_overview(open_page, server, size, tmp_path):
    page = open_page(size)
    page.goto(server + "/")
    assert page.locator("table.dyads tbody tr").count() >= 5
    assert page.locator("ol.events li").count() >= 5
    assert page.get_by_role("searchbox").is_visible()
    _no_horizontal_scroll(page, size["width"])
    page.screenshot(path=str(tmp_path / f"overview-{size['width']}.png"), full_page=True)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_browser_dyad_chart_click_through_to_quotes(open_page, server, size, tmp_path):
    page = open_page(size)
    page.goto(server + "/dyads/USA-PRK")
    page.wait_for_selector("#chart svg.main-svg")
    points = page.locator("#chart .scatterlayer .trace:first-child .points path")
    assert points.count() >= 3 and page.locator("#chart .scatterlayer .trace").count() == 2
    _no_horizontal_scroll(page, size["width"])
    page.screenshot(path=str(tmp_path / f"dyad-{size['width']}.png"), full_page=True)
    box = points.nth(points.count() // 2).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#period li.period-event")
    assert page.locator("#period li.period-event .quote").first.inner_text().startswith("“")
    page.screenshot(path=str(tmp_path / f"dyad-period-{size['width']}.png"), full_page=True)
    page.locator("#period li.period-event a").first.click()
    page.wait_for_selector("li.mention .quote")
    assert page.url.startswith(server + "/events/")
    assert page.locator("li.mention .quote").first.inner_text().strip("“”")
    page.screenshot(path=str(tmp_path / f"event-{size['width']}.png"), full_page=True)


def test_browser_document_markup_is_shown_not_run(open_page, server, tmp_path):
    page = open_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/documents/hostile-1")
    page.wait_for_selector("article.text mark.event")
    assert page.evaluate("window.pwned === undefined")
    assert "<script>window.pwned = 1</script>" in page.locator("article.text").inner_text()
    assert page.locator("article.text script, article.text img").count() == 0 and not dialogs
    assert "<script>" in page.title()
    page.screenshot(path=str(tmp_path / "document-hostile.png"), full_page=True)


def test_browser_cjk_text_renders(open_page, server, tmp_path):
    page = open_page()
    page.goto(server + "/documents/cjk-1")
    text = page.locator("article.text").inner_text()
    assert "岸田文雄首相" in text and "윤석열" in text and "中国外交部" in text
    # each CJK character is laid out as a full-width glyph from an installed font, not a missing box
    widths = page.evaluate(
        """() => ['日本語', '한국어', '中文字'].map(s => {
            const span = document.createElement('span'); span.textContent = s;
            span.style.fontSize = '20px'; document.body.appendChild(span);
            const w = span.getBoundingClientRect().width; span.remove(); return w; })"""
    )
    assert all(55 <= w <= 65 for w in widths), widths
    fonts = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True).stdout
    assert "Noto" in fonts and "CJK" in fonts
    page.screenshot(path=str(tmp_path / "document-cjk.png"), full_page=True)


def test_browser_formulas_matrix(open_page, server, tmp_path):
    page = open_page()
    page.goto(server + "/formulas?a=USA&b=KOR")
    assert page.locator("table.matrix tbody tr").count() >= 1
    page.screenshot(path=str(tmp_path / "formulas.png"), full_page=True)
