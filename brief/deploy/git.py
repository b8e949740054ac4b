"""Deploy to a branch of a git remote (gh-pages by default) without touching the working tree.

The tree is built in a temporary index from the output folder, committed on top of the remote
branch (or alone, with no_history) and pushed. The user's branch, index and files stay as they
were. Works with any remote URL, not only GitHub.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from brief.deploy.plan import DEFAULT_MAX_DELETES, Plan, local_files
from brief.errors import BriefError
from brief.sitefiles import OUTPUT_MARKER


def _git(args: list[str], cwd: Path, env: dict | None = None, check: bool = True) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if check and done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise BriefError(
            f"git {args[0]} failed: {message[-1] if message else done.returncode}",
            hint="check the remote's address and your rights to push",
        )
    return done.stdout.strip()


def _remote_branch(repo: Path, remote: str, branch: str) -> str:
    """The remote branch's commit fetched into a private ref, or "" when the branch does not
    exist yet. Any failure to reach the remote is an error: deploying on top of nothing would
    replace the branch's history with a new root commit."""
    heads = _git(["ls-remote", "--heads", remote, f"refs/heads/{branch}"], repo)
    if not heads:
        return ""
    _git(["fetch", "--quiet", remote, f"+refs/heads/{branch}:refs/brief/deploy/{branch}"], repo)
    return _git(["rev-parse", "--verify", "--quiet", f"refs/brief/deploy/{branch}"], repo)


def deploy_git(
    root: Path,
    output: Path,
    settings: dict,
    dry_run: bool,
    no_history: bool,
    say,
    max_deletes: int | None = None,
    force: bool = False,
) -> Plan:
    files = local_files(output)
    remote = settings.get("remote", "origin")
    branch = settings.get("branch", "gh-pages")
    repo = Path(_git(["rev-parse", "--show-toplevel"], root, check=False) or root)
    if not (repo / ".git").exists() and not _git(["rev-parse", "--git-dir"], repo, check=False):
        raise BriefError("the site is not in a git repository", path=root, hint="run `git init` first")
    source = _git(["rev-parse", "--short", "HEAD"], repo, check=False) or "no commit"
    parent = _remote_branch(repo, remote, branch)
    old_tree = _git(["rev-parse", f"{parent}^{{tree}}"], repo) if parent else ""
    plan = Plan()
    with tempfile.TemporaryDirectory(prefix="brief-deploy-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        _git(["--work-tree", str(output), "add", "--all", "--force", "."], repo, env)
        # brief's mark on the output folder is not part of the site.
        _git(["rm", "--cached", "--quiet", "--ignore-unmatch", OUTPUT_MARKER], repo, env)
        extras = {".nojekyll": b""}
        if settings.get("cname"):
            extras["CNAME"] = f"{settings['cname']}\n".encode()
        for name, data in extras.items():
            if name in files:
                continue
            blob = (
                subprocess.run(
                    ["git", "hash-object", "-w", "--stdin"],
                    cwd=repo,
                    input=data,
                    capture_output=True,
                    check=True,
                )
                .stdout.decode()
                .strip()
            )
            _git(["update-index", "--add", "--cacheinfo", f"100644,{blob},{name}"], repo, env)
        tree = _git(["write-tree"], repo, env)
        if old_tree:
            changes = _git(["diff-tree", "-r", "--no-renames", "--name-status", old_tree, tree], repo)
            for line in changes.splitlines():
                status, _, name = line.partition("\t")
                {"A": plan.new, "M": plan.changed, "D": plan.deletes}.get(status[:1], plan.changed).append(
                    name
                )
            plan.unchanged = [f for f in files if f not in set(plan.new) | set(plan.changed)]
            warning = plan.cap_deletes(max_deletes if max_deletes is not None else DEFAULT_MAX_DELETES, force)
            if warning:
                say(f"warning: {warning}")
                # Keep the files over the cap: the old tree's entries go back into the new one.
                kept = _git(["ls-tree", "-r", "-z", old_tree, "--", *plan.skipped_deletes], repo)
                subprocess.run(
                    ["git", "update-index", "-z", "--index-info"],
                    cwd=repo,
                    env={**os.environ, **env},
                    input=kept,
                    text=True,
                    check=True,
                    capture_output=True,
                )
                tree = _git(["write-tree"], repo, env)
        else:
            plan.new = sorted(files)
    plan.bytes = sum(files[f].stat().st_size for f in plan.new + plan.changed if f in files)
    if old_tree == tree and not no_history:
        say(f"{branch}: already up to date at {parent[:7]}")
        return plan
    if dry_run:
        return plan
    message = settings.get("message") or f"Deploy site built from {source}"
    commit_args = ["commit-tree", tree, "-m", message]
    if parent and not no_history:
        commit_args += ["-p", parent]
    identity = {
        "GIT_AUTHOR_NAME": "brief",
        "GIT_AUTHOR_EMAIL": "brief@localhost",
        "GIT_COMMITTER_NAME": "brief",
        "GIT_COMMITTER_EMAIL": "brief@localhost",
    }
    has_identity = _git(["config", "user.email"], repo, check=False)
    commit = _git(commit_args, repo, None if has_identity else identity)
    push = ["push", "--quiet", remote, f"{commit}:refs/heads/{branch}"]
    if no_history:
        push.insert(1, "--force")
    _git(push, repo)
    say(f"{branch}: pushed {commit[:7]} to {remote}")
    return plan
