"""A built-in recogniser: capitalised spans, word lists and the words around a name."""

from __future__ import annotations

import re
from functools import cache

from brief.ingest import data
from brief.ingest.entities import Mention
from brief.ingest.meta import TIMEZONE_ABBREVIATIONS

_WORD = r"[A-Z][\w’'\-.]*\w|[A-Z]"
_LINK = r"(?:of|for|the|de|du|des|von|van|der|den|la|le|al|el|bin|da|del|di|y|on|upon)"
SPAN = re.compile(rf"(?<![\w’'])(?:{_WORD})(?:\s+(?:{_LINK}\s+)*(?:{_WORD}))*")
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
SAY_AFTER = re.compile(
    r"^,?\s+(?:said|says|told|added|wrote|tweeted|insisted|argued|explained|warned|claimed|\(\d+\)|,\s*\d+,)"
)
PERSON_AFTER = re.compile(r"^,\s+(?:who|whose|a|an|the|aged|\d+)\b")
PLACE_BEFORE = re.compile(r"\b(?:in|at|from|near|to|across|into|outside|towards|visited|visit|around)\s+$")
SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"“‘'(]\s*|\n)$")


@cache
def _lists() -> dict[str, frozenset[str]]:
    names = data.load("names.yml")
    lists = {key: frozenset(values) for key, values in names.items()}
    lists["roles_lower"] = frozenset(w.lower() for w in names["roles"])
    return lists


class RuleRecognizer:
    name = "rules"

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
        # Leading words that are common words at a sentence start, function words or demonyms.
        titled = False
        while words:
            head = words[0].rstrip(".")
            before = text[: offsets[0]]
            at_start = bool(SENTENCE_START.search(before[-3:] if before else ""))
            if head in lists["honorifics"] and len(words) > 1:
                titled = True
            elif (
                head in lists["not_entities"]
                or (at_start and head.lower() in lowercase_words)
                or head in TIMEZONE_ABBREVIATIONS
            ):
                pass
            else:
                break
            words, offsets = words[1:], offsets[1:]
        # Trailing connectors ("the", "of") are never the end of a name.
        while words and re.fullmatch(_LINK, words[-1]):
            words, offsets = words[:-1], offsets[:-1]
        if not words:
            return []
        name = " ".join(words)
        name = POSSESSIVE.sub("", name).rstrip(".")
        if not name or name in lists["not_entities"] or name in TIMEZONE_ABBREVIATIONS:
            return []
        if all(
            w.rstrip(".") in lists["honorifics"] or w.lower() in lists["roles_lower"] for w in name.split()
        ):
            return []  # "Defence Secretary", "Prime Minister"
        begin = offsets[0]
        end = begin + len(name)
        before, after = text[max(0, begin - 60) : begin], text[end : end + 40]
        kind = self._kind(name, before, after, titled, lists)
        if kind is None:
            return []
        return [Mention(kind, name, begin, end, titled)]

    def _kind(
        self, name: str, before: str, after: str, titled: bool, lists: dict[str, frozenset[str]]
    ) -> str | None:
        tokens = name.split()
        if name in lists["organizations"]:
            return "organizations"
        if name in lists["places"]:
            return "places"
        last = tokens[-1]
        if last in lists["org_words"] or " ".join(tokens[-2:]) in lists["org_words"]:
            return "organizations"
        if re.fullmatch(r"[A-Z]{2,6}s?", name) and not re.fullmatch(r"[IVXLC]+", name):
            return "organizations"
        if tokens[0] in lists["place_words"] or last in lists["place_words"] or last == "Route":
            return "places"
        previous_word = before.split()[-1] if before.split() else ""
        if (
            titled
            or previous_word.lower() in lists["roles_lower"]
            or SAY_AFTER.match(after)
            or PERSON_AFTER.match(after)
        ):
            return "people"
        if tokens[0] in lists["first_names"] and len(tokens) > 1:
            return "people"
        if len(tokens) == 1 and PLACE_BEFORE.search(before):
            return "places"
        if 2 <= len(tokens) <= 3 and all(re.fullmatch(r"[A-Z][a-z’'\-]+", t) for t in tokens):
            return "people"
        if len(tokens) == 1:
            return "unknown"
        return None


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
