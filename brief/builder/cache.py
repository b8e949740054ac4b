"""The build cache in `.brief-cache/`, its one owner: parsed briefs by content hash, a
fingerprint of every build input so that a build with nothing new renders nothing, what each
page read (render.reads), rendered bodies, and where each brief's text shows.

What pages read is plain data (strings, numbers, bytes): it is kept with `marshal`, which
writes the 385,000 keys of a 10,000-brief site in a sixth of pickle's time (0.19 s against
1.18 s); the rest is pickled.

Files are recognised by the SHA-256 of their bytes. Like git's index, a file is hashed again only
when its size, mtime, ctime or inode differ from what the last build saw, or when it was modified
so close to that build that a coarse file-system clock could hide a second edit: a restored
backup or a `git checkout` changes ctime, so they are seen for what they are. Reading and hashing
10,000 briefs takes 0.25 s; stat-ing them, a tenth of that.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import pickle
import sys
import time
import zlib
from array import array
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brief import __version__
from brief.errors import OS_HINTS, BriefError
from brief.files import replace_file, write_file
from brief.model import Brief

CACHE_DIR = ".brief-cache"
FORMAT = 11  # bump when what is stored changes shape or meaning (11: briefs seen by reads): older ignored
RACY_NS = 2_000_000_000  # FAT and some network file systems keep mtimes to 2 s
SHARDS = 64  # files each for briefs, bodies and texts
UNSAVED = "unsaved-pages"  # output files being replaced in place, until the manifest is saved
STALE_READS = "stale-reads"  # output files replaced since the reads were saved (brief serve)
SEARCH_LAGS = "search-lags"  # the output's search index is older than its pages: a token per mark
OUTPUTS = "outputs.marshal"  # the files the last build that planned the site wrote, pages and static


def _shard(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) % SHARDS


@dataclass
class Manifest:
    """All a build with nothing new reads: the inputs' fingerprint, and what the output holds."""

    fingerprint: str = ""  # every input file's content, and `extra`
    extra: str = ""  # drafts, output folder, theme
    output: str = ""  # the folder the pages were written to
    build_key: str = ""  # what every page shares: static files, site.yml, version
    counts: str = ""  # "N pages (B briefs, T tags, E entities)"
    static: list[str] = field(default_factory=list)
    texts_trusted: bool = False  # the stored texts and bodies describe the output (builder.splice)
    files: dict[str, tuple[tuple[int, ...], str | None]] = field(
        default_factory=dict
    )  # path → (stat, sha256)
    checked_ns: int = 0


