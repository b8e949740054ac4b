"""What a deploy will do, decided before anything is sent: the same for every target kind."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from brief.errors import BriefError
from brief.sitefiles import OUTPUT_MARKER

DEFAULT_MAX_DELETES = 256


def local_files(output: Path) -> dict[str, Path]:
    if not output.is_dir():
        raise BriefError(
            "nothing to deploy: the output folder does not exist",
            path=output,
            hint="run `brief build` first, or drop --no-build",
        )
    files = {p.relative_to(output).as_posix(): p for p in sorted(output.rglob("*")) if p.is_file()}
    files.pop(OUTPUT_MARKER, None)  # brief's own mark on the folder, not part of the site
    return files


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def upload_order(paths: list[str]) -> list[str]:
    """Assets first, then pages, then the files that point at pages (feeds, sitemap): no page
    ever refers to something that is not there yet."""

    def rank(path: str) -> tuple[int, str]:
        if path.endswith(".html"):
            return 1, path
        if path.endswith(("feed.xml", "feed.json", "sitemap.xml", "robots.txt")):
            return 2, path
        return 0, path

    return sorted(paths, key=rank)


@dataclass
class Plan:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    bytes: int = 0
    # Deletions held back: over the cap, or files at the target that brief never wrote.
    skipped_deletes: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def deletes_skipped(self) -> bool:
        return bool(self.skipped_deletes)

    @property
    def uploads(self) -> list[str]:
        return upload_order(self.new + self.changed)

    def cap_deletes(self, max_deletes: int, force: bool) -> str | None:
        """Above the cap, deletions are skipped (not an error) unless forced; returns a warning."""
        if len(self.deletes) > max_deletes and not force:
            count = len(self.deletes)
            self.deletes, self.skipped_deletes = [], self.deletes
            return (
                f"{count} remote files would be deleted, more than the cap of {max_deletes}: "
                "none deleted (raise --max-deletes or pass --force to delete them)"
            )
        return None

    def lines(self) -> list[str]:
        return (
            [f"new      {p}" for p in self.new]
            + [f"changed  {p}" for p in self.changed]
            + [f"delete   {p}" for p in self.deletes]
            + [f"delete   {p} (over the cap: only with --force)" for p in self.skipped_deletes]
            + [f"keep     {p} (not written by brief: deleted only with --force)" for p in self.unknown]
        )

    def summary(self, target: str, dry_run: bool) -> str:
        verb = "would upload" if dry_run else "uploaded"
        deleted = "would delete" if dry_run else "deleted"
        return (
            f"{target}: {verb} {len(self.new) + len(self.changed)} ({len(self.new)} new, "
            f"{len(self.changed)} changed, {self.bytes:,} bytes), {len(self.unchanged)} unchanged, "
            f"{deleted} {len(self.deletes)}"
            + (" (deletions skipped: over the cap)" if self.deletes_skipped else "")
            + (f", kept {len(self.unknown)} file(s) brief did not write" if self.unknown else "")
        )


def diff(local: dict[str, str], remote: dict[str, str], sizes: dict[str, int]) -> Plan:
    """`local` and `remote` map paths to content hashes (MD5 here, as S3's ETag is)."""
    plan = Plan()
    for path, digest in local.items():
        if path not in remote:
            plan.new.append(path)
            plan.bytes += sizes[path]
        elif remote[path] != digest:
            plan.changed.append(path)
            plan.bytes += sizes[path]
        else:
            plan.unchanged.append(path)
    plan.deletes = sorted(set(remote) - set(local))
    return plan
