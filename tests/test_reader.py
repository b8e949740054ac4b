"""The site as readers meet it: valid HTML (Nu checker), no axe violations in light and dark,
screenshots of every page type at phone and desktop widths, the timeline strips."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, static_server

TOOLS = Path(os.environ.get("BRIEF_TOOLS", REPO / ".tools")) / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"
PAGE_TYPES = {
    "index": "/",
    "index-page-2": "/page/2/",
    "brief": "/briefs/2025/04/lindqvist-calls-for-cable-patrols/",
    "tags": "/tags/",
    "tag": "/tags/baltic-security/",
    "entities": "/people/",
    "entity": "/people/marta-lindqvist/",
    "organization": "/organizations/nato/",
    "place": "/places/tallinn/",
    "timeline": "/timeline/",
    "year": "/timeline/2025/",
    "month": "/timeline/2025/04/",
    "day": "/timeline/2025/04/15/",
    "author": "/authors/anna-keller/",
    "sources": "/sources/",
    "source": "/sources/nordic-dispatch/",
    "search": "/search/?q=Lindqvist",
    "not-found": "/404.html",
    "stories": "/stories/",
    "story": "/stories/baltic-ministers-agree-a-shared-fund-for-sea-floor-surveillance/",
    "brief-in-story": "/briefs/2025/08/baltic-drone-tender-opens/",
}


def page_file(out: Path, url: str) -> Path:
    path = url.split("?")[0].lstrip("/")
    return out / (path + "index.html" if path == "" or path.endswith("/") else path)


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2 A/AA and best-practice violations on an open page, one line each."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'best-practice']}})).violations"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
    )


def nu_errors(files: list[Path]) -> list[str]:
    """The Nu HTML checker's errors for `files`, one line each."""
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    return [
        f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]


@pytest.mark.skipif(
    not VNU.exists() or shutil.which("java") is None,
    reason="the Nu HTML checker needs java and `npm install --prefix .tools vnu-jar` (.ci/run does it)",
)
def test_every_page_type_is_valid_html(built_example):
    root, _ = built_example
    out = root / "public"
    assert nu_errors([page_file(out, url) for url in PAGE_TYPES.values()]) == []


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def open_page(context, url: str):
    page = context.new_page()
    page.goto(url)
    if "/search/" in url:
        page.wait_for_selector("#search-results .card", timeout=15_000)
    return page


@pytest.mark.skipif(
    not AXE.exists(), reason="axe-core needs `npm install --prefix .tools axe-core` (.ci/run does it)"
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violations(built_example, browser, scheme):
    root, _ = built_example
    violations = []
    with static_server(root / "public") as base:
        context = browser.new_context(color_scheme=scheme)
        try:
            for name, url in PAGE_TYPES.items():
                page = open_page(context, base + url)
                violations += [f"{name} ({scheme}): {v}" for v in axe_violations(page)]
                page.close()
        finally:
            context.close()
    assert violations == []


def test_screenshots_of_every_page_type(built_example, browser, tmp_path):
    root, _ = built_example
    folder = Path(os.environ.get("BRIEF_ARTIFACTS", tmp_path)) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    with static_server(root / "public") as base:
        for width in (360, 1280):
            context = browser.new_context(viewport={"width": width, "height": 900})
            try:
                for name, url in PAGE_TYPES.items():
                    page = open_page(context, base + url)
                    # Nothing may stick out sideways on a phone.
                    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    assert overflow <= 0, f"{name} at {width}px is {overflow}px too wide"
                    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
                    page.close()
            finally:
                context.close()
    shots = sorted(folder.glob("*.png"))
    assert len(shots) == 2 * len(PAGE_TYPES)
    assert all(p.stat().st_size > 5000 for p in shots)


def test_timeline_strips_link_each_month(built_example):
    import html5lib

    root, _ = built_example
    out = root / "public"
    tree = html5lib.parse((out / "timeline/index.html").read_bytes(), namespaceHTMLElements=False)
    bars = tree.findall(".//ol[@class='strip-bars']/li")
    assert len(bars) == 8  # March to October 2025
    links = [li.find("a") for li in bars]
    assert all(a is not None for a in links)
    for a in links:
        assert (out / a.get("href").lstrip("/") / "index.html").is_file()
        assert "brief" in a.get("title")
    entity = html5lib.parse(
        (out / "people/marta-lindqvist/index.html").read_bytes(), namespaceHTMLElements=False
    )
    entity_bars = entity.findall(".//ol[@class='strip-bars']/li")
    assert len(entity_bars) == 8 and sum(1 for li in entity_bars if li.find("a") is not None) == 6


@pytest.fixture(scope="module")
def long_site(tmp_path_factory):
    """A synthetic archive spanning seven years (84 months in every density strip), and the
    pages where a long span shows: a brief, the most-mentioned person, the timeline, a month."""
    import sys

    from brief.builder.run import build

    sys.path.insert(0, str(REPO / "bench"))
    from synthetic import generate

    root = generate(tmp_path_factory.mktemp("long") / "site", 150, years=7)
    site = build(root).site
    person = max(site.entities["people"].terms, key=lambda t: t.count)
    pages = {
        "brief": site.pages[0].url,
        "person": person.url,
        "timeline": "/timeline/",
        "month": site.pages[0].day_url.rsplit("/", 2)[0] + "/",
        "index": "/",
    }
    return root, pages


def test_a_seven_year_site_fits_a_phone_and_passes_the_checks(long_site, browser):
    root, pages = long_site
    problems = []
    with static_server(root / "public") as base:
        for width, scheme in ((360, "light"), (360, "dark"), (1280, "light")):
            context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            try:
                for name, url in pages.items():
                    page = open_page(context, base + url)
                    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    if overflow > 0:
                        problems.append(f"{name} at {width}px is {overflow}px too wide")
                    if AXE.exists():
                        problems += [f"{name} ({scheme}, {width}px): {v}" for v in axe_violations(page)]
                    page.close()
            finally:
                context.close()
    assert problems == []
    if VNU.exists() and shutil.which("java"):
        assert nu_errors([page_file(root / "public", url) for url in pages.values()]) == []
