"""Choose the target, build unless told not to, run the target's deploy, print the summary."""

from __future__ import annotations

from pathlib import Path

from brief.config import DeployTarget, load_config
from brief.deploy.plan import Plan
from brief.errors import BriefError


def choose(targets: tuple[DeployTarget, ...], name: str | None) -> DeployTarget:
    if not targets:
        raise BriefError(
            "no deploy targets in site.yml",
            hint="add `deploy: [{name: site, kind: git}]` (or s3, dir, rsync)",
        )
    if name is None:
        if len(targets) > 1:
            raise BriefError(
                "several deploy targets: name one", hint="brief deploy " + " | ".join(t.name for t in targets)
            )
        return targets[0]
    for target in targets:
        if target.name == name:
            return target
    raise BriefError(f"no deploy target named {name!r}", hint="known: " + ", ".join(t.name for t in targets))


def deploy(
    root: Path,
    name: str | None,
    dry_run: bool = False,
    force: bool = False,
    max_deletes: int | None = None,
    no_history: bool = False,
    say=print,
) -> tuple[DeployTarget, Plan]:
    config = load_config(root)
    target = choose(config.deploy, name)
    settings = target.settings
    output = config.output_dir
    cap = max_deletes if max_deletes is not None else settings.get("max_deletes")
    if target.kind == "git":
        from brief.deploy.git import deploy_git

        plan = deploy_git(
            config.root,
            output,
            settings,
            dry_run,
            no_history or bool(settings.get("no_history")),
            say,
            max_deletes=cap,
            force=force,
        )
    elif target.kind == "s3":
        from brief.deploy.s3 import deploy_s3

        plan = deploy_s3(output, settings, dry_run, cap, force, say)
    elif target.kind == "dir":
        from brief.deploy.files import deploy_dir

        destination = Path(settings["path"])
        if not destination.is_absolute():
            destination = config.root / destination
        if destination.resolve() == output or output.is_relative_to(destination.resolve()):
            raise BriefError("the dir target is the output folder itself", hint="choose another path")
        plan = deploy_dir(output, destination, dry_run, cap, force, say)
    else:
        from brief.deploy.files import deploy_rsync

        plan = deploy_rsync(
            output, settings["destination"], dry_run, cap, force, list(settings.get("options") or []), say
        )
    return target, plan
