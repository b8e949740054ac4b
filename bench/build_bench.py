"""Build speed and memory on a synthetic news archive, with Hugo and Pelican when installed.

    python bench/build_bench.py --briefs 10000          # the issue's size
    python bench/build_bench.py --briefs 300 --quick    # what CI runs, to prove it works

Each build runs in a fresh process (`brief build`) so peak memory (ru_maxrss of the child) is
its own. Steps: cold (no output, no cache), no-change rebuild, one brief's body edited, one
brief added; then, in one process that keeps its build as `brief serve` does, one brief's text
edited. Ratios are against Hugo on the same content in the same run, when `hugo` is on PATH,
twice: with templates that show what brief's default theme shows on the same page set
(`bench/hugo_theme/`), and with bare templates (a title and links, no archives or feeds of
brief's kind), which is a floor for Hugo rather than a like-for-like build. Pelican (tags,
authors and period archives: it has no custom taxonomies) runs on small sizes.

    python bench/build_bench.py --briefs 1000,10000,50000   # growth: cost per 1,000 briefs
    python bench/build_bench.py --briefs 10000 --keep /dev/shm/bench   # on a RAM disk

A virtual machine's disk can make creating 22,000 files and folders take 1 s or 5 s from one
run to the next, and slower from two processes than from one; on a RAM disk (`--keep` a folder
in /dev/shm) what is left is the programs' own work, which is what the serial fraction and the
16-core prediction are about. Hugo writes to the same folder, so the ratios stay fair.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

BRIEF = [sys.executable, "-m", "brief"]


def run(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """(seconds, peak MB of this child alone, its output)."""
    seconds, usage, text = run_with_usage(command, cwd)
    return seconds, usage.ru_maxrss / 1024, text


def run_with_usage(command: list[str], cwd: Path) -> tuple[float, os.struct_rusage, str]:
    """(seconds, the child's rusage, its output). The CPU times include the processes it
    started and waited for (a build's workers); the peak memory is its own."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as output:
        child = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(child.pid, 0)  # the child's own rusage, not the maximum of all
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        output.seek(0)
        text = output.read()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{text[-2000:]}")
    return seconds, usage, text


def last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def step_seconds(text: str, step: str) -> str:
    """The time `brief build -v` gives for one of its steps."""
    for line in text.splitlines():
        if line.strip().startswith(f"{step}: "):
            return line.split(": ")[1].split(" s")[0]
    return ""


def spread_seconds(text: str) -> float:
    """The time `brief build -v` says its steps spent on work split across the workers."""
    return sum(float(s) for s in re.findall(r"\(([\d.]+) s of it split across workers\)", text))


def count_files(folder: Path, suffix: str = "") -> int:
    return sum(1 for p in folder.rglob(f"*{suffix}") if p.is_file())


def hugo_files(folder: Path) -> str:
    """Pages Hugo wrote, apart from the redirect it adds for each list's /page/1/."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    redirects = sum(
        1 for p in files if p.name == "index.html" and p.parent.name == "1" and p.parent.parent.name == "page"
    )
    return f"{len(files) - redirects} + {redirects} redirects"


# One brief's text edited in a process that keeps its last build, as `brief serve` does.
WARM_EDIT = """
import sys, time
from pathlib import Path
from brief.builder.run import Builder
site = Path(sys.argv[1])
builder = Builder(site, keep_model=True)
result = builder.build()
builder.warm.prepare()  # as brief serve does after its first build
victim = sorted((site / "content" / "briefs").rglob("*.md"))[len(result.site.pages) // 3]
times = []
for n in range(5):
    victim.write_text(victim.read_text(encoding="utf-8") + f"\\nA warm edit, {n}.\\n", encoding="utf-8")
    started = time.perf_counter()
    result = builder.build({victim})
    times.append(time.perf_counter() - started)
print(f"{sorted(times)[len(times) // 2]:.3f} {result.written}")
"""


# A site's own template for brief pages, reading what the theme's does and a little more.
OWN_BRIEF_TEMPLATE = (
    '{% extends "theme:brief.html" %}{% block main %}<p class="edition">{{ item.source.name if item.source }}'
    "</p>{{ super() }}{% endblock %}"
)


WORD_COUNT_CARD = (
    '{% include "theme:partials/card.html" %}<p class="words">{{ item.brief.body|wordcount }} words</p>'
)


def _spin(_: int) -> float:
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - started


def machine_speedup(cores: int, repeat: int = 1) -> float:
    """What `cores` processes of pure Python arithmetic gain on this machine over one: the
    most any program can (virtual cores that share a physical one give far less than `cores`).
    The best of `repeat` tries: a neighbour on a shared host only ever makes it look worse."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    best = 0.0
    for _ in range(repeat):
        with context.Pool(1) as pool:
            alone = pool.map(_spin, [0])[0]
        with context.Pool(cores) as pool:
            started = time.perf_counter()
            pool.map(_spin, range(cores), chunksize=1)
            together = time.perf_counter() - started
        best = max(best, cores * alone / together)
    return best


def cores_rows(site: Path, repeat: int) -> list[list[object]]:
    """Cold builds with one worker and with every core: the serial fraction by Amdahl's law,
    and the time it predicts for 16 cores; Amdahl's law again against what this machine's cores
    give side by side (machine_speedup, measured in the same run), since a machine whose cores
    share a physical one makes any program look serial. Also the serial part measured directly:
    the one-worker build's time outside the work it shares out over every core (`brief build -v`
    says how much of each step that is), that is start-up, relating, planning, saving the cache.

    Each build runs `repeat` times, one worker and every core in turn, and the fastest of each
    counts (as timeit does): on a shared virtual machine the same build took 36 to 45 s within
    an hour, and one slow run of either kind moved the serial fraction by ten points.

    Neither counts what each worker adds (a fork of the whole build, the memory it copies, the
    caches it fills), which a machine with more cores pays once per worker. So one more build
    runs 16 workers here and adds up their CPU time: its serial part plus a 16th of the rest is
    what it would take with a core each (high where 16 workers share few cores). It runs
    `repeat` times too, in turn with the others: its CPU time varied by a third between two
    runs (35.6 and 48.1 CPU-s at 10,000 briefs on the same machine within an hour)."""
    cores = os.cpu_count() or 1
    machine = machine_speedup(cores, repeat) if cores > 1 else 1.0
    times: dict[int, float] = {}
    outputs: dict[int, str] = {}
    cpu: dict[int, float] = {}  # CPU seconds of each kept build, its workers' included
    for _ in range(repeat):
        for workers in dict.fromkeys((1, cores, 16)):  # one run each where the machine has 16
            shutil.rmtree(site / "public", ignore_errors=True)
            shutil.rmtree(site / ".brief-cache", ignore_errors=True)
            command = [*BRIEF, "build", "--site", str(site), "-v", "-j", str(workers)]
            seconds, usage, output = run_with_usage(command, site)
            if seconds < times.get(workers, float("inf")):
                times[workers], outputs[workers] = seconds, output
                cpu[workers] = usage.ru_utime + usage.ru_stime
    shutil.rmtree(site / "public", ignore_errors=True)
    shutil.rmtree(site / ".brief-cache", ignore_errors=True)
    seconds16 = times[16]
    serial16 = max(0.0, seconds16 - spread_seconds(outputs[16]))
    own_cores = serial16 + (cpu[16] - serial16) / 16
    speedup = times[1] / times[cores]
    serial = (cores / speedup - 1) / (cores - 1) if cores > 1 else 1.0
    serial = min(1.0, max(0.0, serial))
    predicted = times[1] * (serial + (1 - serial) / 16)
    parallel_part = spread_seconds(outputs[1])
    measured = max(0.0, times[1] - parallel_part) / times[1]
    against = ""
    if machine > 1.05:
        relative = (times[cores] / times[1] - 1 / machine) / (1 - 1 / machine)
        relative = min(1.0, max(0.0, relative))
        against = (
            f"; the machine's own speed-up {machine:.2f}× (pure arithmetic), against which the serial "
            f"fraction is {relative:.1%} (predicts {times[1] * (relative + (1 - relative) / 16):.1f} s on 16)"
        )
    note = (
        f"speed-up {speedup:.2f}× on {cores} cores; serial fraction {serial:.1%}; "
        f"predicted 16 cores {predicted:.1f} s{against}; serial part measured directly {measured:.1%} "
        f"(predicts {times[1] * (measured + (1 - measured) / 16):.1f} s on 16)"
    )
    sixteen = (
        f"{cpu[16]:.1f} CPU-s in all, against {cpu[1]:.1f} with 1 worker; serial part {serial16:.1f} s; "
        f"with a core each: {own_cores:.1f} s"
    )
    return [
        ["brief", "cold build, 1 worker", "", f"{times[1]:.2f}", "", ""],
        ["brief", f"cold build, {cores} workers", "", f"{times[cores]:.2f}", "", note],
        ["brief", f"cold build, 16 workers on {cores} cores", "", f"{seconds16:.2f}", "", sixteen],
    ]


def brief_steps(site: Path, repeat: int) -> list[list[object]]:
    rows = cores_rows(site, repeat)
    env_note = ""
    shutil.rmtree(site / "public", ignore_errors=True)
    shutil.rmtree(site / ".brief-cache", ignore_errors=True)
    seconds, peak, _ = run([*BRIEF, "build", "--site", str(site), "-q"], site)
    out = site / "public"
    rows.insert(0, ["brief", "cold build", count_files(out, ""), f"{seconds:.2f}", f"{peak:.0f}", env_note])
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
    # The same body edit with a template of the site's own: spliced all the same, because what
    # the template reads (recorded while it rendered) does not include the text.
    template = site / "templates" / "brief.html"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(OWN_BRIEF_TEMPLATE, encoding="utf-8")
    run([*BRIEF, "build", "--site", str(site), "-q"], site)
    # Another brief than the one copied above: its text is in the feeds twice now, and a splice
    # rightly refuses a body it finds twice in a file.
    other = sorted((site / "content" / "briefs").rglob("*.md"))[
        len(list((site / "content" / "briefs").rglob("*.md"))) // 4
    ]
    other.write_text(other.read_text(encoding="utf-8") + "\nAnother closing paragraph.\n", encoding="utf-8")
    seconds, peak, output = run([*BRIEF, "build", "--site", str(site)], site)
    step = "one brief's body edited, site's own brief.html"
    rows.append(["brief", step, last_line(output).split(" in ")[0][:40], f"{seconds:.2f}", f"{peak:.0f}", ""])
    template.unlink()
    # A site's own card that counts each brief's words: every list showing the brief reads its
    # text in a form no splice can follow, so the edit takes a build of the model.
    card = site / "templates" / "partials" / "card.html"
    card.parent.mkdir(parents=True, exist_ok=True)
    card.write_text(WORD_COUNT_CARD, encoding="utf-8")
    run([*BRIEF, "build", "--site", str(site), "-q"], site)
    other.write_text(other.read_text(encoding="utf-8") + "\nOne more closing sentence.\n", encoding="utf-8")
    seconds, peak, output = run([*BRIEF, "build", "--site", str(site)], site)
    step = "one brief's body edited, site's own card counting words"
    rows.append(["brief", step, last_line(output).split(" in ")[0][:40], f"{seconds:.2f}", f"{peak:.0f}", ""])
    card.unlink()
    # Stories on: the synthetic archive's small vocabulary makes one story of nearly every brief,
    # the worst case for a story's page and timeline.
    config = site / "site.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("stories: false", "stories: true"))
    seconds, peak, output = run([*BRIEF, "build", "--site", str(site), "-v", "--clean"], site)
    threading = step_seconds(output, "threading stories") or "?"
    rows.append(
        ["brief", "cold build with stories", "", f"{seconds:.2f}", f"{peak:.0f}", f"stories {threading} s"]
    )
    # A new brief, newer than all (as news arrives): threading resumes and decides it alone.
    # One older than all is there for contrast: every brief after it is decided again.
    briefs = sorted((site / "content" / "briefs").rglob("*.md"))
    newest = max(
        re.search(r"^date: '?([^'\n]+)", p.read_text(encoding="utf-8"), re.M).group(1) for p in briefs
    )
    moment = datetime.fromisoformat(newest)
    for name, when in (("newest", moment + timedelta(hours=1)), ("oldest", datetime(2000, 1, 1, tzinfo=UTC))):
        added = briefs[0].with_name(f"story-{name}.md")
        added.write_text(
            re.sub(
                r"^date: .*$",
                f"date: '{when.isoformat()}'",
                briefs[0].read_text(encoding="utf-8"),
                count=1,
                flags=re.M,
            ),
            encoding="utf-8",
        )
        seconds, peak, output = run([*BRIEF, "build", "--site", str(site), "-v"], site)
        threading = step_seconds(output, "threading stories") or "?"
        step = f"one brief added, {'newer' if name == 'newest' else 'older'} than all, stories on"
        rows.append(["brief", step, "", f"{seconds:.2f}", f"{peak:.0f}", f"stories {threading} s"])
    for name in ("newest", "oldest"):
        briefs[0].with_name(f"story-{name}.md").unlink()
    config.write_text(config.read_text(encoding="utf-8").replace("stories: true", "stories: false"))
    _, peak, output = run([sys.executable, "-c", WARM_EDIT, str(site)], site)
    median, written = last_line(output).split()
    step = "one brief's text edited (median of 5)"
    rows.append(["brief serve", step, f"{written} rewritten", median, f"{peak:.0f}", ""])
    return rows


HUGO_THEME = Path(__file__).resolve().parent / "hugo_theme"

HUGO_CONFIG = """baseURL = "https://archive.example.org/"
title = "Synthetic archive"
enableRobotsTXT = true
[pagination]
  pagerSize = 20
[taxonomies]
  tag = "tags"
  person = "people"
  organization = "organizations"
  place = "places"
"""

# The rest of brief's page set: authors, outlets and day archives as taxonomies (year and month
# archives are sections), feeds of 20 items for the site, each tag and each entity, a JSON feed,
# and related briefs from the entities they share. Related content is Hugo's slowest part here:
# at 10,000 briefs it took 101 s with tags as an index too, and 82 s with entities only but
# without cardinalityThreshold (which drops entities carried by over 1 % of pages; brief instead
# looks at each entity's 30 briefs nearest in time), so Hugo gets the fastest setting (about 32 s).
HUGO_EQUIVALENT_CONFIG = """  author = "authors"
  source = "sources"
  day = "days"
[services.rss]
  limit = 20
[outputs]
  home = ["html", "rss", "json"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html", "rss"]
[related]
  includeNewer = true
  threshold = 1
  toLower = false
  [[related.indices]]
    name = "people"
    weight = 100
    cardinalityThreshold = 1
  [[related.indices]]
    name = "organizations"
    weight = 100
    cardinalityThreshold = 1
  [[related.indices]]
    name = "places"
    weight = 100
    cardinalityThreshold = 1
"""

HUGO_MINIMAL_LAYOUTS = {
    "baseof.html": '<!DOCTYPE html><html><body>{{ block "main" . }}{{ end }}</body></html>',
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}'
    '<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}',
    "terms.html": '{{ define "main" }}{{ range .Data.Terms }}{{ .Page.Title }}{{ end }}{{ end }}',
}


def hugo_site(site: Path, target: Path, equivalent: bool) -> Path:
    """The same briefs as a Hugo site: tags and the three entity kinds as taxonomies.

    `equivalent` gives Hugo brief's whole page set and templates that show what the default
    theme shows (`bench/hugo_theme/`: cards with summary and tags on every list, related briefs,
    entity pages grouped by month with a density strip and the entities seen most often with
    them, full-text feeds); otherwise bare templates (a title and links) over briefs and
    taxonomy pages only, a floor for what Hugo can do."""
    import yaml

    (target / "content" / "briefs").mkdir(parents=True)
    config = HUGO_CONFIG + (HUGO_EQUIVALENT_CONFIG if equivalent else "")
    old_hugo = hugo_version() < (0, 128)
    if old_hugo:  # Debian 12 has Hugo 0.111: the same settings and escaping, spelled as it was then
        config = config.replace("[pagination]\n  pagerSize = 20", "paginate = 20")
    (target / "hugo.toml").write_text(config)
    if equivalent:
        shutil.copytree(HUGO_THEME / "layouts", target / "layouts")
        if old_hugo:
            rss = target / "layouts" / "_default" / "rss.xml"
            rss.write_text(rss.read_text().replace("transform.XMLEscape", "htmlEscape"))
        for taxonomy in ("authors", "sources", "days"):  # brief has no feeds for these
            (target / "content" / taxonomy).mkdir()
            (target / "content" / taxonomy / "_index.md").write_text(
                "---\ncascade:\n  outputs: [html]\noutputs: [html]\n---\n"
            )
    else:
        (target / "layouts" / "_default").mkdir(parents=True)
        for name, text in HUGO_MINIMAL_LAYOUTS.items():
            (target / "layouts" / "_default" / name).write_text(text)

    briefs = site / "content" / "briefs"
    for path in briefs.rglob("*.md"):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        data = yaml.safe_load(front)
        data.update(data.pop("entities", {}))
        source = data.pop("source", None)
        if equivalent:
            data["sources"] = [source["name"]] if source else []
            data["days"] = [data["date"][:10]]
        out = target / "content" / "briefs" / path.relative_to(briefs)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body, encoding="utf-8")
    if equivalent:  # year and month archives: a section per folder
        for folder in (target / "content" / "briefs").rglob("*"):
            if folder.is_dir():
                parts = folder.relative_to(target / "content" / "briefs").parts
                title = parts[0] if len(parts) == 1 else f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
                (folder / "_index.md").write_text(f"---\ntitle: '{title}'\n---\n")
        (target / "content" / "briefs" / "_index.md").write_text("---\ntitle: Timeline\n---\n")
    return target


def hugo_version() -> tuple[int, ...]:
    """The version of the `hugo` on PATH, as numbers: v0.111.3+extended → (0, 111, 3)."""
    output = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"v(\d+)\.(\d+)\.(\d+)", output)
    return tuple(int(n) for n in found.groups()) if found else (0, 0, 0)


