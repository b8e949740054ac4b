"""Stories: briefs that follow one developing story across outlets and weeks, each with a
timeline of its key dates.

**Threads.** Briefs are taken in order of publication (then slug: the same briefs always give
the same stories), and each is decided on the briefs before it only, as news arrives. It is
described by its front-matter: the words of its headline (counted twice), summary and tags,
stop words out, and its entities, weighted by tf-idf over the briefs so far (scikit-learn's
smoothed idf, sublinear tf; a brief's length counts only the terms an earlier brief carries
too). A brief joins the story whose centroid is nearest by cosine, among the stories that had a
brief in the last 30 days and share an entity or a tag with it, when that similarity reaches
0.06; otherwise it starts a story. (Chosen on Timeline17: B-cubed F1 of the briefs that are no
retelling 0.947 at 0.04, 0.955 at 0.06, 0.939 at 0.08, 0.924 at 0.10.) Since no brief is moved
by the ones after it, a story keeps its briefs, name and slug as later briefs join it, and a
build resumes threading where the last one stopped (`Threading`): one new brief is one decision.
A story is named by its first brief's headline.
`content/stories.yml` pins briefs to a story, merges stories, or names one.

**Timelines.** Every sentence of a story's briefs is dated by the date expressions it holds
(site.dates, resolved against the brief's publication day); a brief's lead sentence also counts,
less, for the day it was published. A date's weight is the sum over the sentences dated to it;
its summary is the one or two of them closest to all the others of that date, as written.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brief.clocks import on_clock
from brief.content import STORIES_FILE
from brief.errors import BriefError
from brief.site.dates import find_dates
from brief.slugs import slugify
from brief.yamlfile import line_of, parse_yaml

if TYPE_CHECKING:
    from datetime import tzinfo

    from brief.model import Brief
    from brief.site.model import BriefPage

WINDOW_DAYS = 30  # a story with no brief for this long takes no more
THRESHOLD = 0.06  # cosine to a story's centroid that a brief needs to join it
TERMS_PER_BRIEF = 1000  # its heaviest terms: a bound on memory, not a filter (briefs have fewer)
MIN_BRIEFS = 2  # a thread of one brief is no story
TIMELINE_DATES = 100  # dates kept per story, the heaviest; stories.json carries their weights
LEAD_WEIGHT = 0.5  # the lead sentence, for the day the brief was published

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*_`#>]+")
STOP_WORDS = frozenset(
    """a about after again against all also am an and any are as at be because been before being
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours yourself said says say told new one two three
    year years last first week weeks month months day days time people mr mrs ms would could may
    might must shall us""".split()
)


@dataclass(frozen=True)
class KeyDate:
    """One day of a story's timeline."""

    day: date
    weight: float  # ranks the days: a timeline cut to its N heaviest days keeps the key ones
    summary: tuple[str, ...]  # one or two of the briefs' own sentences about that day
    briefs: tuple[str, ...]  # slugs of the briefs those sentences come from, first the summary's


@dataclass(eq=False)
class Story:
    slug: str
    title: str
    url: str
    briefs: list[BriefPage] = field(default_factory=list, repr=False)  # oldest first
    timeline: list[KeyDate] = field(default_factory=list, repr=False)  # in date order
    cast: list[tuple[Any, int]] = field(default_factory=list, repr=False)  # (entity term, briefs)
    outlets: list[Any] = field(default_factory=list, repr=False)  # source terms

    @property
    def first(self) -> datetime:
        """When its first brief was published."""
        return self.briefs[0].brief.date

    @property
    def last(self) -> datetime:
        return self.briefs[-1].brief.date

    @property
    def newest_first(self) -> list[BriefPage]:
        return self.briefs[::-1]


@dataclass(frozen=True)
class BriefText:
    """What stories need of one brief, computed once per brief text (kept in the build cache)."""

    terms: tuple[tuple[str, int], ...]  # term → count, headline twice and entities once more
    sentences: tuple[tuple[str, tuple[str, ...]], ...]  # each sentence and the days it names
    terms_key: str = ""  # a digest of `terms`: what threading compares between builds


def sentences_of(body: str) -> list[str]:
    """The body's sentences, as written, markdown links and emphasis taken out."""
    found = []
    for paragraph in re.split(r"\n\s*\n", body):
        text = " ".join(_MARKUP.sub(lambda m: m.group(1) or "", paragraph).split())
        if text:
            found.extend(s.strip() for s in _SENTENCE_END.split(text) if len(s.split()) >= 4)
    return found


