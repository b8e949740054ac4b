"""Pattern and word-list data files for ingest, loaded once."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent


@cache
def load(name: str) -> Any:
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
