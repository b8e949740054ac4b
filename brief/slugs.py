"""URL slugs from names."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w]+|_+")


def slugify(name: str) -> str:
    """`São Paulo's Mayor` → `sao-paulo-s-mayor`; letters of other scripts are kept."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = _NOT_WORD.sub("-", stripped.casefold()).strip("-")
    if not slug:
        slug = "x-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return unicodedata.normalize("NFC", slug)
