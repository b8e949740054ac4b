"""What each page read while it rendered: the data its file depends on, recorded, not declared.

Every object of the site model a template can reach has a stable name, its *ref*: a brief's
page is ("item", slug), its file ("file", path), a term ("term", kind, slug), and so on. When a
template reads an attribute of such an object (Jinja's `environment.getattr` and `getitem`, see
render.templates), the read is recorded as a *key* (ref, attribute) with a *fingerprint* of the
value it got: plain values as they are, model objects by their ref (what the template then
reads of them is recorded in turn), lists and dicts element by element. Code that writes pages
(feeds, the sitemap, JSON-LD) reads the same objects through `watch`, which records the same way.

Each template a page loads is a key too, ("template", name), whose value is the digest of the
file that name finds (render.templates): the site's own templates and the theme's are tracked
alike, both for what they read and for their own text.

A page's file is a function of the keys it read (and of what every page shares: static files,
site.yml, brief's version). The next build looks each key up in its own model (`Resolver`) and
renders again exactly the pages one of whose keys now has another value.

A brief's rendered body is read as ("body", slug) in a *form*: "out" when a template writes
`{{ content }}` as it is, "atom"/"json" when a feed carries it, "adds:<summary>" when the
summary box asks whether the summary says more, "used" for anything else (a filter, a length).
A later `brief build` that sees only a brief's text change puts the new body into the files
that show it in the first three forms (builder.splice) and builds the site for anything else.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from markupsafe import Markup

from brief.model import Brief
from brief.render.plan import Page, Paginator
from brief.site.model import BriefPage, Site
from brief.site.stories import Story
from brief.site.taxonomy import Taxonomy, Term
from brief.site.timeline import Period, Timeline

Ref = tuple[str, ...]
Key = tuple[Ref, str]

# The names of the model's objects. Each is unique in one build and names the same thing in
# the next one, whatever else changed.
REF_OF: dict[type, Callable[[Any], Ref]] = {
    BriefPage: lambda o: ("item", o.brief.slug),
    Brief: lambda o: ("file", o.source_path),
    Term: lambda o: ("term", o.kind, o.slug),
    Taxonomy: lambda o: ("taxonomy", o.kind),
    Period: lambda o: ("period", o.url),
    Timeline: lambda o: ("timeline",),
    Paginator: lambda o: ("pager", o.base_url, str(o.number)),
    Page: lambda o: ("page", o.path),
    Site: lambda o: ("site",),
    Story: lambda o: ("story", o.slug),
}
# A brief's fields that change when only its text does; the rest are in its meta_hash.
TEXT_FIELDS = frozenset({"body", "content_hash", "body_line"})
SPLICEABLE_FORMS = ("out", "atom", "json")
MISSING = ("<missing>",)
# A value not known: of a key numbered before any page read it (ReadLog.prime), until it is
# looked up; of a key whose saved value the output no longer shows (builder.run._forget_values).
# No value a build looks up equals it.
UNREAD = ("<unread>",)
_PLAIN = (str, int, float, bool, type(None))
_NUMBERS = frozenset({int, float, bool, type(None)})


def fingerprint(value: Any) -> Any:
    """A comparable, picklable stand-in for `value`: equal fingerprints, equal output. Short
    plain values stay as they are; anything else becomes 16 bytes of its structure's hash, so
    that what a build keeps of 400,000 reads stays small."""
    kind = type(value)
    if (kind is str and len(value) <= 256) or kind in _NUMBERS:
        return value
    found = _structure(value)
    if type(found) in _PLAIN and (type(found) is not str or len(found) <= 256):
        return found
    return hashlib.blake2b(repr(found).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _structure(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is Markup:
        return str(value)
    ref = REF_OF.get(kind)
    if ref is not None:
        return ("@", ref(value))
    if kind is list or kind is tuple:
        return tuple(_structure(v) for v in value)
    if kind is dict:
        return ("{}", tuple((k, _structure(v)) for k, v in value.items()))
    if isinstance(value, datetime | date):
        return value.isoformat()  # equal instants in two offsets are shown differently
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (kind.__name__, tuple(_structure(getattr(value, f.name)) for f in dataclasses.fields(value)))
    owner = getattr(value, "__self__", None)
    if owner is not None and type(owner) in REF_OF:
        # A method of a model object (taxonomy.by_count()): what it returns may depend on
        # anything the object holds, one level down.
        return ("()", value.__name__, _deep(owner))
    if isinstance(value, PurePath | frozenset | set):
        return repr(sorted(value) if isinstance(value, frozenset | set) else value)
    return repr(value)


def _deep(obj: Any) -> Any:
    fields = vars(obj)
    return tuple(
        (name, tuple(_shallow(v) for v in value) if type(value) is list else _shallow(value))
        for name, value in fields.items()
    )


def _shallow(value: Any) -> Any:
    if type(value) in REF_OF:
        return tuple((k, _structure(v)) for k, v in vars(value).items())
    return _structure(value)


def context_id(context: dict[str, Any]) -> tuple | None:
    """A template's context as a name that is the same for the same context in any process:
    model objects by their ref, plain values as they are; None when it holds anything else."""
    parts: list[tuple] = []
    for name in sorted(context):
        value = context[name]
        kind = type(value)
        ref = REF_OF.get(kind)
        if ref is not None:
            parts.append((name, ref(value)))
        elif kind in _PLAIN or kind is Markup:
            parts.append((name, kind.__name__, value))
        else:
            return None
    return tuple(parts)


class ReadLog:
    """Every key read in a build, numbered, with its value; and the keys of the page being
    rendered. Keys are numbered so that a page's record is a compact array of ints."""

    def __init__(self, keys: list[Key] | None = None, values: list[Any] | None = None) -> None:
        self.keys: list[Key] = keys if keys is not None else []
        self.values: list[Any] = values if values is not None else []
        self.ids: dict[Key, int] = {key: n for n, key in enumerate(self.keys)}
        self.page: set[int] | None = None  # keys of the page being rendered
        self.sent = len(self.keys)  # keys a worker has already reported (see new_keys)
        # id(model object) → {attribute: key number}: a read costs two lookups, not a ref and a
        # key built each time. Model objects live as long as the build; `forget_objects` when
        # the model changes (a warm rebuild).
        self.known: dict[int, dict[str, int]] = {}

    def forget_objects(self) -> None:
        self.known = {}

    def prime(self, objects: list[tuple[Ref, Any]], attributes: Iterable[str]) -> list[int]:
        """Number the keys of `attributes` of each of `objects` ((ref, object)) before a page
        reads them, so that every worker forked from here numbers them alike and finds them
        known. Returns the numbers of those whose value is UNREAD: the caller looks them up
        (builder.parallel.prime_keys) before any page reads them."""
        names = list(attributes)
        values = self.values
        unread = []
        for ref, obj in objects:
            numbers = self.key_ids([((ref, name), UNREAD) for name in names])
            unread.extend(number for number in numbers if values[number] == UNREAD)
            if ref[0] != "body":  # a body is noted by its ref, not read off an object
                self.known.setdefault(id(obj), {}).update(zip(names, numbers, strict=True))
        return unread

    def key_id(self, key: Key, value: Callable[[], Any]) -> int:
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.keys)
            self.keys.append(key)
            self.values.append(value())
        return found

    def key_ids(self, reported: list[tuple[Key, Any]]) -> list[int]:
        """The numbers of keys another process reported with their values (new_keys), numbering
        those new here: key_id for many keys at once, with no function call for each."""
        ids, keys, values = self.ids, self.keys, self.values
        numbers = []
        for key, value in reported:
            found = ids.setdefault(key, len(keys))
            if found == len(keys):
                keys.append(key)
                values.append(value)
            numbers.append(found)
        return numbers

    def read(self, obj: Any, attribute: str, value: Any) -> None:
        """`obj.attribute` gave `value`; obj is a model object (its type is in REF_OF)."""
        page = self.page
        if page is None:
            return
        known = self.known.get(id(obj))
        if known is None:
            known = self.known[id(obj)] = {}
        number = known.get(attribute)
        if number is None:
            number = known[attribute] = self.key_id(
                (REF_OF[type(obj)](obj), attribute), lambda: fingerprint(value)
            )
        page.add(number)

    def note(self, key: Key, value: Any) -> None:
        page = self.page
        if page is not None:
            page.add(self.key_id(key, lambda: value))

    def add(self, ids: Iterable[int]) -> None:
        if self.page is not None:
            self.page.update(ids)

    def new_keys(self) -> list[tuple[Key, Any]]:
        """What a worker process reports to its parent since the last call: the keys it
        numbered, with their values."""
        fresh = list(zip(self.keys[self.sent :], self.values[self.sent :], strict=True))
        self.sent = len(self.keys)
        return fresh


