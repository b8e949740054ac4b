"""The output folder: never one brief did not make, and nothing left of a build that stopped."""

from __future__ import annotations

import glob
import os
import re
import shutil
from pathlib import Path

from brief.builder.cache import CACHE_DIR, UNSAVED
from brief.builder.search import INDEX_DIR
from brief.config import CONFIG_NAME, SiteConfig
from brief.errors import BriefError
from brief.files import write_file
from brief.sitefiles import OUTPUT_MARKER
from brief.yamlfile import line_of

_MARKER_TEXT = (
    b"This folder is written by `brief build`: every build replaces the files brief wrote in it"
    b" and keeps any other, but `brief build --clean` removes them.\n"
)
_LEFTOVER = re.compile(r"\..+\.tmp-\d+")  # files.beside's name for a file being written
# The site's own folders: its sources, its cache, its repository.
_SITE_FOLDERS = ("content", "templates", "static", "themes", ".brief-cache", ".git", CONFIG_NAME)


def guard_output(config: SiteConfig) -> None:
    """Refuse an output folder that brief did not create, or that holds the site's own files."""
    output, root = config.output_dir, config.root.resolve()
    problem = hint = None
    own = [root / name for name in _SITE_FOLDERS]
    if output == root or output in root.parents:
        problem = f"output {config.output!r} is the site folder or holds it; a build would replace it"
    elif any(output == path or output.is_relative_to(path) for path in own):
        problem = f"output {config.output!r} is one of the site's own folders; a build would replace it"
    elif output.exists() and not output.is_dir():
        problem = f"output {config.output!r} is a file, not a folder"
    elif output.is_dir() and not (output / OUTPUT_MARKER).is_file() and any(output.iterdir()):
        problem = (
            f"output folder {output} holds files brief did not write (it has no {OUTPUT_MARKER} file); "
            "brief replaces only folders it created"
        )
        hint = "empty or remove that folder, or set output: to a new one"
    if problem is None:
        return
    path = config.root / CONFIG_NAME
    try:
        line = line_of(path.read_text(encoding="utf-8-sig"), ("output",))
    except OSError:
        line = None
    raise BriefError(
        problem, path=path, line=line, field="output", hint=hint or "use a folder of its own, such as public"
    )


def _dead(pid_text: str) -> bool:
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return True  # an earlier build of this process that failed midway
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def remove_leftovers(config: SiteConfig) -> None:
    """What a killed build left behind: staging and old folders beside the output (tens of MB
    each), temporary files in the cache, and beside the output files an update in place was
    replacing (the cache lists them until it is saved: not every build walks 22,000 files).
    Called under the site's lock, so no live build of this site owns them; the owner's pid,
    in each name, is checked all the same."""
    output = config.output_dir
    for kind in ("building", "old"):
        for folder in output.parent.glob(f".{output.name}.{kind}-*"):
            if _dead(folder.name.rsplit("-", 1)[1]):
                shutil.rmtree(folder, ignore_errors=True)
        # Pagefind's (search.index_site: pid, then thread): of a process that is gone only, as
        # brief serve's indexer may be writing one in this process now.
        for folder in output.glob(f".{INDEX_DIR}.{kind}-*-*"):
            pid = folder.name.rsplit("-", 2)[1]
            if pid != str(os.getpid()) and _dead(pid):
                shutil.rmtree(folder, ignore_errors=True)
    cache = config.root / CACHE_DIR
    if not cache.is_dir():
        return
    temporaries = list(cache.rglob("*.tmp-*"))
    try:
        replacing = (cache / UNSAVED).read_text(encoding="utf-8").splitlines()
    except OSError:
        replacing = []
    for rel_path in dict.fromkeys(replacing):
        target = output / rel_path
        temporaries.extend(target.parent.glob(f".{glob.escape(target.name)}.tmp-*"))  # files.beside
    for temporary in temporaries:
        if _dead(temporary.name.rsplit("-", 1)[1]):
            temporary.unlink(missing_ok=True)


def files_of_others(output: Path, ours: set[str]) -> list[str]:
    """The files in `output` (paths in it) that brief did not write: not in `ours`, not the
    marker, the search index or what a stopped build left. A CNAME or a site-verification file
    put there by hand: a build that writes the whole site anew carries them over, as an update
    in place leaves them, rather than delete them at one build and not at another (`--clean`
    starts from brief's files only, as Hugo's --cleanDestinationDir)."""
    found = []
    for folder, folders, files in os.walk(output):
        rel_folder = os.path.relpath(folder, output)
        if rel_folder == ".":  # the search index is brief's, and so are a stopped build's folders
            folders[:] = [n for n in folders if n != INDEX_DIR and not n.startswith(f".{INDEX_DIR}.")]
        for name in files:
            rel_path = name if rel_folder == "." else f"{rel_folder}/{name}".replace(os.sep, "/")
            if rel_path not in ours and rel_path != OUTPUT_MARKER and not _LEFTOVER.fullmatch(name):
                found.append(rel_path)
    return sorted(found)


def mark_output(folder: Path) -> None:
    marker = folder / OUTPUT_MARKER
    if not marker.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        write_file(marker, _MARKER_TEXT)
