"""Build, serve, watch, rebuild: the loop behind `brief serve`."""

from __future__ import annotations

import dataclasses
import sys
import threading
import time
import webbrowser
from pathlib import Path

import watchfiles

from brief.builder.run import Builder, BuildOptions
from brief.builder.search import BackgroundIndexer
from brief.config import load_config
from brief.errors import BriefError, BuildErrors, os_problem
from brief.progress import Progress
from brief.serve.events import Broadcaster
from brief.serve.server import PreviewServer
from brief.themes import theme_dir


def _error_payload(error: BaseException) -> dict:
    first = error.errors[0] if isinstance(error, BuildErrors) else error
    if isinstance(first, BriefError):
        message = first.message + (f" ({first.hint})" if first.hint else "")
        if first.field:
            message = f"{first.field}: {message}"
        if isinstance(error, BuildErrors) and len(error.errors) > 1:
            message += f"\n… and {len(error.errors) - 1} more: " + "; ".join(
                str(e) for e in error.errors[1:4]
            )
        return {"file": str(first.path or ""), "line": first.line, "message": message}
    return {"file": "", "line": None, "message": f"{type(error).__name__}: {error}"}


class Rebuilder:
    """Runs builds one at a time and tells the pages what happened."""

    def __init__(self, builder: Builder, events: Broadcaster, say) -> None:
        self.builder, self.events, self.say = builder, events, say
        self.last_error: str | None = None
        self.indexer: BackgroundIndexer | None = None  # search, refreshed off the request path

    def run(self, changed: set[Path] | None = None) -> bool:
        started = time.perf_counter()
        try:
            result = self.builder.build(changed)
        except (BriefError, BuildErrors, OSError) as caught:
            error = os_problem(caught) if isinstance(caught, OSError) else caught
            payload = _error_payload(error)
            line = (
                f"error: {error}" if not isinstance(error, BuildErrors) else "error: " + str(error.errors[0])
            )
            if line != self.last_error:  # the terminal shows each error once
                self.say(line, error=True)
                self.last_error = line
            self.events.send("error", payload)
            return False
        except Exception as error:
            self.say(f"error: {type(error).__name__}: {error}", error=True)
            self.events.send("error", _error_payload(error))
            return False
        was_broken = self.last_error is not None
        self.last_error = None
        if result.up_to_date and not was_broken:
            return True
        if self.indexer is not None and result.search_lags:
            self.indexer.request()  # pages first; search catches up
        self.say(f"rebuilt in {time.perf_counter() - started:.2f} s: {result.counts}")
        # What the build found changed, not the watcher's batch: a batch may hold only the
        # `mkdir static` of a stylesheet written just after, which the build saw already.
        changed_inputs = result.inputs_changed
        css_only = bool(changed_inputs) and all(path.endswith(".css") for path in changed_inputs)
        self.events.send("css" if css_only and not was_broken else "reload")
        return True


WATCHED = {"content", "templates", "static", "themes"}


def watched_paths(root: Path) -> list[Path]:
    """The site folder (so that templates/ or static/ created later are seen) and the theme."""
    theme = theme_dir(load_config(root))
    return [root] if theme.is_relative_to(root) else [root, theme]


def relevant(change_path: str, root: Path, theme: Path) -> bool:
    """Sources only: never the output, the cache, editor droppings or hidden files."""
    path = Path(change_path)
    if path.name.startswith(".") or path.name.endswith(("~", ".swp", ".tmp")) or ".tmp-" in path.name:
        return False
    if path.is_relative_to(theme):
        return True
    if not path.is_relative_to(root):
        return False
    parts = path.relative_to(root).parts
    if not parts or any(part.startswith(".") for part in parts):
        return False
    return parts == ("site.yml",) or parts[0] in WATCHED


def serve(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    drafts: bool = False,
    quiet: bool = False,
) -> int:
    root = root.resolve()

    def say(line: str, error: bool = False) -> None:
        if not quiet or error:
            print(line, file=sys.stderr if error else sys.stdout, flush=True)

    swap_lock = threading.RLock()
    # The site model is kept in memory from the start, so that edits to a brief's text rebuild
    # only the pages that read it. Pagefind takes half a minute at 10,000 briefs: the search
    # index is refreshed in the background, never between an edit and its reload.
    options = BuildOptions(drafts=drafts, index_search=False)
    builder = Builder(root, options, Progress(quiet=quiet), swap_lock, keep_model=True)
    result = builder.build()
    if builder.warm is not None:
        builder.warm.prepare()
    # Rebuilds after an edit run in this process: starting workers costs more than it saves.
    builder.options = dataclasses.replace(options, workers=1)
    builder.progress = Progress(quiet=True)
    say(result.summary())
    config = load_config(root)
    events = Broadcaster()
    server = PreviewServer((host, port), config.output_dir, events, swap_lock)
    url = f"http://{host}:{server.server_address[1]}/"
    say(f"serving {config.output_dir} at {url} (Ctrl-C to stop)")
    rebuilder = Rebuilder(builder, events, say)
    rebuilder.indexer = BackgroundIndexer(
        root, config.output_dir, swap_lock, lambda error: say(f"error: {error}", error=True)
    )
    if result.search_lags:  # this build's pages, or a brief serve stopped before its index
        rebuilder.indexer.request()
    stop = threading.Event()

    theme = theme_dir(config)

    def watch_loop() -> None:
        for changes in watchfiles.watch(
            *watched_paths(root),
            watch_filter=lambda _change, path: relevant(path, root, theme),
            stop_event=stop,
            debounce=150,
            step=50,
            rust_timeout=500,
            yield_on_timeout=False,
        ):
            rebuilder.run({Path(path) for _, path in changes})

    watcher = threading.Thread(target=watch_loop, name="brief-watch", daemon=True)
    watcher.start()
    if open_browser:
        webbrowser.open(url)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.stopping.set()
        events.close()
        server.server_close()
        watcher.join(timeout=2)
        rebuilder.indexer.stop()
    say("stopped")
    return 0
