"""Edges shape delivery by built-in profile name, from the folder the embedded backend writes."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from app.backend.cdn.shaping import Trace
from app.backend.delivery.network import PROFILES_DIR, build_network
from app.config import Settings
from app.player.network import PROFILES, write_profiles

if TYPE_CHECKING:
    from conftest import Spawn, Tier


def test_embedded_network_hands_the_profiles_to_every_edge(sqlite_settings: Settings) -> None:
    network = build_network(sqlite_settings.model_copy(update={"cdn_edges": 2}))
    folder = sqlite_settings.data_dir / PROFILES_DIR
    assert sorted(p.name for p in folder.iterdir()) == sorted(PROFILES)
    for edge in network.edges:
        assert edge.args[edge.args.index("--traces-dir") + 1] == str(folder)


def test_edge_shapes_a_request_to_the_named_profile(
    spawn: Spawn, origin: Tier, publish: Callable, tmp_path: Path
) -> None:
    traces = tmp_path / "profiles"
    write_profiles(traces)
    cache = tmp_path / "cache"
    edge = spawn(
        "edge",
        "--upstream",
        origin.url,
        "--cache-dir",
        str(cache),
        "--capacity",
        "8M",
        "--traces-dir",
        str(traces),
    )
    trace = Trace.load(traces / "3g-commute")
    size = int(trace.bytes_by(3.0))  # about 3 s of the profile (~1 Mb/s)
    key = publish(size)
    started = time.monotonic()
    assert len(edge.client.get(f"/{key}").content) == size  # unshaped, and fills the cache
    unshaped_s = time.monotonic() - started

    started = time.monotonic()
    response = httpx.get(f"{edge.url}/{key}", headers={"x-marquee-shape": "3g-commute"}, timeout=20)
    shaped_s = time.monotonic() - started
    assert response.status_code == 200 and len(response.content) == size
    expected_s = trace.time_for(size)
    assert shaped_s == pytest.approx(expected_s, rel=0.25)
    assert unshaped_s < 0.3 * shaped_s
    assert edge.client.get(f"/{key}", headers={"x-marquee-shape": "dial-up"}).status_code == 400