MONTHS = "January February March April May June July August September October November December".split()


def pelican_site(site: Path, target: Path) -> Path:
    """The same briefs for Pelican: tags, authors, year and month archives, pagination by 20.
    Pelican has no custom taxonomies, so it builds no entity pages."""
    import yaml

    (target / "content").mkdir(parents=True)
    (target / "pelicanconf.py").write_text(
        'SITENAME = "Synthetic"\nSITEURL = ""\nPATH = "content"\nTIMEZONE = "UTC"\n'
        'DEFAULT_LANG = "en"\nDEFAULT_PAGINATION = 20\nLOAD_CONTENT_CACHE = False\n'
        "YEAR_ARCHIVE_SAVE_AS = 'posts/{date:%Y}/index.html'\n"
        "MONTH_ARCHIVE_SAVE_AS = 'posts/{date:%Y}/{date:%m}/index.html'\n"
    )
    for path in (site / "content" / "briefs").rglob("*.md"):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        data = yaml.safe_load(front)
        header = [
            f"Title: {data['title']}",
            f"Date: {data['date'][:16].replace('T', ' ')}",
            f"Slug: {path.stem}",
            f"Tags: {', '.join(data.get('tags', []))}",
            f"Authors: {', '.join(data.get('authors', []))}",
            f"Summary: {data.get('summary', '')}",
        ]
        text = "\n".join(header) + "\n\n" + body
        (target / "content" / f"{path.stem}.md").write_text(text, encoding="utf-8")
    return target


