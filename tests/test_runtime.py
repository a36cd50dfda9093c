"""Source tree or PyInstaller bundle: where shipped files are, and how the program starts itself."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.backend.db.migrate import MIGRATIONS_DIR
from app.runtime import resource_path, self_command


def test_from_source() -> None:
    assert resource_path("resources", "icons", "marquee.png").is_file()
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert self_command("serve") == [sys.executable, "-m", "app", "serve"]
    assert self_command("edge", module="app.backend.cdn") == [sys.executable, "-m", "app.backend.cdn", "edge"]


def test_frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("resources", "marquee.desktop") == tmp_path / "resources" / "marquee.desktop"
    assert self_command("edge", "--port", "0", module="app.backend.cdn") == [
        sys.executable,
        "edge",
        "--port",
        "0",
    ]
