"""Determinism, atomic output, drafts, safety of untrusted text, slugs, theme overrides."""

from __future__ import annotations

import os
from pathlib import Path

import html5lib
import pytest

from brief.builder.run import build
from brief.cli import main
from brief.errors import BriefError
from tests.conftest import brief_text


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_two_builds_are_byte_identical(example_copy, tmp_path):
    build(example_copy)
    first = snapshot(example_copy / "public")
    mtimes = {p: p.stat().st_mtime_ns for p in (example_copy / "public").rglob("*") if p.is_file()}
    build(example_copy)
    assert snapshot(example_copy / "public") == first
    # Unchanged files are not rewritten: their mtime is kept.
    assert all(p.stat().st_mtime_ns == t for p, t in mtimes.items())


def test_build_in_another_folder_is_identical(example_copy, tmp_path):
    import shutil

    build(example_copy)
    other = tmp_path / "elsewhere" / "copy"
    shutil.copytree(example_copy, other, ignore=shutil.ignore_patterns("public"))
    build(other)
    assert snapshot(other / "public") == snapshot(example_copy / "public")


def test_failed_build_leaves_previous_output_untouched(example_copy):
    build(example_copy)
    before = snapshot(example_copy / "public")
    # A template that fails only on day archives, which render after hundreds of other pages.
    templates = example_copy / "templates"
    templates.mkdir()
    (templates / "archive.html").write_text(
        '{% extends "theme:archive.html" %}{% block main %}'
        '{% if period.level == "day" %}{{ fail_here() }}{% endif %}{{ super() }}{% endblock %}'
    )
    (example_copy / "content/briefs/2025/08/new.md").write_text(brief_text("A new brief", "2025-08-31"))
    with pytest.raises(BriefError, match=r"archive\.html"):
        build(example_copy)
    assert snapshot(example_copy / "public") == before
    leftovers = [p.name for p in example_copy.iterdir() if p.name.startswith(".public")]
    assert leftovers == []


def test_drafts_are_left_out_everywhere_unless_asked(site):
    site.brief("pub.md", brief_text("Published piece", tags=["shared"]))
    site.brief(
        "wip.md",
        brief_text(
            "Secret draft", tags=["shared", "drafty"], draft=True, entities={"people": ["Draft Person"]}
        ),
    )
    site.build()
    everything = b"".join(snapshot(site.out).values())
    assert b"Published piece" in everything
    assert b"Secret draft" not in everything and b"drafty" not in everything
    assert b"Draft Person" not in everything
    assert not (site.out / "tags" / "drafty").exists()
    site.build(drafts=True)
    assert "Secret draft" in site.read("index.html")
    assert "Secret draft" in site.read("sitemap.xml") or "wip" in site.read("sitemap.xml")
    assert (site.out / "people" / "draft-person" / "index.html").is_file()


HOSTILE_BODY = """\
Hello <script>alert('body')</script> world.

<img src=x onerror="alert('img')">

[click](javascript:alert('link')) and [data](data:text/html;base64,PHNjcmlwdD4=)

<a href="javascript:alert(1)">raw anchor</a> <iframe src="https://evil.example/"></iframe>

![pic](javascript:alert('img2'))
"""


def executable_markup(path: Path) -> list[str]:
    """Scripts that run, event handlers and javascript: URLs in a page, as a parser sees them."""
    tree = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    found = []
    for element in tree.iter():
        theme_script = (element.get("src") or "").startswith("/static/")  # the theme's own search.js
        if element.tag == "script" and element.get("type") != "application/ld+json" and not theme_script:
            found.append("script")
        if element.tag in ("iframe", "object", "embed"):
            found.append(element.tag)
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{name}=")
            if name in ("href", "src") and value.strip().lower().startswith(("javascript:", "data:text")):
                found.append(f"{name}={value}")
    return found


def test_untrusted_text_produces_no_executable_markup(site):
    site.brief(
        "evil.md",
        brief_text(
            "</title><script>alert('title')</script>",
            body=HOSTILE_BODY,
            summary="<script>alert('summary')</script>",
            tags=["<b onmouseover=alert(1)>x</b>"],
            authors=["</script><script>alert('author')</script>"],
            entities={"people": ["<img src=x onerror=alert(1)>"]},
        ),
    )
    site.build()
    pages = sorted(site.out.rglob("*.html"))
    assert pages
    for page in pages:
        assert executable_markup(page) == [], page
    brief_page = next(site.out.glob("briefs/**/evil/index.html"))
    text = brief_page.read_text()
    assert "Hello &lt;script&gt;alert(" in text and "&lt;/script&gt; world." in text
    # JSON-LD cannot be closed early by text inside it.
    ld = text.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in ld


