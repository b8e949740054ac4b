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

from brief.errors import BriefError  # noqa: E402


def parse_yaml(text: str, path: Path | str, first_line: int = 1) -> Any:
    """Parse YAML text that starts at `first_line` of `path`; syntax errors carry the line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem and exc.context_mark.line != mark.line:
            problem += f", {exc.context} that starts on line {first_line + exc.context_mark.line}"
        raise BriefError(
            f"invalid YAML: {problem}",
            path=path,
            line=line,
            hint="check indentation, colons and quotes",
        ) from None
    except yaml.YAMLError as exc:
        raise BriefError(f"invalid YAML: {exc}", path=path, line=first_line) from None


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
