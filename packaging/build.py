"""Build the desktop app with PyInstaller: ``.venv/bin/python packaging/build.py``.

Linux: ``dist/marquee/`` (one folder, runs with no Python installed) and
``dist/marquee-<version>-linux-<arch>.tar.gz`` of it. macOS: also ``dist/Marquee.app``. Windows: the
one folder, then ``iscc packaging\\marquee.iss`` makes the installer (printed at the end).

A script, not a module: a ``packaging`` package would shadow the PyPI ``packaging`` that PyInstaller
and pip import.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "marquee.spec"
NAME = "marquee"


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller over the spec; returns the one-folder build."""
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
        + ["--distpath", str(dist), "--workpath", str(work), str(SPEC)],
        check=True,
        cwd=ROOT,
    )
    return dist / NAME


def archive(folder: Path, version: str) -> Path:
    """``marquee-<version>-linux-<arch>.tar.gz`` holding ``marquee/`` (modes and links kept)."""
    target = folder.parent / f"{NAME}-{version}-{platform.system().lower()}-{platform.machine()}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=NAME)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller cache")
    parser.add_argument("--no-archive", action="store_true", help="skip the .tar.gz (Linux)")
    args = parser.parse_args()
    version = importlib.metadata.version(NAME)
    started = time.monotonic()
    folder = build(args.dist.resolve(), args.work.resolve())
    print(f"built {folder} ({version}) in {time.monotonic() - started:.0f} s")
    if sys.platform.startswith("linux") and not args.no_archive:
        print(f"archived {archive(folder, version)}")
    elif sys.platform == "win32":
        print(rf"next: iscc /DAppVersion={version} packaging\marquee.iss  (Inno Setup 6)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
