"""Incremental and parallel builds give exactly the bytes of a clean, serial build."""

from __future__ import annotations

import collections
import os
import random
import re
import shutil
import subprocess
import time
from pathlib import Path

import jinja2
import pytest

import brief.builder.cache as build_cache
import brief.builder.parallel as parallel
import brief.builder.run as run_module
import brief.site.related as related
from brief.builder.run import Builder, build
from brief.builder.search import pagefind_available
from brief.config import load_config
from brief.errors import BriefError
from brief.render.renderer import Renderer
from tests.conftest import brief_text
from tests.test_build_behaviour import snapshot


def age_everything(root: Path, seconds: float = 120) -> None:
    """Move every file's mtime into the past, as if written long before the build."""
    past = time.time() - seconds
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))


def _as_it_is(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def files_as_they_are(output: Path) -> dict[Path, tuple[int, int]]:
    """Each page's inode and mtime: a file the writer replaces gets another inode (it is
    written beside, then renamed), a file it keeps has the same (the search index is left out:
    it is made again whole)."""
    return {p: _as_it_is(p) for p in output.rglob("*") if p.is_file() and "pagefind" not in p.parts}


def touch(path: Path, step: int) -> None:
    """A distinct mtime per edit, old enough not to be 'racy'."""
    moment = time.time() - 60 + step * 0.01
    os.utime(path, (moment, moment))


def clean_build_of(root: Path, scratch: Path) -> dict[str, bytes]:
    copy = scratch / f"clean-{time.monotonic_ns()}"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("public", ".brief-cache"))
    build(copy, clean=True, workers=1)
    return snapshot(copy / "public")


def use_pools_for_small_sites(monkeypatch: pytest.MonkeyPatch) -> None:
    for threshold in ("MIN_PAGES_FOR_POOL", "MIN_KEYS_FOR_POOL"):
        monkeypatch.setattr(parallel, threshold, 0)
    for threshold in ("MIN_BRIEFS_FOR_POOL", "MIN_TERMS_FOR_POOL"):
        monkeypatch.setattr(related, threshold, 0)
    monkeypatch.setattr(run_module, "MIN_FILES_FOR_POOL", 0)  # hashing, and writing the cache


@pytest.fixture
def pool_for_small_sites(monkeypatch):
    use_pools_for_small_sites(monkeypatch)


def test_parallel_build_equals_serial(example_copy, tmp_path, pool_for_small_sites):
    build(example_copy, workers=2)
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_an_incremental_build_with_a_pool_equals_a_clean_build(example_copy, tmp_path, pool_for_small_sites):
    """Keys are checked, and briefs related, in the pool too when a build changes the model."""
    build(example_copy, workers=2)
    briefs = sorted((example_copy / "content" / "briefs").rglob("*.md"))
    text = briefs[0].read_text(encoding="utf-8")
    briefs[0].with_name("a-second-telling.md").write_text(text.replace("title: ", "title: Again, ", 1))
    briefs[1].write_text(briefs[1].read_text(encoding="utf-8").replace("title: ", "title: Retitled, ", 1))
    build(example_copy, workers=2)
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_error_in_a_worker_is_reported_with_its_location(example_copy, pool_for_small_sites):
    (example_copy / "templates").mkdir()
    (example_copy / "templates" / "term.html").write_text(
        '{% extends "theme:term.html" %}\n{% block main %}\n{{ 1 // 0 }}\n{% endblock %}\n'
    )
    with pytest.raises(BriefError) as error:
        build(example_copy, workers=2)
    assert error.value.line == 3 and str(error.value.path).endswith("term.html")
    assert not (example_copy / "public").exists()


def test_a_broken_template_no_page_uses_does_not_stop_a_build_with_a_pool(
    example_copy, tmp_path, pool_for_small_sites
):
    """The first page of each kind is rendered before the workers fork (prime_keys): a template no
    page renders is not an error there, as it is not in a serial build."""
    (example_copy / "templates").mkdir()
    (example_copy / "templates" / "unused.html").write_text("{% if %}\n")
    build(example_copy, workers=2)
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)
    (example_copy / "templates" / "term.html").write_text('{% extends "theme:term.html" %}\n{% if %}\n')
    with pytest.raises(BriefError) as error:
        build(example_copy, workers=2, clean=True)
    assert str(error.value.path).endswith("term.html") and error.value.line == 2


def test_a_card_that_fails_for_one_brief_names_its_line_with_a_pool(example_copy, pool_for_small_sites):
    """A card the first pages did not show is rendered before the page workers start
    (render_fragments): its template error still names the template's file and line."""
    card = example_copy / "templates" / "partials" / "card.html"
    card.parent.mkdir(parents=True)
    card.write_text(
        '{% include "theme:partials/card.html" %}\n'
        "{{ 1 // (item.brief.slug != 'harwick-reservoir-levels-fall') }}\n"  # on no first page
    )
    with pytest.raises(BriefError) as error:
        build(example_copy, workers=2)
    assert str(error.value.path).endswith("card.html") and error.value.line == 2


def test_workers_find_few_keys_of_their_own(example_copy, pool_for_small_sites, monkeypatch):
    """prime_keys numbers, before the fork, the keys every worker would otherwise find, number
    and send back on its own; what the workers still report is what one page alone reads."""
    reported: list[int] = []
    real_fork_map = parallel.fork_map

    def spying(function, shared, count, on_result, *args, **kwargs):
        def counting(result, items):
            reported.append(len(result.new_keys))
            on_result(result, items)

        chunks = function is parallel._render_chunk
        return real_fork_map(function, shared, count, counting if chunks else on_result, *args, **kwargs)

    monkeypatch.setattr(parallel, "fork_map", spying)
    build(example_copy, workers=2)
    keys = build_cache.BuildCache.load(example_copy, load_config(example_copy).timezone).load_reads().keys
    assert reported and len(keys) > 1000
    assert sum(reported) < len(keys) / 10, (sum(reported), len(keys))


