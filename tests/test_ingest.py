"""Ingest on real inputs: the seed scrape, made-up pages and records, a server on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import html5lib
import pytest
import yaml

from brief.cli import main
from brief.content.frontmatter import split_front_matter
from brief.content.load import read_brief
from brief.ingest.run import ingest
from tests.conftest import SHARED, static_server

SEED = SHARED / "seeds" / "dailymail-msn-scrape.txt"
needs_shared = pytest.mark.skipif(
    not SHARED.exists(), reason="../shared (corpora and seed) is not beside the repo"
)


def front(path: Path) -> dict:
    return yaml.safe_load(split_front_matter(path.read_text(encoding="utf-8"), str(path))[0])


def body(path: Path) -> str:
    return split_front_matter(path.read_text(encoding="utf-8"), str(path))[1]


def briefs(site) -> list[Path]:
    return sorted(
        p for p in (site.root / "content" / "briefs").rglob("*.md") if not p.name.endswith(".incoming.md")
    )


SCRAPE = """By JANE DOE and JOHN ROE

Published: 09:15 EDT, 3 March 2025 | Updated: 11:00 EDT, 3 March 2025

Advertisement

The city council of Springfield voted on Monday to close the old bridge over the Brenner River after engineers found cracks in two of its supports.

The city council of Springfield voted on Monday to close the old bridge over the Brenner River after engineers found cracks in two of its supports.

Mayor Alice Grant said the closure would last "at least six months" while repairs are designed. Grant said buses would be rerouted through the east side.

Mayor Alice Grant said the closure would last “at least six months” while repairs are designed. Grant said buses would be rerouted through the east side.

Share this article

Sign up to our daily newsletter for more news like this

Image: Getty Images

The Springfield Bridge Authority said a replacement could cost $40 million.

