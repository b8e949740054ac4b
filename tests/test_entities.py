"""Entity recognition behind one interface: both backends on the same real text."""

from __future__ import annotations

import pytest

from brief.ingest.clean import clean_paragraphs, split_paragraphs
from brief.ingest.entities import available_backends, get_recognizer
from brief.ingest.entities.canonical import Catalogue, canonicalise
from tests.conftest import SHARED

TEXT = """Mr Healey met his French counterpart, Sebastien Lecornu, in Brussels on Friday. The Telegraph
reports that John Healey wants Nato to act. Healey's plan was discussed at 07:45 BST, Kyiv's
officials said. The European Commission and the Ukraine Defence Contact Group were briefed."""


@pytest.mark.parametrize("backend", available_backends())
def test_one_person_many_names(backend):
    entities = canonicalise(get_recognizer(backend).mentions(TEXT), exclude={"Iwan Stone"})
    by_name = {(e.kind, e.name): e for e in entities}
    healey = by_name[("people", "John Healey")]
    assert healey.mentions == 3 and "Healey" in healey.aliases
    assert ("people", "Sebastien Lecornu") in by_name
    # "Kyiv's officials", "Kyiv's armed forces": the city standing for its government, which
    # CoNLL-2003's conventions (and the model trained on them) call an organization. It is
    # found; which kind it gets across a site is settled by majority over briefs.
    assert {("places", "Kyiv"), ("organizations", "Kyiv")} & set(by_name) and (
        "places",
        "Brussels",
    ) in by_name
    assert ("organizations", "Nato") in by_name
    assert ("organizations", "European Commission") in by_name
    assert not any(e.name in ("BST", "Telegraph", "The Telegraph") and e.kind == "people" for e in entities)
    assert not any(e.name == "BST" for e in entities)


def test_catalogue_corrections_stick():
    mentions = get_recognizer("rules").mentions(TEXT)
    catalogue = Catalogue.from_data(
        {
            "entities": [
                {"name": "North Atlantic Treaty Organization", "kind": "organizations", "aliases": ["Nato"]}
            ],
            "never": ["Brussels"],
        }
    )
    names = {e.name for e in canonicalise(mentions, set(), catalogue)}
    assert "North Atlantic Treaty Organization" in names and "Nato" not in names
    assert "Brussels" not in names


@pytest.mark.skipif(not (SHARED / "seeds").exists(), reason="../shared is not beside the repo")
@pytest.mark.parametrize("backend", available_backends())
def test_seed_entities(backend):
    text = (SHARED / "seeds" / "dailymail-msn-scrape.txt").read_text(encoding="utf-8")
    body = "\n\n".join(clean_paragraphs(split_paragraphs(text)))
    entities = canonicalise(get_recognizer(backend).mentions(body), {"Iwan Stone"})
    kinds = {e.name: e.kind for e in entities}
    for person in ("Putin", "Sebastien Lecornu", "Boris Pistorius", "Donald Trump"):
        assert kinds.get(person) == "people", (person, kinds.get(person))
    # "Kyiv's officials", "Kyiv's armed forces": the city standing for its government, which
    # CoNLL-2003's conventions (and the model trained on them) call an organization. It is
    # found; which kind it gets across a site is settled by majority over briefs.
    assert kinds.get("Kyiv") in ("places", "organizations")
    for place in ("Britain", "Ukraine", "France", "Russia", "Brussels"):
        assert kinds.get(place) == "places", (place, kinds.get(place))
    assert kinds.get("Nato") == "organizations"
    assert kinds.get("Telegraph") != "people" and kinds.get("BST") != "organizations"
