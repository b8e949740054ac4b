"""Builds and ingest on a real full disk: a tmpfs of a few MB holds the site, and a file fills
what is left.

A full disk must fail a build with one line naming the file, leave the output as it was, and
the next build, once there is room, must give what a clean build gives. Ingest must write no
half brief. Mounting needs root
(CI runs as root); elsewhere these tests skip."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from brief.builder.run import Builder, BuildOptions
from brief.builder.search import pagefind_available
from brief.serve.events import Broadcaster
from brief.serve.run import Rebuilder
from tests.conftest import REPO
from tests.test_build_behaviour import snapshot
from tests.test_deploy import add_target, published
from tests.test_incremental import clean_build_of


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(disk)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here (needs root): {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def brief_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "brief", "build", "--site", str(root)], capture_output=True, text=True
    )


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk up to `leave` bytes free."""
    state = os.statvfs(disk)
    junk = disk / "junk"
    with open(junk, "wb") as handle, contextlib.suppress(OSError):  # full already
        handle.write(b"\0" * max(0, state.f_bavail * state.f_frsize - leave))
    return junk


def fails_in_one_line_on_a_full_disk(disk: Path, command: list[str], file: str) -> Path:
    """Run `command` with `disk` full: exit status 1 and one error line, no traceback, naming a
    file that matches the regular expression `file`. The file that fills the disk is returned:
    delete it to make room."""
    junk = fill(disk, 0)
    failed = subprocess.run(command, capture_output=True, text=True)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    errors = [line for line in failed.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "Traceback" not in failed.stderr, failed.stderr
    expected = rf"error: {file}: no space left on device \(free some space on that disk\)"
    assert re.fullmatch(expected, errors[0]), errors
    return junk


def pages_and_index(root: Path, scratch: Path) -> tuple[dict[str, bytes], dict[str, bytes], list[str]]:
    """The output's pages, a clean build's, and the output's search index files that are broken.
    Pagefind numbers pages in the order it walks the folder, which on tmpfs is the order they
    were made: an index is compared by its files being whole, not by its bytes."""
    got, want = snapshot(root / "public"), clean_build_of(root, scratch)
    broken = []
    for name, data in got.items():
        if name.endswith((".pf_index", ".pf_fragment", ".pf_meta")):
            try:
                gzip.decompress(data)
            except (OSError, EOFError):
                broken.append(name)
        elif name == "pagefind/pagefind-entry.json":
            try:
                json.loads(data)
            except ValueError:
                broken.append(name)
        elif name.startswith("pagefind/") and name in want and want[name] != data:
            broken.append(name)  # Pagefind's own scripts and styles: the same in every index

    def pages(files: dict[str, bytes]) -> dict[str, bytes]:
        return {name: data for name, data in files.items() if not name.startswith("pagefind/")}

    return pages(got), pages(want), broken


def edited_site(disk: Path, edit: str) -> Path:
    root = disk / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yml", root / "site.yml")
    assert brief_build(root).returncode == 0
    target = next((root / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    if edit == "a brief's text":  # the splice
        target.write_text(target.read_text() + "\nA paragraph about quillwort.\n")
    elif edit == "a brief's title":  # an update in place
        target.write_text(target.read_text().replace('\ntitle: "', '\ntitle: "Quillwort: ', 1))
    else:  # every page: a staged build
        (root / "static").mkdir()
        (root / "static" / "extra.css").write_text("body { margin: 0 }\n")
        (root / "site.yml").write_text((root / "site.yml").read_text() + "\nlanguage: en-GB\n")
    return root


@pytest.mark.parametrize("edit", ["a brief's text", "a brief's title", "site.yml"])
def test_a_build_on_a_full_disk_fails_in_one_line_and_leaves_the_output_as_it_was(small_disk, tmp_path, edit):
    root = edited_site(small_disk, edit)
    before = snapshot(root / "public")
    junk = fill(small_disk, 0)
    failed = brief_build(root)
    assert failed.returncode == 1
    errors = [line for line in failed.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "no space left on device" in errors[0].lower(), failed.stderr
    assert "free some space on that disk" in errors[0] and "Traceback" not in failed.stderr
    assert ".public.building-" not in errors[0]  # a file of the output, not of its staging folder
    assert snapshot(root / "public") == before
    junk.unlink()
    assert brief_build(root).returncode == 0
    got, want, broken = pages_and_index(root, tmp_path)
    assert got == want and not broken


@pytest.mark.skipif(not pagefind_available(), reason="pagefind is not installed (the test extra)")
@pytest.mark.parametrize("edit", ["a brief's text", "site.yml"])  # the index after pages, and before the swap
def test_a_search_index_cut_short_by_a_full_disk_fails_the_build_and_is_made_again(
    small_disk, tmp_path, edit
):
    """Pagefind exits 0 when it cannot write its files (they are left empty or cut short): room
    for the pages but not for the index failed no build, and the site's search broke."""
    root = edited_site(small_disk, edit)
    junk = fill(small_disk, 300_000)  # the example's pages fit in that; its index (0.7 MB) does not
    failed = brief_build(root)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert failed.stderr.splitlines()[-1].startswith("error: public: the search index was not written whole")
    _, _, broken = pages_and_index(root, tmp_path)
    assert not broken  # the last whole index still answers
    junk.unlink()
    assert brief_build(root).returncode == 0
    got, want, broken = pages_and_index(root, tmp_path)
    assert got == want and not broken


@pytest.mark.parametrize("room", [0, 16_384])  # none: the cache's list fails; a little: a page
def test_brief_serve_on_a_full_disk_says_one_line_and_builds_once_there_is_room(small_disk, tmp_path, room):
    """A text edit in brief serve when the disk is full: one line on the terminal, the same
    on the page (the error overlay), the output as it was; the next edit builds."""
    root = small_disk / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yml", root / "site.yml")
    said: list[str] = []
    events = Broadcaster()
    builder = Builder(root, BuildOptions(index_search=False), keep_model=True)
    rebuilder = Rebuilder(builder, events, lambda line, error=False: said.append(line))
    assert rebuilder.run()
    before = snapshot(root / "public")
    target = next((root / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    target.write_text(target.read_text() + "\nA paragraph about quillwort.\n")
    junk = fill(small_disk, room)
    assert not rebuilder.run({target})
    assert len(said) == 2 and "no space left on device (free some space on that disk)" in said[-1].lower(), (
        said
    )
    assert events.error is not None and "no space left on device" in events.error["message"].lower()
    assert events.error["file"].startswith(str(root)), events.error  # the file it could not write
    assert snapshot(root / "public") == before
    junk.unlink()
    assert rebuilder.run({target})
    got, want, _ = pages_and_index(root, tmp_path)
    assert got == want


def test_ingest_on_a_full_disk_fails_in_one_line_naming_the_brief_and_writes_no_half_of_it(small_disk):
    root = small_disk / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yml", root / "site.yml")
    before = snapshot(root / "content")
    article = REPO / "tests" / "data" / "wire-ap.txt"
    ingest = [
        sys.executable,
        "-m",
        "brief",
        "ingest",
        "--site",
        str(root),
        "--backend",
        "rules",
        str(article),
    ]
    junk = fails_in_one_line_on_a_full_disk(small_disk, ingest, r"\S*content/briefs/\d{4}/\d\d/[^/]+\.md")
    assert snapshot(root / "content") == before  # nothing half-written, nothing left beside
    junk.unlink()
    done = subprocess.run(ingest, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    written = set(snapshot(root / "content")) - set(before)
    assert len(written) == 1 and next(iter(written)).endswith(".md")


def test_a_folder_deploy_to_a_full_disk_fails_in_one_line_and_leaves_nothing_beside(small_disk, example_copy):
    """`brief deploy` to a folder on a full disk: one line naming the file it could not write
    there, no temporary file left in the destination, and the next deploy, with room, whole."""
    destination = small_disk / "www"
    add_target(example_copy, f"  - {{name: local, kind: dir, path: '{destination}'}}\n")
    deploy = [sys.executable, "-m", "brief", "deploy", "--site", str(example_copy)]
    assert brief_build(example_copy).returncode == 0
    junk = fails_in_one_line_on_a_full_disk(small_disk, deploy, rf"{re.escape(str(destination))}/\S+")
    assert not [p for p in destination.rglob("*") if ".tmp-" in p.name]
    junk.unlink()
    done = subprocess.run(deploy, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert published(destination) == published(example_copy / "public")
