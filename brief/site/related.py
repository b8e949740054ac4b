"""Which briefs are related (those sharing the most entities, rarer entities weighing more),
and which entities (those seen most often in the same briefs)."""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from brief.model import Brief
from brief.site.taxonomy import Term

# An entity carried by very many briefs says little about any two of them; only this many of
# its briefs nearest in time are considered, which keeps the work linear in the site's size.
NEIGHBOURS_PER_ENTITY = 30

# How work per brief or term is run: (function, shared data, count, on_result, minimum) calls
# function(shared, indexes) over runs of range(count), and on_result(result, len(indexes)) for
# each (builder.parallel.fork_map runs them on every core when count is at least minimum).
ChunkMap = Callable[[Callable[[Any, list[int]], Any], Any, int, Callable[[Any, int], None], int], None]
# Below these counts a pool costs more to start than it saves.
MIN_BRIEFS_FOR_POOL = 2_000  # briefs to relate (about 80 µs each)
MIN_TERMS_FOR_POOL = 400  # entities to relate (about 500 µs each)


def in_process(
    function: Callable[[Any, list[int]], Any],
    shared: Any,
    count: int,
    on_result: Callable[[Any, int], None],
    minimum: int = 0,
) -> None:
    on_result(function(shared, list(range(count))), count)


def _merged(
    chunk_map: ChunkMap, function: Callable[[Any, list[int]], dict], shared: Any, count: int, minimum: int
) -> dict:
    """The dicts `function` gives for each run of range(count), merged."""
    found: dict = {}
    chunk_map(function, shared, count, lambda part, _: found.update(part), minimum)
    return found


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
    shared = (keys_of, carriers, weight, count)
    found = _merged(chunk_map, _related_of, shared, len(briefs), MIN_BRIEFS_FOR_POOL)
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


TermKey = tuple[str, str]  # (kind, slug)


def related_terms(
    terms_of: list[list[Term]], count: int, chunk_map: ChunkMap = in_process
) -> dict[TermKey, list[tuple[TermKey, int]]]:
    """For each entity, up to `count` entities seen with it most, as (kind, slug) keys with
    counts; `terms_of` holds each brief's entities. Each entity is counted on its own, so the
    work runs on every core and what comes back is small."""
    briefs_with: dict[Term, list[int]] = {}
    for index, terms in enumerate(terms_of):
        if len(terms) > 1:
            for term in terms:
                briefs_with.setdefault(term, []).append(index)
    subjects = list(briefs_with)
    shared = (subjects, briefs_with, terms_of, count)
    return _merged(chunk_map, _related_terms, shared, len(subjects), MIN_TERMS_FOR_POOL)


def _related_terms(shared: Any, indexes: list[int]) -> dict[TermKey, list[tuple[TermKey, int]]]:
    subjects, briefs_with, terms_of, count = shared
    related = {}
    for i in indexes:
        term = subjects[i]
        seen: Counter[Term] = Counter()
        for index in briefs_with[term]:
            seen.update(terms_of[index])  # itself included, taken out below: Counter.update runs in C
        del seen[term]
        ranked = heapq.nsmallest(
            count, seen.items(), key=lambda kv: (-kv[1], kv[0].name.casefold(), kv[0].kind)
        )
        related[(term.kind, term.slug)] = [((other.kind, other.slug), n) for other, n in ranked]
    return related
