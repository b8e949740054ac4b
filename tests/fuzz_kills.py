"""Builds killed at random moments: `python -m tests.fuzz_kills FIRST LAST` runs seeds FIRST to
LAST and prints the ones whose output differs from a clean build.

Each sequence edits the example site (tests.fuzz_edits' edits), then starts `brief build` in a
process of its own, or a process that does what `brief serve` does (its first build, then the
edit it is told of, then its search index), and kills it with SIGKILL, workers included, at a
random moment. Sometimes the site is edited again. A build that runs to its end must then give
the bytes of a clean build, search index included. It found a search index left behind its
pages for good, and an in-place update's temporary file left in the output
(test_a_search_index_left_behind_its_pages_is_made_again_by_the_next_build,
build_killed_between_two_replacements). A seed takes 10 to 30 seconds; the kills depend on
timing, so a seed does not replay exactly: each failure prints its sequence."""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from tests.conftest import REPO
from tests.fuzz_edits import body_edit, more_edits
from tests.test_build_behaviour import snapshot
from tests.test_incremental import apply_edit, clean_build_of, input_files

BUILDS_PER_SEED = 8


def edit(root: Path, rng: random.Random, step: int) -> str:
    draw = rng.random()
    if draw < 0.4:
        body_edit(root, rng, step)
        return "edit_body"
    return more_edits(root, rng, step) if draw < 0.7 else apply_edit(root, rng, step)


def _start(root: Path, workers: int, pools: bool, *serve: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.fuzz_kills", "--run", str(root), str(workers), str(int(pools))]
    return subprocess.Popen(
        [*command, *serve],
        cwd=REPO,
        start_new_session=True,  # its own group: the kill takes the workers too
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_or_kill(process: subprocess.Popen[str], seconds: float | None) -> str:
    """'0' (or another exit status) when it ended, 'killed' when it did not within `seconds`."""
    try:
        output, _ = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return "killed"
    if process.returncode not in (0, 3):  # 3: the edit made the site invalid, said in one line
        raise RuntimeError(f"the build failed:\n{output[-2000:]}")
    return str(process.returncode)


def serve_killed(root: Path, workers: int, pools: bool, rng: random.Random, step: int, delay: float) -> str:
    """As brief serve: its first build, then an edit it is told of, killed `delay` s after the edit."""
    listing = root.parent / f"changed-{step}"
    process = _start(root, workers, pools, "serve", str(listing))
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        _wait_or_kill(process, None)
        return "serve (first build failed)"
    before = input_files(root)
    kind = edit(root, rng, step)
    after = input_files(root)
    listing.write_text(
        "".join(f"{path}\n" for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    )
    return f"serve {kind}/{_wait_or_kill(process, delay)}@{delay:.2f}"


def run_seed(seed: int, scratch: Path) -> str | None:
    rng = random.Random(seed)
    root = scratch / f"site-{seed}"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yml", root / "site.yml")
    workers, pools = rng.choice([1, 2]), rng.random() < 0.5
    started = time.monotonic()
    _wait_or_kill(_start(root, workers, pools), None)
    span = time.monotonic() - started  # the kills land across a whole build
    history = []
    for step in range(BUILDS_PER_SEED):
        if rng.random() < 0.4:
            history.append(serve_killed(root, workers, pools, rng, step, rng.uniform(0, 1.5)))
        else:
            kind = edit(root, rng, step)
            delay = rng.uniform(0.3, 1.1) * span
            history.append(f"{kind}/{_wait_or_kill(_start(root, workers, pools), delay)}@{delay:.2f}")
        if rng.random() < 0.3:
            history.append(edit(root, rng, 100 + step))
        if _wait_or_kill(_start(root, workers, pools), None) != "0":
            history.append("(invalid)")
            continue
        got, want = snapshot(root / "public"), clean_build_of(root, scratch)
        if got != want:
            differ = sorted(k for k in got.keys() | want.keys() if got.get(k) != want.get(k))
            return f"seed {seed} workers {workers} pools {pools}: {' '.join(history)}: differ {differ[:6]}"
    return None


def run_build(root: Path, workers: int, pools: bool, serve: list[str]) -> int:
    """The process that is killed: `brief build`, or what brief serve does with an edit."""
    from brief.builder.cache import clear_search_lag, search_lag
    from brief.builder.run import Builder, BuildOptions, build
    from brief.builder.search import index_site
    from brief.errors import BriefError, BuildErrors

    if pools:
        import pytest

        from tests.test_incremental import use_pools_for_small_sites

        use_pools_for_small_sites(pytest.MonkeyPatch())
    try:
        if not serve:
            build(root, workers=workers)
            return 0
        options = BuildOptions(workers=workers, index_search=False)
        builder = Builder(root, options, keep_model=True)
        builder.build()
        print("ready", flush=True)
        listing = Path(serve[1])
        while not listing.exists():
            time.sleep(0.005)
        builder.options = dataclasses.replace(options, workers=1)
        builder.build({Path(line) for line in listing.read_text().splitlines() if line})
        token = search_lag(root)  # what brief serve's BackgroundIndexer does
        if token is not None:
            index_site(root / "public")
            clear_search_lag(root, token)
    except (BriefError, BuildErrors) as error:
        print(f"invalid: {error}", flush=True)
        return 3
    return 0


def main() -> None:
    if sys.argv[1] == "--run":
        root, workers, pools, *serve = sys.argv[2:]
        sys.exit(run_build(Path(root), int(workers), pools == "1", serve))
    first, last = int(sys.argv[1]), int(sys.argv[2])
    failures = 0
    for seed in range(first, last + 1):
        with tempfile.TemporaryDirectory() as scratch:
            try:
                problem = run_seed(seed, Path(scratch))
            except Exception:
                problem = f"seed {seed}: {traceback.format_exc()[-800:]}"
        failures += problem is not None
        print(problem or f"seed {seed}: ok", flush=True)
    print(f"{failures} failing seeds of {last - first + 1}")


if __name__ == "__main__":
    main()