def test_workers_render_each_card_once(example_copy, tmp_path, pool_for_small_sites, monkeypatch):
    """A brief's card is on list pages of every kind: rendered before the page workers fork
    (render_fragments), each card is rendered in one worker, not again in each."""
    renders = tmp_path / "renders"
    real_template = Renderer.render_partial

    def counting(self, name, context):
        if name.endswith("card.html"):
            with open(renders, "a", encoding="utf-8") as out:
                out.write(f"{os.getpid()} {context['item'].brief.slug} {context.get('level')}\n")
        return real_template(self, name, context)

    monkeypatch.setattr(Renderer, "render_partial", counting)
    build(example_copy, workers=2)
    in_workers = collections.Counter(
        (slug, level)
        for pid, slug, level in (line.split() for line in renders.read_text().splitlines())
        if int(pid) != os.getpid()
    )
    assert in_workers and max(in_workers.values()) == 1, in_workers.most_common(3)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_build_in_place_renders_again_only_the_fragments_whose_keys_changed(
    example_copy, tmp_path, monkeypatch, workers
):
    """The fragments pages share are kept with what they read: a brief added re-renders the
    lists that show it, and they take every other brief's card as the last build made it
    (serially or in workers), since nothing a card read of those briefs changed."""
    cards: list[str] = []
    real_template = Renderer.render_partial

    def counting(self, name, context):
        if name.endswith("card.html"):
            cards.append(context["item"].brief.slug)
        return real_template(self, name, context)

    monkeypatch.setattr(Renderer, "render_partial", counting)
    age_everything(example_copy)
    with pytest.MonkeyPatch.context() as pools:
        if workers > 1:  # the cards made in workers (render_fragments), numbered here
            use_pools_for_small_sites(pools)
        build(example_copy, workers=workers)
    cards.clear()
    added = example_copy / "content" / "briefs" / "2025" / "11" / "added-brief.md"
    added.parent.mkdir(parents=True, exist_ok=True)
    added.write_text(
        brief_text(
            "An added brief",
            "2025-11-20T10:00:00+00:00",
            body="Marta Lindqvist spoke in Tallinn.",
            tags=["Baltic security"],
            entities={"people": ["Marta Lindqvist"], "places": ["Tallinn"]},
        )
    )
    result = build(example_copy, workers=workers)
    assert 0 < result.written < result.unchanged  # in place, not the whole site again
    assert cards and set(cards) == {"added-brief"}, collections.Counter(cards).most_common(3)
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_fragments_saved_with_other_reads_are_not_used(example_copy):
    """The fragments' key numbers are those of the reads saved with them: a build that stopped
    between writing the two files leaves a pair that does not match, and the fragments go."""
    build(example_copy)
    folder = example_copy / build_cache.CACHE_DIR
    first = (folder / "fragments.marshal").read_bytes()
    (example_copy / "site.yml").write_text((example_copy / "site.yml").read_text() + "\n# changed\n")
    build(example_copy)

    def fragments() -> dict:
        cache = build_cache.BuildCache.load(example_copy, load_config(example_copy).timezone)
        return cache.load_fragments(cache.load_reads())

    assert fragments()
    (folder / "fragments.marshal").write_bytes(first)
    assert fragments() == {}


def _values_pages_read(root: Path) -> dict:
    reads = build_cache.BuildCache.load(root, load_config(root).timezone).load_reads()
    numbers = {number for record in reads.pages.values() for number in record}
    return {reads.keys[number]: reads.values[number] for number in numbers}


@pytest.mark.parametrize("arrival", ["as made", "last first"])
def test_a_pooled_build_keeps_the_values_its_pages_read(
    example_copy, tmp_path, pool_for_small_sites, monkeypatch, arrival
):
    """Keys primed before the fork get their values from the workers' pages: the build keeps,
    for every key a page read, the value a serial build keeps (else the next build would
    render those pages again, or miss a change). Each worker's keys are numbered as its runs
    come back, whatever order they come back in."""
    serial = tmp_path / "serial"
    shutil.copytree(example_copy, serial)
    if arrival == "last first":
        real_fork_map = parallel.fork_map

        def held_back(function, shared, count, on_result, *args, **kwargs):
            runs: list[tuple[object, int]] = []
            real_fork_map(function, shared, count, lambda *run: runs.append(run), *args, **kwargs)
            for run in reversed(runs):
                on_result(*run)

        monkeypatch.setattr(parallel, "fork_map", held_back)
    build(example_copy, workers=2)
    if arrival == "last first":
        assert snapshot(example_copy / "public") == clean_build_of(serial, tmp_path)
    build(serial, workers=1)
    pooled, expected = _values_pages_read(example_copy), _values_pages_read(serial)
    assert len(expected) > 1000
    assert pooled == expected


def test_no_change_build_renders_nothing(example_copy):
    first = build(example_copy)
    before = snapshot(example_copy / "public")
    second = build(example_copy)
    assert second.up_to_date and second.summary().startswith("up to date: ")
    assert snapshot(example_copy / "public") == before
    # A change is seen at once.
    brief = next((example_copy / "content" / "briefs").rglob("harwick-ban-lifted.md"))
    brief.write_text(brief.read_text().replace("wettest July", "wettest summer month"))
    touch(brief, 1)
    third = build(example_copy)
    assert not third.up_to_date and first.counts == third.counts
    assert (
        "wettest summer month"
        in (example_copy / "public/briefs/2025/08/harwick-ban-lifted/index.html").read_text()
    )
    # --clean always builds.
    assert not build(example_copy, clean=True).up_to_date


def test_a_no_change_build_remembers_the_files_it_hashed_again(example_copy, monkeypatch):
    """Like git's index: a file whose stat changed but whose bytes did not is hashed once, and its
    new stat is trusted from then on, not hashed again at every build."""
    monkeypatch.setattr(build_cache, "RACY_NS", 0)  # no file is too recent to trust
    build(example_copy)
    brief = next((example_copy / "content" / "briefs").rglob("*.md"))
    os.utime(brief)  # the same bytes, a new mtime: a `touch`, or an editor's save without changes
    hashed: list[str] = []

    def counting_digest(path: str | Path) -> str | None:
        hashed.append(str(path))
        return build_cache.file_digest(path)

    monkeypatch.setattr(run_module, "file_digest", counting_digest)
    assert build(example_copy).up_to_date and hashed == [str(brief)]
    hashed.clear()
    assert build(example_copy).up_to_date and hashed == []


