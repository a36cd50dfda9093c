"""The PyInstaller build as a user gets it: built once, then run with no Python, no venv, a fresh HOME.

Every command runs the bundle's executable in an environment with only ``PATH=/usr/bin:/bin`` and a
scratch ``HOME``, so anything the bundle forgot to carry (a module, a Qt plugin, the migrations, the
Temporal server) fails here. Sizes and cold-start times are printed (``pytest -s``) for the release note.
"""

from __future__ import annotations

import json
import platform
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from app import __version__

from ..conftest import REPO, SHARED
from ..orphans import processes_mentioning

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1800),  # the build (minutes) runs inside the first test's fixture
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux one-folder build"),
]
TOKEN = "installer-test-token"


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), **extra}


def _size_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's build command, into a scratch folder; returns the executable."""
    out = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    build = subprocess.run(
        [sys.executable, str(REPO / "packaging" / "build.py"), "--dist", str(out / "dist")]
        + ["--work", str(out / "work")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    folder = out / "dist" / "marquee"
    archive = out / "dist" / f"marquee-{__version__}-linux-{platform.machine()}.tar.gz"
    assert archive.is_file() and (folder / "marquee").is_file()
    print(
        f"\n[bundle] built in {time.monotonic() - started:.0f} s: dist/marquee {_size_mib(folder):.0f} MiB, "
        f"{archive.name} {archive.stat().st_size / 2**20:.0f} MiB"
    )
    return folder / "marquee"


class Served(NamedTuple):
    url: str
    title: str
    home: Path


def _playable(database: Path) -> str | None:
    try:
        with sqlite3.connect(database) as db:
            row = db.execute("select id from titles where status = 'PLAYABLE' limit 1").fetchone()
    except sqlite3.Error:  # not migrated yet
        return None
    return row[0] if row else None


@pytest.fixture(scope="module")
def served(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``marquee serve`` over a fresh data dir, with three CDN edges and one demo title encoded."""
    home = tmp_path_factory.mktemp("serve-home")
    data, port_file = home / "data", home / "port.json"
    env = _clean_env(home, MARQUEE_DEMO_PLAYABLE="1", MARQUEE_DEMO_TITLES="40", MARQUEE_CONTENT_TOKEN=TOKEN)
    command = [str(bundle), "serve", "--port", "0", "--port-file", str(port_file), "--data", str(data)]
    started = time.monotonic()
    with (home / "serve.log").open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = started + 120
        while True:
            assert process.poll() is None and time.monotonic() < deadline, (home / "serve.log").read_text()
            if port_file.exists():
                url = f"http://127.0.0.1:{json.loads(port_file.read_text())['port']}"
                try:
                    if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
            time.sleep(0.05)
        print(f"\n[bundle] serve, first start: health answers after {time.monotonic() - started:.1f} s")
        deadline = time.monotonic() + 300
        while (title := _playable(data / "marquee.db")) is None:
            assert process.poll() is None and time.monotonic() < deadline, "no demo title became playable"
            time.sleep(0.5)
        yield Served(url, title, home)
    finally:
        process.terminate()
        process.wait(60)
    assert processes_mentioning(str(data)) == [], "processes outlived marquee serve"


def _bundle_run(
    bundle: Path, home: Path, *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle), *args], env=_clean_env(home), cwd=home, capture_output=True, text=True, timeout=timeout
    )


def test_version(bundle: Path, tmp_path: Path) -> None:
    result = _bundle_run(bundle, tmp_path, "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"marquee {__version__}"


def test_serve_migrates_and_answers(served: Served) -> None:
    version = httpx.get(f"{served.url}/api/v1/version").json()
    assert version["version"] == __version__ and version["database"] == "sqlite"
    assert version["schemaRevision"]  # the migrations travelled with the bundle
    assert httpx.get(f"{served.url}/api/v1/cdn/servers", headers={"Authorization": f"Bearer {TOKEN}"}).json()


def test_headless_play_prints_a_qoe_summary(bundle: Path, served: Served) -> None:
    args = (
        "play",
        served.title,
        "--headless",
        "--json",
        "--from-start",
        "--speed",
        "4",
        "--backend",
        served.url,
    )
    result = _bundle_run(bundle, served.home, *args)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"startupMs", "rebufferCount", "rebufferSeconds", "avgBitrateKbps", "switches", "qoe"} <= set(
        summary
    )
    assert summary["error"] is None and summary["framesShown"] > 0


def test_headless_ingest_publishes_a_master(bundle: Path, served: Served) -> None:
    capabilities = httpx.get(f"{served.url}/api/v1/version").json()["capabilities"]
    if "encoding" not in capabilities:
        pytest.skip(f"the bundled backend reports no 'encoding' capability (has: {', '.join(capabilities)})")
    clip = SHARED / "media" / "cc0_friday_640x480_6s.mp4"
    args = ("ingest", str(clip), "--title", "Friday", "--json", "--backend", served.url, "--token", TOKEN)
    result = _bundle_run(bundle, served.home, *args, timeout=600)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["status"] == "PLAYABLE"


def test_first_run_of_the_desktop_app(bundle: Path, tmp_path: Path) -> None:
    """A clean account: the default data dir is created, migrated and seeded; the window opens; all exit."""
    seen: dict[str, float] = {}
    lines: list[str] = []
    started = time.monotonic()
    process = subprocess.Popen(
        [str(bundle), "--quit-after", "2"],
        env=_clean_env(tmp_path, QT_QPA_PLATFORM="offscreen"),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def read_log() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            for marker in ("main window shown", "backend ready"):
                if marker in line:
                    seen.setdefault(marker, time.monotonic() - started)

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    try:
        returncode = process.wait(timeout=240)
    finally:
        process.kill()
    reader.join(10)
    assert returncode == 0, "".join(lines[-30:])
    assert set(seen) == {"main window shown", "backend ready"}, "".join(lines[-30:])
    window, ready, total = seen["main window shown"], seen["backend ready"], time.monotonic() - started
    print(
        f"\n[bundle] desktop app, first run: main window after {window:.1f} s, "
        f"backend healthy after {ready:.1f} s, exited after {total:.1f} s"
    )
    data = tmp_path / ".local" / "share" / "marquee"  # platformdirs' user data dir under the new HOME
    with sqlite3.connect(data / "marquee.db") as db:
        assert db.execute("select count(*) from titles").fetchone()[0] > 0
        assert db.execute("select version_num from alembic_version").fetchone()[0]
    assert processes_mentioning(str(tmp_path)) == [], "processes outlived the desktop app"
