"""Write the site beside the output folder, then swap it in: readers never see half a site."""

from __future__ import annotations

import os
import shutil
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from brief.config import CONFIG_NAME, SiteConfig
from brief.errors import BriefError
from brief.yamlfile import line_of

# Written into every output folder brief builds. A build replaces or deletes files only in a
# folder that has it (or an empty one), so a mistyped `output:` can never take a user's folder.
OUTPUT_MARKER = ".brief-output"
_MARKER_TEXT = b"This folder is written by `brief build`; brief replaces its contents on every build.\n"
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
    each) and temporary files in the cache. Called under the site's lock, so no live build of
    this site owns them; the owner's pid, in each name, is checked all the same."""
    output = config.output_dir
    for kind in ("building", "old"):
        for folder in output.parent.glob(f".{output.name}.{kind}-*"):
            if _dead(folder.name.rsplit("-", 1)[1]):
                shutil.rmtree(folder, ignore_errors=True)
    cache = config.root / ".brief-cache"
    if cache.is_dir():
        for temporary in cache.rglob("*.tmp-*"):
            if _dead(temporary.name.rsplit("-", 1)[1]):
                temporary.unlink(missing_ok=True)


def mark_output(folder: Path) -> None:
    marker = folder / OUTPUT_MARKER
    if not marker.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_bytes(_MARKER_TEXT)


class StagedOutput:
    """A fresh folder next to the output; `commit()` swaps it in, `discard()` throws it away.

    A file whose bytes equal the previous build's is hard-linked from it, so its mtime is kept
    and deploy tools that compare times see it unchanged.
    """

    def __init__(self, output: Path) -> None:
        self.output = output
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.staging = output.parent / f".{output.name}.building-{os.getpid()}"
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir()
        mark_output(self.staging)
        self.written = 0
        self.unchanged = 0
        self._made: set[Path] = set()

    def _parent(self, target: Path) -> None:
        parent = target.parent
        if parent not in self._made:
            parent.mkdir(parents=True, exist_ok=True)
            self._made.add(parent)

    def write(self, rel_path: str, data: bytes) -> None:
        target = self.staging / rel_path
        self._parent(target)
        previous = self.output / rel_path
        if _same_bytes(previous, data):
            try:
                os.link(previous, target)
                self.unchanged += 1
                return
            except OSError:
                pass
        target.write_bytes(data)
        self.written += 1

    def copy(self, rel_path: str, source: Path) -> None:
        self.write(rel_path, source.read_bytes())

    def commit(self, lock: AbstractContextManager | None = None) -> None:
        """Swap the new site in. Readers holding `lock` never see the moment between the two
        renames (the preview server reads files under it)."""
        old = self.output.parent / f".{self.output.name}.old-{os.getpid()}"
        with lock or nullcontext():
            if self.output.exists():
                os.replace(self.output, old)
            os.replace(self.staging, self.output)
        if old.exists():
            shutil.rmtree(old)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
