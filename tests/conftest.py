from __future__ import annotations

import http.server
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from brief.builder.run import BuildResult, build

REPO = Path(__file__).resolve().parent.parent
# Debian's chromium, started the way ../shared/TESTING.md found quiet on a closed network.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHARED = REPO.parent / "shared"


def brief_text(
    title: str = "A brief", date: str = "2025-04-11T07:45:00+01:00", body: str = "Body.", **fields: object
) -> str:
    """A brief file; extra fields are written as YAML flow values."""
    import yaml

    data = {"title": title, "date": date, **fields}
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return f"---\n{front}---\n\n{body}\n"


class SiteDir:
    """A throwaway site folder with helpers to write briefs and build."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "content" / "briefs").mkdir(parents=True, exist_ok=True)
        self.config("")

    def config(self, text: str) -> None:
        (self.root / "site.yml").write_text(textwrap.dedent(text), encoding="utf-8")

    def brief(self, name: str, text: str) -> Path:
        path = self.root / "content" / "briefs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def build(self, **kwargs: object) -> BuildResult:
        return build(self.root, **kwargs)  # type: ignore[arg-type]

    @property
    def out(self) -> Path:
        return self.root / "public"

    def read(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> SiteDir:
    return SiteDir(tmp_path / "site")


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """The repository's example site, copied so a build never touches the working tree."""
    root = tmp_path / "example"
    root.mkdir()
    shutil.copy(REPO / "site.yml", root / "site.yml")
    shutil.copytree(REPO / "content", root / "content")
    return root


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    root = tmp_path_factory.mktemp("built") / "example"
    root.mkdir()
    shutil.copy(REPO / "site.yml", root / "site.yml")
    shutil.copytree(REPO / "content", root / "content")
    return root, build(root)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def static_server(folder: Path):
    """A plain static file server for `folder` on 127.0.0.1, stopped on exit; yields its URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: _QuietHandler(*a, directory=str(folder), **k)
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def server(example_copy):
    """`brief serve` on the example site, on a free port of 127.0.0.1; yields (site, port, process)."""
    from tests.serving import free_port, get, wait_for

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "brief", "serve", "--site", str(example_copy), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def answers() -> bool:
            try:
                return get(port, "/")[0] == 200
            except OSError:
                return False

        wait_for(answers, 30, "the server to answer")
        yield example_copy, port, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        out, err = process.communicate()
        print("server output:", out, err, sep="\n")
