"""The build cache in `.brief-cache/`: parsed briefs, and a fingerprint of every build input.

Files are recognised by (mtime, size), as make and git do. A file modified within two seconds
of the cache's own writing might change again without its mtime moving ("racy" in git's
terms), so such files are always read again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brief import __version__
from brief.model import Brief

CACHE_DIR = ".brief-cache"
RACY_NS = 2_000_000_000


def _stat_key(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


@dataclass
class BuildCache:
    root: Path
    key: str  # what every entry depends on: brief's version, the site's time zone
    briefs: dict[str, tuple[int, int, Brief]] = field(default_factory=dict)
    written_ns: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.root / CACHE_DIR

    @classmethod
    def load(cls, root: Path, key: str) -> BuildCache:
        cache = cls(root=root, key=f"{__version__}:{key}")
        try:
            with open(cache.folder / "briefs.pickle", "rb") as handle:
                stored = pickle.load(handle)
            if stored.get("key") == cache.key:
                cache.briefs = stored["briefs"]
                cache.written_ns = stored["written_ns"]
                cache.manifest = stored.get("manifest", {})
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
            pass  # no cache, or one from another version: start afresh
        return cache

    def get(self, path: Path, rel_path: str) -> Brief | None:
        entry = self.briefs.get(rel_path)
        if entry is None:
            return None
        stat = _stat_key(path)
        if stat is None or stat != entry[:2] or stat[0] >= self.written_ns - RACY_NS:
            return None
        return entry[2]

    def put(self, path: Path, rel_path: str, brief: Brief) -> None:
        stat = _stat_key(path)
        if stat is not None:
            self.briefs[rel_path] = (*stat, brief)

    def save(self, keep: set[str] | None = None) -> None:
        if keep is not None:
            self.briefs = {k: v for k, v in self.briefs.items() if k in keep}
        self.folder.mkdir(exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n")
        temporary = self.folder / f"briefs.pickle.tmp-{os.getpid()}"
        with open(temporary, "wb") as handle:
            pickle.dump({"key": self.key, "briefs": self.briefs, "written_ns": time.time_ns(),
                         "manifest": self.manifest}, handle, protocol=pickle.HIGHEST_PROTOCOL)  # fmt: skip
        os.replace(temporary, self.folder / "briefs.pickle")


def inputs_fingerprint(files: list[Path], extra: str, now_ns: int) -> str | None:
    """One hash of every input file's identity; None when a file changed too recently for its
    mtime to be trusted (it could change again within the same clock tick)."""
    digest = hashlib.sha256(extra.encode())
    for path in sorted(files):
        stat = _stat_key(path)
        if stat is None:
            continue
        if stat[0] >= now_ns - RACY_NS:
            return None
        digest.update(f"{path}\0{stat[0]}\0{stat[1]}\n".encode())
    return digest.hexdigest()
