"""Random and mutated front-matter and markdown never crash the loader: only clear errors."""

from __future__ import annotations

from datetime import UTC

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.config import TOP_KEYS
from brief.content.load import KNOWN_KEYS, brief_files, parse_brief
from brief.errors import BriefError
from brief.render.markdown import make_markdown
from tests.conftest import REPO

EXAMPLE = (REPO / "content/briefs/2025/04/lindqvist-calls-for-cable-patrols.md").read_text(encoding="utf-8")
MARKDOWN = make_markdown()

yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["2025-04-11", "2025-04-11T07:45:00+01:00", "2025-13-01", "yesterday", "", "~"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = [*sorted(KNOWN_KEYS), "extra"]


def load(text: str) -> None:
    """Parse and render; anything but a BriefError is a bug."""
    try:
        brief = parse_brief(text, "content/briefs/x.md", UTC)
    except BriefError as error:
        message = str(error)
        assert message.startswith("content/briefs/x.md")
        assert "\n" not in message.split(" (")[0]
        return
    assert brief.title and brief.date.tzinfo is not None
    MARKDOWN.render(brief.body, {"entity_links": {e.name: ("/x/", "entity") for e in brief.entities}})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), yaml_values, max_size=8), st.text(max_size=200))
def test_random_front_matter(data, body):
    import yaml

    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    load(f"---\n{front}---\n{body}")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_random_text(text):
    load(text)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_real_brief(data):
    text = EXAMPLE
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["delete", "insert", "truncate", "swap"]))
        if action == "delete":
            text = text[:position] + text[position + data.draw(st.integers(1, 20)) :]
        elif action == "insert":
            text = (
                text[:position]
                + data.draw(
                    st.sampled_from(
                        [
                            ":",
                            "-",
                            "[",
                            "]",
                            "{",
                            "}",
                            "'",
                            '"',
                            "\n",
                            "  ",
                            "---\n",
                            "\t",
                            "&a",
                            "*b",
                            "!!python/object ",
                            "%",
                        ]
                    )
                )
                + text[position:]
            )
        elif action == "truncate":
            text = text[:position]
        else:
            lines = text.split("\n")
            i, j = data.draw(st.integers(0, len(lines) - 1)), data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    load(text)


def test_unmutated_example_loads():
    brief = parse_brief(EXAMPLE, "content/briefs/x.md", UTC)
    assert brief.title.startswith("Lindqvist asks")


CONFIG_KEYS = sorted(TOP_KEYS)
config_values = st.one_of(
    yaml_values,
    st.sampled_from(["http://[x/", "https://example.org/", "Europe/London", "Mars/Base", "../..", "/"]),
    st.fixed_dictionaries(
        {}, optional={"backend": yaml_values, "tags": yaml_values, "fetch_private": yaml_values}
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(CONFIG_KEYS), config_values, max_size=6))
def test_random_site_yml(tmp_path_factory, data):
    """Any site.yml gives a config or one error line naming site.yml, never a crash."""
    import yaml

    from brief.config import load_config

    root = tmp_path_factory.mktemp("site")
    (root / "site.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_config(root)
    except BriefError as error:
        message = str(error)
        assert message.startswith(str(root / "site.yml")) and "\n" not in message
        assert len(message) < 400


BOMB = "\n".join(
    [
        "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']",
        *(
            f"{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def test_alias_bombs_are_one_short_error(tmp_path, capsys):
    """Nine levels of nine aliases stand for 387 million strings: refused at once, in one short
    line, in front-matter fields and in site.yml alike."""
    import time

    from brief.cli import main

    for key in ("date", "updated", "draft", "title", "mentions"):
        site = tmp_path / key
        (site / "content" / "briefs").mkdir(parents=True)
        (site / "site.yml").write_text("")
        value = {"mentions": "entities: {people: [{name: X, mentions: *i}]}"}.get(key, f"{key}: *i")
        front = (
            f"{BOMB}\ntitle: T\ndate: 2025-01-01\n{value}\n"
            if key not in ("title", "date")
            else f"{BOMB}\n{'date: 2025-01-01' if key == 'title' else 'title: T'}\n{value}\n"
        )
        (site / "content" / "briefs" / "x.md").write_text(f"---\n{front}---\n\nBody.\n")
        started = time.monotonic()
        assert main(["build", "--site", str(site)]) == 1
        assert time.monotonic() - started < 10
        err = capsys.readouterr().err
        assert "x.md" in err and "aliases" in err and max(len(line) for line in err.splitlines()) < 300
    site = tmp_path / "config"
    site.mkdir()
    (site / "site.yml").write_text(f"{BOMB}\npagination: *i\n")
    assert main(["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "site.yml" in err and max(len(line) for line in err.splitlines()) < 300


names = st.text(alphabet="ab-._ 0Z", min_size=1, max_size=4).filter(lambda n: n not in (".", ".."))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=st.lists(st.lists(names, min_size=1, max_size=3), min_size=1, max_size=12))
def test_brief_files_come_in_path_order(tmp_path_factory, tree: list[list[str]]) -> None:
    """Folders are listed one by one, each sorted: the whole list is in Path order anyway, which is
    the order briefs are read and reported in (names with '-' and '.' sort before '/')."""
    root = tmp_path_factory.mktemp("briefs")
    for parts in tree:
        folder = root.joinpath(*parts[:-1])
        if any(p.is_file() for p in [folder, *folder.parents] if p != root and root in p.parents):
            continue  # a file already where this folder would go
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{parts[-1]}.md"
        if not target.is_dir():
            target.write_text("x")
    found = brief_files(root)
    assert found == sorted(found)
    assert set(found) == {p for p in root.rglob("*.md") if p.is_file() and not p.name.startswith(".")}
