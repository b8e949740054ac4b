"""`brief serve` in a real browser: Debian's chromium driven by Playwright, on 127.0.0.1 only."""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.serving import get, wait_for

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
)


@pytest.fixture
def page():
    profile = tempfile.mkdtemp(prefix="brief-chromium-")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = context.new_page()
            page.on("console", lambda message: print("console:", message.text))
            yield page
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


def test_live_reload_in_a_real_browser(server, page):
    site, port, _ = server
    brief = site / "content/briefs/2025/08/harwick-ban-lifted.md"
    url = f"http://127.0.0.1:{port}/briefs/2025/08/harwick-ban-lifted/"
    page.goto(url)
    page.wait_for_function("window.__briefLiveReload === true", timeout=10_000)
    page.evaluate("sessionStorage.setItem('loads', '0')")
    page.add_init_script(
        "sessionStorage.setItem('loads', String(Number(sessionStorage.getItem('loads') || 0) + 1))"
    )

    # 1. A brief's body edited on disk appears without calling reload.
    with page.expect_event("load", timeout=15_000):
        brief.write_text(brief.read_text().replace("wettest July in a decade", "wettest July since 1998"))
    page.wait_for_selector("text=wettest July since 1998", timeout=15_000)
    assert page.evaluate("sessionStorage.getItem('loads')") == "1"

    # 2. A template edit appears too.
    templates = site / "templates"
    templates.mkdir(exist_ok=True)
    page.wait_for_function("window.__briefLiveReload === true", timeout=10_000)
    with page.expect_event("load", timeout=15_000):
        (templates / "brief.html").write_text(
            '{% extends "theme:brief.html" %}{% block main %}<p class="edition">Evening edition</p>{{ super() }}{% endblock %}'
        )
    page.wait_for_selector("p.edition", timeout=15_000)

    # 3. Broken YAML: an overlay names the file and line, the last good page stays.
    page.wait_for_function("window.__briefLiveReload === true", timeout=10_000)
    good = brief.read_text()
    brief.write_text(good.replace("title: ", 'title: "unclosed\n', 1))
    page.wait_for_selector("#brief-error-overlay", timeout=15_000)
    location = page.text_content(".brief-error-location")
    assert "harwick-ban-lifted.md:" in location
    assert "Evening edition" in page.content()

    # 4. Fixed: the overlay goes and the page is back.
    with page.expect_event("load", timeout=15_000):
        brief.write_text(good.replace("wettest July since 1998", "wettest July on record"))
    page.wait_for_selector("text=wettest July on record", timeout=15_000)
    assert page.query_selector("#brief-error-overlay") is None
    # The script is injected into served pages only, never into the built files.
    built = (site / "public/briefs/2025/08/harwick-ban-lifted/index.html").read_text()
    assert "__brief__" not in built


def test_css_change_swaps_the_stylesheet_without_a_reload(server, page):
    site, port, _ = server
    (site / "static").mkdir(exist_ok=True)
    page.goto(f"http://127.0.0.1:{port}/")
    page.wait_for_function("window.__briefLiveReload === true", timeout=10_000)
    page.evaluate("window.__sameDocument = 'yes'")
    (site / "static" / "style.css").write_text(
        (Path(__file__).parent.parent / "themes/default/static/style.css").read_text()
        + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n"
    )
    page.wait_for_function("getComputedStyle(document.body).outlineWidth === '7px'", timeout=15_000)
    assert page.evaluate("window.__sameDocument") == "yes"


def test_new_raw_article_in_the_inbox_is_ingested_and_shown(server, page):
    site, port, _ = server
    page.goto(f"http://127.0.0.1:{port}/")
    page.wait_for_function("window.__briefLiveReload === true", timeout=10_000)
    from tests.test_ingest import SCRAPE

    with page.expect_event("load", timeout=20_000):
        (site / "content" / "raw" / "bridge.txt").write_text(SCRAPE)
    assert (site / "content" / "raw" / "processed" / "bridge.txt").is_file()
    page.goto(f"http://127.0.0.1:{port}/timeline/2025/03/03/")
    page.wait_for_selector("text=Springfield", timeout=10_000)


@pytest.mark.skipif(
    importlib.util.find_spec("pagefind") is None, reason="pagefind is not installed (the test extra)"
)
def test_search_in_a_real_browser(server, page):
    _, port, _ = server
    # brief serve indexes in the background: the index appears shortly after the first build.
    wait_for(lambda: get(port, "/pagefind/pagefind.js")[0] == 200, 30, "the search index")
    # "kroner" occurs in exactly one brief (the relays' cost).
    page.goto(f"http://127.0.0.1:{port}/")
    page.fill("#site-search-query", "kroner")
    page.press("#site-search-query", "Enter")
    page.wait_for_selector("#search-results .card", timeout=15_000)
    first = page.text_content("#search-results .card .card-title")
    assert first.strip() == "Satellite relays north of Svalbard pass first test"
    assert page.text_content("#search-results .result-count").startswith("1 brief")
    assert "14 October 2025" in page.text_content("#search-results .card .meta")
    assert "kroner" in page.inner_html("#search-results .card .summary")
    page.fill("#search-query", "zyxwvutsrq")
    page.wait_for_selector("#search-results .no-results", timeout=15_000)
    assert "No briefs match" in page.text_content("#search-results .no-results")


def test_search_catches_up_after_an_edit_without_holding_the_reload(server, page):
    root, port, _ = server
    target = next(p for p in sorted((root / "content" / "briefs").rglob("*.md")) if "svalbard" in p.name)
    target.write_text(target.read_text() + "\nEngineers nicknamed the relay quixotrelay.\n")
    # The page shows the edit first (the index is rebuilt in the background, after the reload)...
    slug_page = next(p for p in (root / "public" / "briefs").rglob("index.html") if "svalbard" in str(p))
    wait_for(lambda: "quixotrelay" in slug_page.read_text(), 15, "the edited page")
    # ...while the old index keeps answering, and the new one soon finds the new word.
    deadline = time.monotonic() + 30
    found = False
    while time.monotonic() < deadline and not found:
        assert get(port, "/pagefind/pagefind.js")[0] == 200
        page.goto(f"http://127.0.0.1:{port}/search/?q=quixotrelay")
        try:
            page.wait_for_selector("#search-results .card", timeout=2_000)
            found = True
        except playwright_api.TimeoutError:
            time.sleep(0.5)
    assert found, "the search index never caught up with the edit"
    assert not list((root / "public").glob(".pagefind.*"))
