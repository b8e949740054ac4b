"""site.yml: every key, its default, and validation with file:line errors."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from brief.errors import BriefError, quote
from brief.yamlfile import line_of, parse_yaml

CONFIG_NAME = "site.yml"

DEFAULT_PERMALINKS = {
    "brief": "/briefs/{year}/{month}/{slug}/",
    "tag": "/tags/{slug}/",
    "person": "/people/{slug}/",
    "organization": "/organizations/{slug}/",
    "place": "/places/{slug}/",
    "author": "/authors/{slug}/",
    "source": "/sources/{slug}/",
}
_PERMALINK_FIELDS = {"brief": {"year", "month", "day", "slug"}}


@dataclass(frozen=True)
class FeedsConfig:
    atom: bool = True
    json: bool = True
    per_tag: bool = True
    per_entity: bool = True
    items: int = 20


@dataclass(frozen=True)
class TagRuleConfig:
    tag: str
    keyword: str | None = None  # a regular expression searched in the article text
    entity: str | None = None  # an entity name or alias


@dataclass(frozen=True)
class IngestConfig:
    on_build: bool = True
    backend: str = "auto"
    # Links inside articles and feeds may reach loopback, private and link-local addresses.
    fetch_private: bool = False
    boilerplate: tuple[str, ...] = ()
    tag_rules: tuple[TagRuleConfig, ...] = ()


DEPLOY_KINDS = {
    "git": {"remote", "branch", "cname", "no_history", "message"},
    "s3": {"bucket", "prefix", "region", "endpoint_url", "gzip", "cache_control", "max_deletes"},
    "dir": {"path", "max_deletes"},
    "rsync": {"destination", "max_deletes", "options"},
}


@dataclass(frozen=True)
class DeployTarget:
    """One `deploy:` entry of site.yml; `settings` holds the kind's own keys."""

    name: str
    kind: str
    settings: dict[str, Any] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class SiteConfig:
    """Everything site.yml can say, with the defaults an empty file gets."""

    root: Path
    title: str = "Briefs"
    description: str = ""
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "en"
    # Empty: each time on the clock it was published with; a zone name: every time in that zone.
    timezone: str = ""
    theme: str = "default"
    pagination: int = 20
    output: str = "public"
    related: int = 5
    permalinks: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PERMALINKS))
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    unsafe_html: bool = False
    search: bool = True  # a Pagefind index and a search page, when pagefind is installed
    stories: bool = True  # briefs grouped into stories, each with a page and a timeline
    params: dict[str, Any] = field(default_factory=dict)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    deploy: tuple[DeployTarget, ...] = ()

    @property
    def inbox_dir(self) -> Path:
        return self.root / "content" / "raw"

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo | None:
        """The zone every time is shown in, or None: each on its own clock."""
        return zoneinfo.ZoneInfo(self.timezone) if self.timezone else None

    @property
    def input_zone(self) -> tzinfo:
        """The zone of a date written without an offset: the site's, else UTC."""
        return self.zone or UTC

    @property
    def base_path(self) -> str:
        """The path part of base_url, so a site can live below a domain's root."""
        return urlsplit(self.base_url).path or "/"

    @cached_property
    def output_dir(self) -> Path:
        return (self.root / self.output).resolve()

    @property
    def briefs_dir(self) -> Path:
        return self.root / "content" / "briefs"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def absolute_url(self, path: str) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}{self.url(path)}"

    def url(self, path: str) -> str:
        """A site path (`/tags/x/`) as a link from any page, honouring base_url's path."""
        return self.base_path.rstrip("/") + path