def test_files_put_into_the_output_by_hand_are_kept_by_every_build(example_copy, tmp_path):
    """A CNAME or a site-verification file put into the output by hand: an update in place left
    it, and the next build that wrote the whole site anew deleted it. Every build keeps it now,
    while the page of a brief deleted since goes; `--clean` asks for brief's files only."""
    age_everything(example_copy)
    build(example_copy, workers=1)
    out = example_copy / "public"
    theirs = {
        "CNAME": b"news.example.org\n",
        ".well-known/security.txt": b"Contact: mailto:desk@example.org\n",
        "briefs/google1234.html": b"google-site-verification: google1234.html\n",
    }
    for rel_path, data in theirs.items():
        (out / rel_path).parent.mkdir(parents=True, exist_ok=True)
        (out / rel_path).write_bytes(data)
    target = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    site_yml = example_copy / "site.yml"
    edits = {
        "a title (in place)": lambda: target.write_text(
            target.read_text().replace('title: "', 'title: "New: ', 1)
        ),
        "site.yml (the whole site)": lambda: site_yml.write_text(
            site_yml.read_text() + "\nlanguage: en-GB\n"
        ),
        "a brief deleted": lambda: next(
            (example_copy / "content" / "briefs").rglob("harwick-ban-lifted.md")
        ).unlink(),
    }
    for name, make in edits.items():
        make()
        build(example_copy, workers=1)
        got = snapshot(out)
        assert {rel_path: got.get(rel_path) for rel_path in theirs} == theirs, name
        assert {k: v for k, v in got.items() if k not in theirs} == clean_build_of(example_copy, tmp_path), (
            name
        )
    assert not any("harwick-ban-lifted" in rel_path for rel_path in snapshot(out))
    build(example_copy, workers=1, clean=True)  # brief's files only
    assert snapshot(out) == clean_build_of(example_copy, tmp_path)


def test_files_put_into_the_output_by_hand_are_kept_when_the_build_cache_was_deleted(example_copy, tmp_path):
    """Without `.brief-cache/` (deleted to start afresh, or from a version that kept no list of
    its files) a build cannot tell the files it wrote last time from files put there by hand:
    it keeps them all, and names those it kept, rather than delete a CNAME."""
    age_everything(example_copy)
    build(example_copy, workers=1)
    out = example_copy / "public"
    (out / "CNAME").write_bytes(b"news.example.org\n")
    before = set(snapshot(out))
    gone = next((example_copy / "content" / "briefs").rglob("harwick-ban-lifted.md"))
    gone.unlink()  # its page, and a page 2 of its entities, are not in the next build's plan
    shutil.rmtree(example_copy / ".brief-cache")
    result = build(example_copy, workers=1)
    got = snapshot(out)
    assert got["CNAME"] == b"news.example.org\n"

    def not_brief_s(files: set[str]) -> list[str]:  # the search index is made again over them all
        return sorted(
            p for p in files - set(clean_build_of(example_copy, tmp_path)) if not p.startswith("pagefind/")
        )

    kept = not_brief_s(set(got))
    assert kept == not_brief_s(before)
    assert "briefs/2025/08/harwick-ban-lifted/index.html" in kept
    assert [w for w in result.warnings if f"kept {len(kept)} files" in w and "CNAME" in w and "--clean" in w]
    # From now on the cache knows brief's files: the next build that writes the whole site
    # keeps what it kept, and --clean gives brief's files only.
    (example_copy / "site.yml").write_text((example_copy / "site.yml").read_text() + "\nlanguage: en-GB\n")
    result = build(example_copy, workers=1)
    assert not_brief_s(set(snapshot(out))) == kept
    assert not result.warnings
    build(example_copy, workers=1, clean=True)
    assert snapshot(out) == clean_build_of(example_copy, tmp_path)


def test_deleting_the_output_forces_a_build(example_copy):
    age_everything(example_copy)
    build(example_copy)
    shutil.rmtree(example_copy / "public")
    assert not build(example_copy).up_to_date
    assert (example_copy / "public" / "index.html").is_file()


@pytest.mark.parametrize(
    "deleted",
    [
        "briefs/2025/08/harwick-ban-lifted/index.html",
        "tags/index.html",
        "feed.xml",
        "static/style.css",
        "tags",
    ],
)
def test_an_output_file_deleted_by_hand_is_written_again_by_the_next_build(example_copy, tmp_path, deleted):
    """The output is what the cache vouches for: a page, a static file or a folder of pages
    removed by hand (`rm -r public/tags`) is not "up to date", or a deploy would remove it
    from the live site too. Only what is missing is written again."""
    age_everything(example_copy)
    build(example_copy, workers=1)
    expected = snapshot(example_copy / "public")
    assert deleted in expected or any(path.startswith(f"{deleted}/") for path in expected)
    target = example_copy / "public" / deleted
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    result = build(example_copy, workers=1)
    assert not result.up_to_date, result.summary()
    assert snapshot(example_copy / "public") == expected
    missing = len([p for p in expected if p == deleted or p.startswith(f"{deleted}/")])
    assert result.written == missing
    assert build(example_copy, workers=1).up_to_date
    # Nor is an edit to a brief's text spliced into the files as they are.
    brief = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    brief.write_text(brief.read_text() + "\nA spliced paragraph.\n")
    assert build(example_copy, workers=1).text_edits == 1  # the splice, when nothing is missing
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    brief.write_text(brief.read_text() + "\nAnother paragraph.\n")
    result = build(example_copy, workers=1)
    assert result.text_edits == 0, result.summary()
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


@pytest.mark.parametrize(
    "edited",
    ["briefs/2025/08/harwick-ban-lifted/index.html", "tags/index.html", "feed.xml", "static/style.css"],
)
@pytest.mark.parametrize("same_size", [False, True], ids=["text added", "same size"])
def test_an_output_file_edited_by_hand_is_written_again_by_the_next_build(
    example_copy, tmp_path, edited, same_size
):
    """A file of the output changed by hand (a fix made on the built page, a tool that rewrote
    it) is not "up to date" either: the next build writes brief's page again, as Hugo or MkDocs
    would, rather than keep a page its inputs do not make, and deploy it. Only that file."""
    age_everything(example_copy)
    build(example_copy, workers=1)
    expected = snapshot(example_copy / "public")
    target = example_copy / "public" / edited

    def edit_by_hand() -> None:  # a second after the build wrote it: a clock's tick can be coarse
        data, written = target.read_bytes(), target.stat().st_mtime_ns + 1_000_000_000
        target.write_bytes(
            data[:-1] + (b"\n" if data.endswith(b" ") else b" ")
            if same_size
            else data + b"<!-- fixed by hand -->\n"
        )
        os.utime(target, ns=(written, written))

    edit_by_hand()
    result = build(example_copy, workers=1)
    assert not result.up_to_date, result.summary()
    assert snapshot(example_copy / "public") == expected
    assert result.written == 1
    assert build(example_copy, workers=1).up_to_date
    # A text edit is not spliced into the files as they are, nor into the one edited by hand.
    brief = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    brief.write_text(brief.read_text() + "\nA spliced paragraph.\n")
    assert build(example_copy, workers=1).text_edits == 1  # the splice, when nothing was edited
    edit_by_hand()
    brief.write_text(brief.read_text() + "\nAnother paragraph.\n")
    result = build(example_copy, workers=1)
    assert result.text_edits == 0, result.summary()
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)
    assert build(example_copy, workers=1).up_to_date


