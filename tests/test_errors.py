"""Every kind of bad input gives one clear line naming the file, the line and the field."""

from __future__ import annotations

import pytest

from brief.cli import main
from tests.conftest import brief_text


def run(site, capsys, *args: str) -> tuple[int, str]:
    code = main(["build", "--site", str(site.root), *args])
    captured = capsys.readouterr()
    return code, captured.err


def test_bad_yaml_names_file_and_line(site, capsys):
    site.brief("ok.md", brief_text("Fine"))
    site.brief("bad.md", '---\ntitle: "Unclosed\ndate: 2025-01-01\ntags: [a, b\n---\nBody\n')
    code, err = run(site, capsys)
    assert code == 1
    assert "content/briefs/bad.md:" in err and "invalid YAML" in err
    assert "Traceback" not in err
    line = int(err.split("content/briefs/bad.md:")[1].split(":")[0])
    assert 2 <= line <= 5
    assert not site.out.exists(), "a failed build must write nothing"


@pytest.mark.parametrize(
    ("front", "field", "line", "words"),
    [
        ('title: "T"\nauthors: [A]\ndate: "11 April 2025"\n', "date", 4, "not a valid date"),
        ('title: "T"\ndate: 2025-13-45\n', "date", 3, "not a valid date"),
        ("date: 2025-01-01\nsummary: x\n", "title", 2, "is required"),
        ('title: "T"\n', "date", 2, "is required"),
        ("title: T\ndate: 2025-01-01\ntags:\n  - ok\n  - {a: b}\n", "tags.1", 6, "expected text"),
        ('title: T\ndate: 2025-01-01\ndraft: "yes"\n', "draft", 4, "true or false"),
        (
            "title: T\ndate: 2025-01-01\nentities:\n  persons: [X]\n",
            "entities.persons",
            5,
            "unknown entity kind",
        ),
        (
            "title: T\ndate: 2025-01-01\nentities:\n  people:\n    - name: X\n      mentions: -2\n",
            "entities.people.0.mentions",
            7,
            "whole number",
        ),
        (
            'title: T\ndate: 2025-01-01\nsource: {name: X, url: "javascript:alert(1)"}\n',
            "source.url",
            4,
            "http(s) URL",
        ),
        ("title: T\ndate: 2025-01-02\nupdated: 2025-01-01\n", "updated", 4, "before date"),
        ("title: T\ndate: 2025-01-01\nraw_sha256: abc\n", "raw_sha256", 4, "64"),
    ],
)
def test_field_errors(site, capsys, front, field, line, words):
    site.brief("one.md", f"---\n{front}---\nBody\n")
    code, err = run(site, capsys)
    assert code == 1
    assert f"content/briefs/one.md:{line}: {field}: " in err, err
    assert words in err


def test_all_bad_files_reported_at_once(site, capsys):
    site.brief("a.md", "no front matter\n")
    site.brief("b.md", "---\ntitle: B\n---\n")
    code, err = run(site, capsys)
    assert code == 1
    assert "content/briefs/a.md:1: no front-matter" in err
    assert "content/briefs/b.md:2: date: is required" in err
    assert "2 error(s)" in err


def test_duplicate_slug(site, capsys):
    site.brief("2025/01/same.md", brief_text("One"))
    site.brief("2025/02/same.md", brief_text("Two"))
    code, err = run(site, capsys)
    assert code == 1
    assert "duplicate slug 'same'" in err and "content/briefs/2025/01/same.md" in err


def test_undecodable_brief(site, capsys):
    path = site.root / "content" / "briefs" / "latin.md"
    path.write_bytes(b"---\ntitle: Caf\xe9\ndate: 2025-01-01\n---\n")
    code, err = run(site, capsys)
    assert code == 1 and "latin.md:2: not valid UTF-8" in err


def test_broken_template_syntax(site, capsys):
    site.brief("a.md", brief_text("A"))
    (site.root / "templates").mkdir()
    (site.root / "templates" / "brief.html").write_text(
        '{% extends "base.html" %}\n\n{% block main %}\n{{ item.title\n{% endblock %}\n'
    )
    code, err = run(site, capsys)
    assert code == 1
    assert "templates/brief.html:4" in err or "templates/brief.html:5" in err
    assert "template syntax error" in err


