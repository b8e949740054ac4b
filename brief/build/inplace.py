"""Updating an existing output folder in place: only changed files are written.

Everything is rendered into memory first; nothing on disk changes unless every page rendered.
Each file is replaced atomically (write beside, rename over), so a reader sees either the old
or the new file, never half of one.
"""

from __future__ import annotations

import os
import shutil
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from brief.build.output import mark_output


def _replace(target: Path, data: bytes) -> bool:
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False  # same bytes: keep the file and its mtime
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return True


def update_in_place(
    output: Path,
    rendered: dict[str, bytes],
    static: dict[str, Path],
    stale: set[str],
    lock: AbstractContextManager | None = None,
) -> tuple[int, int]:
    """Write `rendered` pages and changed `static` files, delete `stale` ones; (written, removed)."""
    written = removed = 0
    mark_output(output)
    with lock or nullcontext():
        for rel_path, data in rendered.items():
            written += _replace(output / rel_path, data)
        for rel_path, source in static.items():
            target = output / rel_path
            try:
                same = (
                    target.stat().st_size == source.stat().st_size
                    and target.read_bytes() == source.read_bytes()
                )
            except OSError:
                same = False
            if not same:
                target.parent.mkdir(parents=True, exist_ok=True)
                temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
                shutil.copyfile(source, temporary)
                os.replace(temporary, target)
                written += 1
        for rel_path in sorted(stale):
            path = output / rel_path
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                continue
            parent = path.parent
            while parent != output and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    return written, removed