def bench_size(briefs: int, folder: Path, args: argparse.Namespace) -> list[list[object]]:
    site = folder / "site"
    if folder.exists():  # a kept folder from an earlier run (--keep): brief's and the others' sites
        shutil.rmtree(folder)
    started = time.perf_counter()
    synthetic.generate(site, briefs)
    print(f"generated {briefs} briefs in {time.perf_counter() - started:.1f} s ({site})", flush=True)
    rows = brief_steps(site, 1 if args.quick else args.repeat)
    hugo = shutil.which("hugo") or shutil.which("hugo", path=str(Path(sys.executable).parent))
    if hugo and not args.quick:
        ratios = []
        for equivalent in (True, False):
            name = "hugo, same pages" if equivalent else "hugo, bare templates"
            hsite = hugo_site(site, folder / ("hugo" if equivalent else "hugo-bare"), equivalent)
            seconds, peak, _ = run([hugo, "--quiet"], hsite)
            files = hugo_files(hsite / "public")
            rows.append([name, "cold build", files, f"{seconds:.2f}", f"{peak:.0f}", ""])
            ratios.append(f"{float(rows[0][3]) / seconds:.2f}× {name}")
            if equivalent:
                seconds, peak, _ = run([hugo, "--quiet"], hsite)
                rows.append([name, "no-change rebuild", "", f"{seconds:.2f}", f"{peak:.0f}", ""])
        rows[0][-1] = "; ".join(ratios)
    pelican = shutil.which("pelican") or shutil.which("pelican", path=str(Path(sys.executable).parent))
    if pelican and not args.quick and briefs <= args.pelican_max:
        psite = pelican_site(site, folder / "pelican")
        seconds, peak, _ = run([pelican, "content", "-o", "output", "-s", "pelicanconf.py", "-q"], psite)
        rows.append(
            ["pelican", "cold build", count_files(psite / "output"), f"{seconds:.2f}", f"{peak:.0f}", ""]
        )
    print(f"\n## Build, {briefs} synthetic briefs ({os.cpu_count()} cores)\n")
    print("| tool | step | files | seconds | peak MB | ratio |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    print(flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--briefs", default="1000", help="archive size; several, comma-separated, for a growth table"
    )
    parser.add_argument("--quick", action="store_true", help="skip the other generators")
    parser.add_argument(
        "--pelican-max", type=int, default=2000, help="run Pelican only up to this many briefs (it is slow)"
    )
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument(
        "--repeat", type=int, default=3, help="cold builds with 1 worker and all cores: best of N (default 3)"
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.briefs.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="brief-bench-")) if not args.keep else args.keep
    cold: dict[int, tuple[float, float]] = {}
    try:
        for briefs in sizes:
            rows = bench_size(briefs, tmp / str(briefs), args)
            cold[briefs] = (float(rows[0][3]), float(rows[0][4]))
            if not args.keep:
                shutil.rmtree(tmp / str(briefs), ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if len(sizes) > 1:
        # Linear growth shows as constant cost per 1,000 briefs.
        print("## Growth of brief's cold build\n")
        print("| briefs | seconds | per 1,000 briefs | peak MB | MB per 1,000 briefs |")
        print("|---|---|---|---|---|")
        for briefs, (seconds, peak) in cold.items():
            per_second, per_mb = seconds * 1000 / briefs, peak * 1000 / briefs
            print(f"| {briefs} | {seconds:.2f} | {per_second:.2f} | {peak:.0f} | {per_mb:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