def brief_text(brief: Brief, zone: tzinfo | None) -> BriefText:
    words: Counter[str] = Counter()
    # The front-matter only, not the body: an edit to a brief's text must not move it (or any
    # other brief) to another story, so that text edits stay cheap. On Timeline17 the headline,
    # summary, tags and entities thread as well as the whole text did (B-cubed 0.95 against 0.94).
    for weight, text in ((2, brief.title), (1, brief.summary)):
        # Counted in C, then filtered once per distinct word: bodies run to thousands of words.
        for word, count in Counter(_WORD.findall(text.lower())).items():
            word = word.strip("'’-")
            if len(word) > 2 and word not in STOP_WORDS:
                words[word] += weight * count
    for ref in brief.entities:
        words["@" + ref.name.casefold()] += 2
    for tag in brief.tags:
        words["#" + tag.casefold()] += 1
    published = on_clock(brief.date, zone).date()
    sentences = []
    for sentence in sentences_of(brief.body):
        days = tuple(d.isoformat() for m in find_dates(sentence, published) if (d := m.day) is not None)
        sentences.append((sentence, days))
    terms = tuple(sorted(words.items()))
    return BriefText(
        terms, tuple(sentences), hashlib.blake2b(repr(terms).encode(), digest_size=12).hexdigest()
    )


def story_text_key(brief: Brief, config: Any) -> str:
    """What a BriefText is kept under: the brief's file and the clock dates are read on."""
    return f"{brief.content_hash}:{config.timezone}"


@dataclass
class Threading:
    """Where threading stands after the briefs in `seen`, taken in order. A build whose briefs,
    in order, begin with those resumes from here: a brief added after the newest is decided
    alone, and the stories already decided are not touched (they could not change: each brief
    was decided on the briefs before it only)."""

    seen: list[tuple[str, str, str]] = field(default_factory=list)  # (date, slug, terms key)
    document_frequency: Counter[str] = field(default_factory=Counter)
    centroids: list[dict[str, float]] = field(default_factory=list)  # emptied once a story closes
    norms: list[float] = field(default_factory=list)  # squared length over terms seen twice or more
    members: list[list[str]] = field(default_factory=list)  # slugs, oldest first
    latest: list[date] = field(default_factory=list)  # each story's newest day
    by_term: dict[str, set[int]] = field(default_factory=dict)  # term → open stories holding it
    open: set[int] = field(default_factory=set)
    swept: date | None = None

    def add(self, slug: str, day: date, text: BriefText) -> None:
        """Decide one brief: the open story it joins, or a story of its own."""
        frequency = self.document_frequency
        for term, _ in text.terms:
            frequency[term] += 1
            if frequency[term] == 2:  # now shared: it counts in the length of the story holding it
                for index in self.by_term.get(term, ()):
                    self.norms[index] += self.centroids[index][term] ** 2
        count = len(self.seen) + 1
        # tf-idf over the briefs so far (scikit-learn's smoothed idf, sublinear tf): a brief is
        # weighed as it was when it came, so later briefs never move it. Its length counts only
        # the terms an earlier brief carries too: its rare names must not drown what it shares
        # with a story (they are kept in the story, for the briefs that will name them again).
        weights = {
            term: (1 + math.log(n)) * (math.log((1 + count) / (1 + frequency[term])) + 1)
            for term, n in text.terms
        }
        heaviest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:TERMS_PER_BRIEF]
        length = math.sqrt(sum(w * w for term, w in heaviest if frequency[term] > 1)) or 1.0
        vector = {term: w / length for term, w in heaviest if w > 0}
        if day != self.swept:
            # Stories with no brief in the window take no more: out of the index, once each,
            # so that a brief is compared with the stories of the last month, not of all time.
            window = timedelta(days=WINDOW_DAYS)
            for index in [i for i in self.open if day - self.latest[i] > window]:
                self.open.discard(index)
                for term in self.centroids[index]:
                    self.by_term[term].discard(index)
                self.centroids[index] = {}
            self.swept = day
        # Words alone do not make one story: it has to share who, where or what. Only the
        # stories sharing an entity or a tag with the brief are scored.
        named: set[int] = set()
        for term in vector:
            if term[0] in "@#":
                named.update(self.by_term.get(term, ()))
        scores: dict[int, float] = dict.fromkeys(named, 0.0)
        for term, weight in vector.items():
            holding = self.by_term.get(term)
            if not holding:
                continue
            for index in holding & named:  # CPython walks the smaller set
                scores[index] += weight * self.centroids[index][term]
        best, best_score = None, THRESHOLD
        for index, dot in scores.items():
            score = dot / (math.sqrt(self.norms[index]) or 1.0)
            if score > best_score or (score == best_score and best is not None and index < best):
                best, best_score = index, score
        if best is None:
            best = len(self.members)
            self.centroids.append({})
            self.norms.append(0.0)
            self.members.append([])
            self.latest.append(day)
        centroid = self.centroids[best]
        for term, weight in vector.items():
            old = centroid.get(term, 0.0)
            centroid[term] = old + weight
            if frequency[term] > 1:
                self.norms[best] += (old + weight) ** 2 - old * old
            self.by_term.setdefault(term, set()).add(best)
        self.members[best].append(slug)
        self.latest[best] = max(self.latest[best], day)
        self.open.add(best)
        self.seen.append((day.isoformat(), slug, text.terms_key))


