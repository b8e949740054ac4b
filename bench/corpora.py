"""Readers for the shared evaluation corpora (../shared/corpora), used by the benchmarks."""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"

csv.field_size_limit(10**8)


def cnndm(name: str = "articles.csv") -> list[dict[str, str]]:
    with open(CORPORA / "cnndm-sample" / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def web_articles() -> dict[str, dict]:
    return json.loads((CORPORA / "web-articles" / "expected.json").read_text(encoding="utf-8"))


def mediacloud() -> list[dict[str, str]]:
    with open(CORPORA / "dates-mediacloud" / "index.tsv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def conll(path: Path | None = None) -> Iterator[list[list[tuple[str, str]]]]:
    """Documents, each a list of sentences of (token, IOB tag)."""
    path = path or CORPORA / "conll2003" / "dev.txt"
    document: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("-DOCSTART-"):
            if sentence:
                document.append(sentence)
                sentence = []
            if document:
                yield document
            document = []
            continue
        if not line.strip():
            if sentence:
                document.append(sentence)
                sentence = []
            continue
        parts = line.split()
        sentence.append((parts[0], parts[-1]))
    if sentence:
        document.append(sentence)
    if document:
        yield document


def conll_spans(
    sentence: list[tuple[str, str]], kinds: tuple[str, ...] = ("PER", "ORG", "LOC")
) -> set[tuple[int, int, str]]:
    """Gold (first token, last token + 1, type) for `kinds`, from IOB1 tags."""
    spans = set()
    start, kind = None, None
    for i, (_, tag) in enumerate([*sentence, ("", "O")]):
        label = tag[2:] if tag != "O" else None
        begins = tag.startswith("B-") or label != kind
        if kind is not None and (label is None or begins):
            if kind in kinds:
                spans.add((start, i, kind))
            kind = None
        if label is not None and (kind is None or begins):
            start, kind = i, label
    return spans


_REUTERS = re.compile(r"<REUTERS[^>]*>(.*?)</REUTERS>", re.S)


def _tag(block: str, name: str) -> str | None:
    match = re.search(rf"<{name}>(.*?)</{name}>", block, re.S)
    return html.unescape(match.group(1)).strip() if match else None


def reuters_records(limit: int | None = None) -> Iterator[dict]:
    """Each story with a <BODY> as a JSON-ready record: title, text, date, author."""
    count = 0
    for path in sorted((CORPORA / "reuters21578").glob("reut2-*.sgm")):
        text = path.read_text(encoding="latin-1")
        for block in _REUTERS.findall(text):
            body = _tag(block, "BODY")
            if not body:
                continue
            body = re.sub(r"\s*Reuter\s*\x03?\s*$", "", body.replace("\x03", "")).strip()
            raw_date = _tag(block, "DATE") or ""
            try:
                moment = datetime.strptime(raw_date.split(".")[0].strip(), "%d-%b-%Y %H:%M:%S").replace(
                    tzinfo=UTC
                )
            except ValueError:
                moment = None
            record = {
                "title": (_tag(block, "TITLE") or "").title(),
                "text": _paragraphs(body),
                "date": moment.isoformat() if moment else None,
                "source": "Reuters",
            }
            author = _tag(block, "AUTHOR")
            if author:
                record["author"] = author
            yield record
            count += 1
            if limit and count >= limit:
                return


def _paragraphs(body: str) -> str:
    # Reuters bodies indent each paragraph by a few spaces.
    parts = re.split(r"\n\s{2,}(?=\S)", body)
    return "\n\n".join(" ".join(p.split()) for p in parts if p.strip())
