"""Where this program runs from: a source tree (or installed package) or a PyInstaller bundle.

The two differ in exactly two ways that code must care about, and both live here so no module
guesses on its own: files shipped with the app (``resources/``, the Alembic migrations) sit under
the bundle's unpack folder instead of the source tree, and child processes (the embedded backend,
the CDN tiers) must be started through the bundle's own executable, since a frozen app has no Python
interpreter to run ``-m`` with and the user's machine may have none at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parent.parent


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def resource_path(*parts: str) -> Path:
    """A file shipped with the app, e.g. ``resource_path("resources", "icons", "marquee.png")``.

    Relative to the source tree's root, or to the bundle's data folder (``sys._MEIPASS``) when frozen;
    the PyInstaller spec puts every such file at the same relative path.
    """
    root = Path(getattr(sys, "_MEIPASS", SOURCE_ROOT)) if is_frozen() else SOURCE_ROOT
    return root.joinpath(*parts)


def self_command(*args: str, module: str = "app") -> list[str]:
    """The command line that runs this program with ``args``: ``[python, -m, module, …]`` or ``[exe, …]``.

    ``module`` is the lightest entry point that accepts ``args`` from source; the frozen executable's
    one entry point (``main.py``) accepts all of them (``serve``, ``origin|hub|edge …``).
    """
    if is_frozen():
        return [sys.executable, *args]
    return [sys.executable, "-m", module, *args]