@pytest.mark.skipif(
    not pagefind_available(), reason="pagefind is not installed (pip install 'brief[search]')"
)
def test_a_search_index_deleted_by_hand_is_made_again_by_the_next_build(example_copy):
    age_everything(example_copy)
    build(example_copy, workers=1)
    entry = example_copy / "public" / "pagefind" / "pagefind-entry.json"
    assert entry.is_file()
    shutil.rmtree(entry.parent)
    result = build(example_copy, workers=1)
    assert result.up_to_date and result.search_indexed, result.summary()
    assert entry.is_file()


EDITS = [
    "edit_body",
    "edit_title",
    "add",
    "delete",
    "rename",
    "retag",
    "template",
    "site_yml",
    "draft",
    "own_card",
]

# A site's own card that shows what the theme's does not: the body's length, an excerpt of it,
# the site's counts and another term's data. A card is in every list; what it reads decides
# which lists a body edit makes stale.
OWN_CARD = """{% include "theme:partials/card.html" %}
<li class="words">{{ item.brief.body|wordcount }} words: {{ item.brief.body|truncate(40) }}
{{ item.brief.extra.get("subtitle", "") }} of {{ site.pages|length }} briefs,
{% for tag in item.tags %}{{ tag.count }} in {{ tag.name }}; {% endfor %}{{ config.title }}</li>
"""


def build_with_own_card(root: Path) -> None:
    """The site with OWN_CARD as its card, its files aged, built."""
    card = root / "templates" / "partials" / "card.html"
    card.parent.mkdir(parents=True)
    card.write_text(OWN_CARD)
    age_everything(root)
    build(root)


def apply_edit(root: Path, rng: random.Random, step: int) -> str:
    briefs_dir = root / "content" / "briefs"
    briefs = sorted(briefs_dir.rglob("*.md"))
    kind = rng.choice(EDITS)
    target = rng.choice(briefs) if briefs else None
    if kind == "add" or target is None:
        path = briefs_dir / "2025" / "11" / f"new-{step}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            brief_text(
                f"New brief {step}",
                f"2025-11-{1 + step % 27:02d}T10:00:00+00:00",
                body=f"Marta Lindqvist spoke in Tallinn, step {step}.",
                tags=["Baltic security", f"step {step % 3}"],
                entities={"people": ["Marta Lindqvist"], "places": ["Tallinn"]},
            )
        )
        touch(path, step)
        return kind
    text = target.read_text()
    if kind == "edit_body":
        target.write_text(text + f"\nAnother paragraph, step {step}.\n")
    elif kind == "edit_title":
        if '\ntitle: "' in text:
            target.write_text(text.replace('\ntitle: "', f'\ntitle: "Step {step}: ', 1))
        else:
            target.write_text(text.replace("---\n", f"---\nsubtitle: step {step}\n", 1))
    elif kind == "delete":
        target.unlink()
        return kind
    elif kind == "rename":
        renamed = target.with_name(f"renamed-{step}.md")
        target.rename(renamed)
        target = renamed
    elif kind == "retag":
        target.write_text(
            text.replace("tags: [", f"tags: [retagged {step}, ", 1) if "tags: [" in text else text
        )
    elif kind == "draft":
        target.write_text(text.replace("---\n", "---\ndraft: true\n", 1) if "draft:" not in text else text)
    elif kind == "own_card":
        path = root / "templates" / "partials" / "card.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(OWN_CARD if not path.exists() else OWN_CARD.replace("words:", f"words ({step}):"))
        touch(path, step)
        return kind
    elif kind == "template":
        templates = root / "templates"
        templates.mkdir(exist_ok=True)
        path = templates / "brief.html"
        path.write_text(
            '{% extends "theme:brief.html" %}{% block main %}<p class="edition">Edition '
            + str(step)
            + "</p>{{ super() }}{% endblock %}"
        )
        touch(path, step)
        return kind
    elif kind == "site_yml":
        config = root / "site.yml"
        config.write_text(
            config.read_text().replace("pagination: 5", f"pagination: {3 + step % 4}", 1)
            if "pagination: 5" in config.read_text()
            else config.read_text().replace("pagination:", "pagination: 5 #", 1)
        )
        touch(config, step)
        return kind
    touch(target, step)
    return kind


@pytest.mark.parametrize("seed", range(1, 7))
def test_random_edit_sequences_match_a_clean_build(example_copy, tmp_path, seed):
    rng = random.Random(seed)
    age_everything(example_copy)
    build(example_copy)
    for step in range(8):
        kind = apply_edit(example_copy, rng, step)
        try:
            build(example_copy)
        except BriefError:
            # An edit may make the site invalid (a slug clash): then the clean build must fail too.
            with pytest.raises(BriefError):
                clean_build_of(example_copy, tmp_path)
            continue
        assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path), (
            f"after {kind} (step {step})"
        )


def input_files(root: Path) -> dict[Path, bytes]:
    return {
        p: p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not {"public", ".brief-cache"} & set(p.relative_to(root).parts)
    }


@pytest.mark.parametrize("seed", range(1, 5))
def test_random_edits_in_a_warm_process_match_a_clean_build(example_copy, tmp_path, seed):
    """What brief serve does: keep the last build and pass the files that changed."""
    rng = random.Random(seed)
    builder = Builder(example_copy, keep_model=True)
    builder.build()
    for step in range(10):
        before = input_files(example_copy)
        kind = "edit_body" if step % 2 == 0 else apply_edit(example_copy, rng, step)
        if kind == "edit_body":
            target = sorted((example_copy / "content" / "briefs").rglob("*.md"))[step % 5]
            target.write_text(target.read_text() + f"\nA warm paragraph, step {step}.\n")
        after = input_files(example_copy)
        changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        try:
            builder.build(changed)
        except BriefError:
            with pytest.raises(BriefError):
                clean_build_of(example_copy, tmp_path)
            continue
        assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path), (
            f"after {kind} (step {step})"
        )


