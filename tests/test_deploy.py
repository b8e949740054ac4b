"""brief deploy against real things: a bare git repository, folders, rsync, an S3 server on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from brief.builder.run import build
from brief.cli import main
from brief.deploy.run import deploy
from brief.errors import BriefError
from tests.test_build_behaviour import snapshot


def published(folder: Path) -> dict[str, bytes]:
    """A folder's files without brief's own bookkeeping (output marker, deploy manifest)."""
    return {k: v for k, v in snapshot(folder).items() if k not in (".brief-output", ".brief-deployed")}


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def add_target(root: Path, text: str) -> None:
    config = root / "site.yml"
    config.write_text(config.read_text() + "\ndeploy:\n" + text)


@pytest.fixture
def repo(example_copy, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--bare", "-q", str(remote)], check=True)
    (example_copy / ".gitignore").write_text("public/\n.brief-cache/\n")
    git("init", "-q", "-b", "main", cwd=example_copy)
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "add", "-A", cwd=example_copy)
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "site", cwd=example_copy)
    git("remote", "add", "origin", str(remote), cwd=example_copy)
    add_target(example_copy, "  - {name: pages, kind: git, cname: briefs.example.org}\n")
    return example_copy, remote


def test_git_deploy(repo, capsys):
    site, remote = repo
    (site / "notes.txt").write_text("uncommitted work")
    status_before = git("status", "--porcelain", cwd=site)
    assert main(["deploy", "--site", str(site)]) == 0
    assert git("show", "gh-pages:index.html", cwd=remote) == (site / "public/index.html").read_text().rstrip(
        "\n"
    )
    assert git("show", "gh-pages:CNAME", cwd=remote) == "briefs.example.org"
    assert git("cat-file", "-e", "gh-pages:.nojekyll", cwd=remote) == ""
    head = git("rev-parse", "gh-pages", cwd=remote)
    source = git("rev-parse", "--short", "HEAD", cwd=site)
    assert source in git("log", "-1", "--format=%s", "gh-pages", cwd=remote)
    # A second deploy with no change makes no commit.
    assert main(["deploy", "--site", str(site)]) == 0
    assert git("rev-parse", "gh-pages", cwd=remote) == head
    assert "up to date" in capsys.readouterr().out
    # The user's branch, index and working tree are untouched.
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=site) == "main"
    assert git("status", "--porcelain", cwd=site) == status_before
    assert (site / "notes.txt").read_text() == "uncommitted work"
    # A change makes one more commit on top; --no-history keeps one.
    brief = next((site / "content/briefs").rglob("harwick-ban-lifted.md"))
    brief.write_text(brief.read_text().replace("wettest July", "wettest summer"))
    assert main(["deploy", "--site", str(site)]) == 0
    assert git("rev-list", "--count", "gh-pages", cwd=remote) == "2"
    assert main(["deploy", "--site", str(site), "--no-history"]) == 0
    assert git("rev-list", "--count", "gh-pages", cwd=remote) == "1"


def test_git_deploy_to_an_unreachable_remote_fails_clearly(repo, capsys):
    site, _ = repo
    git("remote", "set-url", "origin", str(site.parent / "missing.git"), cwd=site)
    assert main(["deploy", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "git ls-remote failed" in err and "Traceback" not in err


def test_git_deploy_never_rewrites_history_after_a_failed_fetch(repo, capsys):
    """With the remote's branch unreadable, deploying on top of nothing would force-push a new
    root commit over its history. It must stop instead; only --no-history rewrites."""
    site, remote = repo
    assert main(["deploy", "--site", str(site)]) == 0
    brief = next((site / "content/briefs").rglob("harwick-ban-lifted.md"))
    brief.write_text(brief.read_text().replace("wettest July", "wettest summer"))
    assert main(["deploy", "--site", str(site)]) == 0
    assert git("rev-list", "--count", "gh-pages", cwd=remote) == "2"
    head = git("rev-parse", "gh-pages", cwd=remote)
    brief.write_text(brief.read_text().replace("wettest summer", "wettest season"))
    # Reading from the remote fails (its upload-pack cannot run); pushing to it still works. The
    # deploy runs from a fresh clone: no copy of the branch from an earlier fetch.
    git("update-ref", "-d", "refs/brief/deploy/gh-pages", cwd=site)
    git("config", "remote.origin.uploadpack", "false", cwd=site)
    capsys.readouterr()
    assert main(["deploy", "--site", str(site)]) == 1
    assert "failed" in capsys.readouterr().err
    assert git("rev-parse", "gh-pages", cwd=remote) == head


def test_git_deploy_keeps_the_delete_cap(repo, capsys):
    site, remote = repo
    assert main(["deploy", "--site", str(site)]) == 0
    pages = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).splitlines()
    # Half the briefs gone: many pages deleted, more than a cap of 10.
    for path in sorted((site / "content/briefs").rglob("*.md"))[::2]:
        path.unlink()
    capsys.readouterr()
    assert main(["deploy", "--site", str(site), "--max-deletes", "10"]) == 0
    assert "more than the cap of 10" in capsys.readouterr().err
    after = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).splitlines()
    assert set(pages) <= set(after)
    assert main(["deploy", "--site", str(site), "--max-deletes", "10", "--force"]) == 0
    assert len(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).splitlines()) < len(pages)


def test_dir_deploy_keeps_unchanged_files(example_copy, tmp_path, capsys):
    target = tmp_path / "www"
    add_target(example_copy, f"  - {{name: local, kind: dir, path: '{target}'}}\n")
    assert main(["deploy", "--site", str(example_copy)]) == 0
    assert published(target) == published(example_copy / "public")
    mtimes = {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()}
    brief = next((example_copy / "content/briefs").rglob("harwick-ban-lifted.md"))
    brief.write_text(brief.read_text().replace("wettest July", "wettest summer"))
    capsys.readouterr()
    assert main(["deploy", "--site", str(example_copy)]) == 0
    out = capsys.readouterr().out
    changed = [p for p, t in mtimes.items() if not p.exists() or p.stat().st_mtime_ns != t]
    assert changed and len(changed) < len(mtimes) / 4
    assert "unchanged" in out.splitlines()[-1] and published(target) == published(example_copy / "public")


def test_dir_deploy_deletes_only_what_an_earlier_deploy_wrote(example_copy, tmp_path, capsys):
    """A deploy into a folder that already holds a user's files: they stay (10 files, a symlink,
    a folder); only files an earlier deploy wrote are deleted when the site drops them."""
    target = tmp_path / "www"
    (target / "mine" / "empty").mkdir(parents=True)
    for i in range(10):
        (target / "mine" / f"{i}.txt").write_text(f"user file {i}")
    (target / "notes.txt").write_text("keep me")
    (target / "link").symlink_to(target / "notes.txt")
    add_target(example_copy, f"  - {{name: local, kind: dir, path: '{target}'}}\n")
    build(example_copy)
    # Files that the site has now and drops later: a deploy writes them, so it may delete them.
    for i in range(5):
        (example_copy / "public" / "static" / f"old-{i}.css").write_text("x")
    assert main(["deploy", "--site", str(example_copy), "--no-build"]) == 0
    assert "kept 12 file(s) brief did not write" in capsys.readouterr().out
    build(example_copy, clean=True)
    assert main(["deploy", "--site", str(example_copy), "--no-build"]) == 0
    assert not list((target / "static").glob("old-*.css"))
    assert len(list((target / "mine").glob("*.txt"))) == 10 and (target / "mine" / "empty").is_dir()
    assert (target / "notes.txt").read_text() == "keep me" and (target / "link").is_symlink()
    # --force deletes what brief did not write too.
    assert main(["deploy", "--site", str(example_copy), "--no-build", "--force"]) == 0
    assert not list((target / "mine").rglob("*.txt")) and not (target / "notes.txt").exists()
    assert published(target) == published(example_copy / "public")


def test_dry_run_and_delete_cap(example_copy, tmp_path, capsys):
    target = tmp_path / "www"
    add_target(example_copy, f"  - {{name: local, kind: dir, path: '{target}'}}\n")
    build(example_copy)
    for i in range(5):
        (example_copy / "public" / "extra" / f"{i}.html").parent.mkdir(exist_ok=True)
        (example_copy / "public" / "extra" / f"{i}.html").write_text("x")
    assert main(["deploy", "--site", str(example_copy), "--no-build"]) == 0
    build(example_copy, clean=True)  # the extra pages are gone from the site
    before = published(target)
    capsys.readouterr()
    assert main(["deploy", "--site", str(example_copy), "--dry-run", "--no-build"]) == 0
    out = capsys.readouterr().out
    assert "delete   extra/0.html" in out and "would upload" in out
    assert published(target) == before
    # Over the cap, a dry run still lists what it would delete.
    assert main(["deploy", "--site", str(example_copy), "--dry-run", "--no-build", "--max-deletes", "3"]) == 0
    out = capsys.readouterr().out
    assert "delete   extra/4.html (over the cap: only with --force)" in out
    assert main(["deploy", "--site", str(example_copy), "--no-build", "--max-deletes", "3"]) == 0
    assert "more than the cap of 3" in capsys.readouterr().err
    assert (target / "extra" / "0.html").exists() and (target / "index.html").exists()
    # Held back, they are still known as brief's: a later deploy within the cap deletes them.
    assert main(["deploy", "--site", str(example_copy), "--no-build", "--max-deletes", "5"]) == 0
    assert not (target / "extra").exists()


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed (apt-get install rsync)")
def test_rsync_deploy(example_copy, tmp_path):
    target = tmp_path / "mirror"
    target.mkdir()
    (target / "stale.txt").write_text("old")
    add_target(example_copy, f"  - {{name: mirror, kind: rsync, destination: '{target}/'}}\n")
    build(example_copy)
    _, plan = deploy(example_copy, None)
    assert not (target / "stale.txt").exists()
    assert published(target) == published(example_copy / "public")
    assert plan.deletes == ["stale.txt"] and "index.html" in plan.new
    mtimes = {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()}
    _, again = deploy(example_copy, None)
    assert again.new == [] and again.changed == [] and again.deletes == []
    assert all(p.stat().st_mtime_ns == t for p, t in mtimes.items())


def test_deploy_configuration_errors(example_copy, capsys):
    add_target(example_copy, "  - {name: a, kind: ftp}\n")
    assert main(["deploy", "--site", str(example_copy), "--no-build"]) == 1
    assert "site.yml:" in capsys.readouterr().err
    config = example_copy / "site.yml"
    config.write_text(
        config.read_text().replace("kind: ftp", "kind: dir, path: /tmp/x-brief")
        + "  - {name: b, kind: dir, path: /tmp/y-brief}\n"
    )
    with pytest.raises(BriefError, match="name one"):
        deploy(example_copy, None, dry_run=True)
    with pytest.raises(BriefError, match="no deploy target named"):
        deploy(example_copy, "c", dry_run=True)


moto_server = pytest.importorskip("moto.server", reason="pip install 'moto[server]' (the test extra)")


@pytest.fixture
def s3(monkeypatch):
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    import boto3

    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="site")
    try:
        yield client, endpoint
    finally:
        server.stop()


def test_s3_deploy_uploads_only_changes(example_copy, s3):
    client, endpoint = s3
    add_target(
        example_copy,
        f"  - {{name: bucket, kind: s3, bucket: site, prefix: www, endpoint_url: '{endpoint}', gzip: true}}\n",
    )
    build(example_copy)
    _, first = deploy(example_copy, None)
    files = list(published(example_copy / "public"))
    assert len(first.new) == len(files) and first.deletes == []
    # Assets go up before pages, pages before feeds and sitemap.
    assert (
        first.uploads.index("static/style.css")
        < first.uploads.index("index.html")
        < first.uploads.index("sitemap.xml")
    )
    head = client.head_object(Bucket="site", Key="www/index.html")
    assert head["ContentType"] == "text/html; charset=utf-8" and head["ContentEncoding"] == "gzip"
    assert "max-age=300" in head["CacheControl"]
    assert "immutable" in client.head_object(Bucket="site", Key="www/static/style.css")["CacheControl"]
    assert client.head_object(Bucket="site", Key="www/feed.xml")["ContentType"] == "application/atom+xml"
    _, second = deploy(example_copy, None)
    assert second.new == [] and second.changed == [] and len(second.unchanged) == len(files)
    brief = next((example_copy / "content/briefs").rglob("harwick-ban-lifted.md"))
    brief.write_text(brief.read_text().replace("wettest July", "wettest summer"))
    build(example_copy)
    _, third = deploy(example_copy, None)
    assert "briefs/2025/08/harwick-ban-lifted/index.html" in third.changed
    assert 0 < len(third.changed) < len(files) / 4
    # Dry run changes nothing; deletes above the cap are refused.
    for i in range(4):
        client.put_object(Bucket="site", Key=f"www/old/{i}.html", Body=b"x")
    _, dry = deploy(example_copy, None, dry_run=True)
    assert len(dry.deletes) == 4
    assert len(client.list_objects_v2(Bucket="site", Prefix="www/old/")["Contents"]) == 4
    _, capped = deploy(example_copy, None, max_deletes=2)
    assert (
        capped.deletes_skipped
        and len(client.list_objects_v2(Bucket="site", Prefix="www/old/")["Contents"]) == 4
    )
    deploy(example_copy, None, max_deletes=10)
    assert "Contents" not in client.list_objects_v2(Bucket="site", Prefix="www/old/")


def test_s3_missing_bucket_and_no_credentials(example_copy, s3, monkeypatch, capsys):
    _, endpoint = s3
    add_target(example_copy, f"  - {{name: bucket, kind: s3, bucket: nope, endpoint_url: '{endpoint}'}}\n")
    build(example_copy)
    with pytest.raises(BriefError, match="NoSuchBucket"):
        deploy(example_copy, None)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(BriefError, match="no AWS credentials"):
        deploy(example_copy, None)


from tests import swift_store  # noqa: E402


@pytest.mark.skipif(
    not swift_store.available(),
    reason="OpenStack Swift is not installed (apt-get install swift swift-proxy swift-object swift-container swift-account memcached)",
)
def test_s3_deploy_end_to_end_on_swift(example_copy, monkeypatch, capsys):
    import boto3
    import botocore.config

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test:tester")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with swift_store.swift_s3() as endpoint:
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            config=botocore.config.Config(s3={"addressing_style": "path"}),
        )
        client.create_bucket(Bucket="briefs")
        add_target(
            example_copy,
            f"  - {{name: swift, kind: s3, bucket: briefs, region: us-east-1, endpoint_url: '{endpoint}'}}\n",
        )
        files = sorted(published(build(example_copy).config.output_dir))
        # Dry run: the plan, and nothing stored.
        assert main(["deploy", "--site", str(example_copy), "--no-build", "--dry-run"]) == 0
        assert "would upload" in capsys.readouterr().out
        assert "Contents" not in client.list_objects_v2(Bucket="briefs")
        # First deploy uploads everything, the second nothing.
        _, first = deploy(example_copy, None)
        assert sorted(first.new) == files
        stored = {
            o["Key"]: o
            for o in client.get_paginator("list_objects_v2")
            .paginate(Bucket="briefs")
            .build_full_result()["Contents"]
        }
        assert sorted(stored) == files
        _, second = deploy(example_copy, None)
        assert second.new == [] and second.changed == [] and len(second.unchanged) == len(files)
        # Content types and cache headers, read back.
        for key, kind in (
            ("index.html", "text/html"),
            ("static/style.css", "text/css"),
            ("feed.xml", "application/atom+xml"),
            ("feed.json", "application/feed+json"),
            ("sitemap.xml", "application/xml"),
        ):
            head = client.head_object(Bucket="briefs", Key=key)
            assert head["ContentType"].startswith(kind), (key, head["ContentType"])
        assert "max-age=300" in client.head_object(Bucket="briefs", Key="index.html")["CacheControl"]
        assert "immutable" in client.head_object(Bucket="briefs", Key="static/style.css")["CacheControl"]
        # Editing one brief uploads only the pages that changed.
        # (The text only: a new headline would rename the story the brief opens.)
        brief = next((example_copy / "content/briefs").rglob("harwick-ban-lifted.md"))
        brief.write_text(brief.read_text().replace("after the wettest July", "after the wettest summer"))
        build(example_copy)
        _, third = deploy(example_copy, None)
        assert "briefs/2025/08/harwick-ban-lifted/index.html" in third.changed
        # New files are only the search index's content-named chunks.
        assert all(p.startswith("pagefind/") for p in third.new) and 0 < len(third.changed) < len(files) / 4
        body = client.get_object(Bucket="briefs", Key="briefs/2025/08/harwick-ban-lifted/index.html")[
            "Body"
        ].read()
        assert b"wettest summer" in body
        # Deletions above the cap are refused; within it they happen.
        for i in range(3):
            client.put_object(Bucket="briefs", Key=f"gone/{i}.html", Body=b"old")
        _, capped = deploy(example_copy, None, max_deletes=2)
        assert capped.deletes_skipped
        assert len(client.list_objects_v2(Bucket="briefs", Prefix="gone/").get("Contents", [])) == 3
        _, cleaned = deploy(example_copy, None, max_deletes=3)
        assert sorted(cleaned.deletes) == [f"gone/{i}.html" for i in range(3)]
        assert "Contents" not in client.list_objects_v2(Bucket="briefs", Prefix="gone/")


def test_s3_unreachable_endpoint_is_one_clear_error(example_copy, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    add_target(
        example_copy,
        "  - {name: bucket, kind: s3, bucket: site, region: us-east-1, endpoint_url: 'http://127.0.0.1:9'}\n",
    )
    assert main(["deploy", "--site", str(example_copy)]) == 1
    err = capsys.readouterr().err
    assert "cannot reach the S3 endpoint" in err and "Traceback" not in err