***
Read more at Reuters.com
"""


@needs_shared
def test_the_seed_scrape(site):
    report = ingest(site.root, [str(SEED)])
    assert report.summary().startswith("ingested 1 article(s): 1 new")
    [path] = briefs(site)
    data = front(path)
    assert data["title"] == "Britain considers ‘sending troops to Ukraine for 5 years’ in new plan"
    assert data["authors"] == ["Iwan Stone"]
    assert data["date"] == "2025-04-11T07:45:00+01:00"
    assert data["source"]["name"] == "Daily Mail"
    assert len(data["raw_sha256"]) == 64
    text = body(path)
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    assert len(paragraphs) == 9
    for noise in ("Advertisement", "Want more stories", "Read more", "***", "follow button"):
        assert noise not in text
    # Each paragraph once, in the typographically better copy (curly quotes).
    assert "‘reassurance force’" in text and "'reassurance force'" not in text
    entities = data["entities"]
    people = {e["name"] for e in entities["people"]}
    places = {e["name"] for e in entities["places"]}
    orgs = {e["name"] for e in entities["organizations"]}
    assert {"Putin", "Sebastien Lecornu", "Boris Pistorius", "Donald Trump"} <= people
    assert any("Healey" in p for p in people)
    # "Kyiv's officials", "Kyiv's armed forces": the city standing for its government, which
    # CoNLL-2003's conventions (and the model trained on them) call an organization. It is
    # found; which kind it gets across a site is settled by majority over briefs.
    assert {"Britain", "Ukraine", "France", "Russia", "Brussels"} <= places and "Kyiv" in places | orgs
    assert "Nato" in orgs
    assert "Telegraph" not in people and "BST" not in orgs and "Iwan Stone" not in people
    assert 1 <= data["summary"].count(". ") + 1 <= 3 and len(data["summary"].split()) <= 60
    assert 1 <= len(data["tags"]) <= 6
    # The brief is a valid brief for the build.
    read_brief(path, site.root, UTC)


def test_text_scrape_cleaning_and_metadata(site):
    raw = site.root / "in" / "bridge.txt"
    raw.parent.mkdir()
    raw.write_text(SCRAPE, encoding="utf-8")
    ingest(site.root, [str(raw)])
    [path] = briefs(site)
    data = front(path)
    assert data["authors"] == ["Jane Doe", "John Roe"]
    assert data["date"] == "2025-03-03T09:15:00-04:00"
    assert data["updated"] == "2025-03-03T11:00:00-04:00"
    assert data["source"]["name"] == "Reuters"
    text = body(path)
    assert text.count("city council of Springfield") == 1
    assert "“at least six months”" in text
    for noise in ("Share this", "newsletter", "Getty", "Advertisement", "Read more"):
        assert noise not in text
    people = [e["name"] for e in data["entities"]["people"]]
    assert people == ["Alice Grant"]
    assert data["entities"]["people"][0]["mentions"] == 2
    assert "Jane Doe" not in people and "EDT" not in str(data["entities"])


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("latin-1", b"")],
)
def test_encodings_decode(site, encoding, prefix):
    text = (
        "Caf\u00e9 owners in S\u00e3o Paulo said the na\u00efve plan \u2014 \u201cfar too late\u201d \u2014 would fail. "
        * 3
    )
    if encoding == "latin-1":
        text = text.replace("\u2014", "-").replace("\u201c", '"').replace("\u201d", '"')
    raw = site.root / "a.txt"
    raw.write_bytes(prefix + ("Caf\u00e9 plan fails\n\n" + text).encode(encoding))
    report = ingest(site.root, [str(raw)], date=datetime(2025, 1, 1, tzinfo=UTC))
    assert not report.failed, report.failed
    content = body(briefs(site)[0])
    assert "S\u00e3o Paulo" in content and "na\u00efve" in content


def test_mojibake_is_repaired(site):
    raw = site.root / "m.txt"
    raw.write_text(
        "Plan fails\n\nThe minister said it wasnâ€™t enough and that the â€œrescueâ€\x9d would come too late for the town. "
        * 2
    )
    ingest(site.root, [str(raw)], date=datetime(2025, 1, 1, tzinfo=UTC))
    content = body(briefs(site)[0])
    assert "wasn’t" in content and "â€" not in content


PAGE = """<!DOCTYPE html><html><head><title>Harbour reopens | Coast Times</title>
<meta property="og:title" content="Harbour reopens after storm">
<meta property="og:site_name" content="Coast Times">
<meta property="article:published_time" content="2025-02-10T08:00:00+01:00">
<meta name="author" content="Maria Lopez"></head>
<body><nav><a href="/">Home</a><a href="/sport">Sport</a></nav>
<article><h1>Harbour reopens after storm</h1>
<p>The harbour at Port Ellis reopened on Monday, five days after a storm sank two fishing boats and damaged the main pier.</p>
<p>Harbour master Tom Reyes said divers had checked the channel and found it clear. <script>alert("xss")</script>
<img src=x onerror="alert(1)"> Fishing crews returned to sea within hours of the announcement.</p>
<p>The council said repairs to the pier would cost about two million euros and take until the summer.</p>
</article><footer>Cookie policy. All rights reserved.</footer></body></html>"""


def test_saved_page(site):
    raw = site.root / "page.html"
    raw.write_text(PAGE, encoding="utf-8")
    ingest(site.root, [str(raw)])
    [path] = briefs(site)
    data = front(path)
    assert data["title"] == "Harbour reopens after storm"
    assert data["date"] == "2025-02-10T08:00:00+01:00"
    assert data["authors"] == ["Maria Lopez"]
    assert data["source"]["name"] == "Coast Times"
    text = body(path)
    assert "reopened on Monday" in text and "Cookie" not in text and "Sport" not in text
    assert "<script" not in text and "onerror" not in text


def test_a_utc_page_time_is_shown_on_the_outlets_clock(site):
    # Late evening in New York is already the next day in UTC; the archive day must be New York's.
    page = PAGE.replace("2025-02-10T08:00:00+01:00", "2025-02-11T02:25:54Z")
    raw = site.root / "page.html"
    raw.write_text(page, encoding="utf-8")
    ingest(site.root, [str(raw)])
    # Without a URL the outlet is unknown: the time stays as the page gives it.
    assert front(briefs(site)[0])["date"] == "2025-02-11T02:25:54+00:00"
    for path in briefs(site):
        path.unlink()
    page = page.replace(
        "<head>", '<head><link rel="canonical" href="https://nypost.com/2025/02/10/harbour/">'
    )
    raw.write_text(page, encoding="utf-8")
    ingest(site.root, [str(raw)])
    [path] = briefs(site)
    assert front(path)["date"] == "2025-02-10T21:25:54-05:00"
    assert front(path)["source"]["name"] == "New York Post"


def test_the_articles_own_sentences_are_never_rewritten():
    from brief.ingest.clean import clean_paragraphs

    paragraphs = [
        "KABUL, Afghanistan (CNN) -- Officials said on Monday that talks would resume.",
        "Lawyers for a woman who . claims she was wronged said the St . Louis court erred.",
    ]
    assert clean_paragraphs(paragraphs) == paragraphs


TOPICS = [
    "The harbour reopened after the storm damaged two piers and sank a ferry. ",
    "Parliament passed the budget after a night of debate over school funding. ",
    "A new vaccine trial began in three hospitals with four hundred volunteers. ",
]


def test_json_and_json_lines(site, tmp_path):
    record = {
        "title": "Rail strike called off",
        "text": "Unions called off the rail strike planned for Friday after a late offer from the operators. "
        * 2,
        "date": "2025-05-02T18:00:00Z",
        "url": "https://www.theguardian.com/uk/rail",
        "author": "Sam Lee",
    }
    (tmp_path / "one.json").write_text(json.dumps(record))
    lines = [
        json.dumps(
            dict(
                record,
                title=f"Story {i}",
                url=f"https://example.org/{i}",
                text=TOPICS[i] * 3,
            )
        )
        for i in range(3)
    ]
    lines.insert(1, "{not json")
    lines.insert(2, json.dumps({"title": "No text here"}))
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n")
    report = ingest(site.root, [str(tmp_path / "one.json"), str(tmp_path / "many.jsonl")])
    assert len(report.outcomes["written"]) == 4
    messages = [str(e) for e in report.failed]
    assert any("many.jsonl:2:" in m and "invalid JSON" in m for m in messages)
    assert any("many.jsonl:3:" in m and "no article text" in m for m in messages)
    data = front(next(p for p in briefs(site) if "rail-strike" in p.name))
    assert data["source"] == {"name": "The Guardian", "url": "https://www.theguardian.com/uk/rail"}
    assert data["date"] == "2025-05-02T18:00:00+00:00"


def test_same_article_twice_gives_one_brief(site):
    raw = site.root / "bridge.txt"
    raw.write_text(SCRAPE)
    first = ingest(site.root, [str(raw)])
    second = ingest(site.root, [str(raw)])
    assert len(first.outcomes["written"]) == 1 and len(second.outcomes["unchanged"]) == 1
    assert len(briefs(site)) == 1


def _record(url: str, date: str, text: str, title: str = "Morning briefing") -> str:
    return json.dumps({"title": title, "url": url, "date": date, "source": "Harbour Post", "text": text})


def test_edited_brief_is_never_overwritten(site):
    raw = site.root / "bridge.json"
    url = "https://harbour-post.example/2025/03/bridge"
    text = SCRAPE.split("Advertisement")[1].split("Share this")[0]
    raw.write_text(_record(url, "2025-03-03T09:15:00Z", text))
    ingest(site.root, [str(raw)])
    [path] = briefs(site)
    # Unedited: a corrected article from the same source replaces the brief.
    raw.write_text(_record(url, "2025-03-03T09:15:00Z", text + "\n\nA replacement could cost $45 million."))
    report = ingest(site.root, [str(raw)])
    assert report.outcomes["updated"] == [path] and "$45 million" in path.read_text()
    # Edited by a person: the new version goes beside it.
    edited = path.read_text().replace("rerouted", "diverted")
    path.write_text(edited)
    raw.write_text(_record(url, "2025-03-03T09:15:00Z", text + "\n\nA replacement could cost $50 million."))
    report = ingest(site.root, [str(raw)])
    incoming = path.with_name(path.stem + ".incoming.md")
    assert report.outcomes["incoming"] == [incoming]
    assert path.read_text() == edited
    assert "$50 million" in incoming.read_text()
    site.build()  # the .incoming.md file is not a second brief
    assert len(list(site.out.glob("briefs/**/index.html"))) == 1


def test_same_headline_different_article_keeps_both(site):
    """A daily column: one headline, two articles. The second must never replace the first."""
    first, second = site.root / "first.json", site.root / "second.json"
    first.write_text(
        _record(
            "https://harbour-post.example/2025/03/03/briefing",
            "2025-03-03T06:00:00Z",
            "Ferries to the outer islands were cancelled after the storm damaged the pier. " * 3,
        )
    )
    second.write_text(
        _record(
            "https://harbour-post.example/2025/03/10/briefing",
            "2025-03-10T06:00:00Z",
            "The council approved a new budget for school meals in a late vote. " * 3,
        )
    )
    ingest(site.root, [str(first)])
    report = ingest(site.root, [str(second)])
    assert len(report.outcomes["written"]) == 1 and not report.outcomes["updated"]
    texts = sorted(p.read_text() for p in briefs(site))
    assert len(texts) == 2
    assert any("Ferries" in t for t in texts) and any("school meals" in t for t in texts)
    assert sorted(p.stem for p in briefs(site)) == ["morning-briefing", "morning-briefing-2"]
    # Without URLs, a source is its raw text: a different text is a different article.
    third = site.root / "third.txt"
    third.write_text(
        "Morning briefing\n\nPublished: 06:00 GMT, 3 March 2025\n\n"
        "Dockworkers voted to accept a pay offer after two weeks of talks with the port. " * 3
    )
    ingest(site.root, [str(third)])
    assert len(briefs(site)) == 3


def test_bad_inputs_are_reported_and_the_rest_ingested(site, capsys):
    folder = site.root / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(SCRAPE)
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (folder / "short.txt").write_text("Advertisement\n\nShare this article\n")
    (folder / "huge.txt").write_bytes(b"word " * (2 * 1024 * 1024 + 10))
    (folder / "nodate.txt").write_text(
        "A headline\n\n" + "Some real text about nothing in particular here. " * 5
    )
    code = main(["ingest", "--site", str(site.root), str(folder)])
    err = capsys.readouterr().err
    assert code == 1
    assert "empty.txt: empty file" in err
    assert "binary.txt: binary file" in err
    assert "short.txt: no article text found" in err
    assert "huge.txt: too large" in err
    assert "nodate.txt: no publication date found" in err and "--date" in err
    assert "Traceback" not in err
    assert len(briefs(site)) == 1
    assert not [p for p in (site.root / "content").rglob(".*.tmp-*")]
    assert main(["ingest", "--site", str(site.root), "--date", "2025-06-01", str(folder / "nodate.txt")]) == 0
    assert len(briefs(site)) == 2


def test_inbox_then_build_is_the_whole_workflow(site):
    inbox = site.root / "content" / "raw"
    inbox.mkdir(parents=True)
    (inbox / "bridge.txt").write_text(SCRAPE)
    result = site.build()
    assert result.ingest is not None and len(result.ingest.outcomes["written"]) == 1
    assert (inbox / "processed" / "bridge.txt").is_file() and not (inbox / "bridge.txt").exists()
    assert "Springfield" in site.read("index.html")
    before = {p: p.read_bytes() for p in (site.root / "content").rglob("*") if p.is_file()}
    site.build()
    after = {p: p.read_bytes() for p in (site.root / "content").rglob("*") if p.is_file()}
    assert before == after


def test_hostile_raw_text_never_becomes_markup(site):
    hostile = (
        "Attack text <script>alert('x')</script> and <img src=x onerror=alert(1)> plus "
        "[click](javascript:alert(1)) in a long enough article body for ingest to keep it.\n\n"
    ) * 2
    site.config("markdown: {unsafe_html: true}\n")  # even where the site trusts its own HTML
    raw = site.root / "evil.txt"
    raw.write_text("Evil headline <b>bold</b>\n\n" + hostile)
    ingest(site.root, [str(raw)], date=datetime(2025, 1, 1, tzinfo=UTC))
    site.build()
    page = next(site.out.glob("briefs/**/index.html"))
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    assert not [e for e in tree.iter("script") if e.get("type") != "application/ld+json"]
    assert not [e for e in tree.iter() if any(k.startswith("on") for k in e.attrib)]
    assert not [e for e in tree.iter("a") if (e.get("href") or "").startswith("javascript")]
    assert "<script>alert" not in page.read_text()


def test_urls_and_feeds_from_a_local_server(site, tmp_path):
    # The feed's links point at 127.0.0.1: internal addresses, which only the site may allow.
    site.config("ingest: {fetch_private: true}\n")
    www = tmp_path / "www"
    www.mkdir()
    (www / "harbour.html").write_text(PAGE)
    with static_server(www) as base:
        (www / "feed.xml").write_text(f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Coast Times</title><link>{base}/</link>
<item><title>Harbour reopens after storm</title><link>{base}/harbour.html</link>
<pubDate>Mon, 10 Feb 2025 08:00:00 +0100</pubDate><description>Teaser only.</description></item>
<item><title>Full story in the feed</title><link>{base}/missing.html</link>
<pubDate>Tue, 11 Feb 2025 09:30:00 +0100</pubDate>
<description>{"The lighthouse keeper on Ellis Point retired after forty years of service to the town. " * 20}</description></item>
</channel></rss>""")
        report = ingest(site.root, [f"{base}/harbour.html"])
        assert len(report.outcomes["written"]) == 1
        assert front(briefs(site)[0])["source"]["url"] == f"{base}/harbour.html"
        missing = ingest(site.root, [f"{base}/nothing-here.html"])
        assert "server answered 404" in str(missing.failed[0])
        feed = ingest(site.root, [f"{base}/feed.xml"])
    # The teaser entry fetched its page (already a brief: unchanged); the full one came from the feed.
    assert len(feed.outcomes["unchanged"]) == 1 and len(feed.outcomes["written"]) == 1, feed.summary()
    lighthouse = next(p for p in briefs(site) if "full-story" in p.name)
    assert front(lighthouse)["date"] == "2025-02-11T09:30:00+01:00"
    refused = ingest(site.root, ["http://127.0.0.1:9/closed.html"])
    assert "cannot fetch" in str(refused.failed[0])


