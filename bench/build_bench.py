"""Build speed and memory on a synthetic news archive, with Hugo and Pelican when installed.

    python bench/build_bench.py --briefs 10000          # the issue's size
    python bench/build_bench.py --briefs 300 --quick    # what CI runs, to prove it works

Each build runs in a fresh process (`brief build`) so peak memory (ru_maxrss of the child) is
its own. Steps: cold (no output, no cache), no-change rebuild, one brief's body edited, one
brief added. Ratios are against Hugo on the same content in the same run, when `hugo` is on PATH.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

BRIEF = [sys.executable, "-m", "brief"]


def run(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """(seconds, peak MB of the child, last line of output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of any child so far: run the biggest first or read
    # it per step via /usr/bin/time when exactness matters.
    lines = (done.stdout + done.stderr).strip().splitlines()
    return seconds, max(peak, before) / 1024, lines[-1] if lines else ""


def count_files(folder: Path, suffix: str = ".html") -> int:
    return sum(1 for _ in folder.rglob(f"*{suffix}"))


def brief_steps(site: Path) -> list[list[object]]:
    rows = []
    env_note = ""
    seconds, peak, _ = run([*BRIEF, "build", "--site", str(site), "-q"], site)
    out = site / "public"
    rows.append(["brief", "cold build", count_files(out, ""), f"{seconds:.2f}", f"{peak:.0f}", env_note])
    seconds, peak, _ = run([*BRIEF, "build", "--site", str(site), "-q"], site)
    rows.append(["brief", "no-change rebuild", "", f"{seconds:.2f}", f"{peak:.0f}", ""])
    victim = sorted((site / "content" / "briefs").rglob("*.md"))[
        len(list((site / "content" / "briefs").rglob("*.md"))) // 2
    ]
    victim.write_text(
        victim.read_text(encoding="utf-8") + "\nAn added closing paragraph.\n", encoding="utf-8"
    )
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    seconds, peak, _ = run([*BRIEF, "build", "--site", str(site), "-q"], site)
    changed = sum(1 for p in out.rglob("*") if p.is_file() and before.get(p) != p.stat().st_mtime_ns)
    rows.append(
        ["brief", "one brief's body edited", f"{changed} rewritten", f"{seconds:.2f}", f"{peak:.0f}", ""]
    )
    new = victim.with_name("added-brief.md")
    new.write_text(
        victim.read_text(encoding="utf-8").replace("Report ", "Added report ", 1), encoding="utf-8"
    )
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    seconds, peak, _ = run([*BRIEF, "build", "--site", str(site), "-q"], site)
    changed = sum(1 for p in out.rglob("*") if p.is_file() and before.get(p) != p.stat().st_mtime_ns)
    rows.append(["brief", "one brief added", f"{changed} rewritten", f"{seconds:.2f}", f"{peak:.0f}", ""])
    return rows


def hugo_site(site: Path, target: Path) -> Path:
    """The same briefs as a Hugo site: tags and the three entity kinds as taxonomies, year and
    month archives as list pages, pagination by 20."""
    (target / "content" / "posts").mkdir(parents=True)
    (target / "layouts" / "_default").mkdir(parents=True)
    (target / "hugo.toml").write_text(
        'baseURL = "https://archive.example.org/"\ntitle = "Synthetic"\n[pagination]\n  pagerSize = 20\n'
        "[taxonomies]\n  tag = 'tags'\n  person = 'people'\n"
        "  organization = 'organizations'\n  place = 'places'\n"
    )
    layouts = target / "layouts" / "_default"
    (layouts / "baseof.html").write_text(
        '<!DOCTYPE html><html><body>{{ block "main" . }}{{ end }}</body></html>'
    )
    (layouts / "single.html").write_text('{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}')
    (layouts / "list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}'
        '<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}'
    )
    (layouts / "terms.html").write_text(
        '{{ define "main" }}{{ range .Data.Terms }}{{ .Page.Title }}{{ end }}{{ end }}'
    )
    import yaml

    for path in (site / "content" / "briefs").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        data = yaml.safe_load(front)
        entities = data.pop("entities", {})
        data.update({k: v for k, v in entities.items()})
        data.pop("source", None)
        out = target / "content" / "posts" / path.relative_to(site / "content" / "briefs")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body, encoding="utf-8")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--briefs", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="skip the other generators")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="brief-bench-")) if not args.keep else args.keep
    try:
        site = tmp / "site"
        if site.exists():
            shutil.rmtree(site)
        started = time.perf_counter()
        synthetic.generate(site, args.briefs)
        print(f"generated {args.briefs} briefs in {time.perf_counter() - started:.1f} s ({site})", flush=True)
        rows = brief_steps(site)
        hugo = shutil.which("hugo") or shutil.which("hugo", path=str(Path(sys.executable).parent))
        if hugo and not args.quick:
            hsite = hugo_site(site, tmp / "hugo")
            seconds, peak, _ = run([hugo, "--quiet"], hsite)
            pages = count_files(hsite / "public", "")
            rows.append(["hugo", "cold build", pages, f"{seconds:.2f}", f"{peak:.0f}", ""])
            hugo_cold = seconds
            seconds, peak, _ = run([hugo, "--quiet"], hsite)
            rows.append(["hugo", "no-change rebuild", "", f"{seconds:.2f}", f"{peak:.0f}", ""])
            rows[0][-1] = f"{float(rows[0][3]) / hugo_cold:.2f}× Hugo"
        print(f"\n## Build, {args.briefs} synthetic briefs ({os.cpu_count()} cores)\n")
        print("| tool | step | files | seconds | peak MB | ratio |")
        print("|---|---|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(str(c) for c in row) + " |")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
