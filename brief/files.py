"""Writing files so that no reader sees half of one, and a failed write names its file: the one
way every stage writes (the build's pages and cache, ingest's briefs, a new site, a deploy)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def beside(path: Path) -> Path:
    """Where a new version of `path` is written before it is renamed over it: in its folder (a
    rename is atomic within one file system), hidden, and named with this process's id, so that
    the next build removes what a killed one left (builder.output.remove_leftovers)."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def write_file(path: Path, data: bytes) -> None:
    """`data` into a new file at `path`; nothing there if it fails (a full disk), and the error
    names the file (a failed write() has no file name)."""
    try:
        path.write_bytes(data)
    except OSError as error:
        path.unlink(missing_ok=True)
        raise OSError(error.errno, error.strerror, str(path)) from None


def write_beside(path: Path, data: bytes) -> Path:
    """`data` in a new file beside `path` (see beside), its folders made; that file's path. An
    error names `path`, the file the user knows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = beside(path)
    try:
        write_file(temporary, data)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from None
    return temporary


def replace_file(path: Path, data: bytes | str) -> None:
    """`data` (text: as UTF-8) into `path` atomically: written beside it, then renamed over it."""
    temporary = write_beside(path, data.encode("utf-8") if isinstance(data, str) else data)
    try:
        os.replace(temporary, path)
    except OSError as error:  # `path` is a folder, say
        temporary.unlink(missing_ok=True)
        raise OSError(error.errno, error.strerror, str(path)) from None


def copy_file(source: Path, path: Path) -> None:
    """`source`'s bytes into `path` atomically, as replace_file, streamed (a deploy's large files).
    An error names `source` when it cannot be opened, else `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = beside(path)
    with open(source, "rb") as reading:
        try:
            with open(temporary, "wb") as writing:
                shutil.copyfileobj(reading, writing)
            os.replace(temporary, path)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise OSError(error.errno, error.strerror, str(path)) from None
