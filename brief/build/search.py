"""The search index: Pagefind (extra `brief[search]`) run over the finished output.

Pagefind indexes the static files and ships a small client that loads only the index chunks a
query needs, so search works on any static host with no server.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from brief.errors import BriefError

INDEX_DIR = "pagefind"


def pagefind_available() -> bool:
    return importlib.util.find_spec("pagefind") is not None or shutil.which("pagefind") is not None


def index_site(folder: Path) -> None:
    """(Re)build `folder/pagefind/` from the HTML in `folder`."""
    shutil.rmtree(folder / INDEX_DIR, ignore_errors=True)
    if importlib.util.find_spec("pagefind") is not None:
        command = [sys.executable, "-m", "pagefind"]
    else:
        command = [shutil.which("pagefind") or "pagefind"]
    done = subprocess.run(
        [*command, "--site", str(folder), "--output-subdir", INDEX_DIR],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise BriefError(
            f"the search indexer failed: {reason[-1] if reason else done.returncode}",
            hint="run with search: false in site.yml to build without search",
        )
