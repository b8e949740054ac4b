"""Up to six tags: the site's own rules first, then salient entities, then keywords."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from brief.ingest.model import Entity

MAX_TAGS = 6
_STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each even ever every few for
from further had has have having he her here hers herself him himself his how however i if in
into is it its itself just last least less like made make many may me might more most much must
my myself new next no nor not now of off on once one only or other our ours out over own per
said same says she should since so some still such than that the their theirs them then there
these they this those though three through to too two under until up upon us very was we were
what when where whether which while who whom whose why will with within without would year years
you your also told according including around across week month day time people first second
could would back well get got going want made make way told say saying added its it's it’s
""".split()
)


@dataclass(frozen=True)
class TagRule:
    tag: str
    keyword: re.Pattern[str] | None = None
    entity: str | None = None


def choose_tags(text: str, entities: list[Entity], rules: list[TagRule], title: str = "") -> list[str]:
    tags: list[str] = []

    def add(tag: str) -> None:
        if tag.casefold() not in {t.casefold() for t in tags} and len(tags) < MAX_TAGS:
            tags.append(tag)

    names = {e.name.casefold() for e in entities} | {a.casefold() for e in entities for a in e.aliases}
    for rule in rules:
        if (rule.keyword and rule.keyword.search(text)) or (rule.entity and rule.entity.casefold() in names):
            add(rule.tag)
    salient = sorted(
        (e for e in entities if e.mentions >= 2 and e.kind != "people"), key=lambda e: -e.mentions
    )
    for entity in salient[:2]:
        add(entity.name)
    entity_words = {w.casefold() for e in entities for w in e.name.split()}
    taken = {w.casefold().rstrip("s") for t in tags for w in t.split()}
    for word in keywords(text, title, entity_words):
        if word.rstrip("s") not in taken:
            add(word)
    return tags


def keywords(text: str, title: str, exclude: set[str], limit: int = 4) -> list[str]:
    """Content words the article repeats, those of its headline weighing most.

    Words that read as verbs or adverbs (-ed, -ing, -ly) are passed over: tags name topics.
    """

    def words(source: str) -> list[str]:
        found = re.findall(r"[A-Za-z][A-Za-z’'-]{3,}", source)
        return [w.casefold().strip("’'-") for w in found if not w.endswith(("’s", "'s"))]

    def usable(word: str) -> bool:
        return word not in _STOPWORDS and word not in exclude and not word.endswith(("ed", "ing", "ly"))

    counts = Counter(w for w in words(text) if usable(w))
    for word in [w for w in counts if w.endswith("s") and w[:-1] in counts]:
        counts[word[:-1]] += counts.pop(word)  # "relays" and "relay" are one keyword
    for word in {w[:-1] if w[:-1] in counts else w for w in words(title) if usable(w)}:
        if word in counts:
            counts[word] += 3
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [word for word, count in ranked if count >= 3][:limit]
