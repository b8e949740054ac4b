"""A deterministic synthetic news archive: N briefs over five years, Zipf-like tags and entities.

About 200 tags and 2,000 people/organizations/places; 1 to 5 tags and 3 to 12 entities per
brief; 400 to 900 words each. The same N always gives the same files.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

WORDS = (
    "the government said on monday that talks would resume after a week of protests in the capital "
    "officials warned that prices could rise again as the central bank weighed another increase in "
    "interest rates while opposition leaders demanded an inquiry into the handling of the crisis and "
    "analysts expected growth to slow through the winter months as exports fell and factories cut "
    "shifts ministers promised new support for families hit by higher energy bills and promised to "
    "publish the plan before parliament returns from its summer recess next month"
).split()
FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kaja",
    "Liam",
    "Maria",
    "Nils",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
]
LAST = [
    "Berg",
    "Costa",
    "Dahl",
    "Evans",
    "Fischer",
    "Garcia",
    "Holm",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lind",
    "Moreau",
    "Novak",
    "Olsen",
    "Petrov",
    "Quist",
    "Rossi",
    "Schmidt",
    "Tamm",
    "Ueda",
]
ORG_WORDS = [
    "Council",
    "Ministry",
    "Bank",
    "Authority",
    "Agency",
    "Union",
    "Institute",
    "Group",
    "Party",
    "Commission",
]
PLACE_WORDS = ["Port", "Lake", "Valley", "Bay", "Heights", "Falls", "Harbour", "Ridge", "Springs", "Field"]


def zipf_choice(rng: random.Random, items: list[str], count: int, s: float = 1.1) -> list[str]:
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    chosen: list[str] = []
    while len(chosen) < count:
        pick = rng.choices(items, weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def generate(root: Path, n: int, seed: int = 1, years: int = 5) -> Path:
    """Write a site with `n` briefs over `years` years into `root` (created); returns root."""
    rng = random.Random(seed)
    tags = [f"topic {i:03d}" for i in range(200)]
    people = [f"{FIRST[i % 20]} {LAST[(i // 20) % 20]}{'' if i < 400 else f' {i}'}" for i in range(800)]
    orgs = [f"{LAST[i % 20]} {ORG_WORDS[(i // 20) % 10]}{'' if i < 200 else f' {i}'}" for i in range(600)]
    places = [
        f"{FIRST[i % 20]}{PLACE_WORDS[(i // 20) % 10].lower()}{'' if i < 200 else f' {i}'}"
        for i in range(600)
    ]
    briefs = root / "content" / "briefs"
    briefs.mkdir(parents=True, exist_ok=True)
    # No search index and no stories: Hugo and Pelican build neither, so the comparison stays
    # like for like (build_bench measures a cold build with stories on its own row).
    (root / "site.yml").write_text(
        "title: Synthetic archive\nbase_url: https://archive.example.org/\npagination: 20\n"
        "search: false\nstories: false\n"
    )
    start = datetime(2020, 1, 1, tzinfo=UTC)
    span = years * 365 * 24 * 3600
    for i in range(n):
        moment = start + timedelta(seconds=rng.randrange(span))
        k = rng.randint(3, 12)
        n_people = rng.randint(1, max(1, k - 2))
        n_orgs = rng.randint(1, max(1, k - n_people - 1))
        chosen = {
            "people": zipf_choice(rng, people, n_people),
            "organizations": zipf_choice(rng, orgs, n_orgs),
            "places": zipf_choice(rng, places, max(1, k - n_people - n_orgs)),
        }
        words = rng.randint(400, 900)
        names = [n for group in chosen.values() for n in group]
        paragraphs = []
        written = 0
        while written < words:
            length = rng.randint(40, 90)
            sentence_words = [rng.choice(WORDS) for _ in range(length)]
            sentence_words.insert(rng.randrange(length), rng.choice(names))
            paragraphs.append(" ".join(sentence_words).capitalize() + ".")
            written += length
        front = {
            "title": f"Report {i}: " + " ".join(rng.choice(WORDS) for _ in range(6)).capitalize(),
            "date": moment.isoformat(),
            "authors": [f"{rng.choice(FIRST)} {rng.choice(LAST)}"],
            "source": {"name": rng.choice(["Daily Wire Service", "Northern Post", "Metro Courier"])},
            "tags": zipf_choice(rng, tags, rng.randint(1, 5)),
            "entities": chosen,
            "summary": paragraphs[0][:200],
        }
        path = briefs / f"{moment.year}" / f"{moment.month:02d}" / f"report-{i}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (
            "---\n"
            + yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
            + "---\n\n"
            + "\n\n".join(paragraphs)
            + "\n"
        )
        path.write_text(text, encoding="utf-8")
    return root