class Watched:
    """A model object as code (not a template) reads it: every attribute read is recorded."""

    __slots__ = ("_log", "_obj")

    def __init__(self, obj: Any, log: ReadLog) -> None:
        self._obj = obj
        self._log = log

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._obj, name)
        self._log.read(self._obj, name, value)
        return watch(value, self._log)


def watch(value: Any, log: ReadLog) -> Any:
    kind = type(value)
    if kind in REF_OF:
        return Watched(value, log)
    if kind is list or kind is tuple:
        return [watch(v, log) for v in value]
    if kind is dict:
        return {k: watch(v, log) for k, v in value.items()}
    return value


def unwatched(value: Any) -> Any:
    return value._obj if type(value) is Watched else value


class Resolver:
    """Keys looked up in a new build's model: what each would read now."""

    def __init__(self, site: Site, plan: list[Page], renderer: Any) -> None:
        self.body_key: Callable[[BriefPage], str] = renderer.body_key
        self.template_digest: Callable[[str], Any] = renderer.env.template_digest
        # Values computed from an object rather than read off it (Renderer.density).
        self.derived: dict[str, Callable[[Any], Any]] = {
            "month_counts": renderer.month_counts,
            "sitemap_entries": renderer.sitemap_entries,
        }
        items = {p.brief.slug: p for p in site.brief_pages}
        pagers = (p.context.get("paginator") for p in plan)
        # Every object a template can reach, by kind and by the rest of its ref (REF_OF).
        self._objects: dict[str, dict[tuple[str, ...], Any]] = {
            "item": {(slug,): item for slug, item in items.items()},
            "body": {(slug,): item for slug, item in items.items()},
            "file": {(p.brief.source_path,): p for p in site.brief_pages},  # the page holds the brief
            "term": {(t.kind, t.slug): t for tax in site.taxonomies for t in tax.terms},
            "taxonomy": {(tax.kind,): tax for tax in site.taxonomies},
            "period": {
                (p.url,): p for level in ("year", "month", "day") for p in site.timeline.periods(level)
            },
            "timeline": {(): site.timeline},
            "pager": {(pager.base_url, str(pager.number)): pager for pager in pagers if pager is not None},
            "page": {(p.path,): p for p in plan},
            "site": {(): site},
            "story": {(story.slug,): story for story in site.stories},
        }
        self._refs: dict[Ref, Any] = {}

    @staticmethod
    def _as_read(kind: str, obj: Any) -> Any:
        # A "file" is kept as the page that holds it: brief serve replaces an edited brief there.
        return obj.brief if kind == "file" and obj is not None else obj

    def objects(self, kind: str) -> list[tuple[Ref, Any]]:
        """(ref, object) of every object of one kind ("item", "term", …), as `object` finds them."""
        return [
            ((kind, *rest), self._as_read(kind, obj)) for rest, obj in self._objects.get(kind, {}).items()
        ]

    def object(self, ref: Ref) -> Any:
        """The object `ref` names in this model (a brief's page for a "body" ref), or None."""
        obj = self._refs.get(ref, MISSING)
        if obj is MISSING:
            obj = self._refs[ref] = self._as_read(ref[0], self._objects[ref[0]].get(ref[1:]))
        return obj

    def forget(self, ref: Ref) -> None:
        """The object `ref` names was replaced in the model (a warm rebuild)."""
        self._refs.pop(ref, None)

    def value(self, key: Key) -> Any:
        ref, attribute = key
        if ref[0] == "template":
            return self.template_digest(ref[1])
        obj = self.object(ref)
        if obj is None:
            return MISSING
        if ref[0] == "body":
            return self.body_key(obj)
        try:
            if attribute == "@":
                return page_value(obj)
            if attribute in self.derived:
                return fingerprint(self.derived[attribute](obj))
            if attribute.endswith("()"):
                return fingerprint(getattr(obj, attribute[:-2])())
            return fingerprint(getattr(obj, attribute))
        except AttributeError:
            return MISSING


def page_value(page: Page) -> Any:
    """What a page is besides what it reads: its template, title, date, and the data handed to it."""
    return fingerprint(
        (page.kind, page.template, page.title, page.lastmod, page.in_sitemap, page.url, page.context)
    )


class Body:
    """A brief's rendered body as a template gets it (`content`), recording how it is used."""

    __slots__ = ("html", "key", "log", "slug")

    def __init__(self, html: str, key: str, slug: str, log: ReadLog) -> None:
        self.html, self.key, self.slug, self.log = html, key, slug, log

    def _read(self, form: str) -> None:
        self.log.note((("body", self.slug), form), self.key)

    def output(self) -> Markup:
        self._read("out")
        return Markup(self.html)

    def summary_adds(self, summary: str) -> bool:
        from brief.render.markdown import summary_adds

        self._read(f"adds:{summary}")
        return summary_adds(summary, self.html)

    def __html__(self) -> str:
        self._read("used")
        return self.html

    def __str__(self) -> str:
        self._read("used")
        return self.html

    def __len__(self) -> int:
        self._read("used")
        return len(self.html)

    def __bool__(self) -> bool:
        self._read("used")
        return bool(self.html)