def test_same_story_from_another_outlet_is_also_reported(site, tmp_path):
    first = tmp_path / "first.txt"
    first.write_text(SCRAPE)
    retold = tmp_path / "retold.txt"
    retold.write_text(
        SCRAPE.replace("By JANE DOE and JOHN ROE", "By MAX POWER")
        .replace("Read more at Reuters.com", "Read more at apnews.com")
        .replace("cost $40 million", "cost about $40 million")
        .replace("Bridge", "Brige")  # a different headline-free copy with small edits
    )
    original = ingest(site.root, [str(first)]).outcomes["written"][0]
    report = ingest(site.root, [str(retold)])  # a later run: the first brief is read from disk
    assert len(report.outcomes["duplicate"]) == 1, report.summary()
    duplicate = report.outcomes["duplicate"][0]
    assert front(duplicate)["duplicate_of"] == original.stem
    result = site.build()
    assert len(result.site.pages) == 1  # listed once, under the first telling
    html = next(site.out.glob(f"briefs/**/{original.stem}/index.html")).read_text()
    retold_page = next(site.out.glob(f"briefs/**/{duplicate.stem}/index.html"))
    retold_url = "/" + retold_page.parent.relative_to(site.out).as_posix() + "/"
    also = html.split("Also reported by", 1)[1].split("</ul>", 1)[0]
    assert f'href="{retold_url}"' in also and "Associated Press" in also
    assert also.count(front(duplicate)["title"]) == 1  # the title once, as the link
    # The retold brief's own page points back to the first telling.
    assert "as first reported" in retold_page.read_text() and "Brige" in retold_page.read_text()
    assert "Max Power" not in site.read("index.html")


