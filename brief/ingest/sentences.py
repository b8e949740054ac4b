"""Sentence splitting good enough for news prose: abbreviations and quotes handled."""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "gen",
    "col",
    "lt",
    "capt",
    "sgt",
    "rev",
    "gov",
    "sen",
    "rep",
    "no",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.k",
    "u.n",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
}
_BOUNDARY = re.compile(r"(?<=[.!?])([’”'\")\]]*)\s+(?=[‘“'\"(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(1)
        candidate = text[start:end].strip()
        last_word = re.search(r"([\w.]+)[.!?]?[’”'\")\]]*$", candidate)
        word = last_word.group(1).lower().rstrip(".") if last_word else ""
        if word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word):
            continue  # "Mr. Healey", "J. Smith"
        if candidate:
            sentences.append(candidate)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def word_count(text: str) -> int:
    return len(text.split())
