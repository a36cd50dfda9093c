"""``main.py ingest FILE --title T``: hand a master file to the studio pipeline through the content API."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from app.cli.backend_access import add_backend_options, backend_client, data_dir_option
from app.cli.errors import CommandError

ENCODING_CAPABILITY = "encoding"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("ingest", help="ingest a master file and wait until it is playable")
    parser.add_argument("file", type=Path)
    parser.add_argument("--title", required=True, help="the title's name in the catalog")
    parser.add_argument("--title-id", help="catalog id (default: derived from the title)")
    parser.add_argument("--ladder", choices=("fixed", "per-title", "per-shot"), default="fixed")
    parser.add_argument("--codecs", default="h264", help="comma-separated: h264,hevc,av1")
    parser.add_argument("--gpu", choices=("auto", "on", "off"), default="auto")
    parser.add_argument("--allow-silent", action="store_true", help="accept a master without audio")
    parser.add_argument("--json", action="store_true", help="print {titleId, jobId, status} as the last line")
    data_dir_option(parser)
    add_backend_options(parser)
    parser.set_defaults(run=run)


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48] or "title"


def run(args: argparse.Namespace) -> int:
    path = args.file.expanduser().resolve()
    if not path.is_file():
        raise CommandError(f"{args.file} is not a file")
    codecs = [c.strip() for c in args.codecs.split(",") if c.strip()]
    metadata = {
        "title": args.title,
        "ladder": args.ladder,
        "codecs": codecs,
        "gpu": args.gpu,
        "allowSilent": args.allow_silent,
    }
    with backend_client(args) as client:
        job = client.upload(args.title_id or slug(args.title), path.as_uri(), metadata)
        summary = {
            "titleId": args.title_id or slug(args.title),
            "jobId": job["encodingJobId"],
            "status": job["status"],
        }
        print(f"recorded encoding job {summary['jobId']} for {summary['titleId']}", file=sys.stderr)
        if args.json:
            print(json.dumps(summary))
        if ENCODING_CAPABILITY not in client.version().get("capabilities", []):
            raise CommandError("the job is queued, but this backend has no encoding worker to run it yet")
    return 0
