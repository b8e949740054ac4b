"""brief as a user gets it: a wheel installed (not editable) into a fresh virtual environment,
run from a folder that has no themes/ of its own.

An editable install finds the repository's themes/ folder, so it cannot show whether the wheel
carries what a site needs. Dependencies come from the test environment through a path file, so
the test needs no network; brief itself comes only from the wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED

pytest.importorskip("hatchling", reason="pip install hatchling (the test extra) to build the wheel")

SEED = SHARED / "seeds" / "dailymail-msn-scrape.txt"


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(the fresh environment's bin/, an environment for subprocesses that finds it first)."""
    base = tmp_path_factory.mktemp("install")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    wheels = base / "wheels"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(REPO),
        ],
        cwd=base,
        env=env,
    )
    (wheel,) = wheels.glob("brief-*.whl")
    venv = base / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=base, env=env)
    python = venv / "bin" / "python"
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], base, env)
    site_packages = Path(purelib.stdout.strip())
    # The test environment's packages (markdown-it-py, Jinja, trafilatura...) without its
    # editable brief: a plain path line adds the folder but runs none of the .pth files in it.
    (site_packages / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        cwd=base,
        env=env,
    )
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = run([str(python), "-c", "import brief; print(brief.__file__)"], cwd=base, env=env).stdout
    assert Path(where.strip()).is_relative_to(venv), f"brief was imported from {where}, not the wheel"
    return venv / "bin", env


def test_a_wheel_install_inits_ingests_builds_and_checks_a_site(installed, tmp_path):
    bin_dir, env = installed
    brief = str(bin_dir / "brief")
    run([brief, "init", "site"], cwd=tmp_path, env=env)
    site = tmp_path / "site"
    assert not (site / "themes").exists()
    if SEED.exists():
        raw = SEED
    else:
        from tests.test_ingest import SCRAPE

        raw = tmp_path / "scrape.txt"
        raw.write_text(SCRAPE, encoding="utf-8")
    ingested = run([brief, "ingest", "--backend", "rules", str(raw)], cwd=site, env=env)
    written = [line.split(" ", 1)[1] for line in ingested.stdout.splitlines() if line.startswith("wrote ")]
    assert len(written) == 1 and (site / written[0]).is_file(), ingested.stdout
    built = run([brief, "build"], cwd=site, env=env)
    assert "error" not in built.stderr
    slug = Path(written[0]).stem
    assert list((site / "public" / "briefs").rglob(f"{slug}/index.html"))
    assert (site / "public" / "static" / "style.css").is_file()
    run([brief, "check", "--no-build"], cwd=site, env=env)
