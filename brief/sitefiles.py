"""What the built site's files are, for every stage that handles them (build, serve, deploy):
the marker that says brief wrote a folder, and each file's content type."""

from __future__ import annotations

from pathlib import Path

# Written into every output folder brief builds. A build replaces or deletes files only in a
# folder that has it (or an empty one), so a mistyped `output:` can never take a user's folder;
# deploy leaves it behind.
OUTPUT_MARKER = ".brief-output"

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
