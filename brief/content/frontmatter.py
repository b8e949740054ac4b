"""Split a brief file into its YAML front-matter and markdown body."""

from __future__ import annotations

from pathlib import Path

from brief.errors import BriefError

_OPEN = "---"
_CLOSE = ("---", "...")


def split_front_matter(text: str, path: Path | str) -> tuple[str, str, int]:
    """Return (yaml text, body, line number where the body starts).

    The YAML text starts on line 2 of the file.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _OPEN:
        raise BriefError(
            "no front-matter",
            path=path,
            line=1,
            hint="start the file with a line '---', the YAML keys, then another '---'",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _CLOSE:
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return yaml_text, body, index + 2
    raise BriefError(
        "front-matter is never closed",
        path=path,
        line=1,
        hint="end the YAML keys with a line '---' before the body",
    )
