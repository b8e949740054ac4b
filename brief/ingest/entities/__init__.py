"""Named entities: one interface, two backends (built-in rules, spaCy), one canonicaliser."""

from __future__ import annotations

from brief.ingest.entities.mentions import KINDS, Analysis, Mention, Recognizer

__all__ = ["KINDS", "Analysis", "Mention", "Recognizer", "available_backends", "get_recognizer"]


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