class _Checker:
    """Reads one mapping of site.yml, turning each wrong value into a located BriefError."""

    def __init__(self, data: dict[str, Any], text: str, path: Path, prefix: tuple[str, ...] = ()):
        self.data, self.text, self.path, self.prefix = data, text, path, prefix

    def fail(self, key: str, message: str, hint: str | None = None) -> BriefError:
        keys = (*self.prefix, key)
        return BriefError(
            message, path=self.path, line=line_of(self.text, keys), field=".".join(keys), hint=hint
        )

    def get(self, key: str, kind: type, default: Any) -> Any:
        if key not in self.data or self.data[key] is None:
            return default
        value = self.data[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(key, f"expected a whole number, got {quote(value)}")
        if kind is bool and not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {quote(value)}")
        if kind is str and not isinstance(value, str):
            raise self.fail(key, f"expected text, got {quote(value)}", hint="quote the value")
        if kind is dict and not isinstance(value, dict):
            raise self.fail(key, "expected a mapping of keys to values")
        return value

    def unknown(self, known: set[str]) -> None:
        for key in self.data:
            if key not in known:
                raise self.fail(str(key), "unknown key", hint="known keys: " + ", ".join(sorted(known)))


def load_config(root: Path) -> SiteConfig:
    """Read `root/site.yml`; a missing or empty file gives every default."""
    root = root.resolve()
    path = root / CONFIG_NAME
    if not path.exists():
        raise BriefError(
            "no site.yml here",
            path=path,
            hint="run inside a site folder, pass --site DIR, or create one with `brief init DIR`",
        )
    text = path.read_text(encoding="utf-8-sig")
    data = parse_yaml(text, path) or {}
    if not isinstance(data, dict):
        raise BriefError("site.yml must be a mapping of keys to values", path=path, line=1)
    return config_from_mapping(root, data, text, path)


# Every key site.yml may have at the top level.
TOP_KEYS = frozenset(
    {
        "title",
        "description",
        "base_url",
        "language",
        "timezone",
        "theme",
        "pagination",
        "output",
        "related",
        "permalinks",
        "feeds",
        "markdown",
        "params",
        "ingest",
        "deploy",
        "search",
        "stories",
    }
)


def config_from_mapping(root: Path, data: dict[str, Any], text: str, path: Path) -> SiteConfig:
    top = _Checker(data, text, path)
    top.unknown(TOP_KEYS)
    defaults = SiteConfig(root=root)

    base_url = top.get("base_url", str, defaults.base_url)
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise top.fail(
            "base_url",
            f"expected an absolute http(s) URL, got {quote(base_url)}",
            hint="for example https://example.org/",
        )
    if not base_url.endswith("/"):
        base_url += "/"

    timezone = top.get("timezone", str, defaults.timezone)
    try:
        if timezone:
            zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise top.fail(
            "timezone",
            f"unknown time zone {quote(timezone)}",
            hint="use an IANA name such as Europe/London or UTC",
        ) from None

    pagination = top.get("pagination", int, defaults.pagination)
    if pagination < 1:
        raise top.fail("pagination", "must be at least 1")
    related = top.get("related", int, defaults.related)
    if related < 0:
        raise top.fail("related", "must be 0 or more")

    output = top.get("output", str, defaults.output)
    out_dir = (root / output).resolve()
    if out_dir == root or root.is_relative_to(out_dir) or (root / "content") == out_dir:
        raise top.fail(
            "output",
            f"output folder {quote(output)} would overwrite the site itself",
            hint="use a folder of its own, such as public",
        )

    permalinks = dict(DEFAULT_PERMALINKS)
    raw_links = top.get("permalinks", dict, {})
    links = _Checker(raw_links, text, path, ("permalinks",))
    links.unknown(set(DEFAULT_PERMALINKS))
    for kind in DEFAULT_PERMALINKS:
        pattern = links.get(kind, str, permalinks[kind])
        allowed = _PERMALINK_FIELDS.get(kind, {"slug"})
        used = set(re.findall(r"{(\w+)}", pattern))
        if not pattern.startswith("/") or not pattern.endswith("/") or "slug" not in used:
            raise links.fail(
                kind, f"bad pattern {quote(pattern)}", hint="start and end with / and include {slug}"
            )
        if used - allowed:
            raise links.fail(
                kind,
                f"unknown field {{{sorted(used - allowed)[0]}}}",
                hint="allowed: " + ", ".join(sorted(allowed)),
            )
        permalinks[kind] = pattern

    feeds_data = _Checker(top.get("feeds", dict, {}), text, path, ("feeds",))
    feeds_data.unknown({"atom", "json", "per_tag", "per_entity", "items"})
    feeds = FeedsConfig(
        atom=feeds_data.get("atom", bool, True),
        json=feeds_data.get("json", bool, True),
        per_tag=feeds_data.get("per_tag", bool, True),
        per_entity=feeds_data.get("per_entity", bool, True),
        items=feeds_data.get("items", int, 20),
    )
    if feeds.items < 1:
        raise feeds_data.fail("items", "must be at least 1")

    markdown = _Checker(top.get("markdown", dict, {}), text, path, ("markdown",))
    markdown.unknown({"unsafe_html"})

    ingest = _ingest_config(_Checker(top.get("ingest", dict, {}), text, path, ("ingest",)))

    deploy = _deploy_config(top, text, path)

    return SiteConfig(
        root=root,
        ingest=ingest,
        deploy=deploy,
        title=top.get("title", str, defaults.title),
        description=top.get("description", str, defaults.description),
        base_url=base_url,
        language=top.get("language", str, defaults.language),
        timezone=timezone,
        theme=top.get("theme", str, defaults.theme),
        pagination=pagination,
        output=output,
        related=related,
        permalinks=permalinks,
        feeds=feeds,
        unsafe_html=markdown.get("unsafe_html", bool, False),
        search=top.get("search", bool, True),
        stories=top.get("stories", bool, True),
        params=top.get("params", dict, {}),
    )


def _ingest_config(checker: _Checker) -> IngestConfig:
    checker.unknown({"on_build", "backend", "boilerplate", "tags", "fetch_private"})
    backend = checker.get("backend", str, "auto")
    if backend not in ("auto", "rules", "spacy"):
        raise checker.fail("backend", f"unknown backend {quote(backend)}", hint="use auto, rules or spacy")
    patterns = checker.data.get("boilerplate") or []
    if not isinstance(patterns, list):
        raise checker.fail("boilerplate", "expected a list of regular expressions")
    for index, pattern in enumerate(patterns):
        try:
            re.compile(str(pattern))
        except re.error as error:
            raise BriefError(
                f"bad regular expression: {error}",
                path=checker.path,
                line=line_of(checker.text, ("ingest", "boilerplate", index)),
                field=f"ingest.boilerplate.{index}",
            ) from None
    rules = []
    raw_rules = checker.data.get("tags") or []
    if not isinstance(raw_rules, list):
        raise checker.fail("tags", "expected a list of rules like {keyword: 'drought', tag: Drought}")
    for index, rule in enumerate(raw_rules):
        keys = ("ingest", "tags", index)
        where = {"path": checker.path, "line": line_of(checker.text, keys), "field": ".".join(map(str, keys))}
        if (
            not isinstance(rule, dict)
            or not isinstance(rule.get("tag"), str)
            or not (isinstance(rule.get("keyword"), str) or isinstance(rule.get("entity"), str))
        ):
            raise BriefError("a tag rule needs `tag` and one of `keyword` or `entity`", **where)
        if rule.get("keyword"):
            try:
                re.compile(rule["keyword"])
            except re.error as error:
                raise BriefError(f"bad regular expression: {error}", **where) from None
        rules.append(TagRuleConfig(tag=rule["tag"], keyword=rule.get("keyword"), entity=rule.get("entity")))
    return IngestConfig(
        on_build=checker.get("on_build", bool, True),
        backend=backend,
        fetch_private=checker.get("fetch_private", bool, False),
        boilerplate=tuple(str(p) for p in patterns),
        tag_rules=tuple(rules),
    )


def _deploy_config(top: _Checker, text: str, path: Path) -> tuple[DeployTarget, ...]:
    entries = top.data.get("deploy") or []
    if not isinstance(entries, list):
        raise top.fail("deploy", "expected a list of targets, each with a name and a kind")
    targets: list[DeployTarget] = []
    for index, entry in enumerate(entries):
        keys = ("deploy", index)
        where = {"path": path, "line": line_of(text, keys), "field": f"deploy.{index}"}
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry.get("name"):
            raise BriefError("each deploy target needs a `name`", **where)
        kind = entry.get("kind")
        if kind not in DEPLOY_KINDS:
            raise BriefError(f"unknown deploy kind {quote(kind)}", hint="use git, s3, dir or rsync", **where)
        unknown = set(entry) - {"name", "kind"} - DEPLOY_KINDS[kind]
        if unknown:
            raise BriefError(
                f"unknown key {sorted(unknown)[0]!r} for a {kind} target",
                hint="known: " + ", ".join(sorted(DEPLOY_KINDS[kind])),
                **where,
            )
        required = {"s3": "bucket", "dir": "path", "rsync": "destination"}.get(kind)
        if required and not entry.get(required):
            raise BriefError(f"a {kind} target needs `{required}`", **where)
        if any(t.name == entry["name"] for t in targets):
            raise BriefError(f"two deploy targets are named {quote(entry['name'])}", **where)
        settings = {k: v for k, v in entry.items() if k not in ("name", "kind")}
        targets.append(DeployTarget(entry["name"], kind, settings, where["line"]))
    return tuple(targets)