def test_standard_input(site, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SCRAPE.encode("utf-8"))))
    assert main(["ingest", "--site", str(site.root), "-"]) == 0
    assert len(briefs(site)) == 1


def test_scaffolded_site_yml_is_valid(tmp_path):
    assert main(["init", str(tmp_path / "s")]) == 0
    assert main(["build", "--site", str(tmp_path / "s"), "-q"]) == 0


@pytest.mark.parametrize("depth", [300, 10_000])
def test_deeply_nested_html_keeps_its_text(depth):
    """libxml2 silently drops everything nested past its depth limit: the article must survive."""
    from datetime import UTC

    from brief.ingest.readers import read_html

    paragraphs = "".join(
        f"<p>The harbour board met on Monday about the old pier, part {n}.</p>" for n in range(10)
    )
    page = (
        "<html><head><title>Pier repairs</title></head><body>"
        + "<div>" * depth
        + f"<article><h1>Pier repairs</h1>{paragraphs}</article>"
        + "</div>" * depth
        + "</body></html>"
    )
    article = read_html(page.encode(), "deep.html", UTC)
    assert "part 9." in article.text and article.title == "Pier repairs"


def test_an_xhtml_page_with_an_xml_declaration_is_read():
    from datetime import UTC

    from brief.ingest.readers import read_html

    page = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        "<head><title>Pier repairs</title></head><body><article><h1>Pier repairs</h1>"
        + "".join(f"<p>The harbour board met on Monday about the old pier, part {n}.</p>" for n in range(10))
        + "</article></body></html>"
    )
    assert "part 9." in read_html(page.encode(), "page.xhtml", UTC).text


