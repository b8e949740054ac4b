"""The build cache in `.brief-cache/`: parsed briefs by content hash, and a fingerprint of every
build input so that a build with nothing new renders nothing.

Files are recognised by the SHA-256 of their bytes, not their mtime: reading and hashing 10,000
briefs takes a fraction of a second, and it is exact (an edit within one clock tick, a restored
backup, a `git checkout` are all seen for what they are).
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


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass
class BuildCache:
    root: Path
    key: str  # what every entry depends on: brief's version, the site's time zone
    briefs: dict[str, tuple[str, Brief]] = field(default_factory=dict)  # rel path → (sha256, brief)
    manifest: dict[str, Any] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # site-model relations, see build_site

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
                cache.manifest = stored.get("manifest", {})
                cache.memo = stored.get("memo", {})
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
            pass  # no cache, or one from another version: start afresh
        return cache

    def load_bodies(self) -> dict[str, tuple[str, str]]:
        """Rendered brief bodies, slug → (body key, HTML): kept apart from the briefs, since only
        a build that renders pages needs them."""
        try:
            with open(self.folder / "bodies.pickle", "rb") as handle:
                stored = pickle.load(handle)
            if stored.get("key") == self.key:
                return stored["bodies"]
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
            pass
        return {}

    def save_bodies(self, bodies: dict[str, tuple[str, str]]) -> None:
        self._write("bodies.pickle", {"key": self.key, "bodies": bodies})

    def _write(self, name: str, stored: dict[str, Any]) -> None:
        self.folder.mkdir(exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n")
        temporary = self.folder / f"{name}.tmp-{os.getpid()}"
        with open(temporary, "wb") as handle:
            pickle.dump(stored, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.folder / name)

    def get(self, rel_path: str, digest: str | None) -> Brief | None:
        entry = self.briefs.get(rel_path)
        return entry[1] if entry is not None and digest is not None and entry[0] == digest else None

    def put(self, rel_path: str, digest: str | None, brief: Brief) -> None:
        if digest is not None:
            self.briefs[rel_path] = (digest, brief)

    def save(self, keep: set[str] | None = None) -> None:
        if keep is not None:
            self.briefs = {k: v for k, v in self.briefs.items() if k in keep}
        stored = {
            "key": self.key,
            "briefs": self.briefs,
            "manifest": self.manifest,
            "memo": self.memo,
            "saved": time.time(),
        }
        self._write("briefs.pickle", stored)


def inputs_fingerprint(digests: dict[Path, str | None], extra: str) -> str:
    """One hash over every input file's path and content."""
    digest = hashlib.sha256(extra.encode())
    for path in sorted(digests):
        digest.update(f"{path}\0{digests[path]}\n".encode())
    return digest.hexdigest()
