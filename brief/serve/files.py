"""Mapping a request path to a file of the built site, safely."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
    ".pf_meta": "application/octet-stream",
}


def content_type(path: Path) -> str:
    if path.name == "feed.xml":
        return "application/atom+xml"
    if path.name == "feed.json":
        return "application/feed+json"
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


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
