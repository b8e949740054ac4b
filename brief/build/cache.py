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
from pathlib import Path
from typing import Any

from brief import __version__
from brief.model import Brief

CACHE_DIR = ".brief-cache"
FORMAT = 2  # bump when what is stored changes shape: an older cache is then ignored


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class BuildCache:
    """Three files, each read only when a build needs it: `manifest.pickle` (the inputs'
    fingerprint and every page's digest: all a build with nothing new reads), `briefs.pickle`
    (parsed briefs by file hash, and the site-model relations in `memo`, see build_site) and
    `bodies.pickle` (rendered bodies, see Renderer.body_html)."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = root
        self.key = key  # what every entry depends on: brief's version, the site's time zone
        self.manifest: dict[str, Any] = {}
        self._briefs: dict[str, tuple[str, Brief]] | None = None  # rel path → (sha256, brief)
        self._memo: dict[str, Any] | None = None

    @property
    def folder(self) -> Path:
        return self.root / CACHE_DIR

    @classmethod
    def load(cls, root: Path, key: str) -> BuildCache:
        cache = cls(root, f"{__version__}:{FORMAT}:{key}")
        cache.manifest = cache._read("manifest.pickle").get("manifest", {})
        return cache

    def clear(self) -> None:
        """Start afresh (`brief build --clean`); the files are replaced at the next save."""
        self.manifest, self._briefs, self._memo = {}, {}, {}

    def _read(self, name: str) -> dict[str, Any]:
        try:
            with open(self.folder / name, "rb") as handle:
                stored = pickle.load(handle)
            if stored.get("key") == self.key:
                return stored
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
            pass  # no cache, or one from another version: start afresh
        return {}

    def _load_briefs(self) -> None:
        if self._briefs is None:
            stored = self._read("briefs.pickle")
            self._briefs, self._memo = stored.get("briefs", {}), stored.get("memo", {})

    @property
    def briefs(self) -> dict[str, tuple[str, Brief]]:
        self._load_briefs()
        assert self._briefs is not None
        return self._briefs

    @property
    def memo(self) -> dict[str, Any]:
        self._load_briefs()
        assert self._memo is not None
        return self._memo

    def load_bodies(self) -> dict[str, tuple[str, str]]:
        """Rendered brief bodies, slug → (body key, HTML)."""
        return self._read("bodies.pickle").get("bodies", {})

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
        if self._briefs is not None:
            if keep is not None:
                self._briefs = {k: v for k, v in self._briefs.items() if k in keep}
            self._write("briefs.pickle", {"key": self.key, "briefs": self._briefs, "memo": self._memo})
        # The manifest last: it vouches for the output, so it must not outlive a failed save.
        self.save_manifest()

    def save_manifest(self) -> None:
        self._write("manifest.pickle", {"key": self.key, "manifest": self.manifest, "saved": time.time()})


def inputs_fingerprint(digests: dict[Path, str | None], extra: str) -> str:
    """One hash over every input file's path and content."""
    digest = hashlib.sha256(extra.encode())
    for path in sorted(digests):
        digest.update(f"{path}\0{digests[path]}\n".encode())
    return digest.hexdigest()
