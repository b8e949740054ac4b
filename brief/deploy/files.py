"""Deploy to a local folder (copy changed files, delete stale ones) or through rsync."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from brief.deploy.plan import DEFAULT_MAX_DELETES, Plan, diff, local_files, md5
from brief.errors import BriefError
from brief.files import copy_file, replace_file
from brief.sitefiles import OUTPUT_MARKER

# The files the last deploy put at the target, one path a line: a deploy deletes only these,
# never a file someone else put there (unless --force).
DEPLOY_MANIFEST = ".brief-deployed"


def _deployed_before(destination: Path) -> set[str]:
    try:
        return set((destination / DEPLOY_MANIFEST).read_text(encoding="utf-8").splitlines())
    except OSError:
        return set()


def deploy_dir(
    output: Path, destination: Path, dry_run: bool, max_deletes: int | None, force: bool, say
) -> Plan:
    files = local_files(output)
    destination = destination.expanduser()
    remote_files = (
        {
            p.relative_to(destination).as_posix(): p
            for p in destination.rglob("*")
            if (p.is_file() or p.is_symlink()) and p.name != DEPLOY_MANIFEST
        }
        if destination.is_dir()
        else {}
    )
    ours = _deployed_before(destination)
    local = {rel: md5(path.read_bytes()) for rel, path in files.items()}
    remote = {}
    for rel, path in remote_files.items():
        # Same size first: an unchanged file is only read when it might be equal.
        if rel in files and not path.is_symlink() and path.stat().st_size == files[rel].stat().st_size:
            remote[rel] = md5(path.read_bytes())
        else:
            remote[rel] = ""
    plan = diff(local, remote, {rel: p.stat().st_size for rel, p in files.items()})
    if not force:
        plan.unknown = [rel for rel in plan.deletes if rel not in ours]
        plan.deletes = [rel for rel in plan.deletes if rel in ours]
    warning = plan.cap_deletes(max_deletes if max_deletes is not None else DEFAULT_MAX_DELETES, force)
    if warning:
        say(f"warning: {warning}")
    if dry_run:
        return plan
    destination.mkdir(parents=True, exist_ok=True)
    for rel in plan.uploads:
        copy_file(files[rel], destination / rel)
    for rel in plan.deletes:
        target = destination / rel
        target.unlink(missing_ok=True)
        # Folders emptied by this deploy go too; folders that were empty before stay.
        parent = target.parent
        while parent != destination and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    deployed = sorted(set(files) | set(plan.skipped_deletes))
    replace_file(destination / DEPLOY_MANIFEST, "".join(f"{rel}\n" for rel in deployed))
    return plan


def deploy_rsync(
    output: Path,
    destination: str,
    dry_run: bool,
    max_deletes: int | None,
    force: bool,
    options: list[str],
    say,
) -> Plan:
    if shutil.which("rsync") is None:
        raise BriefError(
            "rsync is not installed", hint="install it (apt-get install rsync) or use a dir target"
        )
    cap = max_deletes if max_deletes is not None else DEFAULT_MAX_DELETES
    command = [
        "rsync",
        "-a",
        "--delete",
        "--checksum",
        "--itemize-changes",
        "--out-format=%i %n",
        f"--exclude=/{OUTPUT_MARKER}",
        *options,
    ]
    if dry_run:
        command.append("--dry-run")
    # rsync's own cap stops deleting past N; brief first counts, so that it can refuse them all.
    preview = subprocess.run(
        [*command, "--dry-run", f"{output}/", destination], capture_output=True, text=True, check=False
    )
    if preview.returncode != 0:
        reason = preview.stderr.strip().splitlines()[-1] if preview.stderr.strip() else preview.returncode
        raise BriefError(
            f"rsync failed: {reason}",
            hint="check the destination",
        )
    plan = Plan()
    for line in preview.stdout.splitlines():
        flags, _, name = line.partition(" ")
        if name.endswith("/"):
            continue
        if flags.startswith("*deleting"):
            plan.deletes.append(name.strip())
        elif flags[:2] in (">f", "<f") and "+++++" in flags:
            plan.new.append(name)
        elif flags[:2] in (">f", "<f"):
            plan.changed.append(name)
    files = local_files(output)
    touched = set(plan.new) | set(plan.changed)
    plan.unchanged = [rel for rel in files if rel not in touched]
    plan.bytes = sum(files[rel].stat().st_size for rel in touched if rel in files)
    warning = plan.cap_deletes(cap, force)
    if warning:
        say(f"warning: {warning}")
        command = [c for c in command if c != "--delete"]
    if not dry_run:
        done = subprocess.run(
            [*command, f"{output}/", destination], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise BriefError(f"rsync failed: {done.stderr.strip()[-300:]}", hint="check the destination")
    return plan
