"""Stories: threads, timelines and dates, measured on the corpora in ../shared (issue 16).

    python bench/stories_bench.py                  # every section
    python bench/stories_bench.py --only dates     # TimeBank + AQUAINT: date expressions
    python bench/stories_bench.py --only threads   # Timeline17: B-cubed of stories.json
    python bench/stories_bench.py --only timelines # Timeline17: tilse date F1, alignment ROUGE

Dates: every DATE TIMEX3 of TimeBank and AQUAINT (TempEval-3's TBAQ-cleaned), found by a span
that overlaps it and normalised to the same `value`, resolved against the document's creation
time; precision over all expressions found, recall over the gold ones (TempEval-3's relaxed
match with the right value), beside dateparser's search_dates when it is installed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import date
from html import unescape
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "corpora"
sys.path.insert(0, str(REPO))

from brief.site.dates import find_dates  # noqa: E402

_TIMEX = re.compile(
    r'<TIMEX3 [^>]*?type="(?P<type>\w+)"[^>]*?value="(?P<value>[^"]*)"[^>]*>(?P<text>.*?)</TIMEX3>', re.S
)
_TAG = re.compile(r"<[^>]+>")


def timeml_documents() -> list[tuple[str, date, str, list[tuple[int, int, str, str]]]]:
    """(name, creation date, plain text, [(start, end, type, value)]) of every document."""
    documents = []
    for path in sorted((SHARED / "timebank").rglob("*.tml")):
        xml = path.read_text(encoding="utf-8")
        dct = re.search(r"<DCT>.*?value=\"(\d{4}-\d\d-\d\d)", xml, re.S)
        body = re.search(r"<TEXT>(.*)</TEXT>", xml, re.S)
        if dct is None or body is None:
            continue
        text, gold, cursor = [], [], 0
        raw = body.group(1)
        position = 0
        for m in re.finditer(r"<TIMEX3 [^>]*>.*?</TIMEX3>|<[^>]+>", raw, re.S):
            chunk = unescape(raw[position : m.start()])
            text.append(chunk)
            cursor += len(chunk)
            timex = _TIMEX.fullmatch(m.group(0))
            if timex is not None:
                inner = unescape(_TAG.sub("", timex.group("text")))
                gold.append((cursor, cursor + len(inner), timex.group("type"), timex.group("value")))
                text.append(inner)
                cursor += len(inner)
            position = m.end()
        text.append(unescape(raw[position:]))
        documents.append((path.name, date.fromisoformat(dct.group(1)), "".join(text), gold))
    return documents


def score(found: list[tuple[int, int, str]], gold: list[tuple[int, int, str]]) -> tuple[int, int, int]:
    """(right, found, gold): a found expression is right when it overlaps a gold one with its value."""
    right = 0
    for start, end, value in found:
        if any(start < g_end and g_start < end and value == g_value for g_start, g_end, g_value in gold):
            right += 1
    return right, len(found), len(gold)


def dates_section() -> None:
    documents = timeml_documents()
    totals = {"brief rules": [0, 0, 0], "dateparser search_dates": [0, 0, 0]}
    seconds = {"brief rules": 0.0, "dateparser search_dates": 0.0}
    try:
        from dateparser.search import search_dates
    except ImportError:
        search_dates = None
        del totals["dateparser search_dates"]
    for _, created, text, gold_all in documents:
        gold = [(s, e, v) for s, e, kind, v in gold_all if kind == "DATE"]
        other = [(s, e) for s, e, kind, _ in gold_all if kind != "DATE"]
        started = time.perf_counter()
        mine = [(m.start, m.end, m.value) for m in find_dates(text, created)]
        seconds["brief rules"] += time.perf_counter() - started
        # An expression that is gold as a TIME, DURATION or SET is not a DATE found wrongly.
        mine = [f for f in mine if not any(f[0] < e and s < f[1] for s, e in other)]
        for index, value in enumerate(score(mine, gold)):
            totals["brief rules"][index] += value
        if search_dates is not None:
            started = time.perf_counter()
            settings = {
                "RELATIVE_BASE": __import__("datetime").datetime(created.year, created.month, created.day),
                "PREFER_DATES_FROM": "past",
            }
            found = search_dates(text, languages=["en"], settings=settings) or []
            seconds["dateparser search_dates"] += time.perf_counter() - started
            spans, cursor = [], 0
            for phrase, moment in found:
                start = text.find(phrase, cursor)
                if start < 0:
                    continue
                cursor = start + len(phrase)
                spans.append((start, cursor, moment.date().isoformat()))
            spans = [f for f in spans if not any(f[0] < e and s < f[1] for s, e in other)]
            for index, value in enumerate(score(spans, gold)):
                totals["dateparser search_dates"][index] += value
    print(f"\n## Date expressions, TimeBank + AQUAINT ({len(documents)} documents, DATE values)\n")
    print("| method | precision | recall | value F1 | seconds |")
    print("|---|---|---|---|---|")
    for name, (right, found, gold) in totals.items():
        precision, recall = right / max(1, found), right / max(1, gold)
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        print(f"| {name} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {seconds[name]:.1f} |")
    print("| HeidelTime, TempEval-3 (anchor) |  |  | 0.776 |  |")


TOPICS = {
    "H1N1_bbc": "H1N1",
    "H1N1_reuters": "H1N1",
    "bpoil_bbc": "BP oil spill",
    "bpoil_foxnews": "BP oil spill",
    "MJ_bbc": "Michael Jackson",
    "LibyaWar_reuters": "Libya war",
}
OUTLETS = {"bbc": "BBC News", "reuters": "Reuters", "foxnews": "Fox News"}
WORK = REPO / "bench" / "work" / "timeline17"


def detokenize(text: str) -> str:
    """Timeline17's tokenized text as an article would print it."""
    text = text.replace("``", '"').replace("''", '"')
    text = re.sub(r" ([,.;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[$]) ", r"\1", text)
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    text = re.sub(r'" (.*?) "', r'"\1"', text)
    return text.replace(" -- ", " – ")


