"""Which briefs are related: those sharing the most entities, rarer entities weighing more."""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from brief.model import Brief

# An entity carried by very many briefs says little about any two of them; only this many of
# its briefs nearest in time are considered, which keeps the work linear in the site's size.
NEIGHBOURS_PER_ENTITY = 30

# How work per brief is run: (function, shared data, count, on_result) calls
# function(shared, indexes) over runs of range(count), and on_result(result, len(indexes)) for
# each (builder.parallel.fork_map runs them on every core).
ChunkMap = Callable[[Callable[[Any, list[int]], Any], Any, int, Callable[[Any, int], None]], None]


def in_process(
    function: Callable[[Any, list[int]], Any], shared: Any, count: int, on_result: Callable[[Any, int], None]
) -> None:
    on_result(function(shared, list(range(count))), count)


def related_briefs(
    briefs: list[Brief],
    entity_keys: dict[str, list[tuple[str, str]]],
    count: int,
    chunk_map: ChunkMap = in_process,
) -> dict[str, list[Brief]]:
    """For each brief slug, up to `count` other briefs ordered by shared-entity weight.

    `briefs` are newest first; `entity_keys[slug]` lists the (kind, canonical key) of its entities.
    """
    if count <= 0:
        return {b.slug: [] for b in briefs}
    keys_of = [entity_keys.get(brief.slug, []) for brief in briefs]
    carriers: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, keys in enumerate(keys_of):
        for key in keys:
            carriers[key].append(i)
    weight = {key: 1.0 / math.log(2 + len(idx)) for key, idx in carriers.items()}
    found: dict[int, list[int]] = {}
    chunk_map(
        _related_of, (keys_of, carriers, weight, count), len(briefs), lambda part, _: found.update(part)
    )
    return {brief.slug: [briefs[j] for j in found[i]] for i, brief in enumerate(briefs)}


def _related_of(shared: Any, indexes: list[int]) -> dict[int, list[int]]:
    keys_of, carriers, weight, count = shared
    related = {}
    half = NEIGHBOURS_PER_ENTITY // 2
    for i in indexes:
        scores: dict[int, float] = defaultdict(float)
        for key in keys_of[i]:
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
        related[i] = [j for _, _, j in best]
    return related
