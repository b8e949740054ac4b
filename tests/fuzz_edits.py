"""Long random edit sequences against a clean build:
`python -m tests.fuzz_edits FIRST LAST [--warm-undo] [--serve-stays] [--races] [--deletions] [--others]` runs seeds FIRST to LAST and prints the
ones whose output differs (a few seconds each; 351 seeds found the stale pages that
test_a_text_edit_after_one_that_left_the_saved_reads_as_they_were covers). Each sequence mixes test_incremental's edits with those below, builds in a new
process or in one that keeps its build (brief serve), with one or two workers and pools on or
off. tests/test_random_edits.py runs a few seeds in the suite."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from brief.builder.cache import BuildCache
from brief.builder.run import Builder, build
from brief.errors import BriefError, BuildErrors
from brief.sitefiles import OUTPUT_MARKER
from tests.conftest import REPO
from tests.test_build_behaviour import snapshot
from tests.test_incremental import apply_edit, clean_build_of, input_files, touch, use_pools_for_small_sites

OWN_STORY = """{% extends "theme:story.html" %}{% block main %}{{ super() }}
<ul class="own">{% for item in story.briefs %}<li>{{ item.brief.title }} · {{ item.brief.summary }}
· {{ item.brief.body|length }}</li>{% endfor %}</ul>
<p>{{ site.stories|length }} stories; {% for s in site.stories %}{{ s.title }}, {% endfor %}</p>
{% endblock %}"""

OWN_ENTITY = """{% extends "theme:entity.html" %}{% block main %}{{ super() }}
<p class="own">{{ term.name }} ({{ term.count }}): {{ term.aliases|join(", ") }};
{% for brief in term.briefs[:3] %}{{ brief.date }} {{ brief.source.name }}; {% endfor %}</p>
{% endblock %}"""


# Files a user puts into the output folder by hand (fuzz_edits --others).
THEIRS = {"CNAME": b"news.example.org\n", ".well-known/security.txt": b"Contact: mailto:desk@example.org\n"}


def more_edits(root: Path, rng: random.Random, step: int) -> str:
    """Edits apply_edit does not make: entities, dates, summaries, authors, the site's listings
    and its own story and entity templates, static files."""
    briefs = sorted((root / "content" / "briefs").rglob("*.md"))
    kind = rng.choice(
        [
            "entity",
            "date",
            "summary",
            "author",
            "stories_yml",
            "entities_yml",
            "own_story",
            "own_entity",
            "static",
        ]
    )
    target = rng.choice(briefs)
    text = target.read_text()
    if kind == "entity":
        if "places: [" in text and rng.random() < 0.5:
            text = text.replace("places: [", f"places: [Riga {step % 2}, ", 1)
        elif "  people:\n" in text:
            text = text.replace("  people:\n", "  people:\n    - name: Ilse Berg\n      mentions: 2\n", 1)
        else:
            text = re.sub(
                r"\n  organizations:\n    - name: [^\n]*\n(      [^\n]*\n)*",
                "\n  organizations:\n",
                text,
                count=1,
            )
        target.write_text(text)
    elif kind == "date":
        day = 1 + rng.randrange(27)
        text = re.sub(
            r"\ndate: \d{4}-\d\d-\d\d", f"\ndate: 2025-0{rng.choice([3, 4, 5, 6])}-{day:02d}", text, count=1
        )
        target.write_text(text)
    elif kind == "summary":
        text = re.sub(r'\nsummary: "', f'\nsummary: "Step {step}. ', text, count=1)
        target.write_text(text)
    elif kind == "author":
        text = re.sub(r"\nauthors: \[", f"\nauthors: [Writer {step % 3}, ", text, count=1)
        target.write_text(text)
    elif kind == "stories_yml":
        stories = root / "public" / "stories.json"
        slugs = [s["slug"] for s in json.loads(stories.read_text())] if stories.exists() else []
        path = root / "content" / "stories.yml"
        if slugs:
            slug = rng.choice(slugs)
            path.write_text(f"- slug: {slug}\n  title: The story, step {step}\n")
        elif path.exists():
            path.unlink()
        return kind
    elif kind == "entities_yml":
        path = root / "content" / "entities.yml"
        path.write_text(
            "entities:\n  - {name: Marta Lindqvist, kind: people, aliases: [Lindqvist],"
            f" description: 'Coordinator, step {step}'}}\nnever: [Nordic Dispatch]\n"
        )
        touch(path, step)
        return kind
    elif kind in ("own_story", "own_entity"):
        path = root / "templates" / ("story.html" if kind == "own_story" else "entity.html")
        path.parent.mkdir(parents=True, exist_ok=True)
        source = OWN_STORY if kind == "own_story" else OWN_ENTITY
        path.write_text(
            source.replace("<ul", f"<ul data-step='{step}'").replace(
                "<p class", f"<p data-step='{step}' class"
            )
        )
        touch(path, step)
        return kind
    elif kind == "static":
        path = root / "static" / "style.css"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((REPO / "themes/default/static/style.css").read_text() + f"\n/* step {step} */\n")
        touch(path, step)
        return kind
    touch(target, step)
    return kind


def body_edit(root: Path, rng: random.Random, step: int) -> tuple[Path, str]:
    target = rng.choice(sorted((root / "content" / "briefs").rglob("*.md")))
    old = target.read_text()
    target.write_text(old + f"\nA paragraph, step {step}.\n")
    touch(target, step)
    return target, old


def second_save(root: Path, rng: random.Random, step: int, just_saved: set[Path]) -> tuple[Path, str, str]:
    """A brief, template or static file (often one just saved: an editor saving twice), what it
    holds, and what an editor saves into it while a build runs."""
    files = [
        *sorted((root / "content" / "briefs").rglob("*.md")),
        *sorted((root / "templates").rglob("*.html")),
        *sorted((root / "static").rglob("*.css")),
    ]
    again = sorted(path for path in just_saved if path in files)
    target = rng.choice(again if again and rng.random() < 0.7 else files)
    old = target.read_text()
    added = {".md": f"\nSaved during build {step}.\n", ".css": f"\n/* saved during build {step} */\n"}
    return target, old, old + added.get(target.suffix, f"\n<!-- saved during build {step} -->\n")


@contextmanager
def saved_during_build(target: Path, text: str, step: int) -> Iterator[None]:
    """The next build hashes its inputs, then an editor saves `text` into `target`."""
    hash_files = BuildCache.file_digests
    saved = False

    def hash_then_save(cache: BuildCache, paths: list[str], hash_many=None) -> dict[str, str | None]:
        nonlocal saved
        digests = hash_files(cache, paths, hash_many)
        if not saved:
            saved = True
            target.write_text(text)
            touch(target, step)
        return digests

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BuildCache, "file_digests", hash_then_save)
        yield


def run_seed(
    seed: int,
    scratch: Path,
    warm_undo: bool = False,
    serve_stays: bool = False,
    races: bool = False,
    deletions: bool = False,
    others: bool = False,
) -> str | None:
    """None when every build of the sequence matched a clean one, else what went wrong. An
    undo is made while brief serve is stopped unless `warm_undo` (an editor's undo while it
    runs). With `serve_stays`, brief serve may keep running while brief build runs in another
    terminal; its next build is told every file changed since its last one (its watcher saw
    them all). With `races`, an editor may save a file while a brief build reads its inputs
    (the next undo takes that save back). With `deletions`, a file of the output is deleted
    or changed by hand at times before a build (its own random stream: a seed's edits stay the same).
    With `others`, files put into the output by hand (a CNAME) must stay through every build."""
    rng = random.Random(seed)
    deleter = random.Random(f"deletions-{seed}") if deletions else None
    root = scratch / f"site-{seed}"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yml", root / "site.yml")
    monkeypatch = pytest.MonkeyPatch()
    if rng.random() < 0.5:
        use_pools_for_small_sites(monkeypatch)
    workers = rng.choice([1, 2])
    builder: Builder | None = None
    undo: tuple[Path, str] | None = None
    unseen_by_serve: set[Path] = set()
    undo_next = False
    history = []
    try:
        build(root, workers=workers)
        theirs = THEIRS if others else {}
        for rel_path, data in theirs.items():
            (root / "public" / rel_path).parent.mkdir(parents=True, exist_ok=True)
            (root / "public" / rel_path).write_bytes(data)
        for step in range(14):
            before = input_files(root)
            draw = rng.random()
            if undo_next:  # the save made during the last build, taken back at once
                draw, undo_next = 0.45, False
            if draw < 0.1:
                kind = "nothing"
            elif draw < 0.4:
                kind = "edit_body"
                undo = body_edit(root, rng, step)
            elif draw < 0.5 and undo is not None:
                kind = "undo"
                target, text = undo
                undo = None
                if target.exists():
                    target.write_text(text)
                    touch(target, step)
            elif draw < 0.75:
                kind = more_edits(root, rng, step)
            else:
                kind = apply_edit(root, rng, step)
            after = input_files(root)
            changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
            unseen_by_serve |= changed
            warm = builder is not None and (warm_undo or kind != "undo") and rng.random() < 0.5
            stays = serve_stays and not warm and (warm_undo or kind != "undo") and rng.random() < 0.5
            history.append(f"{kind}{'(warm)' if warm else '(beside serve)' if stays and builder else ''}")
            try:
                if warm:
                    builder.build(unseen_by_serve)  # type: ignore[union-attr]
                    unseen_by_serve = set()
                else:
                    if not stays:
                        builder = None
                    if deleter is not None and deleter.random() < 0.15:  # `rm` in the output folder
                        # A page, a static file, or the whole search index (one of Pagefind's
                        # own files is not something a user removes, and a build does not look;
                        # without its mark, .brief-output, brief refuses the folder: guard_output).
                        out = root / "public"
                        outputs = sorted(
                            p
                            for p in out.rglob("*")
                            if p.is_file()
                            and "pagefind" not in p.parts
                            and p.relative_to(out).as_posix() not in {*theirs, OUTPUT_MARKER}
                        )
                        if (out / "pagefind").is_dir() and deleter.random() < 0.2:
                            shutil.rmtree(out / "pagefind")
                            history[-1] += "(the search index deleted)"
                        elif deleter.random() < 0.5:
                            deleter.choice(outputs).unlink()
                            history[-1] += "(an output file deleted)"
                        else:  # changed by hand, a second after the build wrote it
                            edited = deleter.choice(outputs)
                            later = edited.stat().st_mtime_ns + 1_000_000_000
                            edited.write_bytes(edited.read_bytes() + b"<!-- by hand -->")
                            os.utime(edited, ns=(later, later))
                            history[-1] += "(an output file edited)"
                    if races and rng.random() < 0.3:
                        target, old, new = second_save(root, rng, step, changed)
                        history[-1] += "(saved during build)"
                        with saved_during_build(target, new, step):
                            build(root, workers=workers)
                        undo, undo_next = (target, old), rng.random() < 0.5
                        unseen_by_serve.add(target)
                        continue  # it shows either save: the next build must show the last
                    else:
                        build(root, workers=workers)
                    if builder is None and rng.random() < 0.4:
                        builder = Builder(root, keep_model=True)
                        builder.build()
                        unseen_by_serve = set()
            except (BriefError, BuildErrors):
                builder = None
                try:
                    clean_build_of(root, scratch)
                except (BriefError, BuildErrors):
                    continue
                return f"seed {seed}: incremental failed, clean passed: {' '.join(history)}"
            got = snapshot(root / "public")
            if any(got.pop(rel_path, None) != data for rel_path, data in theirs.items()):
                return f"seed {seed}: {' '.join(history)}: a file put into the output by hand is gone"
            want = clean_build_of(root, scratch)
            if got != want:
                differ = sorted(k for k in got.keys() | want.keys() if got.get(k) != want.get(k))
                return (
                    f"seed {seed} workers {workers}: {' '.join(history)}: differ {differ[:6]} ({len(differ)})"
                )
    except Exception:
        return f"seed {seed}: {' '.join(history)}: {traceback.format_exc()[-600:]}"
    finally:
        monkeypatch.undo()
        shutil.rmtree(root, ignore_errors=True)
    return None


def main() -> None:
    first, last = int(sys.argv[1]), int(sys.argv[2])
    warm_undo = "--warm-undo" in sys.argv[3:]
    serve_stays = "--serve-stays" in sys.argv[3:]
    races = "--races" in sys.argv[3:]
    deletions = "--deletions" in sys.argv[3:]
    others = "--others" in sys.argv[3:]
    failures = 0
    for seed in range(first, last + 1):
        with tempfile.TemporaryDirectory() as scratch:
            problem = run_seed(seed, Path(scratch), warm_undo, serve_stays, races, deletions, others)
        if problem:
            failures += 1
            print(problem, flush=True)
        else:
            print(f"seed {seed}: ok", flush=True)
    print(f"{failures} failing seeds of {last - first + 1}")


if __name__ == "__main__":
    main()
