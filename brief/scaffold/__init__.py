"""`brief init` and `brief new`: start a site, start a brief."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from brief.config import load_config
from brief.errors import BriefError
from brief.files import replace_file
from brief.slugs import slugify

_HERE = Path(__file__).resolve().parent

SAMPLE_BRIEF = """\
---
title: "Welcome to your briefs"
date: {date}
authors: [{author}]
source:
  name: "Your newsroom"
tags: [meta]
entities:
  people: []
  organizations: []
  places: []
summary: "This is a sample brief. Edit it, or add raw articles to content/raw/ and build."
---

Each brief is a markdown file with YAML front-matter. Write the body in **markdown**.

Run `brief new "A headline"` to start another, then `brief build` to render the site.
"""


def init_site(folder: Path) -> Path:
    folder = folder.resolve()
    if folder.exists() and any(folder.iterdir()):
        raise BriefError(
            "folder is not empty", path=folder, hint="choose a new folder name, or empty this one"
        )
    now = datetime.now().astimezone().replace(microsecond=0)
    replace_file(folder / "site.yml", (_HERE / "site.yml").read_text(encoding="utf-8"))
    replace_file(
        folder / "content" / "briefs" / "welcome.md",
        SAMPLE_BRIEF.format(date=now.isoformat(), author='"Your Name"'),
    )
    for keep in ("content/raw", "templates"):
        (folder / keep).mkdir(parents=True, exist_ok=True)
        (folder / keep / ".gitkeep").touch()
    replace_file(folder / ".gitignore", "public/\n.brief-cache/\n")
    return folder


def new_brief(root: Path, title: str) -> Path:
    config = load_config(root)
    if not title.strip():
        raise BriefError("the title is empty", hint='pass a headline: brief new "A headline"')
    now = (datetime.now(config.zone) if config.zone else datetime.now().astimezone()).replace(microsecond=0)
    slug = slugify(title)
    path = config.briefs_dir / f"{now.year:04d}" / f"{now.month:02d}" / f"{slug}.md"
    if path.exists():
        raise BriefError(
            "a brief with this slug exists already", path=path, hint="choose another title or edit that file"
        )
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    replace_file(
        path,
        f"""---
title: "{quoted}"
date: {now.isoformat()}
authors: []
source:
  name: ""
  url: ""
tags: []
entities:
  people: []
  organizations: []
  places: []
summary: ""
draft: true
---

Write the brief here.
""",
    )
    return path.relative_to(config.root) if path.is_relative_to(config.root) else path
