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


# Nouns that name no topic in any article, and number words.
_GENERIC = frozenset(
    """
person persons percent per cent number numbers thing things part parts lot lots kind kinds way ways
case cases point points fact facts place places group groups side sides end area areas level levels
today yesterday tomorrow morning evening night weekend monday tuesday wednesday thursday friday
saturday sunday january february march april june july august september october november december
man men woman women official officials spokesman spokeswoman spokesperson statement statements
report reports source sources news story stories question questions issue issues problem problems
something anything everything nothing someone anyone everyone nobody others another amount total
half quarter dozen dozens hundreds thousands millions billions hundred thousand million billion
trillion zero four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty
seventy eighty ninety times period periods term terms thing matter matters detail details
world country countries state life lives home member members system systems
dlrs dollars cents cts pct mln bln tonnes tons kilometres kilometers miles metres meters feet
days weeks months hours minutes seconds decade decades
""".split()
)


@dataclass(frozen=True)
class TagRule:
    tag: str
    keyword: re.Pattern[str] | None = None
    entity: str | None = None


def choose_tags(
    text: str,
    entities: list[Entity],
    rules: list[TagRule],
    title: str = "",
    nouns: frozenset[str] | None = None,
) -> list[str]:
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
    for word in keywords(text, title, entity_words, nouns=nouns):
        if word.rstrip("s") not in taken:
            add(word)
    return tags


def keywords(
    text: str, title: str, exclude: set[str], limit: int = 4, nouns: frozenset[str] | None = None
) -> list[str]:
    """Content words the article repeats, those of its headline weighing most.

    Tags name topics: with a tagger's `nouns`, only words the text uses as common nouns qualify
    (never "continue" or "enter"); without one, words that read as verbs or adverbs (-ed, -ing,
    -ly) are passed over. Number words and nouns too general to be a topic never qualify.
    """

    def words(source: str) -> list[str]:
        found = re.findall(r"[A-Za-z][A-Za-z’'-]{3,}", source)
        return [w.casefold().strip("’'-") for w in found if not w.endswith(("’s", "'s"))]

    def usable(word: str) -> bool:
        if word in _STOPWORDS or word in _GENERIC or word in exclude:
            return False
        if nouns is not None:
            return word in nouns
        return not word.endswith(("ed", "ing", "ly"))

    counts = Counter(w for w in words(text) if usable(w))
    for word in [w for w in counts if w.endswith("s") and w[:-1] in counts]:
        counts[word[:-1]] += counts.pop(word)  # "relays" and "relay" are one keyword
    for word in {w[:-1] if w[:-1] in counts else w for w in words(title) if usable(w)}:
        if word in counts:
            counts[word] += 3
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [word for word, count in ranked if count >= 3][:limit]
