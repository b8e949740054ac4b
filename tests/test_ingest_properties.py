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
