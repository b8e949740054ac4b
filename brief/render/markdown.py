"""markdown-it-py set up for briefs, with a core rule that links entity mentions."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token


def make_markdown(unsafe_html: bool = False) -> MarkdownIt:
    """CommonMark plus tables and strikethrough; raw HTML only when the site allows it.

    markdown-it's own link validation already drops javascript:, vbscript: and file: URLs.
    """
    md = MarkdownIt("commonmark", {"html": unsafe_html, "typographer": True})
    # Curly quotes and proper dashes, as a newsroom would print them.
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.core.ruler.push("entity_links", link_entities)
    return md


@lru_cache(maxsize=256)
def _mention_pattern(surfaces: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "John Healey" wins over "Healey"; whole words only.
    alternatives = "|".join(re.escape(s) for s in sorted(surfaces, key=lambda s: (-len(s), s)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def link_entities(state: StateCore) -> None:
    """Link the first mention of each entity in the body's text to the entity's page.

    `env["entity_links"]` maps each surface form (name or alias) to (url, css class). Text inside
    links, code and headings is left alone; each entity is linked once, at its first mention.
    """
    links: dict[str, tuple[str, str]] | None = state.env.get("entity_links")
    if not links:
        return
    pattern = _mention_pattern(tuple(links))
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
                children.extend(_split_mentions(token, pattern, links, done))
            else:
                children.append(token)
        block.children = children


def _split_mentions(
    token: Token,
    pattern: re.Pattern[str],
    links: dict[str, tuple[str, str]],
    done: set[str],
) -> list[Token]:
    out: list[Token] = []
    text = token.content
    start = 0
    for match in pattern.finditer(text):
        url, css = links[match.group(0)]
        if url in done:
            continue
        done.add(url)
        if match.start() > start:
            out.append(_text(text[start : match.start()]))
        opening = Token("link_open", "a", 1)
        opening.attrs = {"href": url, "class": css}
        out.extend([opening, _text(match.group(0)), Token("link_close", "a", -1)])
        start = match.end()
    if not out:
        return [token]
    if start < len(text):
        out.append(_text(text[start:]))
    return out


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