@dataclass
class Reads:
    """What each page read in the build that wrote it (render.reads): the keys, numbered, with
    their values, and each page's key numbers."""

    keys: list[Any] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    # Output path → key numbers; None for a file written since, whose reads are not known.
    pages: dict[str, array | None] = field(default_factory=dict)
    # The fragments pages share (Renderer.prerendered): (template, context_id) → (HTML, key
    # numbers). Kept beside the reads, whose numbers they use: `token` pairs the two files.
    fragments: dict[tuple[str, tuple], tuple[Any, frozenset[int]]] = field(default_factory=dict)
    token: str = ""
    # Each brief file's digest and front-matter hash (by path from the site root) as these
    # reads saw them. A brief is parsed from its file alone, so the keys of a file with the
    # same digest have the same values (builder.run._keys_to_check); a file changed since is
    # one whose keys the next build checks, whatever the manifest says (builder.run._text_refs).
    files: dict[str, tuple[str | None, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class TextRecord:
    """Where a brief's text shows, as the last build wrote it (builder.splice)."""

    slug: str
    url: str  # the brief's own page, absolute: a feed cuts a very long body with a link to it
    meta_hash: str
    shown: tuple[tuple[str, str], ...]  # (output path, form) for each file carrying the body
    spliceable: bool  # no page read the text in a form a splice cannot follow, and no story uses it


def file_digest(path: str | Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def _signature(st: os.stat_result) -> tuple[int, ...]:
    """What a file's stat says of its content: git's rule (see the module's docstring)."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def output_signature(path: str) -> tuple[int, ...] | None:
    """What an output file's stat says of its bytes: its size and mtime. Not the ctime, which
    changes when a staged build hard-links an unchanged file into the new folder (builder.writer)
    and again when the old folder goes; nor the inode, which a copy of the site to another disk
    changes (with `cp -a` or `mv`) and an edit changes along with the mtime."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, str) else value


def _hash_each(paths: list[str]) -> list[str | None]:
    return [file_digest(path) for path in paths]


def _run_each(jobs: list[Callable[[], None]]) -> None:
    for job in jobs:
        job()


class BuildCache:
    """Files each read only when a build needs them: `manifest.pickle` (a Manifest),
    `reads.marshal` and `fragments.marshal` (Reads), `memo.pickle` (the site-model relations,
    see build_site), and in 64 shards each: `briefs/` (parsed briefs and their file's hash, by
    path), `bodies/` (rendered bodies by slug, see Renderer.body_html), `texts/` (TextRecords by
    path)."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = root
        self.key = key  # what every entry depends on: brief's version, the site's time zone
        self.manifest = Manifest()
        self._unsaved: list[str] = []  # output files being replaced when a build stopped
        self._briefs: dict[str, tuple[str, Brief]] | None = None  # rel path → (sha256, brief)
        self._memo: dict[str, Any] | None = None
        self._files: dict[str, tuple[tuple[int, ...], str | None]] = {}  # path → (stat, sha256)
        self._checked_ns = 0
        self.hashed = 0  # files file_digests could not trust by their stat
        self._shards_read: dict[tuple[str, int], dict[str, Any]] = {}  # (kind, shard) → entries
        self._queued: dict[str, list[Callable[[], None]]] | None = None  # writes `save` hands out, by kind
        self._saved_as: tuple[int, ...] | None = None  # manifest.pickle's stat when this object saved it
        self.read_again: list[str] = []  # files parsed otherwise than hashed (file_read)
        self._outputs: dict[str, tuple[int, ...] | None] | None = None  # load_outputs

    @property
    def folder(self) -> Path:
        return self.root / CACHE_DIR

    @classmethod
    def load(cls, root: Path, key: str) -> BuildCache:
        python = f"{sys.version_info[0]}.{sys.version_info[1]}"  # marshal's format is Python's own
        cache = cls(root, f"{__version__}:{FORMAT}:{python}:{key}")
        cache.manifest = cache._read("manifest.pickle").get("manifest") or Manifest()
        try:
            unsaved = (cache.folder / UNSAVED).read_text(encoding="utf-8").splitlines()
        except OSError:
            unsaved = None
        if unsaved is not None:  # a build stopped while replacing these files
            cache._distrust(unsaved)
        with contextlib.suppress(OSError):
            cache._unsaved.extend((cache.folder / STALE_READS).read_text(encoding="utf-8").splitlines())
        return cache

    def file_digests(
        self, paths: list[str], hash_many: Callable[[list[str]], list[str | None]] | None = None
    ) -> dict[str, str | None]:
        """SHA-256 of each file by its path (None if unreadable), hashing only files that may have changed;
        `hash_many` hashes them when there are many (a first build: on every core)."""
        known = self.manifest.files
        # Trust a file's stat only if it was last touched well before the build that hashed it.
        settled = self.manifest.checked_ns - RACY_NS
        self._checked_ns = time.time_ns()
        digests: dict[str, str | None] = {}
        files: dict[str, tuple[tuple[int, ...], str | None]] = {}
        todo: list[tuple[str, tuple[int, ...]]] = []
        for path in paths:
            try:
                st = os.stat(path)
            except OSError:
                digests[path] = None
                continue
            signature = _signature(st)
            entry = known.get(path)
            if entry is not None and entry[0] == signature and max(st.st_mtime_ns, st.st_ctime_ns) < settled:
                files[path], digests[path] = entry, entry[1]
            else:
                todo.append((path, signature))
                digests[path] = None  # keeps the order of `paths`
        self.hashed = len(todo)
        hashed = (hash_many or _hash_each)([path for path, _ in todo])
        for (path, signature), digest in zip(todo, hashed, strict=True):
            files[path], digests[path] = (signature, digest), digest
        self._files = files
        return digests

    def file_replaced(self, path: str, digest: str | None) -> None:
        """`path` now holds `digest`, and the output shows it (brief serve applied an edit): the
        manifest saved next says so, or the next build compares the file with what it held
        before the edit (an edit undone since would look like no change)."""
        try:
            st = os.stat(path)
        except OSError:
            return
        entry = (_signature(st), digest)
        self._files[path] = self.manifest.files[path] = entry

    def file_read(self, path: str, digest: str) -> None:
        """The build parsed `path` as `digest`, not as file_digests hashed it: an editor saved
        it in between, and the output will show what was parsed. The manifest saved next says
        so; had it kept the first digest, undoing that save would look like no change. (The
        next build hashes the file again: it changed after this build's clock, see RACY_NS.)"""
        entry = self._files.get(path)
        if entry is not None:
            self._files[path] = (entry[0], digest)
        self.read_again.append(path)

    def changed_since_hashed(self, paths: Iterable[str]) -> list[str]:
        """Those of `paths` whose stat differs from when file_digests hashed them (saved again
        while the build read them); the manifest saved next gives them no digest."""
        changed = []
        for path in paths:
            entry = self._files.get(path)
            try:
                signature: tuple[int, ...] | None = _signature(os.stat(path))
            except OSError:
                signature = None
            if entry is not None and entry[0] != signature:
                self._files[path] = (entry[0], None)
                changed.append(path)
        return changed

    def changed_files(self, digests: dict[str, str | None]) -> list[str] | None:
        """The files (of `digests`, file_digests' answer) whose bytes differ from the last build's;
        None when a file was added or removed."""
        known = self.manifest.files
        if len(known) != len(digests):
            return None
        changed = []
        for path, digest in digests.items():
            entry = known.get(path)
            if entry is None:
                return None  # a file added (and, the counts being equal, another one removed)
            if entry[1] != digest:
                changed.append(path)
        return changed

    def clear(self) -> None:
        """Start afresh (`brief build --clean`); the files are replaced at the next save."""
        self.manifest, self._briefs, self._memo = Manifest(), {}, {}

    def _read(self, name: str) -> dict[str, Any]:
        try:
            stored = pickle.loads((self.folder / name).read_bytes())  # whole: faster than load(file)
            if stored.get("key") == self.key:
                return stored
        except (
            OSError,
            EOFError,
            ImportError,
            pickle.UnpicklingError,
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
        ):
            pass  # no cache, or one from another version: start afresh
        return {}

    def _load_briefs(self) -> None:
        if self._briefs is None:
            self._briefs = self._load_sharded("briefs", None)
            self._memo = self._read("memo.pickle").get("memo", {})

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

    def load_bodies(self, slugs: Iterable[str] | None = None) -> dict[str, Any]:
        """Rendered brief bodies (slug → Renderer's StoredBody): all of them, or those in the
        shards that hold `slugs`."""
        return self._load_sharded("bodies", slugs)

    def update_bodies(self, changed: dict[str, Any]) -> None:
        """Put `changed` bodies (a text edit's) into their shards as last read or written, and
        write those shards only."""
        for shard in {_shard(slug) for slug in changed}:
            if ("bodies", shard) not in self._shards_read:
                self._load_sharded("bodies", [next(s for s in changed if _shard(s) == shard)])
            part = {**self._shards_read["bodies", shard]}
            part.update((slug, body) for slug, body in changed.items() if _shard(slug) == shard)
            self._write(f"bodies/{shard:02d}.pickle", {"key": self.key, "bodies": part})
            self._shards_read["bodies", shard] = part

    def load_texts(self, paths: Iterable[str] | None = None) -> dict[str, TextRecord]:
        """Which files show each brief's text, by source path: all, or those in the shards that
        hold `paths`."""
        return self._load_sharded("texts", paths) if self.manifest.texts_trusted else {}

    def _load_sharded(self, kind: str, names: Iterable[str] | None) -> dict[str, Any]:
        """Kept in shards by name, so that a build that changed a few briefs reads and writes a few."""
        shards = range(SHARDS) if names is None else sorted({_shard(name) for name in names})
        found: dict[str, Any] = {}
        for shard in shards:
            part = self._read(f"{kind}/{shard:02d}.pickle").get(kind, {})
            self._shards_read[kind, shard] = part
            found.update(part)
        return found

    def _save_sharded(self, kind: str, entries: dict[str, Any]) -> None:
        """`entries`, all of them, in shards: those that are as last read or written are kept."""
        parts: dict[int, dict[str, Any]] = {shard: {} for shard in range(SHARDS)}
        for name, entry in entries.items():
            parts[_shard(name)][name] = entry
        for shard, part in parts.items():
            if self._shards_read.get((kind, shard)) != part:
                self._write(f"{kind}/{shard:02d}.pickle", {"key": self.key, kind: part})
                self._shards_read[kind, shard] = part

    def load_reads(self) -> Reads:
        """What each page read; pages replaced since (by brief serve, a splice, or a build that
        stopped) have None: they are rendered again."""
        try:
            # marshal.load(file) reads piece by piece: 2.4 s for 40 MB at 10,000 briefs, 0.5 s whole.
            stored = (self.folder / "reads.marshal").read_bytes()
            key, token, keys, values, pages, files = marshal.loads(stored)
        except (OSError, EOFError, ValueError, TypeError):
            return Reads()  # none yet, or broken: every page is rendered
        if key != self.key:
            return Reads()
        pages = {path: None if r is None else array("I", r) for path, r in pages.items()}
        reads = Reads(keys, values, pages, token=token, files=files)
        for path in self._unsaved:
            if path in reads.pages:  # a page (not a static file) whose record is out of date
                reads.pages[path] = None
        return reads

    def load_fragments(self, reads: Reads) -> dict[tuple[str, tuple], tuple[Any, frozenset[int]]]:
        """The fragments saved with `reads` (Reads.fragments), as Renderer.prerendered holds them."""
        from markupsafe import Markup

        try:
            key, token, fragments = marshal.loads((self.folder / "fragments.marshal").read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        if key != self.key or not token or token != reads.token:
            return {}  # saved with other reads: its key numbers mean other keys
        return {name: (Markup(html), frozenset(array("I", keys))) for name, (html, keys) in fragments.items()}

    def _save_reads(self, reads: Reads, token: str) -> None:
        pages = {path: None if r is None else r.tobytes() for path, r in reads.pages.items()}
        self._write_bytes(
            "reads.marshal", marshal.dumps((self.key, token, reads.keys, reads.values, pages, reads.files))
        )

    def _save_fragments(self, reads: Reads, token: str) -> None:
        # marshal keeps plain types only: a context's Markup values as str, equal and hashed alike.
        fragments = {
            (name, tuple(tuple(map(_plain, part)) for part in named)): (str(html), array("I", keys).tobytes())
            for (name, named), (html, keys) in reads.fragments.items()
        }
        self._write_bytes("fragments.marshal", marshal.dumps((self.key, token, fragments)))

    def save_outputs(self, output: Path, paths: list[str], replaced: Iterable[str] | None = None) -> None:
        """The files the output holds (by path in it), pages and static files, the plan of the
        build that saves this, each with its stat as written (`output_signature`). `replaced`:
        the build updated the output in place, and only those files changed; the others are as
        load_outputs found them (the build checked: builder.run._stale_pages). Text edits (a
        splice, brief serve) replace files, never add or remove one: outputs_replaced."""
        out, known = str(output), self._outputs if replaced is not None else None
        if known is None:
            self._outputs = {path: output_signature(f"{out}/{path}") for path in paths}
        else:
            again = set(replaced or ()) | (set(paths) - known.keys())
            self._outputs = {
                path: output_signature(f"{out}/{path}") if path in again else known[path] for path in paths
            }
        self._write_bytes(OUTPUTS, marshal.dumps((self.key, self._outputs)))

    def outputs_replaced(self, output: Path, paths: Iterable[str]) -> None:
        """`paths`, files of the output, were written again (a text edit): their stat now."""
        outputs = self.load_outputs()
        if outputs is not None:
            outputs.update((path, output_signature(f"{output}/{path}")) for path in paths if path in outputs)
            self._write_bytes(OUTPUTS, marshal.dumps((self.key, outputs)))

    def load_outputs(self) -> dict[str, tuple[int, ...] | None] | None:
        """The files of save_outputs with their stat; None when not known (no build yet, another
        version)."""
        if self._outputs is None:
            try:
                key, outputs = marshal.loads((self.folder / OUTPUTS).read_bytes())
            except (OSError, EOFError, ValueError, TypeError):
                return None
            if key != self.key or not isinstance(outputs, dict):
                return None
            self._outputs = outputs
        return self._outputs

    def outputs_as_written(self, output: Path) -> bool:
        """Whether every file of save_outputs is in `output` as the build wrote it. One deleted
        by hand (`rm -r public/tags`) or changed by hand is not up to date: a deploy would
        remove it from the live site, or publish what no input says. 0.05 s of stat at 10,000
        briefs (22,000 files); none saved: False, and the build finds out."""
        outputs = self.load_outputs()
        out = str(output)  # plain strings: a Path per file takes three times as long
        return outputs is not None and all(
            output_signature(f"{out}/{path}") == signature for path, signature in outputs.items()
        )

    def _write(self, name: str, stored: dict[str, Any]) -> None:
        if self._queued is not None:
            self._queued.setdefault(name.split("/")[0], []).append(lambda: self._write(name, stored))
        else:
            self._write_bytes(name, pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))

    def _write_bytes(self, name: str, data: bytes) -> None:
        replace_file(self.folder / name, data)

    def get(self, rel_path: str, digest: str | None) -> Brief | None:
        entry = self.briefs.get(rel_path)
        return entry[1] if entry is not None and digest is not None and entry[0] == digest else None

    def put(self, rel_path: str, digest: str | None, brief: Brief) -> None:
        if digest is not None:
            self.briefs[rel_path] = (digest, brief)

    def save(
        self,
        bodies: dict[str, Any],
        texts: Callable[[], dict[str, TextRecord]],
        reads: Reads,
        keep: set[str],
        run_all: Callable[[list[Callable[[], None]]], None] | None = None,
    ) -> None:
        """Everything a full build leaves, then the manifest that vouches for it. Encoding and
        writing the files (1.8 s at 10,000 briefs) are jobs that `run_all` runs, on every core
        (builder.parallel); `texts` is made in one of them."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_file(self.folder / ".gitignore", b"*\n")
        self._queued = {}
        try:
            self._save_sharded("bodies", bodies)
            self._briefs = {path: entry for path, entry in self.briefs.items() if path in keep}
            self._save_sharded("briefs", self._briefs)
            self._write("memo.pickle", {"key": self.key, "memo": self.memo})
            writes = self._queued
        finally:
            self._queued = None  # what forked workers inherit: they write, not queue
        # One job per kind of file, not per file (a pool starts as many workers as it has jobs
        # to pay for, each a fork of the whole build); the reads and texts are the largest.
        token = os.urandom(8).hex()  # pairs the reads with the fragments that use their numbers
        jobs = [
            lambda: self._save_reads(reads, token),
            lambda: self._save_fragments(reads, token),
            lambda: self._save_sharded("texts", texts()),
        ]
        jobs.extend(functools.partial(_run_each, group) for group in writes.values())
        (run_all or _run_each)(jobs)
        # The manifest last: it vouches for the output, so it must not outlive a failed save.
        self.manifest.texts_trusted = True
        self.save_manifest()

    def save_text_edits(self, bodies: dict[str, Any]) -> None:
        """After a build that rendered again only what edits to briefs' text changed, each page
        reading the same keys as the saved reads say: the new bodies and parsed briefs, then the
        manifest. The reads and fragments stay as they were (0.7 s to write at 10,000 briefs):
        their page records are right, and the next build checks the keys of the briefs changed
        since they were saved (Reads.files)."""
        self.update_bodies(bodies)
        self._save_sharded("briefs", self.briefs)  # writes only the shards that changed
        self._unsaved = []
        self.manifest.texts_trusted = True
        self.save_manifest()

    def forget_pages(self, paths: Iterable[str]) -> None:
        """Say, before output files are replaced one by one, that they, the inputs and the stored
        bodies are no longer vouched for. If the build stops midway, the next one must neither
        keep a mix because the inputs were put back as they were (old fingerprint and reads)
        nor splice text into it (builder.splice); the caller trusts the texts again when done.
        A small file says so until the manifest is saved: rewriting the reads takes time."""
        paths = list(paths)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.folder / UNSAVED, "a", encoding="utf-8") as handle:
                handle.write("".join(f"{path}\n" for path in paths))
        except OSError as error:  # before any output file is touched: nothing is half-written
            raise BriefError(
                f"cannot write the build cache: {error.strerror}",
                path=self.folder / UNSAVED,
                hint=OS_HINTS.get(error.errno or 0, f"make {CACHE_DIR}/ writable, or delete it"),
            ) from None
        self._distrust(paths)

    def _manifest_signature(self) -> tuple[int, ...] | None:
        try:
            return _signature(os.stat(self.folder / "manifest.pickle"))
        except OSError:
            return None

    def saved_last(self) -> bool:
        """Whether the build cache on disk is as this object last saved it: no other process
        (`brief build` in another terminal while brief serve runs) built the site since, and no
        build stopped midway. Brief serve keeps its site model only while this holds."""
        return (
            self._saved_as is not None
            and self._manifest_signature() == self._saved_as
            and not (self.folder / UNSAVED).exists()
        )

    def _distrust(self, paths: list[str]) -> None:
        self._unsaved.extend(paths)
        self.manifest.fingerprint = ""
        self.manifest.texts_trusted = False

    def save_manifest(self, reads_saved: bool = True) -> None:
        """Vouch for the output as it is now. Without `reads_saved` (brief serve saves no reads:
        it takes time), the files replaced since the reads were saved stay without a record."""
        if self._files:
            self.manifest.files, self.manifest.checked_ns = self._files, self._checked_ns
        if not reads_saved and self._unsaved:
            # Replaced, not appended to: _unsaved already holds what the file listed (see load),
            # and appending it again doubled the file at every text edit (77 MB after 21).
            listed = "".join(f"{path}\n" for path in sorted(set(self._unsaved)))
            self._write_bytes(STALE_READS, listed.encode("utf-8"))
        self._write("manifest.pickle", {"key": self.key, "manifest": self.manifest, "saved": time.time()})
        self._saved_as = self._manifest_signature()
        (self.folder / UNSAVED).unlink(missing_ok=True)
        if reads_saved:
            (self.folder / STALE_READS).unlink(missing_ok=True)
        self._unsaved = []


def search_lag(root: Path) -> str | None:
    """The mark that the output's search index is older than its pages (a token), or None."""
    try:
        return (root / CACHE_DIR / SEARCH_LAGS).read_text(encoding="utf-8")
    except OSError:
        return None


def mark_search_lag(root: Path) -> None:
    """Said by the Writer (its `on_change`, under the lock readers take) before output pages
    change without their search index. The manifest saved after them says the output is up to
    date: without this mark, a build or brief serve stopped before Pagefind ran again (half a
    minute at 10,000 briefs) left the index out of date for good. A new token each time: see
    clear_search_lag."""
    replace_file(root / CACHE_DIR / SEARCH_LAGS, os.urandom(8).hex().encode("ascii"))


def clear_search_lag(root: Path, token: str | None, lock: AbstractContextManager | None = None) -> None:
    """Pagefind indexed the output as it was when the mark read `token`: the mark goes, unless
    pages were marked again since (brief serve's edits while its indexer ran). None: any mark
    (a build under the site's lock, which every build that marks holds)."""
    marker = root / CACHE_DIR / SEARCH_LAGS
    with lock or contextlib.nullcontext():
        if token is None or search_lag(root) == token:
            marker.unlink(missing_ok=True)


def inputs_fingerprint(digests: dict[str, str | None], extra: str) -> str:
    """One hash over every input file's path and content."""
    listing = "".join([f"{path}\0{digests[path]}\n" for path in sorted(digests)])  # one update: 3x faster
    return hashlib.sha256(f"{extra}{listing}".encode()).hexdigest()
