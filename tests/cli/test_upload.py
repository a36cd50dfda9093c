"""The resumable uploader against a real backend process: a killed client, a dropped connection, the CLI."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from app.client.api import ApiClient
from app.client.embedded import EmbeddedBackend
from app.client.upload import ResumableUploader, backend_reads_local_files
from app.config import Settings
from app.studio.media.synthetic import synthesize_master

from ..conftest import REPO, TEST_TOKEN

CHUNK = 8192


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = synthesize_master(tmp_path_factory.mktemp("upload-master") / "master.mp4", seconds=1.0)
    assert path.stat().st_size > 3 * CHUNK
    return path


@pytest.fixture(scope="module")
def backend_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real backend process on loopback that suggests small chunks, so a small master takes several."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("upload-backend"),
        content_token=TEST_TOKEN,
        seed_demo=False,
        cdn_edges=0,
        demo_playable=0,
        upload_chunk_bytes=CHUNK,
    )
    backend = EmbeddedBackend(settings)
    try:
        yield backend.start()
    finally:
        backend.stop()


class ClientKilled(Exception):
    """Stands for the uploading process dying between two chunks."""


def test_a_killed_client_resumes_where_the_backend_stands(
    backend_url: str, master: Path, tmp_path: Path
) -> None:
    state = tmp_path / "upload-state"
    acknowledged: list[int] = []

    def die_after_two_chunks(phase: str, done: int, _total: int) -> None:
        if phase == "upload" and done:
            acknowledged.append(done)
            if len(acknowledged) == 2:
                raise ClientKilled

    with ApiClient(backend_url, token=TEST_TOKEN) as client, pytest.raises(ClientKilled):
        ResumableUploader(client, state, on_progress=die_after_two_chunks).upload(master)
    assert acknowledged == [CHUNK, 2 * CHUNK]
    assert len(list(state.iterdir())) == 1  # what the next run resumes from

    size = master.stat().st_size
    with ApiClient(backend_url, token=TEST_TOKEN) as client:
        result = ResumableUploader(client, state).upload(master)
        assert result.resumed_from == 2 * CHUNK and result.sent_bytes == size - 2 * CHUNK
        assert Path(urlparse(result.master_file_url).path).read_bytes() == master.read_bytes()
        job = client.upload("resumed-film", result.master_file_url, {"title": "Resumed Film"})
    assert job["status"] == "QUEUED" and job["encodingJobId"]
    assert list(state.iterdir()) == []


class CuttingProxy:
    """A TCP relay that drops its first connection after ``cut_after`` request bytes: a network failure."""

    def __init__(self, upstream: str, cut_after: int) -> None:
        parsed = urlparse(upstream)
        self._upstream = (parsed.hostname, parsed.port)
        self._cut_after = cut_after
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self._upstream)
            threading.Thread(target=self._relay, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._relay, args=(upstream, client, False), daemon=True).start()

    def _relay(self, source: socket.socket, target: socket.socket, requests: bool) -> None:
        relayed = 0
        with contextlib.suppress(OSError):  # the other direction closed the sockets
            while data := source.recv(65536):
                if requests and self.cuts == 0 and relayed + len(data) > self._cut_after:
                    target.sendall(data[: self._cut_after - relayed])
                    self.cuts += 1
                    break
                target.sendall(data)
                relayed += len(data)
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def test_a_dropped_connection_mid_chunk_is_retried_from_the_backends_offset(
    backend_url: str, master: Path, tmp_path: Path
) -> None:
    proxy = CuttingProxy(backend_url, cut_after=2 * CHUNK + CHUNK // 2)  # inside the second or third PUT
    try:
        with ApiClient(proxy.url, token=TEST_TOKEN) as client:
            uploader = ResumableUploader(client, tmp_path / "state", retry_initial_s=0.05)
            result = uploader.upload(master)
    finally:
        proxy.close()
    assert proxy.cuts == 1
    assert result.resumed_from == 0 and result.sent_bytes > master.stat().st_size  # a chunk went twice
    assert Path(urlparse(result.master_file_url).path).read_bytes() == master.read_bytes()


@pytest.mark.parametrize(
    ("url", "local"),
    [
        (None, True),
        ("http://127.0.0.1:8700", True),
        ("http://localhost:8700", True),
        ("http://[::1]:8700", True),
        ("http://127.3.0.1:8700", True),
        ("http://10.0.0.5:8700", False),
        ("https://studio.example.com", False),
    ],
)
def test_only_a_backend_on_this_machine_reads_the_path_itself(url: str | None, local: bool) -> None:
    assert backend_reads_local_files(url) is local


def test_ingest_with_upload_sends_the_bytes_and_the_title_becomes_playable(
    master: Path, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "MARQUEE_CDN_EDGES": "0",
        "MARQUEE_WORKFLOW_ENABLED": "true",
        "MARQUEE_DEMO_PLAYABLE": "0",
        "MARQUEE_DEMO_TITLES": "20",
        "MARQUEE_UPLOAD_CHUNK_BYTES": str(CHUNK),
    }
    args = ["--data", str(tmp_path), "ingest", str(master), "--title", "Sent Film", "--upload", "--json"]
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["status"] == "PLAYABLE"
    assert "uploading send" in result.stderr
    assert f"uploaded master.mp4: {master.stat().st_size} bytes sent, resumed at byte 0" in result.stderr
    kept = list((tmp_path / "uploads" / "masters").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == master.read_bytes()