@pytest.mark.parametrize("seed", range(1, 5))
def test_random_edits_alternating_brief_serve_and_brief_build_match_a_clean_build(
    example_copy, tmp_path, seed
):
    """brief serve stopped, brief build run, serve started again: a warm process saves no reads
    after a text edit, so the next process must not trust what the last saved reads say of the
    files it replaced (nor of the briefs it read since)."""
    rng = random.Random(seed)
    builder: Builder | None = None
    undo: tuple[Path, str] | None = None  # the last body edit, to take back (git checkout, an editor's undo)
    for step in range(10):
        before = input_files(example_copy)
        draw = rng.random()
        kind = (
            "nothing"  # a build with nothing new still saves the manifest
            if draw < 0.15
            else "edit_body"
            if draw < 0.45
            else "undo"
            if draw < 0.6 and undo
            else apply_edit(example_copy, rng, step)
        )
        if kind == "edit_body":
            target = rng.choice(sorted((example_copy / "content" / "briefs").rglob("*.md")))
            undo = target, target.read_text()
            target.write_text(target.read_text() + f"\nA paragraph, step {step}.\n")
            touch(target, step)
        elif kind == "undo" and undo is not None:
            target, text = undo
            undo = None
            if target.exists():
                target.write_text(text)
                touch(target, step)
        after = input_files(example_copy)
        changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        # An undo comes from outside (git checkout) while brief serve is stopped.
        warm = builder is not None and kind != "undo" and rng.random() < 0.6
        try:
            if warm:
                builder.build(changed)  # type: ignore[union-attr]
            else:
                builder = None  # brief serve stopped; brief build in a new process
                build(example_copy)
                if rng.random() < 0.5:  # brief serve started again: its first build
                    builder = Builder(example_copy, keep_model=True)
                    builder.build()
        except BriefError:
            with pytest.raises(BriefError):
                clean_build_of(example_copy, tmp_path)
            builder = None
            continue
        assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path), (
            f"after {kind} (step {step}, {'warm' if warm else 'new process'})"
        )


@pytest.mark.parametrize("elsewhere", ["a title edited", "a body edited", "a clean build"])
def test_brief_serve_running_while_brief_build_runs_in_another_terminal(example_copy, tmp_path, elsewhere):
    """brief serve keeps its model between builds; brief build in another terminal builds the
    site beside it. A title edited there, serve's watcher then saw the file but the build found
    nothing new, and serve kept the model with the old title: its next text edit wrote the old
    title back into every list also showing the edited brief (the feeds, here)."""
    age_everything(example_copy)
    serve = Builder(example_copy, keep_model=True)
    serve.build()
    first, second = sorted((example_copy / "content" / "briefs").rglob("*.md"))[:2]
    seen: set[Path] = set()
    if elsewhere == "a title edited":
        first.write_text(re.sub(r"(?m)^title: .*$", "title: Retitled elsewhere", first.read_text(), count=1))
        seen = {first}
    elif elsewhere == "a body edited":
        first.write_text(first.read_text() + "\nA paragraph written elsewhere.\n")
        seen = {first}
    touch(first, 1)
    build(example_copy, clean=elsewhere == "a clean build")
    if seen:
        serve.build(seen)
    second.write_text(second.read_text() + "\nA paragraph written while brief serve ran.\n")
    touch(second, 2)
    serve.build({second})
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)
    build(example_copy)
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_a_text_edit_in_brief_serve_after_the_output_was_deleted_builds_the_whole_site(
    example_copy, tmp_path
):
    """`rm -rf public` while brief serve runs: its next text edit wrote the few pages showing
    that text into an empty folder."""
    age_everything(example_copy)
    serve = Builder(example_copy, keep_model=True)
    serve.build()
    shutil.rmtree(example_copy / "public")
    target = sorted((example_copy / "content" / "briefs").rglob("*.md"))[1]
    target.write_text(target.read_text() + "\nA paragraph written while brief serve ran.\n")
    touch(target, 1)
    serve.build({target})
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


@pytest.mark.parametrize(
    "saved",
    ["a brief, spliced", "a brief, built", "a template", "a static file", "a template, as it compiles"],
)
def test_a_file_saved_again_while_a_build_reads_it_and_that_save_undone(
    example_copy, tmp_path, monkeypatch, saved
):
    """An editor saves a file again between the build hashing it and reading it (a second
    save, or serve's build racing the editor): the output shows the second save. Once that save
    is undone, the file is again as the build hashed it: the build must have recorded what it
    read, or something it cannot vouch for, or the next one takes the output as up to date.
    A template is also read twice (for its digest, then to compile it; and by each worker
    that loads it first): saved in between, pages show one save and the reads record the other."""
    if saved == "a brief, spliced":
        age_everything(example_copy)
        build(example_copy)
    else:
        build_with_own_card(example_copy)  # its card counts words: no splice, the model is built
    card = example_copy / "templates" / "partials" / "card.html"
    target = {"a template": card, "a template, as it compiles": card}.get(saved)
    if saved == "a static file":
        target = example_copy / "static" / "extra.css"
        target.parent.mkdir()
        target.write_text("")
    target = target or sorted((example_copy / "content" / "briefs").rglob("*.md"))[1]
    original = target.read_text()
    first_save = original + "\n<!-- the first save -->\n"
    second_save = original + "\n<!-- the second save, made while the build ran -->\n"
    target.write_text(first_save)
    touch(target, 1)
    if saved == "a template, as it compiles":
        get_source = jinja2.FileSystemLoader.get_source

        def read_then_save(loader, environment, name):
            found = get_source(loader, environment, name)
            if name == "partials/card.html" and target.read_text() != second_save:
                target.write_text(second_save)
            return found

        monkeypatch.setattr(jinja2.FileSystemLoader, "get_source", read_then_save)
    else:
        hash_files = build_cache.BuildCache.file_digests

        def hash_then_save(cache, paths, hash_many=None):
            digests = hash_files(cache, paths, hash_many)
            target.write_text(second_save)
            return digests

        monkeypatch.setattr(build_cache.BuildCache, "file_digests", hash_then_save)
    build(example_copy)
    monkeypatch.undo()
    assert any(b"second save" in data for data in snapshot(example_copy / "public").values())
    target.write_text(first_save)
    touch(target, 2)
    build(example_copy)
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_brief_build_after_brief_serve_edited_a_brief_and_the_edit_was_undone(example_copy, tmp_path):
    """brief serve applies a text edit without saving the reads; once it is stopped, the edit
    is taken back (git checkout): the brief is as the last saved build knew it, but the pages
    serve rewrote show the edit, and the next brief build must render them again."""
    age_everything(example_copy)
    build(example_copy)
    builder = Builder(example_copy, keep_model=True)
    builder.build()
    target = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    original = target.read_text()
    target.write_text(original + "\nA paragraph written while brief serve ran.\n")
    builder.build({target})
    target.write_text(original)
    touch(target, 1)
    build(example_copy)
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_a_text_edit_after_brief_serve_edited_another_brief_and_a_build_found_nothing_new(
    example_copy, tmp_path
):
    """A site card counting words; brief serve applies a text edit (saving no reads), then a
    brief build finds nothing new and saves the manifest with the edited file's new digest.
    The next text edit must still check the first brief's keys: its card, kept from the last
    saved build, still counts the words it had then (it did, on 18 pages)."""
    build_with_own_card(example_copy)
    builder = Builder(example_copy, keep_model=True)
    builder.build()
    first, second = sorted((example_copy / "content" / "briefs").rglob("*.md"))[:2]
    first.write_text(first.read_text() + "\nMany more words, written while brief serve ran.\n")
    builder.build({first})
    assert build(example_copy).up_to_date
    second.write_text(second.read_text() + "\nAnother paragraph.\n")
    touch(second, 2)
    build(example_copy)
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_a_text_edit_in_a_warm_process_rewrites_only_the_pages_showing_the_text(example_copy):
    builder = Builder(example_copy, keep_model=True)
    first = builder.build()
    out = example_copy / "public"
    # The search index is rebuilt whole after any change: only the pages are counted.
    before = files_as_they_are(out)
    target = next(p for p in sorted((example_copy / "content" / "briefs").rglob("*.md")))
    assert builder.warm is not None
    page = builder.warm.page_for(target).url.strip("/") + "/index.html"
    target.write_text(target.read_text() + "\nA new closing paragraph.\n")
    second = builder.build({target})
    assert second.site is first.site  # the quick path, not a full build
    rewritten = {p.relative_to(out).as_posix() for p in before if _as_it_is(p) != before[p]}
    assert page in rewritten and "A new closing paragraph." in (out / page).read_text()
    # Besides the brief's page, only feeds, which carry the text.
    others = rewritten - {page}
    assert others and all(r.endswith((".xml", ".json")) for r in others), others
    # A front-matter edit is not for the quick path: the full build takes it.
    target.write_text(target.read_text().replace("title: ", "title: Changed ", 1))
    third = builder.build({target})
    assert third.site is not second.site


