"""Stories: threads of briefs across outlets and weeks, their timelines, and the dates in text."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brief.errors import BriefError
from brief.site.dates import find_dates
from brief.site.stories import BriefText, thread
from tests.conftest import brief_text
from tests.test_build_behaviour import snapshot

WEDNESDAY = date(2025, 3, 12)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The ship was seized on Friday.", "2025-03-07"),
        ("Talks resume next Monday.", "2025-03-17"),
        ("It happened two days ago.", "2025-03-10"),
        ("Ministers met yesterday.", "2025-03-11"),
        ("The ban began on March 3.", "2025-03-03"),
        ("The ban began on 3 March 2024.", "2024-03-03"),
        ("Figures from last month show a fall.", "2025-02"),
        ("Prices rose in October.", "2024-10"),  # the October before a March story
        ("The plan dates from 2019.", "2019"),
        ("Results for the third quarter.", "2024-Q3"),
        ("The centre is now open.", "PRESENT_REF"),
        ("In January, the board resigned.", "2025-01"),  # capitalised, and no "in" needed
        ("Last Friday's vote was close.", "2025-03-07"),
        ("The team left in July last year.", "2024-07"),
        ("He was shot last Oct. 23 at home.", "2024-10-23"),
        ("Shops close on Christmas Day.", "2024-12-25"),  # the nearest one
        ("They met at Easter.", "2025-04-20"),
        ("Turkeys sell before Thanksgiving.", "2024-11-28"),
        ("Back in nineteen ninety-six it was new.", "1996"),
        ("It was built in the nineties.", "199"),
        ("Nothing like it since the 19th century.", "18"),
        ("Fans met over the weekend.", "2025-W10-WE"),  # a Wednesday story: the weekend past
        ("Sales rose this past spring.", "2024-SP"),
        ("Rents will rise in the near future.", "FUTURE_REF"),
        ("Prices fell in recent weeks.", "PAST_REF"),
        ("Targets for the current fiscal year.", "2025"),
    ],
)
def test_dates_in_text_are_resolved_against_the_publication_day(text, value):
    found = find_dates(text, WEDNESDAY)
    assert [m.value for m in found] == [value], found


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # A comparison a year back is with the period just named.
        ("Profit rose in the third quarter from $5 million a year earlier.", ["2024-Q3", "2023-Q3"]),
        ("Profit rose in the third quarter from the year-ago quarter.", ["2024-Q3", "2023-Q3"]),
        ("Profit rose from a year ago.", ["2024"]),
        # "that day", "the following year": the date named last, or none at all.
        ("The ship sank on March 3. Crews searched the next day.", ["2025-03-03", "2025-03-04"]),
        ("He moved in 2019 and married the following year.", ["2019", "2020"]),
        ("She left that day.", []),
        # Names and verbs that spell like months are not months.
        ("Jan Kavan and May Lee will march on Saturday.", ["2025-03-08"]),
    ],
)
def test_dates_named_by_reference_to_other_dates(text, values):
    assert [m.value for m in find_dates(text, WEDNESDAY)] == values


def test_a_date_expression_is_taken_once_and_numbers_are_not_years():
    found = find_dates("On March 3, 2025, 2000 people marched; 1,999 stayed home.", WEDNESDAY)
    assert [m.value for m in found] == ["2025-03-03"]


CABLE = ["Baltic cable", "Gulf of Finland", "Finnish Border Guard", "Eagle S"]
WATER = ["Harwick Water", "Ashby reservoir", "Ofwat"]


def cable_brief(n: int, day: str, outlet: str) -> str:
    return brief_text(
        f"Cable investigation, part {n}: investigators board the Eagle S",
        f"{day}T09:00:00+00:00",
        body=(
            f"Finnish investigators boarded the Eagle S tanker on Friday after the Baltic cable was cut. "
            f"The Finnish Border Guard said the anchor of the Eagle S dragged along the seabed of the Gulf "
            f"of Finland for 100 kilometres. Investigators examined the anchor chain, step {n}. "
            f"On March 3 the cable operator first reported the outage in the Gulf of Finland."
        ),
        tags=["Baltic security"],
        entities={"organizations": ["Finnish Border Guard"], "places": ["Gulf of Finland"]},
        source={"name": outlet, "url": f"https://{outlet.lower().replace(' ', '')}.example/cable-{n}"},
    )


def water_brief(n: int, day: str) -> str:
    return brief_text(
        f"Harwick reservoir update {n}: hosepipe ban stays",
        f"{day}T09:00:00+00:00",
        body=(
            f"Harwick Water said the Ashby reservoir stood at a record low, update {n}. "
            f"The hosepipe ban across Harwick stays in force while reservoir levels recover. "
            f"Ofwat ordered Harwick Water to publish its leakage figures on Monday."
        ),
        tags=["Water"],
        entities={"organizations": ["Harwick Water", "Ofwat"], "places": ["Ashby reservoir"]},
        source={"name": "Harwick Gazette", "url": f"https://gazette.example/water-{n}"},
    )


def story_site(site, cables: int = 3, waters: int = 3) -> None:
    for n in range(cables):
        site.brief(
            f"cable-{n}.md", cable_brief(n, f"2025-03-{5 + 4 * n:02d}", ["Yle", "Reuters", "BBC News"][n % 3])
        )
    for n in range(waters):
        site.brief(f"water-{n}.md", water_brief(n, f"2025-03-{6 + 5 * n:02d}"))


def stories_json(site) -> list[dict]:
    return json.loads(site.read("stories.json"))


def test_briefs_of_two_stories_make_two_stories_with_pages_feeds_and_timelines(site):
    story_site(site)
    site.build()
    stories = stories_json(site)
    assert len(stories) == 2
    members = sorted(sorted(b["slug"] for b in s["briefs"]) for s in stories)
    assert members == [["cable-0", "cable-1", "cable-2"], ["water-0", "water-1", "water-2"]]
    cable = next(s for s in stories if "Eagle S" in s["title"])
    assert len(cable["briefs"]) == 3 and {b["source_url"].split("/")[2] for b in cable["briefs"]} >= {
        "yle.example"
    }
    # The timeline: March 3 is named in every cable brief; the Fridays are each brief's own.
    days = {key["date"]: key for key in cable["timeline"]}
    assert "2025-03-03" in days and days["2025-03-03"]["weight"] >= 3
    assert all(key["summary"] and key["briefs"] for key in cable["timeline"])
    assert max(cable["timeline"], key=lambda k: k["weight"])["date"] == "2025-03-03"
    slug = cable["slug"]
    page = site.read(f"stories/{slug}/index.html")
    assert "Key dates" in page and '<time datetime="2025-03-03">' in page
    assert site.read(f"stories/{slug}/feed.xml").count("<entry>") == 3
    assert f'href="/stories/{slug}/"' in site.read("stories/index.html")
    brief_page = next((site.out / "briefs").rglob("cable-1/index.html")).read_text()
    assert "Part of the story" in brief_page and 'rel="prev"' in brief_page and 'rel="next"' in brief_page


def test_a_story_keeps_its_slug_as_briefs_join_it(site):
    story_site(site, cables=2, waters=0)
    site.build()
    [before] = stories_json(site)
    site.brief("cable-9.md", cable_brief(9, "2025-03-20", "Reuters"))
    site.build()
    [after] = stories_json(site)
    assert after["slug"] == before["slug"] and after["title"] == before["title"]
    assert len(after["briefs"]) == 3


def test_stories_yml_names_merges_and_pins(site):
    story_site(site)
    site.build()
    stories = {s["title"]: s for s in stories_json(site)}
    cable = next(s for t, s in stories.items() if "Eagle S" in t)
    water = next(s for t, s in stories.items() if "Harwick" in t)
    (site.root / "content" / "stories.yml").write_text(
        f"- slug: {cable['slug']}\n  title: The Eagle S affair\n  merge: [{water['slug']}]\n"
    )
    site.build()
    [merged] = stories_json(site)
    assert merged["title"] == "The Eagle S affair" and len(merged["briefs"]) == 6
    pin = water["briefs"][0]["slug"]
    (site.root / "content" / "stories.yml").write_text(
        f"- slug: leakage\n  title: Leakage\n  briefs: [{pin}, {water['briefs'][1]['slug']}]\n"
    )
    site.build()
    by_slug = {s["slug"]: s for s in stories_json(site)}
    assert {b["slug"] for b in by_slug["leakage"]["briefs"]} == {pin, water["briefs"][1]["slug"]}
    (site.root / "content" / "stories.yml").write_text("- title: no slug\n")
    with pytest.raises(BriefError) as error:
        site.build()
    assert "stories.yml" in str(error.value.path) and error.value.line == 1


def test_incremental_builds_with_stories_match_a_clean_build(site, tmp_path):
    from tests.test_incremental import age_everything, clean_build_of

    story_site(site)
    age_everything(site.root)
    site.build()
    site.brief("cable-7.md", cable_brief(7, "2025-03-25", "Yle"))  # joins a story: its pages change
    site.build()
    assert snapshot(site.out) == clean_build_of(site.root, tmp_path)
    path = site.root / "content" / "briefs" / "water-1.md"
    path.write_text(path.read_text() + "\nOn Tuesday Ofwat fined Harwick Water.\n")  # a new key date
    site.build()
    assert snapshot(site.out) == clean_build_of(site.root, tmp_path)


def _threading_input(briefs: list[tuple[int, list[str]]]) -> tuple[list, dict[str, BriefText]]:
    """Pages and texts for `thread`: (day, terms) per brief, slugs b00, b01... in that order."""
    start = datetime(2025, 1, 1, 9, tzinfo=UTC)
    pages, texts = [], {}
    for n, (day, terms) in enumerate(briefs):
        slug = f"b{n:02d}"
        pages.append(SimpleNamespace(brief=SimpleNamespace(slug=slug, date=start + timedelta(days=day))))
        counted = tuple(sorted((term, 1) for term in set(terms)))
        texts[slug] = BriefText(counted, (), repr(counted))
    return pages, texts


def _slugs(threads: list) -> list[list[str]]:
    return [[page.brief.slug for page in members] for members in threads]


TERMS = st.lists(
    st.sampled_from(["@eagle", "@finland", "#cable", "#water", "anchor", "tanker", "ban"]), max_size=5
)


@given(st.lists(st.tuples(st.integers(0, 90), TERMS), min_size=1, max_size=25), st.data())
@settings(max_examples=150, deadline=None)
def test_threading_never_moves_a_brief_for_later_ones_and_resumes_as_if_fresh(briefs, data):
    pages, texts = _threading_input(briefs)
    fresh, _ = thread(pages, texts)
    ordered = sorted(pages, key=lambda p: (p.brief.date, p.brief.slug))
    cut = data.draw(st.integers(0, len(ordered)))
    earlier = ordered[:cut]
    before, state = thread(earlier, texts)
    # The stories of the earlier briefs are those of all the briefs, less the later ones.
    kept = {p.brief.slug for p in earlier}
    assert _slugs(before) == [m for m in ([s for s in t if s in kept] for t in _slugs(fresh)) if m]
    resumed, state = thread(pages, texts, state)
    assert _slugs(resumed) == _slugs(fresh) and len(state.seen) == len(pages)


def test_a_build_threads_only_the_briefs_after_those_it_threaded_before(site, monkeypatch):
    from brief.site import stories

    decided: list[str] = []
    add = stories.Threading.add
    monkeypatch.setattr(
        stories.Threading, "add", lambda self, slug, *a: (decided.append(slug), add(self, slug, *a))
    )
    story_site(site)
    site.build()
    assert len(decided) == 6
    decided.clear()
    site.brief("cable-8.md", cable_brief(8, "2025-03-30", "Yle"))  # the newest: one decision
    site.build()
    assert decided == ["cable-8"] and len(stories_json(site)[0]["briefs"]) == 4
    decided.clear()
    site.brief("cable-5.md", cable_brief(5, "2025-03-02", "Yle"))  # older than all: all again
    site.build()
    assert len(decided) == 8


def test_stories_false_in_site_yml_builds_none(site):
    story_site(site)
    site.config("stories: false\n")
    site.build()
    assert not (site.out / "stories").exists() and not (site.out / "stories.json").exists()
    assert "Part of the story" not in next((site.out / "briefs").rglob("cable-1/index.html")).read_text()


def test_a_long_story_lists_its_briefs_in_pages_with_the_timeline_on_the_first(site):
    site.config("pagination: 2\n")
    story_site(site, cables=5, waters=0)
    site.build()
    [story] = stories_json(site)
    slug = story["slug"]
    first, second = site.read(f"stories/{slug}/index.html"), site.read(f"stories/{slug}/page/2/index.html")
    assert "Key dates" in first and "Key dates" not in second
    assert 'rel="next"' in first and f"{story['title']}, page 2" in second
    assert (site.out / "stories" / slug / "page" / "3" / "index.html").is_file()
