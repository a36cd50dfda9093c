"""``main.py ingest FILE --title T``: hand a master file to the studio pipeline through the content API."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from app.cli.backend_access import add_backend_options, backend_client, data_dir_option
from app.cli.errors import CommandError
from app.cli.job_progress import ProgressLine
from app.cli.master_upload import master_url
from app.client.api import ApiClient
from app.client.ingest import GPU_MODES, LADDER_MODES, IngestRequest, submit

ENCODING_CAPABILITY = "encoding"
POLL_INTERVAL_S = 0.5
FINAL_STATES = ("SUCCEEDED", "FAILED", "NEEDS_REVIEW", "CANCELLED")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("ingest", help="ingest a master file and wait until it is playable")
    parser.add_argument("file", type=Path)
    parser.add_argument("--title", required=True, help="the title's name in the catalog")
    parser.add_argument("--title-id", help="catalog id (default: derived from the title)")
    parser.add_argument("--ladder", choices=LADDER_MODES, default="fixed")
    parser.add_argument("--codecs", default="h264", help="comma-separated: h264,hevc,av1")
    parser.add_argument("--gpu", choices=GPU_MODES, default="auto")
    parser.add_argument("--allow-silent", action="store_true", help="accept a master without audio")
    parser.add_argument(
        "--upload",
        action="store_true",
        help="send the file by resumable upload even to a backend that could read it (default for a"
        " --backend that is not on loopback)",
    )
    parser.add_argument("--json", action="store_true", help="print {titleId, jobId, status} as the last line")
    data_dir_option(parser)
    add_backend_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = args.file.expanduser().resolve()
    if not path.is_file():
        raise CommandError(f"{args.file} is not a file")
    request = IngestRequest(
        path=path,
        title=args.title,
        ladder=args.ladder,
        codecs=tuple(c.strip() for c in args.codecs.split(",") if c.strip()),
        gpu=args.gpu,
        allow_silent=args.allow_silent,
        title_id=args.title_id,
    )
    title_id = request.resolved_title_id
    with backend_client(args) as client:
        if ENCODING_CAPABILITY not in client.version().get("capabilities", []):
            raise CommandError("this backend has no encoding worker (its workflow engine is off or down)")
        job_id = submit(client, request, master_url(args, client, path))
        print(f"encoding job {job_id} for {title_id}", file=sys.stderr)
        job = wait_for_job(client, job_id)
        status = client.title(title_id)["status"] if job["status"] == "SUCCEEDED" else job["status"]
    if args.json:
        print(json.dumps({"titleId": title_id, "jobId": job_id, "status": status}))
    if job["status"] != "SUCCEEDED":
        reason = (job.get("error") or "no reason recorded").splitlines()[0]
        raise CommandError(f"job {job_id} ended {job['status']}: {reason}")
    print(f"{title_id} is {status}", file=sys.stderr)
    return 0


def wait_for_job(client: ApiClient, job_id: str) -> dict[str, Any]:
    """Poll the job until it ends, drawing its progress on stderr; returns the final job view."""
    line = ProgressLine(sys.stderr)
    try:
        while True:
            job = client.job(job_id)
            line.show(job)
            if job["status"] in FINAL_STATES:
                return job
            time.sleep(POLL_INTERVAL_S)
    finally:
        line.close()
