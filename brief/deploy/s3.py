"""Deploy to any S3-compatible store through boto3 (extra `brief[s3]`).

Only files whose MD5 differs from the stored object's ETag are uploaded (uploads are single
PUTs, so the ETag is the MD5 of the bytes stored: gzipped bytes when gzip is on), assets
before pages. Deletions come last, never after a failed upload, and not above the cap.
Credentials come only from the standard AWS chain (environment, profile, instance role).
"""

from __future__ import annotations

import fnmatch
import gzip
from pathlib import Path

from brief.deploy.plan import DEFAULT_MAX_DELETES, Plan, diff, local_files, md5
from brief.errors import BriefError
from brief.sitefiles import content_type

DEFAULT_CACHE_CONTROL = [
    {"pattern": "static/*", "value": "public, max-age=31536000, immutable"},
    {"pattern": "*.html", "value": "public, max-age=300, must-revalidate"},
    {"pattern": "*", "value": "public, max-age=3600"},
]
GZIP_TYPES = (
    "text/",
    "application/xml",
    "application/atom+xml",
    "application/json",
    "application/feed+json",
    "image/svg+xml",
    "text/javascript",
)


def cache_control(path: str, rules: list[dict]) -> str:
    for rule in [*rules, *DEFAULT_CACHE_CONTROL]:
        if fnmatch.fnmatch(path, rule["pattern"]):
            return rule["value"]
    return "public, max-age=3600"


def _body(path: Path, rel: str, use_gzip: bool) -> tuple[bytes, dict]:
    data = path.read_bytes()
    kind = content_type(path)
    extra: dict = {"ContentType": kind}
    if use_gzip and kind.startswith(GZIP_TYPES):
        data = gzip.compress(data, mtime=0)  # mtime 0: the same file always gives the same bytes
        extra["ContentEncoding"] = "gzip"
    return data, extra


def deploy_s3(output: Path, settings: dict, dry_run: bool, max_deletes: int | None, force: bool, say) -> Plan:
    try:
        import boto3
        import botocore.config
        import botocore.exceptions
    except ImportError:
        raise BriefError("the s3 target needs boto3", hint="pip install 'brief[s3]'") from None
    files = local_files(output)
    bucket = settings["bucket"]
    prefix = (settings.get("prefix") or "").strip("/")
    prefix = prefix + "/" if prefix else ""
    use_gzip = bool(settings.get("gzip", False))
    rules = list(settings.get("cache_control") or [])
    # A fresh session: credentials are looked up now, from the standard chain, never cached.
    session = boto3.session.Session()
    client = session.client(
        "s3", region_name=settings.get("region"), endpoint_url=settings.get("endpoint_url")
    )
    bodies = {rel: _body(path, rel, use_gzip) for rel, path in files.items()}
    try:
        remote: dict[str, str] = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                remote[item["Key"][len(prefix) :]] = item["ETag"].strip('"')
        plan = diff(
            {rel: md5(data) for rel, (data, _) in bodies.items()},
            remote,
            {rel: len(data) for rel, (data, _) in bodies.items()},
        )
        cap = settings.get("max_deletes", DEFAULT_MAX_DELETES) if max_deletes is None else max_deletes
        warning = plan.cap_deletes(cap, force)
        if warning:
            say(f"warning: {warning}")
        if dry_run:
            return plan
        for rel in plan.uploads:
            data, extra = bodies[rel]
            client.put_object(
                Bucket=bucket, Key=prefix + rel, Body=data, CacheControl=cache_control(rel, rules), **extra
            )
        # One request per object: multi-object delete needs a Content-MD5 that current boto3
        # no longer sends, and some stores (Swift's s3api) refuse it without one.
        for rel in plan.deletes:
            client.delete_object(Bucket=bucket, Key=prefix + rel)
        return plan
    except botocore.exceptions.NoCredentialsError:
        raise BriefError(
            "no AWS credentials found", hint="set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE"
        ) from None
    except botocore.exceptions.EndpointConnectionError as error:
        raise BriefError(f"cannot reach the S3 endpoint: {error}", hint="check endpoint_url") from None
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        hint = (
            "create the bucket first"
            if code == "NoSuchBucket"
            else "check the bucket, region and credentials"
        )
        raise BriefError(f"S3 said {code or error}", hint=hint) from None
