"""Mapping a request path to a file of the built site, safely."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from brief.sitefiles import content_type

__all__ = ["Refused", "content_type", "resolve"]


class Refused(Exception):
    """The request path can never name a file of the site (400)."""


def resolve(root: Path, request_path: str) -> tuple[Path | None, str | None]:
    """(file to serve, or None for 404; redirect location, or None).

    `..` segments (also percent-encoded), absolute or backslash paths, NUL bytes and symlinks
    that lead outside `root` are refused.
    """
    raw = urlsplit(request_path).path
    path = unquote(raw)
    if "\x00" in path or "\\" in path or not path.startswith("/"):
        raise Refused(path)
    segments = path.split("/")
    if any(segment in ("..", ".") for segment in segments):
        raise Refused(path)
    normal = posixpath.normpath(path)
    candidate = root / normal.lstrip("/")
    root_real = root.resolve()
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError):
        return None, None
    if real != root_real and not real.is_relative_to(root_real):
        return None, None
    if real.is_dir():
        if not path.endswith("/"):
            return None, raw + "/"
        real = real / "index.html"
    if not real.is_file():
        return None, None
    return real, None
