"""The Jinja environment: site templates over the theme's, filters for dates and URLs."""

from __future__ import annotations

import hashlib
import itertools
import traceback
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from operator import attrgetter
from types import MethodType
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.runtime

from brief.clocks import on_clock, zone_name
from brief.config import SiteConfig
from brief.errors import BriefError
from brief.render.markdown import summary_adds
from brief.render.reads import MISSING, REF_OF, Body, ReadLog
from brief.themes import theme_dir

if TYPE_CHECKING:
    from brief.site.model import BriefPage


class RecordingContext(jinja2.runtime.Context):
    """Records a call of a model object's method: `taxonomy.by_count()` reads what it returns."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().call(__obj, *args, **kwargs)
        owner = getattr(__obj, "__self__", None)
        log = __self.environment.log  # type: ignore[attr-defined]
        if type(owner) in REF_OF and log is not None:
            if args or set(kwargs) - {"_loop_vars", "_block_vars"}:  # Jinja passes its scopes
                log.read(owner, __obj.__name__, __obj)  # anything the object holds, one level down
            else:
                log.read(owner, __obj.__name__ + "()", result)
        return result


class RecordingEnvironment(jinja2.Environment):
    """Jinja's environment, recording every attribute a template reads of the site model
    (render.reads): `item.title` compiles to `environment.getattr(item, "title")`; and every
    template a page loads (its own, what it extends, includes or imports, its fragments')."""

    context_class = RecordingContext
    log: ReadLog | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.digests: dict[str, object] = {}  # template name → template_digest, once per build

    def _load_template(self, name: str, globals: Any) -> jinja2.Template:
        # Every way to a template (get_template, select_template, {% extends %}, {% include %},
        # {% import %}) passes here, each time a page or fragment asks for it, cached or not.
        log = self.log
        if log is not None and log.page is not None:
            log.note((("template", name), "source"), self.template_digest(name))
        return super()._load_template(name, globals)

    def template_digest(self, name: str) -> object:
        """What a page that loads template `name` depends on: the file the name finds now (a
        site's own template or the theme's), or MISSING."""
        found = self.digests.get(name)
        if found is None:
            try:
                source = self.loader.get_source(self, name)[0]  # type: ignore[union-attr]
                found = hashlib.blake2b(source.encode("utf-8"), digest_size=16).digest()
            except jinja2.TemplateNotFound:
                found = MISSING
            self.digests[name] = found
        return found

    def getattr(self, obj: object, attribute: str) -> object:
        # Jinja's own getattr, inlined: this runs a few million times at 10,000 briefs.
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            try:
                return obj[attribute]  # type: ignore[index]
            except (TypeError, LookupError, AttributeError):
                return self.undefined(obj=obj, name=attribute)
        log = self.log
        if log is not None and type(obj) in REF_OF and type(value) is not MethodType:
            # A method is recorded when called (RecordingContext). The common case, a key this
            # build has seen, inline: it runs for every attribute a template shows.
            page = log.page
            if page is not None:
                known = log.known.get(id(obj))
                number = known.get(attribute) if known is not None else None
                if number is None:
                    log.read(obj, attribute, value)
                else:
                    page.add(number)
        return value

    def getitem(self, obj: object, argument: object) -> object:
        value = super().getitem(obj, argument)  # type: ignore[arg-type]
        if type(obj) in REF_OF and self.log is not None and isinstance(argument, str):
            self.log.read(obj, argument, value)
        return value


def _finalize(value: object) -> object:
    # `{{ content }}` written as it is: the one use of a body a later build can splice.
    return value.output() if type(value) is Body else value


def make_environment(config: SiteConfig) -> RecordingEnvironment:
    """Site `templates/` override the theme's; `theme:NAME.html` always names the theme's own,
    so a site template can extend the theme's version of itself and change one block."""
    theme_templates = jinja2.FileSystemLoader(theme_dir(config) / "templates")
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"theme": theme_templates}, delimiter=":"),
            jinja2.FileSystemLoader(config.templates_dir),
            theme_templates,
        ]
    )
    env = RecordingEnvironment(
        loader=loader,
        finalize=_finalize,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    zone = config.zone
    # The same dates and URLs recur on thousands of pages: compute each once per build.
    env.filters["url"] = lru_cache(maxsize=None)(config.url)
    env.filters["absolute_url"] = lru_cache(maxsize=None)(config.absolute_url)
    env.filters["local"] = lru_cache(maxsize=None)(lambda moment: on_clock(moment, zone))
    env.filters["datefmt"] = lru_cache(maxsize=None)(
        lambda moment, fmt="%-d %B %Y": _format(on_clock(moment, zone), fmt)
    )
    # `{{ item.date|zone_name(item.brief) }}`: BST, EDT, or UTC+1 (see brief.clocks).
    env.filters["zone_name"] = lambda moment, brief=None: zone_name(
        moment, zone, brief.source.url if brief else None, brief.source.name if brief else None
    )
    # Equal instants in different offsets are equal datetimes: the offset is part of the key.
    iso = lru_cache(maxsize=None)(lambda moment, offset: moment.isoformat())
    env.filters["iso"] = lambda moment: iso(moment, moment.utcoffset())
    env.filters["by_month"] = lambda items: by_month(items, env.log)
    env.globals["summary_adds"] = lambda summary, content: (
        content.summary_adds(summary) if type(content) is Body else summary_adds(summary, content)
    )
    env.globals["config"] = config
    return env


def by_month(items: Iterable[BriefPage], log: ReadLog | None = None) -> list[list[BriefPage]]:
    """Brief pages in runs of the same local month, in the order given (lists are newest first).

    Unlike Jinja's groupby it does not sort, so a list keeps its order and costs one pass."""
    items = list(items)
    if log is not None:
        for item in items:
            log.read(item, "month_key", item.month_key)
    return [list(run) for _, run in itertools.groupby(items, key=attrgetter("month_key"))]


def _format(moment: datetime, fmt: str) -> str:
    return moment.strftime(fmt)


def template_error(exc: Exception, config: SiteConfig) -> BriefError:
    """Turn a Jinja failure into file:line of the template, whatever raised it."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return BriefError(
            f"template syntax error: {exc.message}",
            path=exc.filename or exc.name,
            line=exc.lineno,
            hint="fix the template",
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        return BriefError(
            f"template not found: {exc.name}",
            path=config.templates_dir,
            hint="add it to the site's templates/ or the theme",
        )
    # Jinja rewrites tracebacks so that template frames carry the template's file and line.
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2", ".jinja")):
            return BriefError(
                f"template error: {type(exc).__name__}: {exc}",
                path=frame.filename,
                line=frame.lineno,
                hint="fix the template",
            )
    return BriefError(f"template error: {type(exc).__name__}: {exc}", hint="fix the template")
