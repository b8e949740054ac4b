"""markdown-it-py set up for briefs, with a core rule that links entity mentions."""

from __future__ import annotations

import hashlib
import html
import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

EntityLinks = dict[str, tuple[str, str]]  # a name as written → (URL, CSS class)


def body_key(content_hash: str, unsafe_html: bool, links: EntityLinks) -> str:
    """What a rendered body depends on (the brief's file, its entity links, the HTML switch)."""
    text = f"{content_hash}|{unsafe_html}|{sorted(links.items())}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")


def summary_adds(summary: str | None, body_html: str) -> bool:
    """Whether a summary says something the body's first paragraph does not: a summary made of
    the lead's own sentences would only repeat them above the text. Judged by words (any order,
    case, punctuation and typography aside), so it holds for any article."""
    if not summary:
        return False
    first = _FIRST_PARAGRAPH.search(body_html)
    lead = html.unescape(_TAG.sub(" ", first.group(1))) if first else ""
    said = {w.lower() for w in _WORD.findall(lead.translate(_APOSTROPHES))}
    return any(w.lower() not in said for w in _WORD.findall(summary.translate(_APOSTROPHES)))


def make_markdown(unsafe_html: bool = False) -> MarkdownIt:
    """CommonMark plus tables and strikethrough; raw HTML only when the site allows it.

    markdown-it's own link validation already drops javascript:, vbscript: and file: URLs.
    """
    md = MarkdownIt("commonmark", {"html": unsafe_html, "typographer": True})
    # Curly quotes and proper dashes, as a newsroom would print them.
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.core.ruler.push("entity_links", link_entities)
    return md


# The typographer makes quotes curly before entities are linked, so `O'Neill` in the source is
# `O’Neill` here. Both sides are compared with apostrophes folded; each is one character, so
# positions in the folded text are positions in the real one.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def _find_mentions(text: str, surfaces: list[str]) -> list[tuple[int, int, str]]:
    """Whole-word occurrences of the surfaces in `text`, longest first, never overlapping.

    str.find per surface is much cheaper than compiling an alternation for every brief.
    """
    found: list[tuple[int, int, str]] = []
    text = text.translate(_APOSTROPHES)
    for original in surfaces:  # longest first
        surface = original.translate(_APOSTROPHES)
        start = text.find(surface)
        while start != -1:
            end = start + len(surface)
            whole = (start == 0 or (not text[start - 1].isalnum() and text[start - 1] != "_")) and (
                end == len(text) or (not text[end].isalnum() and text[end] != "_")
            )
            if whole and not any(s < end and start < e for s, e, _ in found):
                found.append((start, end, original))
                break  # the first whole-word occurrence of this surface is enough
            start = text.find(surface, start + 1)
    return sorted(found)


def link_entities(state: StateCore) -> None:
    """Link the first mention of each entity in the body's text to the entity's page.

    `env["entity_links"]` maps each surface form (name or alias) to (url, css class). Text inside
    links, code and headings is left alone; each entity is linked once, at its first mention.
    """
    links: dict[str, tuple[str, str]] | None = state.env.get("entity_links")
    if not links:
        return
    surfaces = sorted(links, key=lambda s: (-len(s), s))
    done: set[str] = set()
    in_heading = False
    for block in state.tokens:
        if block.type == "heading_open":
            in_heading = True
        elif block.type == "heading_close":
            in_heading = False
        if block.type != "inline" or in_heading or not block.children:
            continue
        children: list[Token] = []
        link_depth = 0
        for token in block.children:
            if token.type == "link_open":
                link_depth += 1
            elif token.type == "link_close":
                link_depth -= 1
            if token.type == "text" and link_depth == 0 and len(done) < len(links):
                children.extend(_split_mentions(token, surfaces, links, done))
            else:
                children.append(token)
        block.children = children


def _split_mentions(
    token: Token,
    surfaces: list[str],
    links: dict[str, tuple[str, str]],
    done: set[str],
) -> list[Token]:
    out: list[Token] = []
    text = token.content
    start = 0
    for begin, end, surface in _find_mentions(text, [s for s in surfaces if links[s][0] not in done]):
        url, css = links[surface]
        if url in done:
            continue
        done.add(url)
        if begin > start:
            out.append(_text(text[start:begin]))
        opening = Token("link_open", "a", 1)
        opening.attrs = {"href": url, "class": css}
        out.extend([opening, _text(text[begin:end]), Token("link_close", "a", -1)])
        start = end
    if not out:
        return [token]
    if start < len(text):
        out.append(_text(text[start:]))
    return out


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