def thread(
    pages: list[BriefPage], texts: dict[str, BriefText], state: Threading | None = None
) -> tuple[list[list[BriefPage]], Threading]:
    """Threads of briefs, each oldest first, in the order they started; and the state to resume
    from. Briefs are taken in order of publication, then slug; `state` from an earlier build is
    resumed when the briefs it saw are still the first ones (else threading starts afresh)."""
    ordered = sorted(pages, key=lambda p: (p.brief.date, p.brief.slug))
    keys = [(p.brief.date.date().isoformat(), p.brief.slug, texts[p.brief.slug].terms_key) for p in ordered]
    if state is None or keys[: len(state.seen)] != state.seen:
        state = Threading()
    for page in ordered[len(state.seen) :]:
        state.add(page.brief.slug, page.brief.date.date(), texts[page.brief.slug])
    by_slug = {p.brief.slug: p for p in pages}
    return [[by_slug[slug] for slug in members] for members in state.members], state


def _summary(candidates: list[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The one or two sentences closest to all the others of a day, and their briefs first."""
    bags = [
        Counter(w.lower() for w in _WORD.findall(s) if w.lower() not in STOP_WORDS) for s, _ in candidates
    ]
    pool: Counter[str] = Counter()
    for bag in bags:
        pool.update(set(bag))

    def centrality(index: int) -> float:
        bag = bags[index]
        return sum(pool[w] - 1 for w in bag) / (1 + len(bag)) ** 0.5

    ranked = sorted(range(len(candidates)), key=lambda i: (-centrality(i), candidates[i][1], i))
    chosen = [ranked[0]]
    if len(ranked) > 1 and len(candidates[ranked[0]][0]) < 140:
        second = next((i for i in ranked[1:] if candidates[i][0] != candidates[ranked[0]][0]), None)
        if second is not None:
            chosen.append(second)
    sentences = tuple(candidates[i][0] for i in chosen)
    briefs = list(dict.fromkeys([*(candidates[i][1] for i in chosen), *(slug for _, slug in candidates)]))
    return sentences, tuple(briefs)


def story_timeline(
    briefs: list[BriefPage], texts: dict[str, BriefText], zone: tzinfo | None
) -> list[KeyDate]:
    weights: Counter[str] = Counter()
    said: dict[str, list[tuple[str, str]]] = {}
    first = on_clock(briefs[0].brief.date, zone).date() - timedelta(days=365)
    last = on_clock(briefs[-1].brief.date, zone).date() + timedelta(days=7)
    for page in briefs:
        slug = page.brief.slug
        published = on_clock(page.brief.date, zone).date().isoformat()
        for number, (sentence, days) in enumerate(texts[slug].sentences):
            named = [d for d in dict.fromkeys(days) if first.isoformat() <= d <= last.isoformat()]
            for day in named:
                weights[day] += 1.0
                said.setdefault(day, []).append((sentence, slug))
            if number == 0 and not named:
                # A lead that names no day tells the news of the day it was published. (Counting
                # every brief's day as well measured no better on Timeline17.)
                weights[published] += LEAD_WEIGHT
                said.setdefault(published, []).append((sentence, slug))
    heaviest = sorted(weights, key=lambda d: (-weights[d], d))[:TIMELINE_DATES]
    timeline = []
    for day in sorted(heaviest):
        summary, sources = _summary(said[day])
        timeline.append(KeyDate(date.fromisoformat(day), round(weights[day], 2), summary, sources))
    return timeline


def read_stories_file(root: Path) -> list[dict[str, Any]]:
    """`content/stories.yml`: a list of {slug, title, briefs: [slugs], merge: [story slugs]}."""
    path = root / STORIES_FILE
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    data = parse_yaml(text, str(path)) or []
    if not isinstance(data, list):
        raise BriefError("expected a list of stories, each with a slug", path=path, line=1)
    for index, entry in enumerate(data):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("slug"), str)
            or not all(isinstance(entry.get(key) or [], list) for key in ("briefs", "merge"))
            or not isinstance(entry.get("title", ""), str)
        ):
            raise BriefError(
                f"story {index + 1} needs a slug, and may have a title, briefs (a list) and merge (a list)",
                path=path,
                line=line_of(text, (index,)),
                hint="see the README, Stories",
            )
    return data


@dataclass
class StoryMemo:
    """What one build keeps of its stories for the next (in the build cache)."""

    threading: Threading | None = None
    timelines: dict[str, list[KeyDate]] = field(default_factory=dict)  # by what they were made of


def _timeline_key(members: list[BriefPage], zone: tzinfo | None) -> str:
    made_of = "\n".join(f"{p.brief.slug} {p.brief.content_hash}" for p in members) + f"\n{zone}"
    return hashlib.blake2b(made_of.encode(), digest_size=16).hexdigest()


def build_stories(
    pages: list[BriefPage],
    texts: dict[str, BriefText],
    zone: tzinfo | None,
    overrides: list[dict[str, Any]],
    story_url: str = "/stories/{slug}/",
    memo: StoryMemo | None = None,
) -> list[Story]:
    """The site's stories, newest first by their latest brief. With the `memo` of an earlier
    build, only the briefs after those it threaded are decided, and only the stories whose
    briefs changed get a new timeline; the stories are the same as without it."""
    memo = memo if memo is not None else StoryMemo()
    threads, memo.threading = thread(pages, texts, memo.threading)
    by_slug = {p.brief.slug: p for p in pages}
    named: list[tuple[str, str, list[BriefPage]]] = []  # (slug, title, briefs)
    used: set[str] = set()
    for members in threads:
        title = members[0].brief.title
        base = slugify(title)[:80].strip("-") or "story"
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        named.append((slug, title, members))
    stories = {slug: (title, members) for slug, title, members in named}
    for entry in overrides:
        slug = entry["slug"]
        title, members = stories.get(slug, (entry.get("title") or "", []))
        for other in entry.get("merge") or []:
            if other in stories and other != slug:
                members = members + stories.pop(other)[1]
        pinned = [by_slug[s] for s in entry.get("briefs") or [] if s in by_slug]
        if pinned:
            pinned_slugs = {p.brief.slug for p in pinned}
            for key, (other_title, other_members) in list(stories.items()):
                stories[key] = (other_title, [p for p in other_members if p.brief.slug not in pinned_slugs])
            members = [p for p in members if p.brief.slug not in pinned_slugs] + pinned
        if not title and members:
            title = min(members, key=lambda p: (p.brief.date, p.brief.slug)).brief.title
        stories[slug] = (entry.get("title") or title, members)
    result = []
    timelines: dict[str, list[KeyDate]] = {}
    for slug, (title, members) in stories.items():
        if len(members) < MIN_BRIEFS:
            continue
        members = sorted(members, key=lambda p: (p.brief.date, p.brief.slug))
        story = Story(slug, title, story_url.format(slug=slug), members)
        key = _timeline_key(members, zone)
        timeline = memo.timelines.get(key)
        story.timeline = timelines[key] = (
            timeline if timeline is not None else story_timeline(members, texts, zone)
        )
        cast: Counter[Any] = Counter()
        outlets: dict[Any, None] = {}
        for page in members:
            for terms in page.entities.values():
                cast.update(set(terms))
            if page.source is not None:
                outlets[page.source] = None
        story.cast = sorted(cast.items(), key=lambda item: (-item[1], item[0].name))[:12]
        story.outlets = list(outlets)
        result.append(story)
    memo.timelines = timelines
    result.sort(key=lambda s: (s.briefs[-1].brief.date, s.slug), reverse=True)
    return result
