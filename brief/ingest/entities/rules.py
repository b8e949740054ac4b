"""A built-in recogniser: capitalised spans, word lists and the words around a name."""

from __future__ import annotations

import itertools
import re
from functools import cache

from brief import data
from brief.ingest.entities.mentions import Analysis, Mention
from brief.ingest.meta import TIMEZONE_ABBREVIATIONS

# A capitalised word; a plural possessive inside a name ("Users’ Forum") stays part of it.
_WORD = r"[A-Z][\w’'\-.]*\w(?:(?<=s)['’](?=\s+[A-Z]))?|[A-Z]"
_LINK = r"(?:of|for|the|de|du|des|von|van|der|den|la|le|al|el|bin|da|del|di|y|on|upon)"
SPAN = re.compile(rf"(?<![\w’'])(?:{_WORD})(?:\s+(?:{_LINK}\s+)*(?:{_WORD}))*")
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
SAY_AFTER = re.compile(
    r"^,?\s+(?:said|says|told|added|wrote|tweeted|insisted|argued|explained|warned|claimed|\(\d+\)|,\s*\d+,)"
)
PERSON_AFTER = re.compile(r"^,\s+(?:who|whose|a|an|the|aged|\d+)\b")
PLACE_BEFORE = re.compile(r"\b(?:in|at|from|near|to|across|into|outside|towards|visited|visit|around)\s+$")
SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"“‘'(]\s*|\n)$")


FUNCTION_WORDS = frozenset(
    """a an i the this that these those it its he she they we you his her their our your but and or if
    when while since after before as at in on of for from to by with without under over into about
    meanwhile however although though yet so last next now then there here what which who whom whose
    why how where all some many most more several both each every also even just only still""".split()
)


@cache
def _lists() -> dict[str, frozenset[str]]:
    names = data.load("names.yml")
    lists = {key: frozenset(values) for key, values in names.items()}
    lists["roles_lower"] = frozenset(w.lower() for w in names["roles"])
    return lists


