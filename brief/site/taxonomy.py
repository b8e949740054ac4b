"""Tags, entities, authors and outlets: one Term per name, with collision-safe slugs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from brief.model import Brief
from brief.slugs import slugify


@dataclass(eq=False)
class Term:
    """One tag, entity, author or outlet, and the briefs that carry it (newest first).

    A site model has one Term per (kind, slug), so terms compare by identity: the relations
    between them are counted millions of times on a large site, and identity hashing is free."""

    kind: str  # tag, person, organization, place, author, source
    name: str
    slug: str
    url: str
    briefs: list[Brief] = field(default_factory=list, repr=False)
    aliases: list[str] = field(default_factory=list)
    # Other terms seen most often in the same briefs (entities only), with counts.
    related: list[tuple[Term, int]] = field(default_factory=list, repr=False)

    @property
    def count(self) -> int:
        return len(self.briefs)

    @property
    def span(self) -> tuple[datetime, datetime] | None:
        """When the first and the last of its briefs were published."""
        return (self.briefs[-1].date, self.briefs[0].date) if self.briefs else None


@dataclass(eq=False)
class Taxonomy:
    """All terms of one kind, by name, and how to find one from any spelling."""

    kind: str
    title: str
    url: str
    terms: list[Term] = field(repr=False)
    _by_key: dict[str, Term] = field(default_factory=dict, repr=False)

    def find(self, name: str) -> Term | None:
        return self._by_key.get(name.casefold())

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self):
        return iter(self.terms)

    def by_count(self) -> list[Term]:
        return sorted(self.terms, key=lambda t: (-t.count, t.name.casefold(), t.slug))


def build_taxonomy(
    kind: str,
    title: str,
    index_url: str,
    permalink: str,
    tagged: Iterable[tuple[Brief, Iterable[str]]],
    warnings: list[str],
) -> Taxonomy:
    """Group names case-insensitively into terms; give distinct names distinct slugs.

    `tagged` is briefs newest first, each with the names it carries. Names that differ only in
    case (`NATO`, `Nato`) are one term, shown in the most used spelling. Distinct names whose
    slugs clash (`C++`, `C`) get `-2`, `-3`... in name order, and a warning says so.
    """
    spellings: dict[str, Counter[str]] = {}
    briefs: dict[str, list[Brief]] = {}
    for brief, names in tagged:
        for name in names:
            key = name.casefold()
            bucket = briefs.get(key)
            if bucket is None:  # not setdefault: it would build a Counter and a list per name
                spellings[key] = Counter()
                bucket = briefs[key] = []
            spellings[key][name] += 1
            if not bucket or bucket[-1] is not brief:
                bucket.append(brief)

    def display(key: str) -> str:
        counts = spellings[key]
        return min(counts, key=lambda s: (-counts[s], s))

    names = {key: display(key) for key in spellings}
    merged = sorted(key for key, counts in spellings.items() if len(counts) > 1)
    for key in merged:
        variants = ", ".join(repr(s) for s in sorted(spellings[key]))
        warnings.append(f"{kind}: merged {variants} as {names[key]!r} (same name in another case)")

    used: dict[str, str] = {}
    terms: list[Term] = []
    by_key: dict[str, Term] = {}
    for key in sorted(spellings, key=lambda k: (names[k].casefold(), names[k])):
        base = slugify(names[key])
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        if slug != base:
            warnings.append(
                f"{kind}: {names[key]!r} and {used[base]!r} share the slug {base!r}; "
                f"{names[key]!r} is at {permalink.format(slug=slug)}"
            )
        used[slug] = names[key]
        term = Term(
            kind=kind, name=names[key], slug=slug, url=permalink.format(slug=slug), briefs=briefs[key]
        )
        terms.append(term)
        by_key[key] = term
    return Taxonomy(kind=kind, title=title, url=index_url, terms=terms, _by_key=by_key)


def index_url(permalink: str) -> str:
    """`/tags/{slug}/` → `/tags/`: where the list of all terms of a kind lives."""
    prefix = permalink.split("{slug}")[0]
    return prefix if prefix.endswith("/") else prefix.rsplit("/", 1)[0] + "/"
