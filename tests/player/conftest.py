"""A small real title for the player tests: a synthesised master through the studio's packager."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.studio.demo import produce_demo_package


@pytest.fixture(scope="session")
def packaged_title(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Media root holding ``titles/t1/<encode>/`` (3 H.264 rungs + AAC, 4 segments of 4 s)."""
    root = tmp_path_factory.mktemp("media")
    produce_demo_package(root, "t1", 0)
    return root


@pytest.fixture(scope="session")
def master_path(packaged_title: Path) -> str:
    """The HLS master playlist's path under the media root, as a URL path."""
    (master,) = packaged_title.glob("titles/t1/*/master.m3u8")
    return master.relative_to(packaged_title).as_posix()


@pytest.fixture(scope="session")
def studio(packaged_title: Path) -> Path:
    """The real output of our packager: the title's encode folder (manifests, rungs and audio)."""
    (encode,) = (packaged_title / "titles" / "t1").iterdir()
    return encode
