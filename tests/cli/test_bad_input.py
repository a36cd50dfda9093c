"""Bad input a user really meets: an unusable data dir, a taken port, a corrupt settings file.

Each must end in one clear line and a non-zero exit, touching nothing the user has.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import SETTINGS_FILE_NAME, load_settings

from ..conftest import REPO

QUICK = {"MARQUEE_CDN_EDGES": "0", "MARQUEE_DEMO_PLAYABLE": "0", "MARQUEE_DEMO_TITLES": "20"}


def _run(*args: str, wrap: list[str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **QUICK, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [*(wrap or []), sys.executable, str(REPO / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


# The desktop app (--quit-after: it must fail before the window anyway), a server, an embedded client.
COMMANDS = {
    "gui": ["--quit-after", "0"],
    "serve": ["serve", "--port", "0"],
    "play": ["play", "x", "--headless"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_data_dir_that_cannot_be_created_is_one_line(tmp_path: Path, command: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("mine")
    data = blocker / "data"
    result = _run(*COMMANDS[command], "--data", str(data))
    assert result.returncode == 1, result.stderr
    assert _last_line(result) == f"marquee: error: cannot use data dir {data}: Not a directory"
    assert "Traceback" not in result.stderr and blocker.read_text() == "mine"


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """A data dir with the user's files in it that the command cannot write: (dir, command prefix).

    Root ignores permission bits, so as root the command runs in its own mount namespace where the
    folder is a read-only bind mount; otherwise the folder is plainly chmod 555.
    """
    data = tmp_path / "data"
    data.mkdir()
    (data / "marquee.db").write_bytes(b"the user's database")
    (data / "notes.txt").write_text("keep me")
    if os.geteuid() != 0:
        data.chmod(0o555)
        yield data, []
        data.chmod(0o755)
        return
    wrap = ["unshare", "-m", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"', str(data)]
    probe = subprocess.run([*wrap, "true"], capture_output=True)
    if shutil.which("unshare") is None or probe.returncode != 0:
        pytest.skip("running as root without a mount namespace: cannot make a folder read-only")
    yield data, wrap


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_data_dir_is_one_line_and_nothing_is_lost(
    read_only_dir: tuple[Path, list[str]], command: str
) -> None:
    data, wrap = read_only_dir
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    result = _run(*COMMANDS[command], "--data", str(data), wrap=wrap)
    assert result.returncode == 1, result.stderr
    assert _last_line(result) == f"marquee: error: cannot use data dir {data}: Read-only file system" or (
        _last_line(result) == f"marquee: error: cannot use data dir {data}: Permission denied"
    )
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_serve_on_a_taken_port_is_one_line_before_touching_the_database(
    tmp_path: Path, taken_port: int
) -> None:
    result = _run("serve", "--port", str(taken_port), "--data", str(tmp_path))
    assert result.returncode == 1
    assert (
        _last_line(result)
        == f"marquee: error: cannot listen on 127.0.0.1:{taken_port}: Address already in use"
    )
    assert "Traceback" not in result.stderr and not (tmp_path / "marquee.db").exists()


def test_a_corrupt_settings_file_is_set_aside_with_a_warning(tmp_path: Path, taken_port: int) -> None:
    settings_file = tmp_path / SETTINGS_FILE_NAME
    settings_file.write_text('{"demo_titles": 12,')  # cut short by a crash mid-save
    result = _run("serve", "--port", str(taken_port), "--data", str(tmp_path))
    assert result.returncode == 1  # the taken port ends the run; the settings only warned
    (kept,) = tmp_path.glob(f"{SETTINGS_FILE_NAME}.corrupt-*")
    assert kept.read_text() == '{"demo_titles": 12,' and not settings_file.exists()
    assert f"ignoring corrupt settings file {settings_file}" in result.stderr
    assert f"the file was moved to {kept}" in result.stderr


def test_the_settings_file_fills_what_the_environment_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / SETTINGS_FILE_NAME).write_text(
        json.dumps({"demo_titles": 12, "cdn_edges": 1, "data_dir": "/x"})
    )
    monkeypatch.setenv("MARQUEE_CDN_EDGES", "2")
    settings = load_settings(data_dir=tmp_path)
    assert (settings.demo_titles, settings.cdn_edges, settings.data_dir) == (12, 2, tmp_path)
    assert settings.child_environment()["MARQUEE_DEMO_TITLES"] == "12"  # the backend child agrees


@pytest.mark.parametrize("text", ["[1, 2]", '{"demo_titles": -5}', "\udcff"])
def test_a_settings_file_with_bad_values_gives_the_defaults(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    (tmp_path / SETTINGS_FILE_NAME).write_text(text, errors="surrogateescape")
    with caplog.at_level(logging.WARNING):
        settings = load_settings(data_dir=tmp_path)
    assert settings.demo_titles == load_settings(data_dir=tmp_path / "fresh").demo_titles
    assert "using defaults" in caplog.text
    assert [p.name.split("-")[0] for p in tmp_path.iterdir()] == [f"{SETTINGS_FILE_NAME}.corrupt"]
