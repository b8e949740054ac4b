"""The inbox, `content/raw/`: raw articles waiting for ingest. Apart from the ingest machinery,
so that a build can look at it without importing any of that."""

from __future__ import annotations

from pathlib import Path

from brief.config import SiteConfig

PROCESSED = "processed"  # ingested raw files move here, inside the inbox


def inbox_files(config: SiteConfig) -> list[Path]:
    inbox = config.inbox_dir
    if not inbox.is_dir():
        return []
    return sorted(
        p
        for p in inbox.rglob("*")
        if p.is_file() and not p.name.startswith(".") and PROCESSED not in p.relative_to(inbox).parts[:1]
    )