def test_ingest_names_each_file_it_writes(site, tmp_path, capsys):
    raw = tmp_path / "bridge.txt"
    raw.write_text(SCRAPE)
    assert main(["ingest", "--site", str(site.root), "--dry-run", str(raw)]) == 0
    out = capsys.readouterr().out
    assert "would write content/briefs/2025/03/" in out and not briefs(site)
    assert main(["ingest", "--site", str(site.root), str(raw)]) == 0
    out = capsys.readouterr().out
    [path] = briefs(site)
    assert f"wrote {path.relative_to(site.root)}" in out.splitlines()


def test_a_fetched_page_is_known_by_its_canonical_address(site, tmp_path):
    """Fetched from a mirror (here 127.0.0.1), the brief names the page's own address."""
    www = tmp_path / "www"
    www.mkdir()
    canonical = "https://coast-times.example/2025/02/harbour-reopens"
    (www / "harbour.html").write_text(
        PAGE.replace("<head>", f'<head><link rel="canonical" href="{canonical}">', 1)
    )
    (www / "og.html").write_text(
        PAGE.replace("<head>", '<head><meta property="og:url" content="/2025/02/og-only">', 1).replace(
            "Harbour", "Quay"
        )
    )
    with static_server(www) as base:
        ingest(site.root, [f"{base}/harbour.html"])
        report = ingest(site.root, [f"{base}/og.html"])
    urls = sorted(front(p)["source"]["url"] for p in briefs(site))
    assert canonical in urls and f"{base}/2025/02/og-only" in urls, (urls, report.failed)


