"""One error type with a location, printed the same way everywhere."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

# What to do about the machine's errors, which no edit to the site fixes.
OS_HINTS = {
    errno.ENOSPC: "free some space on that disk",
    errno.EDQUOT: "free some space, or ask for a larger quota",
    errno.EACCES: "check who may write there",
    errno.EPERM: "check who may write there",
    errno.EROFS: "that disk is mounted read-only",
}


def excerpt(text: str, limit: int = 80) -> str:
    """Text quoted in an error line: one line, at most `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def quote(value: object, limit: int = 60) -> str:
    """A value as an error line shows it: its repr, cut short, so that a 4 MB value (or an alias
    bomb's expansion) never becomes a 4 MB message."""
    return excerpt(repr(value), limit)


@dataclass
class BriefError(Exception):
    """A problem a user can fix: where it is, what is wrong, what to do."""

    message: str
    path: Path | str | None = None
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __reduce__(self):
        # Keep every field when an error crosses a process boundary (parallel rendering).
        return (BriefError, (self.message, self.path, self.line, self.field, self.hint))

    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(self.location() + ":")
        if self.field:
            # A key is the user's text: one holding a line break or a tab is shown escaped.
            parts.append(f"{self.field if self.field.isprintable() else repr(self.field)}:")
        parts.append(self.message)
        text = " ".join(parts)
        if self.hint:
            text += f" ({self.hint})"
        return text


class BuildErrors(Exception):
    """Several BriefErrors found in one pass, so the user can fix them all at once."""

    def __init__(self, errors: list[BriefError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def os_problem(error: OSError) -> BriefError:
    """An OSError (a full disk, a folder it may not write) as a BriefError: the file, the
    system's words, what to do."""
    what = (error.strerror or str(error)).lower()
    path = error.filename if isinstance(error.filename, (str, Path)) else None
    return BriefError(what, path=path, hint=OS_HINTS.get(error.errno or 0, "run with -v for details"))
