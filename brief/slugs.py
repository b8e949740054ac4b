"""URL slugs from names."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w]+|_+")
# A slug names a folder of the output, and file systems allow 255 bytes in a name (ext4, APFS,
# NTFS's 255 UTF-16 units): longer ones are cut to this, leaving room for a `-2`, and keep a
# hash of the whole name so that distinct names stay distinct.
MAX_SLUG_BYTES = 200


def slugify(name: str) -> str:
    """`São Paulo's Mayor` → `sao-paulo-s-mayor`; letters of other scripts are kept. A slug over
    MAX_SLUG_BYTES (a tag of a whole sentence, an entity a scrape ran together) is cut at a
    word and ends with a hash of the name."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = _NOT_WORD.sub("-", stripped.casefold()).strip("-")
    if not slug:
        slug = "x-" + _digest(name)
    slug = unicodedata.normalize("NFC", slug)
    if len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        digest = _digest(name)
        cut = slug.encode("utf-8")[: MAX_SLUG_BYTES - len(digest) - 1].decode("utf-8", "ignore")
        slug = f"{cut.rsplit('-', 1)[0] if '-' in cut else cut}-{digest}"
    return slug


def _digest(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