def test_unsafe_html_switch_allows_raw_html_for_trusted_sites(site):
    site.config("markdown: {unsafe_html: true}\n")
    site.brief("raw.md", brief_text("Raw", body='<div class="note">hand written</div>'))
    site.build()
    assert (
        '<div class="note">hand written</div>' in next(site.out.glob("briefs/**/raw/index.html")).read_text()
    )


def test_tag_and_entity_slug_collisions(site):
    site.brief(
        "a.md", brief_text("A", "2025-01-01", tags=["NATO", "C"], entities={"organizations": ["NATO"]})
    )
    site.brief(
        "b.md", brief_text("B", "2025-01-02", tags=["Nato", "C++"], entities={"organizations": ["Nato"]})
    )
    site.brief("c.md", brief_text("C", "2025-01-03", tags=["NATO"]))
    result = site.build()
    tags = result.site.tags
    # Same name in another case: one tag, in the most used spelling.
    nato = tags.find("nato")
    assert nato.name == "NATO" and nato.count == 3 and nato.slug == "nato"
    # Distinct names with the same slug: distinct pages, and the build says so.
    c, cpp = tags.find("C"), tags.find("C++")
    assert {c.slug, cpp.slug} == {"c", "c-2"}
    assert (site.out / "tags" / "c" / "index.html").is_file()
    assert (site.out / "tags" / "c-2" / "index.html").is_file()
    assert any("share the slug 'c'" in w for w in result.warnings)
    assert any("merged" in w and "'NATO'" in w and "'Nato'" in w for w in result.warnings)
    assert len(result.site.entities["organizations"]) == 1


def test_names_too_long_for_a_file_name_get_slugs_that_fit(site):
    """A tag that is a whole sentence, or entities a scrape ran together, named a folder over
    the file system's 255 bytes: the whole build failed. Their slugs are cut, and a hash of the
    name keeps two such names that start alike apart; short names keep their slugs."""
    sentence = ("Protesters gathered outside the ministry on Thursday evening " * 5).strip()
    cyrillic = ("Министерство иностранных дел Российской Федерации " * 4).strip()  # 2 bytes a letter
    site.brief(
        "a.md",
        brief_text(
            "A",
            "2025-01-01",
            tags=[sentence, sentence + "again", "Short tag"],
            entities={"organizations": [cyrillic]},
        ),
    )
    result = site.build()
    tags = result.site.tags
    long_slugs = [tags.find(sentence).slug, tags.find(sentence + "again").slug]
    org = result.site.entities["organizations"].find(cyrillic)
    assert len(set(long_slugs)) == 2 and tags.find("Short tag").slug == "short-tag"
    for slug in [*long_slugs, org.slug]:
        assert len(slug.encode("utf-8")) <= 200 and not slug.endswith("-")
    assert (site.out / org.url.strip("/") / "index.html").is_file()
    assert long_slugs[0].startswith("protesters-gathered-outside-the-ministry-on-thursday-evening-")
    for tag in (sentence, sentence + "again"):
        assert (site.out / tags.find(tag).url.strip("/") / "index.html").is_file()


def test_site_template_extends_theme_version_of_itself(site):
    site.brief("a.md", brief_text("Overridden", body="Body text."))
    (site.root / "templates").mkdir()
    (site.root / "templates" / "brief.html").write_text(
        '{% extends "theme:brief.html" %}\n{% block main %}<p class="banner">Special edition</p>{{ super() }}{% endblock %}\n'
    )
    site.build()
    html = next(site.out.glob("briefs/**/a/index.html")).read_text()
    assert '<p class="banner">Special edition</p>' in html
    assert "<h1>Overridden</h1>" in html
    assert "<p>Body text.</p>" in html


def test_unknown_front_matter_keys_reach_templates(site):
    site.brief("a.md", brief_text("A", subtitle="Kept for templates"))
    (site.root / "templates").mkdir()
    (site.root / "templates" / "brief.html").write_text(
        '{% extends "theme:brief.html" %}{% block main %}<p class="sub">{{ item.extra.subtitle }}</p>{{ super() }}{% endblock %}'
    )
    site.build()
    assert (
        '<p class="sub">Kept for templates</p>' in next(site.out.glob("briefs/**/a/index.html")).read_text()
    )


