"""The one writer of the output folder, in two modes.

- **staged**: the whole site is written into a fresh folder beside the output, swapped in at
  the end. A file whose bytes equal the last build's is hard-linked from it, so its mtime is
  kept and deploy tools that compare times see it unchanged.
- **in place**: the few files that changed are held in memory until every page rendered; then
  each new file is written beside the one it replaces, and only once all are written (a full
  disk fails here, and changes nothing) are they renamed over them and stale files deleted.

Either way a reader sees the old file or the new one, never half of one, and a build that fails
before the renames changes nothing; one killed during them leaves a mix that the next build
repairs (the build cache lists the files: BuildCache.forget_pages).

`on_change` is called once, under the lock, before the first file changes (in place) or the
new folder is swapped in (staged): the search index then lags the pages until Pagefind runs
again (builder.cache.mark_search_lag).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from brief.builder.output import mark_output
from brief.files import write_beside, write_file


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _put_in_place(temporary: Path, target: Path) -> None:
    os.replace(temporary, target)


class Writer:
    def __init__(self, output: Path, staged: bool, on_change: Callable[[], None] | None = None) -> None:
        self.output = output
        self.staged = staged
        self._on_change = on_change
        self.written = 0
        self.unchanged = 0
        self._pending: dict[str, bytes] = {}
        self._stale: set[str] = set()
        self._made: set[Path] = set()
        self._removal: threading.Thread | None = None
        self.staging = output.parent / f".{output.name}.building-{os.getpid()}"
        if staged:
            output.parent.mkdir(parents=True, exist_ok=True)
            if self.staging.exists():
                shutil.rmtree(self.staging)
            try:  # an error names the output folder, which the user knows, not its staging folder
                self.staging.mkdir()
                mark_output(self.staging)
            except OSError as error:
                raise OSError(error.errno, error.strerror, str(output)) from None

    def write(self, rel_path: str, data: bytes) -> None:
        if not self.staged:
            self._pending[rel_path] = data
            return
        previous = self.output / rel_path
        try:  # an error names the file in the output folder, not in its staging folder
            target = self._staged_path(rel_path)
            if _same_bytes(previous, data):
                try:
                    os.link(previous, target)
                    self.unchanged += 1
                    return
                except OSError:
                    pass
            write_file(target, data)
        except OSError as error:
            raise OSError(error.errno, error.strerror, str(previous)) from None
        self.written += 1

    def _staged_path(self, rel_path: str) -> Path:
        target = self.staging / rel_path
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        return target

    def carry(self, rel_path: str) -> None:
        """Carry a file of the current output over as it is (staged), as a hard link."""
        target = self._staged_path(rel_path)
        try:
            os.link(self.output / rel_path, target)
        except OSError:  # a file system without hard links
            shutil.copy2(self.output / rel_path, target)
        self.unchanged += 1

    def copy(self, rel_path: str, source: Path) -> None:
        self.write(rel_path, source.read_bytes())

    @property
    def pending(self) -> list[str]:
        """Files an in-place commit will replace or delete."""
        return [*self._pending, *self._stale]

    def link_tree(self, rel_path: str) -> None:
        """Carry a folder of the current output over unchanged (staged), as hard links."""
        source = self.output / rel_path
        if self.staged and source.is_dir():
            shutil.copytree(source, self.staging / rel_path, copy_function=os.link)

    def remove(self, rel_path: str) -> None:
        """A file the last build wrote that this one does not (in place; staged drops it anyway)."""
        self._stale.add(rel_path)

    def commit(self, lock: AbstractContextManager | None = None) -> None:
        """Put the new files in place. Readers holding `lock` (the preview server reads files
        under it) never see the moment between two renames."""
        if self.staged:
            old = self.output.parent / f".{self.output.name}.old-{os.getpid()}"
            with lock or nullcontext():
                self._changing()
                if self.output.exists():
                    os.replace(self.output, old)
                os.replace(self.staging, self.output)
            if old.exists():
                # The old site goes while the build saves its cache (22,000 files: 1 s at
                # 10,000 briefs); `close` waits for it.
                self._removal = threading.Thread(target=shutil.rmtree, args=(old, True))
                self._removal.start()
            return
        mark_output(self.output)
        beside: list[tuple[Path, Path]] = []  # (new file, the one it replaces)
        put = 0  # how many of them are in place
        try:
            for rel_path, data in self._pending.items():
                target = self.output / rel_path
                if _same_bytes(target, data):
                    self.unchanged += 1  # same bytes: keep the file and its mtime
                else:
                    beside.append((write_beside(target, data), target))
            with lock or nullcontext():
                for temporary, target in beside:
                    self._changing()
                    _put_in_place(temporary, target)
                    put += 1
                for rel_path in sorted(self._stale):
                    self._delete(rel_path)
        finally:
            for temporary, _ in beside[put:]:  # not put in place: the build failed
                temporary.unlink(missing_ok=True)
            self.written += put
        self._pending.clear()

    def _changing(self) -> None:
        if self._on_change is not None:
            self._on_change()
            self._on_change = None

    def _delete(self, rel_path: str) -> None:
        path = self.output / rel_path
        if not path.exists():
            return
        self._changing()
        try:
            path.unlink()
        except FileNotFoundError:
            return
        parent = path.parent
        while parent != self.output and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def close(self) -> None:
        """Wait until the site this one replaced is removed."""
        if self._removal is not None:
            self._removal.join()
            self._removal = None

    def discard(self) -> None:
        if self.staged:
            shutil.rmtree(self.staging, ignore_errors=True)
        self._pending.clear()
