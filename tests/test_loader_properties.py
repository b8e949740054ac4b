"""Random and mutated front-matter and markdown never crash the loader: only clear errors."""

from __future__ import annotations

from datetime import UTC

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.content.load import KNOWN_KEYS, parse_brief
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
