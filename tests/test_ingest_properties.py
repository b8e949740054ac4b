"""Random bytes, truncated and mutated real articles: every reader answers with a result or a
clear BriefError, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.errors import BriefError
from brief.ingest.annotate import Annotator
from brief.ingest.entities.rules import RuleRecognizer
from brief.ingest.model import RawArticle
from brief.ingest.readers import read_bytes
from tests.test_ingest import PAGE, SCRAPE

SAMPLES = {
    ".txt": SCRAPE.encode("utf-8"),
    ".html": PAGE.encode("utf-8"),
    ".json": b'{"title": "T", "text": "Some words of an article that is long enough to keep here.", "date": "2025-01-01"}',
    ".jsonl": b'{"title": "A", "text": "One record with enough words to count as text.", "date": "2025-01-01"}\n{"title": "B"}\n',
    ".xml": b'<?xml version="1.0"?><rss version="2.0"><channel><title>X</title><item><title>I</title>'
    b"<description>Body text of the entry, long enough to read.</description></item></channel></rss>",
}
ANNOTATE = Annotator(RuleRecognizer(), fallback_date=datetime(2025, 1, 1, tzinfo=UTC))


def run_reader(data: bytes, suffix: str) -> None:
    try:
        results = read_bytes(data, "input" + suffix, suffix, UTC)
    except BriefError as error:
        assert str(error).startswith("input")
        return
    for result in results:
        if isinstance(result, BriefError):
            continue
        assert isinstance(result, RawArticle)
        try:
            annotated = ANNOTATE(result)
        except BriefError:
            continue
        assert annotated.title and annotated.paragraphs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000), st.sampled_from(sorted(SAMPLES)))
def test_random_bytes(data, suffix):
    run_reader(data, suffix)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(sorted(SAMPLES)))
def test_truncated_and_mutated_articles(data, suffix):
    raw = bytearray(SAMPLES[suffix])
    raw = raw[: data.draw(st.integers(0, len(raw)))]
    for _ in range(data.draw(st.integers(0, 8))):
        if not raw:
            break
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    run_reader(bytes(raw), suffix)


HEADLINES = ["Morning briefing", "Live updates", "Markets today"]
TOPICS = [
    "Ferries to the outer islands were cancelled after the storm damaged the pier.",
    "The council approved a new budget for school meals in a late vote.",
    "Dockworkers voted to accept a pay offer after two weeks of talks with the port.",
    "A new library opened in the old customs house with a reading room for children.",
]
record = st.fixed_dictionaries(
    {
        "title": st.sampled_from(HEADLINES),
        "url": st.one_of(st.none(), st.sampled_from([f"https://post.example/{n}" for n in range(4)])),
        "date": st.sampled_from(["2025-03-03T06:00:00Z", "2025-03-10T06:00:00Z", "2025-04-01"]),
        "text": st.lists(st.sampled_from(TOPICS), min_size=2, max_size=4).map(" ".join),
    }
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, min_size=1, max_size=6))
def test_one_brief_per_distinct_source_whatever_the_headlines(records, tmp_path_factory):
    """An article is known by its source (its URL, else its raw record), never by its headline:
    however headlines, dates and texts collide, ingest keeps one brief per source."""
    import json

    from brief.ingest.run import ingest

    root = tmp_path_factory.mktemp("site")
    (root / "site.yml").write_text("ingest: {backend: rules}\n")
    lines = []
    for item in records:
        lines.append(json.dumps({k: v for k, v in item.items() if v is not None}))
    # A record without a URL is known by its content (the same fields in any order: one record).
    sources = {item["url"] or (item["title"], item["date"], item["text"]) for item in records}
    for line in lines:  # one record at a time, as a user adds exports over the weeks
        path = root / "record.json"
        path.write_text(line)
        report = ingest(root, [str(path)])
        assert not report.failed, report.failed
    briefs = [p for p in (root / "content" / "briefs").rglob("*.md") if not p.name.endswith(".incoming.md")]
    assert len(briefs) == len(sources)


# Pieces of feeds and JSON that hostile or broken exports contain: unclosed tags, made-up
# encodings, bad addresses, deep nesting.
feed_pieces = st.lists(
    st.sampled_from(
        [
            "<rss>",
            "<rss version='2.0'>",
            "<channel>",
            "<item>",
            "</item>",
            "<item<",
            "<title>",
            "</title>",
            "<title<",
            "<content<",
            "<link>http://[bad/</link>",
            "<link>http://127.0.0.1:9/x</link>",
            "<description>words of an entry</description>",
            "<pubDate>Mon, 10 Feb 2025 08:00:00 +0100</pubDate>",
            "<![CDATA[",
            "]]>",
            "&amp;",
            "&bogus;",
            "<entry>",
            "<feed xmlns='http://www.w3.org/2005/Atom'>",
            '<?xml version="1.0" encoding="ut\xc8-8"?>',
            '<?xml version="1.0" encoding="no-such"?>',
        ]
    ),
    max_size=14,
).map(lambda parts: "".join(parts).encode("utf-8", "surrogateescape"))
json_values = st.recursive(
    st.one_of(
        st.none(), st.integers(), st.text(max_size=20), st.sampled_from(["http://[bad/", "http://x:99999/"])
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["title", "text", "url", "date", "author", "source"]), inner, max_size=5
        ),
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feed_pieces)
def test_broken_feeds(data):
    run_reader(data, ".xml")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values, st.integers(0, 3000))
def test_broken_json(value, depth):
    import json

    run_reader(json.dumps(value).encode(), ".json")
    run_reader(("[" * depth + "]" * depth).encode(), ".json")


def test_each_hostile_file_is_one_error_line_and_the_rest_is_ingested(tmp_path, capsys):
    """The inputs that stopped a whole ingest with a traceback: each now fails alone, naming
    its file, and the good file beside them is ingested."""
    import json

    from brief.cli import main
    from tests.test_ingest import SCRAPE

    inbox = tmp_path / "in"
    inbox.mkdir()
    long_text = "Some words of an article that is long enough to keep. " * 10
    files = {
        "a.xml": b"<item<title</content<",
        "b.xml": b'<?xml version="1.0" encoding="ut\xc8-8"?><rss><channel><item><title>x</title></item></channel></rss>',
        "c.json": b"[" * 100_000 + b"]" * 100_000,
        "d.json": json.dumps(
            {"title": "T", "url": "http://[bad/", "date": "2025-01-01", "text": long_text}
        ).encode(),
        "e.xml": (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>X</title><item><title>I</title>'
            f"<link>http://[bad/</link><description>{long_text * 3}</description></item></channel></rss>"
        ).encode(),
    }
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    (inbox / "good.txt").write_text(SCRAPE)
    (tmp_path / "site.yml").write_text("ingest: {backend: rules}\n")
    assert main(["ingest", "--site", str(tmp_path), "--date", "2025-01-01", str(inbox)]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert "Traceback" not in err
    for name in ("a.xml", "b.xml", "c.json", "d.json"):
        assert sum(name in line for line in lines) == 1, (name, lines)
    assert len(list((tmp_path / "content" / "briefs").rglob("*.md"))) == 2  # good.txt and e.xml's entry


@settings(max_examples=200, deadline=None)
@given(
    title=st.text(min_size=1, max_size=90),
    summary=st.text(max_size=300),
    slug_words=st.lists(
        st.sampled_from(["2025", "yes", "null", "no", "1e3", "0x1f", "on", "a", "raw-sha256"]),
        min_size=1,
        max_size=30,
    ),
)
def test_marking_a_rendered_brief_as_a_duplicate_is_rendering_it_so(title, summary, slug_words):
    """The process that writes marks a worker's rendered brief `duplicate_of` without
    rendering it again: the text must be exactly what rendering with the mark gives, whatever
    the headline, the summary (YAML quoting, folding) or a slug YAML would read as a number."""
    from brief.ingest.model import Annotated
    from brief.ingest.write import as_duplicate, brief_slug, render

    raw = RawArticle(origin="x", raw_sha256="ab" * 32, text="t")
    article = Annotated(
        raw=raw,
        title=title,
        paragraphs=["A paragraph of text.", "raw_sha256: not a key in the body"],
        authors=[],
        published=datetime(2025, 1, 1, tzinfo=UTC),
        updated=None,
        outlet=None,
        url=None,
        entities=[],
        summary=summary,
        tags=[],
    )
    slug = brief_slug("-".join(slug_words)) or "2025"
    assert as_duplicate(render(article), slug) == render(article, duplicate_of=slug)
