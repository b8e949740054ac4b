"""Near-duplicate articles: the same story from two outlets, or the same text lightly edited.

Each text gets a bottom-k sketch of its word 5-shingles (the k smallest shingle hashes), which
estimates Jaccard similarity between two texts from 64 numbers each; an inverted index over
sketch values finds candidates without comparing every pair.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict

SHINGLE = 5
SKETCH = 64
THRESHOLD = 0.5  # estimated Jaccard of shingles at or above which two texts are one story


def sketch(text: str) -> frozenset[int]:
    words = re.findall(r"\w+", text.casefold())
    if len(words) < SHINGLE:
        return frozenset()
    hashes = {zlib.crc32(" ".join(words[i : i + SHINGLE]).encode()) for i in range(len(words) - SHINGLE + 1)}
    return frozenset(sorted(hashes)[:SKETCH])


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Bottom-k estimate of the Jaccard similarity of the two shingle sets."""
    if not a or not b:
        return 0.0
    union_bottom = sorted(a | b)[:SKETCH]
    both = a & b
    return sum(1 for h in union_bottom if h in both) / len(union_bottom)


class SimilarIndex:
    def __init__(self) -> None:
        self.sketches: dict[str, frozenset[int]] = {}
        self.postings: dict[int, list[str]] = defaultdict(list)

    def add(self, key: str, text_sketch: frozenset[int]) -> None:
        if not text_sketch:
            return
        self.sketches[key] = text_sketch
        for value in text_sketch:
            self.postings[value].append(key)

    def most_similar(self, text_sketch: frozenset[int]) -> tuple[str, float] | None:
        candidates = Counter(key for value in text_sketch for key in self.postings.get(value, ()))
        best: tuple[str, float] | None = None
        for key, shared in candidates.most_common(20):
            if shared < SKETCH * THRESHOLD / 4:
                break
            score = similarity(text_sketch, self.sketches[key])
            if score >= THRESHOLD and (best is None or score > best[1]):
                best = (key, score)
        return best
