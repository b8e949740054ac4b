"""A short summary from the article's own opening sentences."""

from __future__ import annotations

import re

from brief.ingest.sentences import split_sentences, word_count

MAX_WORDS = 60
MAX_SENTENCES = 3


def summarise(paragraphs: list[str]) -> str:
    """1 to 3 whole sentences, at most 60 words, from the start of the article.

    News puts what matters first (the inverted pyramid), so the lead is the baseline to beat;
    sentences that cannot stand alone (very short ones, bare quotations) are skipped.
    """
    candidates = [s for p in paragraphs[:6] for s in split_sentences(p)]
    chosen: list[str] = []
    words = 0
    for sentence in candidates:
        n = word_count(sentence)
        if n < 5 or (re.match(r"^[‘“'\"]", sentence) and not chosen):
            continue
        if words + n > MAX_WORDS:
            if chosen:
                break
            continue
        chosen.append(sentence)
        words += n
        if len(chosen) == MAX_SENTENCES:
            break
    if not chosen and candidates:
        # Only overlong sentences: keep the first, cut at a word boundary.
        first = candidates[0].split()
        return " ".join(first[:MAX_WORDS]).rstrip(",;:") + "…"
    return " ".join(chosen)
