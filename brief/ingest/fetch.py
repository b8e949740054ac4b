"""Fetching a page or feed by URL: a timeout, a size cap, and one clear error on failure."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from brief import __version__
from brief.errors import BriefError
from brief.ingest.decode import MAX_BYTES

TIMEOUT = 20.0


@dataclass
class Fetched:
    url: str  # after redirects
    data: bytes
    content_type: str


def fetch(url: str, timeout: float = TIMEOUT) -> Fetched:
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": f"brief/{__version__} (news brief ingest)",
            "Accept": "text/html,application/xhtml+xml,application/xml,*/*",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise BriefError("page is larger than 10 MB", path=url)
            return Fetched(response.geturl(), data, response.headers.get_content_type())
    except urllib.error.HTTPError as error:
        raise BriefError(
            f"server answered {error.code} {error.reason}",
            path=url,
            hint="check the address, or save the page and ingest the file",
        ) from None
    except urllib.error.URLError as error:
        raise BriefError(
            f"cannot fetch: {error.reason}", path=url, hint="check the address and your connection"
        ) from None
    except TimeoutError:
        raise BriefError(f"no answer within {timeout:.0f} s", path=url) from None
    except OSError as error:
        raise BriefError(f"cannot fetch: {error}", path=url) from None
