"""Mentions → entities: one per real thing, with a canonical name, aliases and a count."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from brief.ingest.entities.mentions import KINDS, Mention
from brief.ingest.model import Entity


@dataclass
class Catalogue:
    """content/entities.yml: a user's corrections, read by ingest so they stick."""

    canonical: dict[str, tuple[str, str]] = field(default_factory=dict)  # alias/name → (kind, name)
    never: set[str] = field(default_factory=set)

    @classmethod
    def from_data(cls, data: dict) -> Catalogue:
        catalogue = cls()
        for entry in data.get("entities") or []:
            kind, name = entry["kind"], entry["name"]
            for surface in [name, *(entry.get("aliases") or [])]:
                catalogue.canonical[surface.casefold()] = (kind, name)
        catalogue.never = {n.casefold() for n in data.get("never") or []}
        return catalogue


def canonicalise(
    mentions: list[Mention], exclude: set[str], catalogue: Catalogue | None = None
) -> list[Entity]:
    """Group mentions: `Mr Healey`, `Healey` and `John Healey` are one person, named
    `John Healey`. Names in `exclude` (authors, the outlet) and the catalogue's `never` are dropped."""
    catalogue = catalogue or Catalogue()
    excluded = {e.casefold() for e in exclude} | catalogue.never
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for mention in mentions:
        if mention.text.casefold() in excluded:
            continue
        votes[mention.text][mention.kind] += 1
    kind_of = {text: counter.most_common(1)[0][0] for text, counter in votes.items()}

    # The longest person name that ends (or starts) with a lone word owns it.
    full_names = sorted((t for t, k in kind_of.items() if k == "people" and " " in t), key=len, reverse=True)
    owner: dict[str, str] = {}
    for text, kind in kind_of.items():
        owner[text] = text
        if kind == "people" and " " not in text:
            for full in full_names:
                parts = full.split()
                if text in (parts[-1], parts[0]):
                    owner[text] = full
                    break
    entities: dict[tuple[str, str], Entity] = {}
    first_seen: dict[tuple[str, str], int] = {}
    for mention in mentions:
        if mention.text not in owner:
            continue
        name = owner[mention.text]
        kind = kind_of[name] if name in kind_of else kind_of[mention.text]
        if name.casefold() in catalogue.canonical:
            kind, name = catalogue.canonical[name.casefold()]
        elif mention.text.casefold() in catalogue.canonical:
            kind, name = catalogue.canonical[mention.text.casefold()]
        key = (kind, name)
        entity = entities.get(key)
        if entity is None:
            entity = entities[key] = Entity(kind=kind, name=name)
            first_seen[key] = mention.start
        entity.mentions += 1
        if mention.text != name and mention.text not in entity.aliases:
            entity.aliases.append(mention.text)
    ordered = sorted(
        entities.values(), key=lambda e: (KINDS.index(e.kind), -e.mentions, first_seen[(e.kind, e.name)])
    )
    return ordered
