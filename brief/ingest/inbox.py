"""The inbox, `content/raw/`: raw articles waiting for ingest. Apart from the ingest machinery,
so that a build can look at it without importing any of that."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from brief.config import SiteConfig

PROCESSED = "processed"  # ingested raw files move here, inside the inbox
# A file is taken as completely written once it has not changed for this long (git's racy
# window). A browser or a script still writing it would otherwise be ingested cut short and
# moved to processed/, where the writer then finishes it and nobody reads it again.
SETTLE_SECONDS = 2.0
MAX_WAIT_SECONDS = 30.0


def stat_key(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def settled(paths: list[Path], clock=time.time, sleep=time.sleep) -> tuple[list[Path], list[Path]]:
    """(files unchanged for SETTLE_SECONDS, files still being written), waiting for young files
    to settle for at most MAX_WAIT_SECONDS. Files that disappear meanwhile are dropped."""
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    said = False
    while True:
        keys = {p: stat_key(p) for p in paths}
        paths = [p for p in paths if keys[p] is not None]
        now = clock()
        ages = {p: now - keys[p][1] / 1e9 for p in paths}  # type: ignore[index]
        young = [p for p in paths if ages[p] < SETTLE_SECONDS]
        if not young or time.monotonic() >= deadline:
            return [p for p in paths if p not in young], young
        if not said:
            print(
                f"waiting for {len(young)} file(s) in the inbox to finish being written…",
                file=sys.stderr,
                flush=True,
            )
            said = True
        sleep(max(0.05, min(SETTLE_SECONDS - ages[p] for p in young)))


def inbox_files(config: SiteConfig) -> list[Path]:
    inbox = config.inbox_dir
    if not inbox.is_dir():
        return []
    return sorted(
        p
        for p in inbox.rglob("*")
        if p.is_file() and not p.name.startswith(".") and PROCESSED not in p.relative_to(inbox).parts[:1]
    )
