"""`content/entities.yml`: a site's own word on entities, read by ingest and by every build.

```yaml
entities:
  - {name: John Healey, kind: people, aliases: [Healey, Mr Healey]}
never: [Telegraph]
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from brief.content import ENTITIES_FILE
from brief.errors import BriefError
from brief.model import ENTITY_KINDS
from brief.yamlfile import line_of, parse_yaml


def read_entities_file(root: Path) -> dict[str, Any]:
    """The file's data, validated; an empty mapping when the site has none."""
    path = root / ENTITIES_FILE
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    data = parse_yaml(text, str(path)) or {}
    if not isinstance(data, dict) or not isinstance(data.get("entities") or [], list):
        raise BriefError("expected `entities:` (a list) and `never:` (a list of names)", path=path, line=1)
    if not isinstance(data.get("never") or [], list):
        raise BriefError("`never:` must be a list of names", path=path, line=line_of(text, ("never",)))
    for index, entry in enumerate(data.get("entities") or []):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("name"), str)
            or entry.get("kind") not in ENTITY_KINDS
            or not isinstance(entry.get("aliases") or [], list)
        ):
            raise BriefError(
                f"entry {index + 1} needs a name and a kind (people, organizations or places)",
                path=path,
                line=line_of(text, ("entities", index)),
                field=f"entities.{index}",
            )
    return data


def entity_kinds(data: dict[str, Any]) -> dict[str, str]:
    """Each listed name and alias (casefolded) → the kind the site gives it."""
    kinds: dict[str, str] = {}
    for entry in data.get("entities") or []:
        for surface in [entry["name"], *(entry.get("aliases") or [])]:
            kinds[str(surface).casefold()] = entry["kind"]
    return kinds
