"""spaCy's statistical recogniser, corrected by brief's own word lists.

The model ships in the package (`model/`): the small English pipeline's recogniser fine-tuned
on CoNLL-2003 train by `bench/ner/train.py` (`bench/ner/config.cfg`). It still confuses a few
things news text is full of (`BST` as an organisation, `The Telegraph` as a person); the lists
that drive the rule backend filter those out.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from brief.ingest.entities.mentions import Analysis, Mention
from brief.ingest.entities.rules import _lists, clean_name
from brief.ingest.meta import TIMEZONE_ABBREVIATIONS

MODEL = Path(__file__).resolve().parent / "model"
# CoNLL's labels (the shipped model's), and OntoNotes' for a model trained on those. MISC
# (events, nationalities, products) is no entity kind of brief's.
LABELS = {
    "PER": "people",
    "PERSON": "people",
    "ORG": "organizations",
    "LOC": "places",
    "GPE": "places",
    "FAC": "places",
}
PIPE_BATCH = 16  # texts to a batch in nlp.pipe (see analyse_many)
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.I)


def _nouns(doc) -> frozenset[str]:
    """Words the text uses as common nouns (NN, NNS) more often than not."""
    seen: Counter[str] = Counter()
    as_noun: Counter[str] = Counter()
    for token in doc:
        if token.is_alpha:
            word = token.text.casefold()
            seen[word] += 1
            as_noun[word] += token.tag_ in ("NN", "NNS")
    return frozenset(word for word, count in as_noun.items() if count * 2 > seen[word])


class SpacyRecognizer:
    name = "spacy"

    def __init__(self) -> None:
        import spacy

        if not (MODEL / "config.cfg").is_file():
            raise ImportError(f"brief's entity model is missing from {MODEL}: reinstall brief")
        self.nlp = spacy.load(MODEL)
        self.nlp.max_length = 2_000_000

    def mentions(self, text: str) -> list[Mention]:
        return self.analyse(text).mentions

    def analyse(self, text: str) -> Analysis:
        return self._analysis(self.nlp(text))

    def analyse_many(self, texts: list[str]) -> list[Analysis]:
        """`nlp.pipe`: the texts go through each component in batches. spaCy's default batch of
        1,000 texts suits short ones; news articles run to thousands of words, and a batch pads
        each to its longest. Measured on 300 CNN/DM validation articles, one core: one at a time
        23.3 s; batches of 4, 16, 64, 256, 1,000: 22.0, 21.5, 23.0, 29.4, 31 s."""
        return [self._analysis(doc) for doc in self.nlp.pipe(texts, batch_size=PIPE_BATCH)]

    def _analysis(self, doc) -> Analysis:
        return Analysis(self._mentions(doc, doc.text), _nouns(doc) if doc.has_annotation("TAG") else None)

    def _mentions(self, doc, text: str) -> list[Mention]:
        """The model's entities, cut to the name (no leading "the", no honorific) and without
        what brief never counts as an entity (time-zone abbreviations, the `not_entities` list).
        Measured on CoNLL-2003 dev, overriding the model's kinds from the word lists (-0.026 F1)
        or adding the rule backend's spans (-0.015) made it worse: the trained model is the
        better judge, so the lists only filter."""
        lists = _lists()
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
            found.append(Mention(kind, name, start, start + len(name), titled))
        return found