def timeline17_site(workers: int) -> Path:
    """All six Timeline17 sets ingested into one site (made once, kept in bench/work)."""
    site = WORK / "site"
    if (site / "content" / "briefs").is_dir():
        return site
    import json
    import subprocess

    raw = WORK / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for folder in sorted((SHARED / "timeline17").iterdir()):
        outlet = OUTLETS[folder.name.split("_")[1]]
        lines = []
        for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines():
            article = json.loads(line)
            sentences = [detokenize(s.strip()) for s in article["text"].split("\n") if s.strip()]
            if len(sentences) < 2:
                continue
            record = {
                "title": sentences[0][:200],
                "text": "\n\n".join(sentences[1:]),
                "date": article["time"],
                "url": f"https://timeline17.example.org/{folder.name}/{article['id']}",
                "outlet": outlet,
            }
            lines.append(json.dumps(record, ensure_ascii=False))
        (raw / f"{folder.name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    brief = [sys.executable, "-m", "brief"]
    subprocess.run([*brief, "init", str(site)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [
            *brief,
            "ingest",
            "--site",
            str(site),
            "-q",
            "-j",
            str(workers),
            *map(str, sorted(raw.glob("*.jsonl"))),
        ],
        check=False,  # a record with too little text is reported and skipped; the rest land
    )
    return site


def bcubed(clusters: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of `clusters` (item → cluster) against `gold` (item → class)."""
    by_cluster: dict[str, set[str]] = {}
    by_class: dict[str, set[str]] = {}
    for item in gold:
        by_cluster.setdefault(clusters[item], set()).add(item)
        by_class.setdefault(gold[item], set()).add(item)
    precision = recall = 0.0
    for item in gold:
        same_cluster, same_class = by_cluster[clusters[item]], by_class[gold[item]]
        both = len(same_cluster & same_class)
        precision += both / len(same_cluster)
        recall += both / len(same_class)
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def threads_section(workers: int) -> None:
    import json
    import subprocess

    site = timeline17_site(workers)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "brief", "build", "--site", str(site), "-q", "--clean"], check=True)
    seconds = time.perf_counter() - started
    stories = json.loads((site / "public" / "stories.json").read_text(encoding="utf-8"))
    gold, clusters = {}, {}
    for path in (site / "content" / "briefs").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        url = re.search(r"url: (https://timeline17\S+)", text)
        slug = re.search(r"^slug: (\S+)", text, re.M)
        if url:
            folder = url.group(1).split("/")[3]
            gold[slug.group(1) if slug else path.stem] = TOPICS[folder]
    for story in stories:
        for item in story["briefs"]:
            clusters[item["slug"]] = story["slug"]
    for slug in gold:
        clusters.setdefault(slug, "alone:" + slug)  # a brief in no story is a story of its own
    precision, recall, f1 = bcubed(clusters, gold)
    print(f"\n## Story threads, Timeline17 ({len(gold)} briefs, 4 topics, 6 outlet sets)\n")
    print("| stories | in a story | B-cubed precision | recall | F1 | build seconds |")
    print("|---|---|---|---|---|---|")
    in_story = sum(1 for s in gold if not clusters[s].startswith("alone:"))
    print(f"| {len(stories)} | {in_story} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {seconds:.1f} |")


def tokenize(sentence: str) -> str:
    """As Timeline17's references are: punctuation apart, for ROUGE."""
    return " ".join(re.findall(r"\w+(?:['’]\w+)?|[^\w\s]", sentence.lower()))


def timelines_section(workers: int) -> None:
    """news-tls's protocol (Ghalandari & Ifrim, ACL 2020, experiments/evaluate.py): for each
    reference timeline, the input is cut to the reference's span (its first to its last date),
    the system gives as many dates as the reference, each with as many sentences as the
    reference has on average; precision and recall are averaged over the timelines, then F.
    Here the system is the timeline of the story holding most of its set's briefs: its dates in
    the span, the heaviest by `weight`, each summary cut to that many sentences."""
    import datetime
    import json
    import subprocess

    try:
        from tilse.data import timelines as tilse_timelines
        from tilse.evaluation import rouge
    except ImportError:
        print("\n(timelines: pip install tilse to score them)")
        return
    site = timeline17_site(workers)
    if not (site / "public" / "stories.json").is_file():
        subprocess.run([sys.executable, "-m", "brief", "build", "--site", str(site), "-q"], check=True)
    stories = json.loads((site / "public" / "stories.json").read_text(encoding="utf-8"))
    evaluator = rouge.TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"])
    rows = []
    for folder in sorted((SHARED / "timeline17").iterdir()):
        prefix = f"https://timeline17.example.org/{folder.name}/"
        story = max(
            stories, key=lambda s: sum(1 for b in s["briefs"] if (b["source_url"] or "").startswith(prefix))
        )
        for line in (folder / "timelines.jsonl").read_text(encoding="utf-8").splitlines():
            reference = {
                datetime.date.fromisoformat(day): [" ".join(s.split()).lower() for s in sentences]
                for day, sentences in json.loads(line)
            }
            first, last = min(reference), max(reference)
            sentences = round(sum(len(s) for s in reference.values()) / len(reference))
            in_span = [
                k for k in story["timeline"] if first <= datetime.date.fromisoformat(k["date"]) <= last
            ]
            heaviest = sorted(in_span, key=lambda k: -k["weight"])[: len(reference)]
            predicted = {
                datetime.date.fromisoformat(k["date"]): [tokenize(s) for s in k["summary"][:sentences]]
                for k in heaviest
            }
            truth = tilse_timelines.GroundTruth([tilse_timelines.Timeline(reference)])
            scores = evaluator.evaluate_align_date_content_costs_many_to_one(
                tilse_timelines.Timeline(predicted), truth
            )
            shared = set(predicted) & set(reference)
            date_scores = {
                "precision": len(shared) / max(1, len(predicted)),
                "recall": len(shared) / len(reference),
            }
            rows.append((folder.name, len(reference), scores["rouge_1"], scores["rouge_2"], date_scores))

    def f(precision: float, recall: float) -> float:
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    print("\n## Timelines, Timeline17 (tilse: alignment ROUGE, many-to-one, date-content costs)\n")
    print("| set | reference dates | ROUGE-1 F | ROUGE-2 F | date F1 |")
    print("|---|---|---|---|---|")
    for name, dates, r1, r2, d in rows:
        print(
            f"| {name} | {dates} | {r1['f_score']:.3f} | {r2['f_score']:.3f} "
            f"| {f(d['precision'], d['recall']):.3f} |"
        )
    means = []
    for column in (2, 3, 4):  # as news-tls averages: precision and recall, then F
        precision = sum(r[column]["precision"] for r in rows) / len(rows)
        recall = sum(r[column]["recall"] for r in rows) / len(rows)
        means.append(f(precision, recall))
    print(f"| mean (news-tls averaging) |  | {means[0]:.3f} | {means[1]:.3f} | {means[2]:.3f} |")
    print("| news-tls best on Timeline17 (anchor) |  | 0.12 | 0.035 | 0.54 |")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["dates", "threads", "timelines"])
    parser.add_argument(
        "-j", "--workers", type=int, default=2, help="ingest processes for the Timeline17 site"
    )
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"needs the corpora in {SHARED}")
    if args.only in (None, "dates"):
        dates_section()
    if args.only in (None, "threads"):
        threads_section(args.workers)
    if args.only in (None, "timelines"):
        timelines_section(args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