def test_naive_dates_take_the_site_time_zone(site):
    site.config("timezone: America/New_York\n")
    site.brief("a.md", brief_text("A", "2025-07-04T23:30:00"))
    result = site.build()
    assert result.site.pages[0].brief.date.isoformat() == "2025-07-04T23:30:00-04:00"
    assert (site.out / "timeline" / "2025" / "07" / "04" / "index.html").is_file()


def test_base_url_with_a_path_prefixes_every_link(site):
    site.config("base_url: https://example.org/news/\n")
    site.brief("a.md", brief_text("A", tags=["x"]))
    site.build()
    html = site.read("index.html")
    assert 'href="/news/tags/x/"' in html and 'href="/news/static/style.css?v=' in html
    assert "https://example.org/news/briefs/" in site.read("sitemap.xml")


def test_empty_site_yml_and_no_briefs_build(site):
    result = site.build()
    assert (site.out / "index.html").is_file() and (site.out / "feed.xml").is_file()
    assert result.summary().startswith("built ")


def test_cli_init_new_build(tmp_path, capsys):
    folder = tmp_path / "mysite"
    assert main(["init", str(folder)]) == 0
    assert (folder / "content/raw").is_dir() and (folder / "templates").is_dir()
    assert main(["new", "--site", str(folder), "Ships collide off Gdańsk"]) == 0
    written = list((folder / "content/briefs").rglob("ships-collide-off-gdansk.md"))
    assert len(written) == 1 and "draft: true" in written[0].read_text()
    assert main(["new", "--site", str(folder), "Ships collide off Gdańsk"]) == 1
    capsys.readouterr()
    old = Path.cwd()
    os.chdir(folder)
    try:
        assert main(["build"]) == 0
    finally:
        os.chdir(old)
    out = capsys.readouterr().out
    assert out.startswith("built ") and "(1 brief, " in out
    assert main(["build", "--site", str(folder), "--drafts", "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert "Ships collide off Gdańsk" in (folder / "public/index.html").read_text()
    assert main(["init", str(folder)]) == 1


def test_help_for_every_command(capsys):
    for command in ([], ["build"], ["init"], ["new"]):
        with pytest.raises(SystemExit) as exit_info:
            main([*command, "--help"])
        assert exit_info.value.code == 0
        assert "usage: brief" in capsys.readouterr().out


def test_without_pagefind_no_search_is_emitted(site, monkeypatch):
    import brief.builder.run as run
    import brief.builder.site as site_module

    for module in (run, site_module):
        monkeypatch.setattr(module, "pagefind_available", lambda: False)
    site.brief("a.md", brief_text("A"))
    site.build()
    assert not (site.out / "search").exists() and not (site.out / "pagefind").exists()
    assert "site-search" not in site.read("index.html")


def test_search_false_in_site_yml(site):
    site.config("search: false\n")
    site.brief("a.md", brief_text("A"))
    site.build()
    assert not (site.out / "search").exists() and not (site.out / "pagefind").exists()
    assert "site-search" not in site.read("index.html")


@pytest.mark.parametrize(
    "output",
    [".git", "content/briefs", "content", "static", "templates", "content/raw", ".", "..", "elsewhere"],
)
def test_output_never_replaces_a_folder_brief_did_not_make(example_copy, tmp_path, output, capsys):
    """`output:` naming the site's own folders, a folder holding the site, or a user's folder
    is refused before anything is written; the folder keeps every file."""
    for name in (".git", "static", "templates", "content/raw"):
        (example_copy / name).mkdir(parents=True, exist_ok=True)
        (example_copy / name / "keep.txt").write_text("mine")
    elsewhere = tmp_path / "thesis"
    elsewhere.mkdir()
    (elsewhere / "thesis.txt").write_text("three years of work")
    target = str(elsewhere) if output == "elsewhere" else output
    config = example_copy / "site.yml"
    config.write_text(config.read_text() + f"\noutput: '{target}'\n")

    def files() -> dict[Path, bytes]:  # all but the site's lock, which the command takes first
        return {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p.name != "lock"}

    before = files()
    assert main(["build", "--site", str(example_copy)]) == 1
    err = capsys.readouterr().err
    assert "site.yml:" in err and "output" in err and "Traceback" not in err
    assert files() == before


def test_output_is_marked_and_an_empty_folder_is_accepted(example_copy):
    (example_copy / "public").mkdir()
    build(example_copy)
    assert (example_copy / "public" / ".brief-output").is_file()
    (example_copy / "public" / "stray.txt").write_text("left by a tool")
    build(example_copy, clean=True)  # brief's own folder: replaced as a whole
    assert not (example_copy / "public" / "stray.txt").exists()


def test_entity_names_with_apostrophes_are_linked(site):
    """The typographer curls `O'Neill` into `O’Neill` before entities are linked."""
    site.brief(
        "a.md",
        brief_text(
            body="Martin O'Neill met envoys from Côte d'Ivoire on Monday. O'Neill said little.",
            entities={
                "people": [{"name": "Martin O'Neill", "aliases": ["O'Neill"]}],
                "places": ["Côte d'Ivoire"],
            },
        ),
    )
    site.build()
    page = next(site.out.glob("briefs/**/index.html")).read_text()
    body = page.split('class="body"', 1)[1]
    assert '">Martin O’Neill</a>' in body and '">Côte d’Ivoire</a>' in body


def test_a_huge_brief_is_not_copied_whole_into_every_feed(site):
    """A 5 MB brief tagged into several feeds: its page has all of it, each feed a bounded part."""
    paragraphs = "\n\n".join(f"Paragraph {n} of a very long report on the harbour." for n in range(100_000))
    site.brief("big.md", brief_text(title="Big", body=paragraphs, tags=["harbour", "port", "council"]))
    site.brief("small.md", brief_text(title="Small", body="A short one.", tags=["harbour"]))
    site.build()
    page = next(site.out.glob("briefs/**/big/index.html")).read_text()
    assert "Paragraph 99999 of" in page
    feeds = list(site.out.rglob("feed.xml")) + list(site.out.rglob("feed.json"))
    assert len(feeds) >= 5  # the site's two and one per tag
    for feed in feeds:
        text = feed.read_text()
        assert feed.stat().st_size < 400_000 and "Paragraph 99999 of" not in text, feed
    atom = (site.out / "feed.xml").read_text()
    assert "Read the whole brief" in atom and "Paragraph 10 of" in atom
    import feedparser

    assert not feedparser.parse(atom).bozo


def test_times_are_shown_on_their_own_clock_unless_the_site_sets_one(site):
    """Published at 07:45 BST: a new site shows 07:45 BST (the outlet's zone names the offset)
    and files it under its own day; `timezone: UTC` shows 06:45 UTC. `datetime` keeps the offset."""
    site.brief(
        "mail.md",
        brief_text(title="Mail", date="2025-04-11T00:30:00+01:00", source={"name": "Daily Mail"}),
    )
    site.brief("elsewhere.md", brief_text(title="Elsewhere", date="2025-04-11T09:15:00+05:30"))
    site.build()
    mail = next(site.out.glob("briefs/**/mail/index.html")).read_text()
    assert ">11 April 2025, 00:30 BST</time>" in mail and 'datetime="2025-04-11T00:30:00+01:00"' in mail
    assert (site.out / "timeline/2025/04/11/index.html").is_file()
    elsewhere = next(site.out.glob("briefs/**/elsewhere/index.html")).read_text()
    assert ">11 April 2025, 09:15 UTC+5:30</time>" in elsewhere
    site.config("timezone: UTC\n")
    site.build()
    mail = next(site.out.glob("briefs/**/mail/index.html")).read_text()
    assert ">10 April 2025, 23:30 UTC</time>" in mail and 'datetime="2025-04-11T00:30:00+01:00"' in mail
    assert (site.out / "timeline/2025/04/10/index.html").is_file()


def test_a_site_overrides_one_block_of_the_base_template(site):
    """Changing the footer means overriding one block, not copying base.html."""
    site.brief("a.md", brief_text("One", body="Body text."))
    (site.root / "templates").mkdir()
    (site.root / "templates" / "base.html").write_text(
        '{% extends "theme:base.html" %}\n'
        "{% block footer_text %}<p>Published by the Harbour Desk</p>{% endblock %}\n"
        '{% block extrahead %}<meta name="team" content="harbour">{% endblock %}\n'
    )
    site.build()
    for page in (site.out / "index.html", next(site.out.glob("briefs/**/a/index.html"))):
        html = page.read_text()
        assert (
            "<p>Published by the Harbour Desk</p>" in html and '<meta name="team" content="harbour">' in html
        )
        assert "Atom feed</a>" in html  # the rest of the footer is the theme's
        assert 'rel="icon"' in html


def test_page_details_a_reader_notices(site):
    lead = "The harbour board voted on Monday to close the old pier for repairs."
    site.brief(
        "lead.md",
        brief_text(
            "Lead",
            date="2025-03-03T09:00:00+00:00",
            body=f"{lead}\n\nWork starts in May.",
            summary=lead,
            entities={"people": ["Ada Quayle"]},
        ),
    )
    site.brief(
        "adds.md",
        brief_text(
            "Adds",
            date="2025-05-20T09:00:00+00:00",
            body=f"{lead}\n\nWork starts in May.",
            summary="Repairs to the pier will take a year and cost £2 million.",
        ),
    )
    site.build()
    lead_page = next(site.out.glob("briefs/**/lead/index.html")).read_text()
    adds_page = next(site.out.glob("briefs/**/adds/index.html")).read_text()
    # A summary that only repeats the first paragraph is not shown above it.
    assert 'class="summary"' not in lead_page and 'class="summary"' in adds_page
    # One brief: "on" a day, not "from" it "to" it.
    person = (site.out / "people" / "ada-quayle" / "index.html").read_text()
    assert "on <time" in person and "from <time" not in person
    # Month archives: the older month on the left, the newer on the right.
    may = (site.out / "timeline" / "2025" / "05" / "index.html").read_text().split('class="pagination"', 1)[1]
    assert '<a rel="prev" class="older"' in may and "← March 2025</a>" in may and "→" not in may
    march = (
        (site.out / "timeline" / "2025" / "03" / "index.html").read_text().split('class="pagination"', 1)[1]
    )
    assert '<a rel="next" class="newer"' in march and "May 2025 →</a>" in march and "←" not in march
    # A favicon, so no page load logs a 404.
    assert 'rel="icon"' in lead_page and any((site.out / "static").glob("favicon*.svg"))


def test_one_name_has_one_kind_across_the_site(site):
    """Two briefs call San Diego a place, one a person: it is a place on every page, with the
    other names the person-brief gave it."""
    site.brief(
        "a.md", brief_text("A", date="2025-01-01", body="In San Diego.", entities={"places": ["San Diego"]})
    )
    site.brief(
        "b.md",
        brief_text("B", date="2025-01-02", body="San Diego again.", entities={"places": ["San Diego"]}),
    )
    person = {"name": "San Diego", "aliases": ["SD"]}
    site.brief("c.md", brief_text("C", date="2025-01-03", body="SD said.", entities={"people": [person]}))
    result = site.build()
    assert [t.name for t in result.site.entities["places"].terms] == ["San Diego"]
    assert result.site.entities["places"].terms[0].aliases == ["SD"]
    assert result.site.entities["people"].terms == []
    c = next(site.out.glob("briefs/**/c/index.html")).read_text()
    assert 'href="/places/san-diego/"' in c and "/people/san-diego/" not in c
    assert "Mentioned in 3 briefs" in (site.out / "places" / "san-diego" / "index.html").read_text()


def test_entities_yml_decides_a_names_kind_across_the_site(site):
    for n, kind in enumerate(["people", "people", "places"]):
        site.brief(
            f"{n}.md",
            brief_text(f"B{n}", date=f"2025-01-0{n + 1}", body="Oakland.", entities={kind: ["Oakland"]}),
        )
    entities_yml = site.root / "content" / "entities.yml"
    entities_yml.write_text("entities:\n  - {name: Oakland, kind: places}\n")
    result = site.build()
    assert [t.name for t in result.site.entities["places"].terms] == ["Oakland"]
    assert (site.out / "places" / "oakland" / "index.html").is_file()
    # Changed, the file is an input like any other: the next build follows it.
    entities_yml.write_text("entities:\n  - {name: Oakland, kind: organizations}\n")
    result = site.build()
    assert [t.name for t in result.site.entities["organizations"].terms] == ["Oakland"]
    assert not (site.out / "places" / "oakland").exists()
