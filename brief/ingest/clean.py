"""Scrape noise out: boilerplate lines, repeated paragraphs, stray whitespace."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from brief import data

_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "‒": "-",
        "―": "-",
        "−": "-",
        "\u00a0": " ",
    }
)
_CURLY = set("‘’“”–—…")


@lru_cache(maxsize=8)
def boilerplate_pattern(extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    patterns = list(data.load("boilerplate.yml")["patterns"]) + list(extra)
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def normalise(paragraph: str) -> str:
    """The form two copies of a paragraph share: quotes, dashes, spacing and case evened out."""
    text = unicodedata.normalize("NFKC", paragraph).translate(_QUOTES)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" (?=[',.;:!?)])", "", text)  # "Moscow 's" and "Moscow's"
    return text.strip().casefold()


def typographic_score(paragraph: str) -> int:
    """Higher for the copy a person would rather read: curly quotes, real dashes."""
    return sum(1 for c in paragraph if c in _CURLY) - len(re.findall(r" '|' |\"", paragraph))


def split_paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; lines inside one are joined."""
    blocks = re.split(r"\n\s*\n", text.replace("\r", ""))
    out = []
    for block in blocks:
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if lines:
            out.append(" ".join(lines))
    return out


def remove_boilerplate(paragraphs: Iterable[str], extra: tuple[str, ...] = ()) -> list[str]:
    pattern = boilerplate_pattern(extra)
    kept = []
    for paragraph in paragraphs:
        text = re.sub(r"\s+", " ", paragraph).strip()
        if text and not pattern.fullmatch(text):
            kept.append(text)
    return kept


def dedupe(paragraphs: list[str]) -> list[str]:
    """Each paragraph once, at its first place, in its typographically better copy."""
    best: dict[str, int] = {}
    order: list[str] = []
    chosen: dict[str, str] = {}
    for paragraph in paragraphs:
        key = normalise(paragraph)
        score = typographic_score(paragraph)
        if key not in chosen:
            order.append(key)
            chosen[key], best[key] = paragraph, score
        elif score > best[key]:
            chosen[key], best[key] = paragraph, score
    return [chosen[key] for key in order]


def clean_paragraphs(
    paragraphs: list[str], extra_patterns: tuple[str, ...] = (), whole_page: bool = False
) -> list[str]:
    """The article's own paragraphs, as written: boilerplate lines removed and repeated
    paragraphs kept once, never a sentence changed. A wire dateline ("KABUL, Afghanistan (CNN)
    --") is the article's first words and stays; scrape artefacts inside a sentence (a line
    break scraped as " . ") stay too, since no rule can tell them from the writer's own text."""
    return trim_edges(dedupe(remove_boilerplate(paragraphs, extra_patterns)), whole_page)


_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")


def ends_sentence(text: str) -> bool:
    """Whether `text` ends as a sentence does: a full stop, question or exclamation mark,
    perhaps inside closing quotes or brackets."""
    return bool(_SENTENCE_END.search(text))


def trim_edges(paragraphs: list[str], whole_page: bool = False) -> list[str]:
    """Drop the lines without a sentence's end that come before the article's first sentence or
    after its last: widget labels, section names, topic lists ("3 min read", "World news").
    Inside the text such a line is a subheading and stays. In a copy of a whole page (a text
    scrape) any such line at the edges is the site around the article (menus, lists of other
    headlines); where an extractor has already found the article, only short ones go, since a
    table or a list can end an article."""

    def label(paragraph: str) -> bool:
        # A line ending in a colon or an ellipsis leads into what follows: not a label either.
        ends = ends_sentence(paragraph) or paragraph.endswith((":", "…"))
        return (whole_page or len(paragraph.split()) <= 6) and not ends

    start, end = 0, len(paragraphs)
    while start < end and label(paragraphs[start]):
        start += 1
    while end > start and label(paragraphs[end - 1]):
        end -= 1
    # No paragraph ends like a sentence (a text without punctuation): nothing marks the edges.
    return paragraphs[start:end] if start < end else paragraphs