def test_a_date_without_a_time_stays_that_date():
    """2019-01-18 from a New York outlet is the 18th there, not 19:00 on the 17th."""
    from datetime import UTC

    from brief.ingest.readers import read_html

    page = (
        '<html><head><title>Storm</title><meta property="article:published_time" content="2019-01-18">'
        '<link rel="canonical" href="https://www.nytimes.com/2019/01/18/storm.html"></head><body><article>'
        + "".join(
            f"<p>The storm hit the coast on Friday with heavy rain and wind, part {n}.</p>" for n in range(8)
        )
        + "</article></body></html>"
    )
    published = read_html(page.encode(), "storm.html", UTC).published
    assert published is not None and published.date().isoformat() == "2019-01-18"


DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize(
    ("name", "author", "date", "outlet", "first", "last"),
    [
        (
            "wire-ap.txt",
            "Jane Doe",
            "2019-01-15T15:05:00-05:00",
            "Associated Press",
            "NEW ORLEANS (AP) —",
            "Forecasters said",
        ),
        (
            "wire-reuters.txt",
            "Jane Doe",
            "2019-01-15T12:37:00+00:00",
            "Reuters",
            "LONDON (Reuters) -",
            "Officials did not say",
        ),
    ],
)
def test_wire_scrapes(site, name, author, date, outlet, first, last):
    """Browser copies of AP- and Reuters-style pages (written for these tests in the wires'
    published formats): byline with affiliation, a dateline with the time before or after the
    date, a reading-time widget, sign-offs, copyright and standards lines."""
    report = ingest(site.root, [str(DATA / name)], backend="rules")
    assert not report.failed, report.failed
    [path] = briefs(site)
    data = front(path)
    assert data["authors"] == [author] and data["date"] == date and data["source"]["name"] == outlet
    body = path.read_text().split("---\n", 2)[2].strip().split("\n\n")
    assert body[0].startswith(first) and body[-1].startswith(last)


