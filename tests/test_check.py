"""`brief check` passes the example site and finds what is planted in a copy of its output."""

from __future__ import annotations

import shutil

from brief.builder.run import build
from brief.check import check_output
from brief.cli import main


def test_example_output_has_no_problems(example_copy, capsys):
    assert main(["check", "--site", str(example_copy)]) == 0
    assert "no problems" in capsys.readouterr().out


def test_planted_problems_are_found(example_copy, tmp_path, capsys):
    result = build(example_copy)
    copy = tmp_path / "copy"
    shutil.copytree(result.config.output_dir, copy)
    page = copy / "briefs/2025/08/harwick-ban-lifted/index.html"
    html = page.read_text()
    html = html.replace(
        "</main>",
        '<p><a href="/briefs/nowhere/">gone</a> <a href="/tags/#no-such-anchor">x</a>'
        ' <a href="#main">ok</a><span id="dup"></span><span id="dup"></span></p></main>',
    )
    page.write_text(html)
    (copy / "tags/drought/feed.xml").write_text((copy / "tags/drought/feed.xml").read_text()[:-40])
    (copy / "empty.html").write_text("<!DOCTYPE html><html><head><title></title></head><body></body></html>")
    report = check_output(copy)
    problems = "\n".join(report.problems)
    assert "harwick-ban-lifted/index.html: broken link /briefs/nowhere/" in problems
    assert "missing anchor #no-such-anchor" in problems
    assert "duplicate id 'dup'" in problems
    assert "tags/drought/feed.xml: not well-formed XML" in problems
    assert "empty.html: the page has no text" in problems
    assert "#main" not in problems
    assert len(report.problems) == 5
    # The command exits 1 and lists them.
    shutil.rmtree(result.config.output_dir)
    shutil.copytree(copy, result.config.output_dir)
    assert main(["check", "--site", str(example_copy), "--no-build"]) == 1
    err = capsys.readouterr().err
    assert err.count("error: ") == 5