def test_template_runtime_error_names_line(site, capsys):
    site.brief("a.md", brief_text("A"))
    (site.root / "templates").mkdir()
    (site.root / "templates" / "brief.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<p>{{ item.title }}</p>\n<p>{{ 1 // 0 }}</p>\n{% endblock %}\n'
    )
    code, err = run(site, capsys)
    assert code == 1
    assert "templates/brief.html:4: template error: ZeroDivisionError" in err


def test_missing_theme(site, capsys):
    site.config("theme: nonesuch\n")
    code, err = run(site, capsys)
    assert code == 1 and "site.yml: theme: theme 'nonesuch' not found" in err


@pytest.mark.parametrize(
    ("config", "line", "words"),
    [
        ("title: X\npagination: zero\n", 2, "pagination: expected a whole number"),
        ("title: X\ntimezone: Mars/Olympus\n", 2, "unknown time zone"),
        ("title: X\n\nbase_url: example.org\n", 3, "absolute http(s) URL"),
        ("titel: X\n", 1, "titel: unknown key"),
        ("permalinks:\n  tag: /tags/{name}/\n", 2, "bad pattern"),
        ("output: .\n", 1, "would overwrite the site"),
        ("title: [unclosed\n", 2, "flow sequence that starts on line 1"),
        ('feeds:\n  "atom\\n": true\n', 2, "'feeds.atom\\n': unknown key"),  # a key's line break, escaped
    ],
)
def test_site_yml_errors(site, capsys, config, line, words):
    site.config(config)
    code, err = run(site, capsys)
    assert code == 1
    assert f"site.yml:{line}:" in err and words in err, err
    assert len(err.strip().splitlines()) == 1, err


def test_no_site_yml(tmp_path, capsys):
    code = main(["build", "--site", str(tmp_path)])
    assert code == 1
    assert "no site.yml here" in capsys.readouterr().err


def test_verbose_shows_traceback(site, capsys):
    site.config("theme: nonesuch\n")
    code = main(["build", "-v", "--site", str(site.root)])
    assert code == 1 and "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ('title: "Unclosed\ndate: 2025-01-01\n', 2),  # the quote opens on file line 2
        ("title: A\nthis line has no colon\ndate: 2025-01-01\n", 3),
        ("title: A\ndate: 2025-01-01\n\ttags: [a]\n", 4),
    ],
)
def test_yaml_errors_point_at_the_faulty_line(site, capsys, front, line):
    """PyYAML's scanner notices some faults on the next line (or at the end of the file); the
    line reported is the one where the faulty token starts."""
    site.brief("bad.md", f"---\n{front}---\n\nBody\n")
    code, err = run(site, capsys)
    assert code == 1 and f"content/briefs/bad.md:{line}:" in err, err


def test_error_paths_are_relative_to_the_site(site, capsys):
    """Inbox files and site.yml were printed with absolute paths, briefs with relative ones."""
    inbox = site.root / "content" / "raw"
    inbox.mkdir(parents=True)
    (inbox / "empty.txt").write_text("")
    import os
    import time

    old = time.time() - 10
    os.utime(inbox / "empty.txt", (old, old))
    code, err = run(site, capsys)
    assert code == 1 and "error: content/raw/empty.txt: empty file" in err, err
    assert str(site.root) not in err
    site.config("pagination: zero\n")
    code, err = run(site, capsys)
    assert code == 1 and "error: site.yml:1: pagination:" in err and str(site.root) not in err


def test_a_write_that_fails_names_the_file_and_leaves_nothing_beside_it(tmp_path):
    """files.replace_file and copy_file, which every stage writes with: a failure names the file
    the user knows (not the temporary beside it) and leaves no temporary behind."""
    import errno

    from brief.files import copy_file, replace_file

    folder = tmp_path / "taken"
    (folder / "inside").mkdir(parents=True)  # a folder where the file should go
    source = tmp_path / "source.txt"
    source.write_text("text")
    for write in (lambda: replace_file(folder, "text"), lambda: copy_file(source, folder)):
        with pytest.raises(OSError) as error:
            write()
        assert error.value.errno in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST)
        assert error.value.filename == str(folder)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["source.txt", "taken"]
    with pytest.raises(OSError) as error:
        copy_file(tmp_path / "missing.txt", tmp_path / "copy.txt")
    assert error.value.filename == str(tmp_path / "missing.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.txt", "taken"]
