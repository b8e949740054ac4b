"""Write the site beside the output folder, then swap it in: readers never see half a site."""

from __future__ import annotations

import os
import shutil
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path


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
