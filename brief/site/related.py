"""Which briefs are related: those sharing the most entities, rarer entities weighing more."""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict

from brief.model import Brief

# An entity carried by very many briefs says little about any two of them; only this many of
# its briefs nearest in time are considered, which keeps the work linear in the site's size.
NEIGHBOURS_PER_ENTITY = 30


def related_briefs(
    briefs: list[Brief], entity_keys: dict[str, list[tuple[str, str]]], count: int
) -> dict[str, list[Brief]]:
    """For each brief slug, up to `count` other briefs ordered by shared-entity weight.

    `briefs` are newest first; `entity_keys[slug]` lists the (kind, canonical key) of its entities.
    """
    if count <= 0:
        return {b.slug: [] for b in briefs}
    carriers: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, brief in enumerate(briefs):
        for key in entity_keys.get(brief.slug, ()):
            carriers[key].append(i)
    weight = {key: 1.0 / math.log(2 + len(idx)) for key, idx in carriers.items()}

    related: dict[str, list[Brief]] = {}
    half = NEIGHBOURS_PER_ENTITY // 2
    for i, brief in enumerate(briefs):
        scores: dict[int, float] = defaultdict(float)
        for key in entity_keys.get(brief.slug, ()):
            idx = carriers[key]
            if len(idx) > NEIGHBOURS_PER_ENTITY:
                at = bisect_left(idx, i)
                idx = idx[max(0, at - half) : at + half + 1]
            w = weight[key]
            for j in idx:
                if j != i:
                    scores[j] += w
        # Highest weight first, then nearest in time, then newest: plain tuples compare in C.
        best = heapq.nsmallest(count, [(-w, abs(j - i), j) for j, w in scores.items()])
        related[brief.slug] = [briefs[j] for _, _, j in best]
    return related
