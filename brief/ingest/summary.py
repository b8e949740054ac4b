"""A short summary made of the article's own sentences."""

from __future__ import annotations

import re
from collections import Counter

from brief.ingest.sentences import split_sentences, word_count
from brief.ingest.tags import _STOPWORDS

MAX_WORDS = 60
MAX_SENTENCES = 3
WINDOW = 10  # only the opening sentences compete: news puts what matters first
POSITION_DECAY = 0.1


def _content_words(sentence: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", sentence.lower()) if len(w) > 2 and w not in _STOPWORDS}


def summarise(paragraphs: list[str]) -> str:
    """1 to 3 whole sentences, at most 60 words, in article order.

    Among the opening sentences, those whose words recur most across the whole article (the
    story's core) win, with a slight preference for earlier ones; measured on CNN/Daily Mail it
    matches the lead-3 baseline cut to the same length (bench/ingest_bench.py --only summary).
    """
    sentences = [s for p in paragraphs for s in split_sentences(p)]
    document_frequency = Counter(w for s in sentences for w in _content_words(s))

    def score(position: int, sentence: str) -> float:
        words = _content_words(sentence)
        if not words:
            return 0.0
        centrality = sum(document_frequency[w] for w in words) / len(words) ** 0.3
        return centrality / (1 + POSITION_DECAY * position)

    candidates = [(i, s) for i, s in enumerate(sentences[:WINDOW]) if word_count(s) >= 5]
    chosen: list[tuple[int, str]] = []
    words = 0
    for position, sentence in sorted(candidates, key=lambda c: (-score(*c), c[0])):
        n = word_count(sentence)
        if words + n <= MAX_WORDS:
            chosen.append((position, sentence))
            words += n
        if len(chosen) == MAX_SENTENCES:
            break
    if not chosen and sentences:
        first = sentences[0].split()
        return " ".join(first[:MAX_WORDS]).rstrip(",;:") + ("…" if len(first) > MAX_WORDS else "")
    return " ".join(s for _, s in sorted(chosen))
