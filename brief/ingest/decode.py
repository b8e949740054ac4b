"""Bytes of unknown encoding → clean text: BOMs, UTF-8, Windows-1252, Latin-1, mojibake."""

from __future__ import annotations

import codecs
import hashlib

import ftfy

from brief.errors import BriefError

MAX_BYTES = 10 * 1024 * 1024
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization="NFC",
    explain=False,
)


def check_size(data: bytes, path: str) -> None:
    if not data.strip():
        raise BriefError("empty file", path=path, hint="nothing to ingest")
    if len(data) > MAX_BYTES:
        raise BriefError(
            f"too large ({len(data) // 1024 // 1024} MB, the limit is 10 MB)",
            path=path,
            hint="split the file or extract the article first",
        )


def decode(data: bytes, path: str, repair: bool = True) -> str:
    """Decode `data`, repairing mojibake like `â€™` unless `repair` is off (a page's markup:
    its extracted text is repaired instead, at a tenth of the cost); binary input is an error."""
    check_size(data, path)
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return fix(data[len(bom) :].decode(codec), repair, path)
            except UnicodeDecodeError:
                raise BriefError(f"not valid {codec} despite its byte-order mark", path=path) from None
    if b"\x00" in data[:4096]:
        raise BriefError("binary file, not text", path=path, hint="give brief .txt, .html or .json files")
    for codec in ("utf-8", "cp1252"):
        try:
            return fix(data.decode(codec), repair, path)
        except UnicodeDecodeError:
            continue
    return fix(data.decode("latin-1"), repair, path)


def repair(text: str) -> str:
    """Mojibake repaired (`â€™` → `’`), and Unicode normalised."""
    return ftfy.fix_text(text, _FTFY)


def fix(text: str, repair_text: bool = True, path: str | None = None) -> str:
    if repair_text:
        text = repair(text)
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\n\r\t")
    if controls > 8:
        raise BriefError("binary file, not text", path=path, hint="give brief .txt, .html or .json files")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sha256(data: bytes) -> str:
    """The raw bytes' hash: what a brief's `raw_sha256` records."""
    return hashlib.sha256(data).hexdigest()