def test_a_text_edit_in_a_new_process_rewrites_only_the_pages_showing_the_text(example_copy, tmp_path):
    """`brief build` after editing a brief's text puts the new body into the last build's files
    (build.quick.splice_text_edits) instead of building the site model again."""
    age_everything(example_copy)
    build(example_copy)
    out = example_copy / "public"
    before = files_as_they_are(out)
    target = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    original = target.read_text()
    target.write_text(original + "\nA spliced paragraph with *emphasis* & Marta Lindqvist.\n")
    result = build(example_copy)
    assert result.text_edits == 1 and result.summary().startswith("updated the text of 1 brief in ")
    rewritten = {p.relative_to(out).as_posix() for p in before if _as_it_is(p) != before[p]}
    assert "briefs/2025/05/tromso-rescue-exercise/index.html" in rewritten
    assert all(
        r.endswith((".xml", ".json"))
        for r in rewritten - {"briefs/2025/05/tromso-rescue-exercise/index.html"}
    )
    assert snapshot(out) == clean_build_of(example_copy, tmp_path)
    # The text put back in a build that is a full one (another brief retitled): the pages that
    # were spliced have no digest to match, so they are rendered again, not kept as spliced.
    other = next(p for p in (example_copy / "content" / "briefs").rglob("*.md") if p != target)
    other.write_text(other.read_text().replace("title: ", "title: Retitled ", 1))
    target.write_text(original)
    assert build(example_copy).text_edits == 0
    assert snapshot(out) == clean_build_of(example_copy, tmp_path)
    # Splicing several times in a row works from what the last splice stored, and the record
    # of pages replaced since the reads were saved lists each page once, however many edits.
    for n in range(4):
        target.write_text(original + f"\nSplice {n}.\n")
        assert build(example_copy).text_edits == 1
    assert snapshot(out) == clean_build_of(example_copy, tmp_path)
    stale = (example_copy / ".brief-cache" / "stale-reads").read_text().splitlines()
    assert "briefs/2025/05/tromso-rescue-exercise/index.html" in stale and len(stale) == len(set(stale))


@pytest.mark.parametrize("warm", [False, True])
def test_a_template_edit_renders_again_only_the_pages_that_load_it(example_copy, tmp_path, monkeypatch, warm):
    """A template is a key of the pages (and fragments) that load it, not of the whole site: a
    site's own term.html, added and then edited, renders and rewrites the term pages and
    nothing else, in a new process and in one that keeps its build (brief serve)."""
    rendered: list[str] = []
    real_render = Renderer.render

    def counting(self, page):
        rendered.append(page.path)
        return real_render(self, page)

    monkeypatch.setattr(Renderer, "render", counting)
    age_everything(example_copy)
    builder = Builder(example_copy, keep_model=warm)
    first = builder.build()
    term_pages = [page.path for page in first.plan if page.template == "term.html"]
    assert 0 < len(term_pages) < len(first.plan) // 4
    own = example_copy / "templates" / "term.html"
    own.parent.mkdir()
    for step, marker in enumerate(["Our own terms", "Our own terms, edited"]):
        own.write_text(
            '{% extends "theme:term.html" %}{% block main %}<p>' + marker + "</p>{{ super() }}{% endblock %}"
        )
        touch(own, step)
        before = {path: path.stat().st_mtime_ns for path in (example_copy / "public").rglob("*.html")}
        rendered.clear()
        result = builder.build({own})
        assert sorted(rendered) == sorted(term_pages), marker
        rewritten = {
            path.relative_to(example_copy / "public").as_posix()
            for path in (example_copy / "public").rglob("*.html")
            if before.get(path) != path.stat().st_mtime_ns
        }
        assert result.written == len(term_pages) and rewritten == set(term_pages), marker
        assert marker in (example_copy / "public" / term_pages[0]).read_text()
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_a_build_that_renders_many_pages_carries_the_others_into_the_staged_folder(
    example_copy, tmp_path, pool_for_small_sites, monkeypatch
):
    """More stale pages than an update in place takes: they are rendered (in the pool) into a
    staged folder, and every other page is carried over as it is, not rendered again."""
    renders = tmp_path / "renders"
    real_render = Renderer.render

    def counting(self, page):
        with open(renders, "a", encoding="utf-8") as out:
            out.write(f"{page.path}\n")
        return real_render(self, page)

    monkeypatch.setattr(Renderer, "render", counting)
    age_everything(example_copy)
    first = build(example_copy, workers=2)
    renders.unlink()
    own = example_copy / "templates" / "partials" / "pagination.html"
    own.parent.mkdir(parents=True)
    own.write_text('{% include "theme:partials/pagination.html" %}<!-- our own pagination -->\n')
    result = build(example_copy, workers=2)
    rendered = set(renders.read_text().splitlines())
    showing = {
        path.relative_to(example_copy / "public").as_posix()
        for path in (example_copy / "public").rglob("*.html")
        if "our own pagination" in path.read_text()
    }
    assert rendered == showing and len(first.plan) // 4 < len(rendered) < len(first.plan) // 2
    assert result.unchanged >= len(first.plan) - len(rendered)
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_a_staged_build_has_removed_the_site_it_replaced_when_it_returns(example_copy):
    """The old site is removed while the cache is saved, and gone when the build ends."""
    build(example_copy)
    before = snapshot(example_copy / "public")
    assert build(example_copy, clean=True).written == 0
    assert snapshot(example_copy / "public") == before
    assert [path.name for path in example_copy.iterdir() if path.name.startswith(".public")] == []


