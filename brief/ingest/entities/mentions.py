"""What a recogniser finds, and the interface every backend has: the entities package's
types, apart from the backends so that they can import them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

KINDS = ("people", "organizations", "places")


@dataclass(frozen=True)
class Mention:
    """One span of text naming an entity, as a backend found it."""

    kind: str  # people, organizations, places
    text: str  # the name as written, title and possessive removed
    start: int  # offset in the text
    end: int
    titled: bool = False  # written with an honorific ("Mr Healey")


@dataclass(frozen=True)
class Analysis:
    """What one pass of a recogniser over a text finds."""

    mentions: list[Mention]
    # Words (casefolded) the text uses mostly as common nouns; None when no tagger ran.
    nouns: frozenset[str] | None = None


class Recognizer(Protocol):
    name: str

    def mentions(self, text: str) -> list[Mention]: ...

    def analyse(self, text: str) -> Analysis: ...

    def analyse_many(self, texts: list[str]) -> list[Analysis]: ...