class RuleRecognizer:
    name = "rules"

    def analyse(self, text: str) -> Analysis:
        return Analysis(self.mentions(text))

    def analyse_many(self, texts: list[str]) -> list[Analysis]:
        return [self.analyse(text) for text in texts]

    def mentions(self, text: str) -> list[Mention]:
        lists = _lists()
        lowercase_words = set(re.findall(r"(?<![\w’'])[a-z][a-z’'-]+", text))
        found: list[Mention] = []
        for match in SPAN.finditer(text):
            found.extend(self._classify(text, match.start(), match.group(0), lists, lowercase_words))
        return _resolve_singletons(found)

    def _classify(
        self, text: str, start: int, span: str, lists: dict[str, frozenset[str]], lowercase_words: set[str]
    ) -> list[Mention]:
        words = span.split()
        offsets = [start + m.start() for m in re.finditer(r"\S+", span)]
        before_span = text[max(0, offsets[0] - 3) : offsets[0]]
        at_start = bool(SENTENCE_START.search(before_span)) or offsets[0] == 0
        titled = False
        # Leading honorifics, function words, and common words that are capitalised only because
        # they start a sentence. A demonym stays when it belongs to a name ("European Commission").
        while words:
            head = words[0].rstrip(".")
            if head in lists["honorifics"] and len(words) > 1:
                titled = True
            elif (
                head.lower() in FUNCTION_WORDS
                or head in TIMEZONE_ABBREVIATIONS
                or (head in lists["not_entities"] and not _names_an_institution(words, lists))
                or (at_start and head.lower() in lowercase_words and not _names_an_institution(words, lists))
            ):
                pass
            else:
                break
            words, offsets = words[1:], offsets[1:]
            at_start = False
        while words and re.fullmatch(_LINK, words[-1]):
            words, offsets = words[:-1], offsets[:-1]
        if not words:
            return []
        name = clean_name(" ".join(words))
        if not name or name in lists["not_entities"] or name in TIMEZONE_ABBREVIATIONS:
            return []
        if all(
            w.rstrip(".") in lists["honorifics"] or w.lower() in lists["roles_lower"] for w in name.split()
        ):
            return []  # "Defence Secretary", "Prime Minister"
        links = [i for i, w in enumerate(words) if re.fullmatch(_LINK, w)]
        if links and not _names_an_institution(words, lists) and name not in lists["places"]:
            # "Jaan Tamm of Estonia" is a person and a place, not one name.
            parts: list[Mention] = []
            bounds = [-1, *links, len(words)]
            for left, right in itertools.pairwise(bounds):
                if right - left > 1:
                    piece = " ".join(words[left + 1 : right])
                    parts.extend(self._classify(text, offsets[left + 1], piece, lists, lowercase_words))
            return parts
        begin = offsets[0]
        end = begin + len(name)
        before, after = text[max(0, begin - 60) : begin], text[end : end + 40]
        kind = self._kind(name, before, after, titled, at_start, lists, lowercase_words)
        if kind is None:
            return []
        return [Mention(kind, name, begin, end, titled)]

    def _kind(
        self,
        name: str,
        before: str,
        after: str,
        titled: bool,
        at_start: bool,
        lists: dict[str, frozenset[str]],
        lowercase_words: set[str],
    ) -> str | None:
        tokens = name.split()
        if name in lists["organizations"]:
            return "organizations"
        if name in lists["places"]:
            return "places"
        last = tokens[-1]
        if last in lists["org_words"] or " ".join(tokens[-2:]) in lists["org_words"]:
            return "organizations"
        if name.isupper() and len(name) > 3:
            # A dateline or headline in capitals: "BUCHAREST", "SRI LANKA".
            as_title = name.title()
            if as_title in lists["places"]:
                return "places"
            if as_title in lists["organizations"]:
                return "organizations"
            if as_title in lists["not_entities"]:
                return None
        if re.fullmatch(r"[A-Z]{2,5}s?|(?:[A-Z]\.){2,4}", name) and not re.fullmatch(r"[IVXLC]+", name):
            return "organizations"
        if tokens[0] in lists["place_words"] or last in lists["place_words"]:
            return "places"
        previous_word = before.split()[-1] if before.split() else ""
        single = len(tokens) == 1
        if titled or previous_word.lower() in lists["roles_lower"]:
            return "people"
        if (SAY_AFTER.match(after) or PERSON_AFTER.match(after)) and not (single and at_start):
            return "people"
        if tokens[0] in lists["first_names"] and not single:
            return "people"
        if single and PLACE_BEFORE.search(before):
            return "places"
        if (
            2 <= len(tokens) <= 3
            and all(re.fullmatch(r"[A-Z][a-z’'\-]+", t) for t in tokens)
            and not any(t.lower() in lowercase_words for t in tokens)
        ):
            return "people"
        if single:
            return "unknown"
        return None


def clean_name(name: str) -> str:
    """Possessive and a sentence's full stop removed; the dots of "U.S." kept."""
    name = POSSESSIVE.sub("", name)
    if re.search(r"(?:\b[A-Z]\.){2,}$", name):
        return name
    return name.rstrip(".")


def _names_an_institution(words: list[str], lists: dict[str, frozenset[str]]) -> bool:
    """Whether the words, as they stand, end like an organisation or place name."""
    if len(words) < 2:
        return False
    name = POSSESSIVE.sub("", " ".join(words))
    last = name.split()[-1]
    return (
        name in lists["organizations"]
        or name in lists["places"]
        or last in lists["org_words"]
        or last in lists["place_words"]
        or words[0] in lists["place_words"]
    )


def _resolve_singletons(found: list[Mention]) -> list[Mention]:
    """A lone word naming a person found elsewhere ("Healey" after "John Healey") is that person;
    other lone unknown words are dropped."""
    people_words = {w for m in found if m.kind == "people" for w in m.text.split()}
    known = {m.text: m.kind for m in found if m.kind != "unknown"}
    resolved = []
    for mention in found:
        if mention.kind != "unknown":
            resolved.append(mention)
        elif mention.text in known:
            resolved.append(Mention(known[mention.text], mention.text, mention.start, mention.end))
        elif mention.text in people_words:
            resolved.append(Mention("people", mention.text, mention.start, mention.end))
    return resolved
