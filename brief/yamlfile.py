"""YAML reading with locations: fast parsing, and line numbers when an error needs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader that leaves timestamps as strings: brief validates dates itself, with zones."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

from brief.errors import BriefError, excerpt  # noqa: E402

# Aliases let a few lines of YAML stand for a structure of billions of values ("billion laughs"):
# PyYAML shares the aliased objects, but everything that walks the result pays for each one.
MAX_EXPANDED_VALUES = 100_000


def parse_yaml(text: str, path: Path | str, first_line: int = 1) -> Any:
    """Parse YAML text that starts at `first_line` of `path`; syntax errors carry the line."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # A token that never ends (an unclosed quote, a key without its colon) is noticed where
        # the scanner gave up, often the next line or the end of the file; the fault is where
        # that token starts, the error's context. Other faults are where the problem is.
        unfinished = ("could not find expected", "end of stream")
        if (
            isinstance(exc, yaml.scanner.ScannerError)
            and exc.context_mark is not None
            and any(words in (exc.problem or "") for words in unfinished)
        ):
            mark = exc.context_mark
        line = first_line + mark.line if mark else first_line
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem and exc.context_mark.line != mark.line:
            problem += f", {exc.context} that starts on line {first_line + exc.context_mark.line}"
        elif exc.context and exc.problem and mark is exc.context_mark:
            problem += f" {exc.context}"
        raise BriefError(
            f"invalid YAML: {problem}",
            path=path,
            line=line,
            hint="check indentation, colons and quotes",
        ) from None
    except yaml.YAMLError as exc:
        raise BriefError(f"invalid YAML: {excerpt(str(exc))}", path=path, line=first_line) from None
    if "*" in text and _expanded_size(data) > MAX_EXPANDED_VALUES:
        raise BriefError(
            f"YAML aliases expand to over {MAX_EXPANDED_VALUES:,} values",
            path=path,
            line=first_line,
            hint="write the values out, or use fewer nested aliases",
        )
    return data


def _expanded_size(data: Any) -> int:
    """How many values `data` holds once aliases are expanded, counting no further than the cap."""
    count, stack = 0, [data]
    while stack and count <= MAX_EXPANDED_VALUES:
        value = stack.pop()
        count += 1
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count


def line_of(text: str, keys: tuple[str | int, ...], first_line: int = 1) -> int:
    """The line where the value at `keys` (mapping keys or list indexes) starts.

    Composing is only done when reporting an error, so the fast path pays nothing for it.
    Falls back to the deepest key found.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return first_line
    line = first_line
    for key in keys:
        if node is None:
            break
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == key:
                    line = first_line + key_node.start_mark.line
                    child = value_node
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            child = node.value[key]
            line = first_line + child.start_mark.line
        node = child
    return line
