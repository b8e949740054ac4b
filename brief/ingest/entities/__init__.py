"""Named entities: one interface, two backends (built-in rules, spaCy), one canonicaliser."""

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


def available_backends() -> list[str]:
    """The backends that can run here: rules always, spaCy when it and its model are installed."""
    from importlib.util import find_spec

    from brief.ingest.entities.spacy_backend import MODEL

    return ["rules", "spacy"] if find_spec("spacy") and (MODEL / "config.cfg").is_file() else ["rules"]


def get_recognizer(name: str = "auto") -> Recognizer:
    """`rules`, `spacy`, or `auto`: spaCy when installed with its model, else the rules."""
    from brief.ingest.entities.rules import RuleRecognizer

    if name == "rules":
        return RuleRecognizer()
    if name in ("spacy", "auto"):
        try:
            from brief.ingest.entities.spacy_backend import SpacyRecognizer

            return SpacyRecognizer()
        except ImportError:
            if name == "spacy":
                raise
    return RuleRecognizer()