def test_text_edits_take_the_full_build_when_the_site_has_its_own_templates(example_copy, tmp_path):
    """A template may show the text in ways a splice cannot follow (a word count, an excerpt)."""
    templates = example_copy / "templates"
    templates.mkdir()
    (templates / "brief.html").write_text(
        '{% extends "theme:brief.html" %}{% block main %}<p>{{ item.brief.body|wordcount }} words</p>'
        "{{ super() }}{% endblock %}"
    )
    build(example_copy)
    target = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    target.write_text(target.read_text() + "\nFour more words here.\n")
    assert build(example_copy).text_edits == 0
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_a_site_card_showing_the_word_count_is_rebuilt_after_a_body_edit(example_copy, tmp_path, monkeypatch):
    """What a page shows is what its templates read: a site's own card that reads the body
    makes every list showing that brief depend on its text (issue 15). The build that follows
    a text edit looks up only the keys of the edited brief, not every key the site read."""
    build_with_own_card(example_copy)
    checked: list[tuple[int, int]] = []  # (keys looked up, keys the site read)
    changed_keys = parallel.changed_keys

    def counting(log, resolver, progress, workers=None, numbers=None):
        checked.append((len(log.keys) if numbers is None else len(numbers), len(log.keys)))
        return changed_keys(log, resolver, progress, workers, numbers)

    monkeypatch.setattr(parallel, "changed_keys", counting)
    target = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    target.write_text(target.read_text() + "\n" + "More words here. " * 40 + "\n")
    result = build(example_copy)
    assert result.text_edits == 0 and not result.up_to_date  # the card's word count: no splice
    assert 0 < checked[0][0] < checked[0][1] / 20
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)
    # The same edit in a process that keeps its build, as brief serve does.
    builder = Builder(example_copy, keep_model=True)
    builder.build()
    target.write_text(target.read_text() + "\nAnd a last sentence.\n")
    builder.build({target})
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_a_build_looks_up_no_key_of_a_brief_whose_file_is_as_its_reads_saw_it(
    example_copy, tmp_path, monkeypatch
):
    """A brief is parsed from its file alone: when a brief is added and another edited, the
    keys of every other brief's file keep their values and are not looked up again; the edited
    brief's are, and its new title reaches every page that shows it."""
    age_everything(example_copy)
    build(example_copy)
    checked: list = []
    changed_keys = parallel.changed_keys

    def recording(log, resolver, progress, workers=None, numbers=None):
        checked.extend(log.keys[n] for n in (range(len(log.keys)) if numbers is None else numbers))
        return changed_keys(log, resolver, progress, workers, numbers)

    monkeypatch.setattr(parallel, "changed_keys", recording)
    briefs = example_copy / "content" / "briefs"
    edited = next(briefs.rglob("tromso-rescue-exercise.md"))
    edited.write_text(edited.read_text().replace('\ntitle: "', '\ntitle: "Retitled: ', 1))
    added = briefs / "2025" / "11" / "added.md"
    added.parent.mkdir(parents=True, exist_ok=True)
    added.write_text(brief_text("An added brief", "2025-11-02T10:00:00+00:00", tags=["Baltic security"]))
    build(example_copy)
    files_looked_up = {ref[1] for ref, _ in checked if ref[0] == "file"}
    assert files_looked_up == {edited.relative_to(example_copy).as_posix()}
    assert any(ref[0] == "item" for ref, _ in checked)  # the rest are looked up as before
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def build_killed_between_two_replacements(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that updates the output in place, killed after it put one file in place: the
    new files not yet put in place are left beside their targets, as a killed process leaves
    them (Writer's temporary files, named with its pid)."""
    import brief.builder.writer as inplace

    put_in_place, calls = inplace._put_in_place, []
    ended = subprocess.Popen(["true"])  # the pid of a process gone, as the killed build's is
    ended.wait()

    def dies_on_the_second_file(temporary: Path, target: Path) -> None:
        calls.append(target)
        if len(calls) == 2:
            shutil.copy(temporary, target.with_name(f".{target.name}.tmp-{ended.pid}"))
            raise KeyboardInterrupt  # as if the process were killed
        put_in_place(temporary, target)

    monkeypatch.setattr(inplace, "_put_in_place", dies_on_the_second_file)
    with pytest.raises(KeyboardInterrupt):
        build(root)
    monkeypatch.setattr(inplace, "_put_in_place", put_in_place)


def test_a_build_stopped_while_replacing_files_is_repaired_even_if_the_edit_is_undone(
    example_copy, tmp_path, monkeypatch
):
    """Updates in place replace files one by one. If the process dies between two, and the
    brief is then put back as it was, the next build must not take the old digests at their word."""
    age_everything(example_copy)
    build(example_copy)
    target = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    original = target.read_text()
    target.write_text(original + "\nA paragraph that half arrives.\n")
    build_killed_between_two_replacements(example_copy, monkeypatch)
    out = example_copy / "public"
    assert (
        "A paragraph that half arrives."
        in (out / "briefs/2025/05/tromso-rescue-exercise/index.html").read_text()
    )
    target.write_text(original)
    build(example_copy)
    assert snapshot(out) == clean_build_of(example_copy, tmp_path)


def test_an_update_in_place_stopped_midway_is_repaired_with_the_static_files_kept(
    example_copy, tmp_path, monkeypatch
):
    """An update in place lists every file it is about to replace, static ones included, in
    case it stops. The next build renders those pages again; it must not take a listed static
    file for a page that is gone, and delete it."""
    age_everything(example_copy)
    build(example_copy)
    target = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    target.write_text(target.read_text().replace('\ntitle: "', '\ntitle: "Retitled: ', 1))
    build_killed_between_two_replacements(example_copy, monkeypatch)
    build(example_copy)
    assert (example_copy / "public" / "static" / "style.css").is_file()
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def pagefind_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind interrupted over the output folder (Ctrl-C, or the process killed)."""

    def interrupted(folder: Path, lock: object = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "index_site", interrupted)


@pytest.mark.skipif(not pagefind_available(), reason="pagefind is not installed (the test extra)")
@pytest.mark.parametrize("case", ["a splice", "an update in place", "brief serve"])
def test_a_search_index_left_behind_its_pages_is_made_again_by_the_next_build(
    example_copy, tmp_path, monkeypatch, case
):
    """Pages replaced in the output folder come before their search index: a splice or an
    update in place runs Pagefind after them (half a minute at 10,000 briefs), brief serve in
    the background, not waited for when it stops. Stopped there, the manifest already said the
    output was up to date: every later build said so too, and the index missed the edit."""
    age_everything(example_copy)
    build(example_copy)
    target = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    if case == "a splice":
        target.write_text(target.read_text() + "\nA paragraph about quillwort.\n")
    else:
        target.write_text(target.read_text().replace('\ntitle: "', '\ntitle: "Quillwort: ', 1))
    if case == "brief serve":
        serve = Builder(example_copy, run_module.BuildOptions(index_search=False), keep_model=True)
        serve.build()  # its indexer would run now; brief serve is stopped first
    else:
        with monkeypatch.context() as patched:
            pagefind_stopped(patched)
            with pytest.raises(KeyboardInterrupt):
                build(example_copy)
    result = build(example_copy)
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)
    assert result.up_to_date and result.search_indexed, result.summary()  # no page rendered again
    assert not build(example_copy).search_indexed


def test_text_edits_that_keep_what_pages_read_leave_the_saved_reads_as_they_were(example_copy, tmp_path):
    """A site card counting words: a text edit renders again the pages showing the brief and
    saves what brief serve saves, not the reads (0.7 s at 10,000 briefs), while the edits are
    to the brief the last build edited; an edit to another brief saves the reads, or the first
    one's keys would be checked, and its pages rendered, at every build from then on."""
    build_with_own_card(example_copy)
    reads = example_copy / ".brief-cache" / "reads.marshal"
    first, second = sorted((example_copy / "content" / "briefs").rglob("*.md"))[:2]
    for step, (target, reads_saved) in enumerate(
        [(first, False), (first, False), (second, True), (second, False)]
    ):
        saved = reads.stat().st_mtime_ns
        target.write_text(target.read_text() + f"\nA sentence of step {step} adds words.\n")
        touch(target, step)
        assert build(example_copy).written
        assert (reads.stat().st_mtime_ns != saved) == reads_saved, f"step {step}"
        assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


@pytest.mark.parametrize("then", ["undo", "undo and add a brief", "edit again"])
def test_a_text_edit_after_one_that_left_the_saved_reads_as_they_were(example_copy, tmp_path, then):
    """After a build that left the saved reads as they were, its output shows a text the reads
    never saw: the next build cannot compare the edited brief's values with the reads' (an
    undo puts the file back as the reads saw it, and its values equal theirs), so every page
    reading that brief is rendered again. Found by tests/fuzz_edits.py."""
    build_with_own_card(example_copy)
    reads = example_copy / ".brief-cache" / "reads.marshal"
    target = sorted((example_copy / "content" / "briefs").rglob("*.md"))[0]
    original = target.read_text()
    target.write_text(original + "\nA sentence that adds words.\n")
    touch(target, 1)
    saved = reads.stat().st_mtime_ns
    build(example_copy)
    assert reads.stat().st_mtime_ns == saved  # the reads as they were: they say the old text
    if then.startswith("undo"):
        target.write_text(original)
    else:
        target.write_text(original + "\nAnother sentence adds as many.\n")
    if then == "undo and add a brief":
        added = target.with_name("added-brief.md")
        added.write_text(brief_text("Added brief", "2025-11-02T10:00:00+00:00", body="A new brief."))
        touch(added, 2)
    touch(target, 2)
    build(example_copy)
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_brief_build_splices_after_brief_serve_edited_the_same_brief(example_copy, tmp_path):
    """brief serve stores the bodies it renders, so the next `brief build` splices from them."""
    builder = Builder(example_copy, keep_model=True)
    first = builder.build()
    target = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    original = target.read_text()
    target.write_text(original + "\nAdded while serving.\n")
    assert builder.build({target}).site is first.site
    target.write_text(original + "\nAdded while serving, then changed after.\n")
    assert build(example_copy).text_edits == 1
    assert snapshot(example_copy / "public") == clean_build_of(example_copy, tmp_path)


def test_an_unwritable_cache_stops_an_update_in_place_before_any_file_is_touched(example_copy):
    age_everything(example_copy)
    build(example_copy)
    before = snapshot(example_copy / "public")
    target = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    target.write_text(target.read_text() + "\nA paragraph the cache cannot vouch for.\n")
    blocker = example_copy / ".brief-cache" / "unsaved-pages"
    blocker.mkdir()  # as root, permissions would not stop the write: a folder does
    with pytest.raises(BriefError) as caught:
        build(example_copy)
    assert "cannot write the build cache" in str(caught.value) and "unsaved-pages" in str(caught.value)
    assert snapshot(example_copy / "public") == before
    blocker.rmdir()
    assert build(example_copy).text_edits == 1


def _pid_of_each(_: object, indexes: list[int]) -> list[int]:
    time.sleep(0.005)  # long enough that every worker started gets chunks
    return [os.getpid()] * len(indexes)


def test_a_pool_starts_only_the_workers_its_work_pays_for():
    """Each worker is one more fork of the whole build: 4 times the minimum of items pays for
    2·√4 = 4 workers, not 16, however many cores there are."""
    pids: list[int] = []
    parallel.fork_map(_pid_of_each, None, 400, lambda found, _: pids.extend(found), workers=16, minimum=100)
    assert len(pids) == 400
    assert 2 <= len(set(pids) - {os.getpid()}) <= 4


def test_saving_the_cache_is_one_job_per_kind_of_file(example_copy, pool_for_small_sites, monkeypatch):
    """Not one job per file (131): a pool starts as many workers as its jobs pay for."""
    saved: list[int] = []
    real_fork_map = parallel.fork_map

    def spying(function, shared, count, *args, **kwargs):
        if function is parallel._run_chunk:
            saved.append(count)
        return real_fork_map(function, shared, count, *args, **kwargs)

    monkeypatch.setattr(parallel, "fork_map", spying)
    build(example_copy, workers=2)
    assert saved == [6]  # the reads, the fragments, the texts, the bodies, the briefs, the relations (memo)
    edited = sorted((example_copy / "content" / "briefs").rglob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert build(example_copy, workers=2).text_edits == 1  # spliced: the texts and bodies were saved