@pytest.mark.parametrize(
    ("line", "time"),
    [
        ("January 15, 2019, 12:37 p.m. BST", "12:37+01:00"),
        ("Jan. 15, 2019 12:37 PM GMT", "12:37+00:00"),
        ("Updated 3:05 PM EST, Tue January 15, 2019", "15:05-05:00"),
        ("15/01/2019", "00:00+00:00"),
        ("2019-01-15T12:37:00Z", "12:37+00:00"),
        ("Tuesday 15 January 2019 12.37 GMT", "12:37+00:00"),
    ],
)
def test_date_lines_in_common_news_forms(line, time):
    from brief.ingest.meta import is_date_line, parse_date_text

    assert is_date_line(line)
    moment = parse_date_text(line, UTC)
    assert moment is not None and moment.isoformat().startswith("2019-01-15T")
    assert moment.strftime("%H:%M") + moment.isoformat()[-6:] == time


def test_a_one_line_daily_mail_header_keeps_its_article():
    """CNN/Daily Mail text puts byline, dates and article on one line with ' . ' between them."""
    from brief.ingest.readers import read_text

    line = (
        "By . Jane Roe . PUBLISHED: . 14:11 EST, 25 October 2013 . | . UPDATED: . 15:36 EST, 25 October 2013 . "
        "The bishop of the diocese has exposed hundreds of church members to the virus, officials said. "
        "Health officials urged anyone who attended services to seek a vaccine within two weeks ."
    )
    raw = read_text(line.encode(), "dm.txt", UTC)
    assert raw.authors == ["Jane Roe"]
    assert raw.published is not None and raw.published.isoformat() == "2013-10-25T14:11:00-05:00"
    assert "The bishop of the diocese" in raw.text and "seek a vaccine" in raw.text


def test_a_byline_repeated_as_the_first_paragraph_is_dropped():
    from brief.ingest.annotate import Annotator
    from brief.ingest.entities.rules import RuleRecognizer
    from brief.ingest.model import RawArticle

    text = (
        "Jane Doe, chief political correspondent, in Brussels\n\n"
        + "Ministers agreed on Tuesday to share the cost of patrols over undersea cables in the Baltic. " * 3
    )
    raw = RawArticle(
        origin="x",
        raw_sha256="0",
        text=text,
        title="Ministers agree",
        authors=["Jane Doe"],
        published=datetime(2025, 1, 1, tzinfo=UTC),
        kind="html",
    )
    paragraphs = Annotator(RuleRecognizer())(raw).paragraphs
    assert paragraphs[0].startswith("Ministers agreed")
