"""Built-in network profiles: deterministic, shaped as their descriptions promise, loadable by edges."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.backend.cdn import shaping
from app.player.network import PROFILES, load_network, profile_trace, write_profiles
from app.player.simulation import load_trace

NAMES = ["steady-cable", "3g-commute", "train-tunnel", "congested-wifi", "5g-drops"]


def runs(mask: np.ndarray) -> list[int]:
    """Lengths (in samples) of the runs of True in ``mask``."""
    edges = np.diff(np.concatenate(([0], mask.astype(int), [0])))
    return list(np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1))


def step_s(name: str) -> float:
    return float(np.median(np.diff(profile_trace(name).times_s)))


def test_profiles_are_listed_in_display_order_with_descriptions() -> None:
    assert list(PROFILES) == NAMES
    assert all(20 < len(text) < 120 and "\n" not in text for text in PROFILES.values())


@pytest.mark.parametrize("name", NAMES)
def test_profiles_are_deterministic_and_a_few_minutes_long(name: str) -> None:
    first = profile_trace(name)
    profile_trace.cache_clear()
    again = profile_trace(name)
    assert first is not again
    assert np.array_equal(first.times_s, again.times_s) and np.array_equal(first.mbps, again.mbps)
    assert first.name == name
    assert 120 <= first.period_s <= 600


def test_steady_cable_is_about_20_mbps() -> None:
    rates = profile_trace("steady-cable").mbps
    assert np.median(rates) == pytest.approx(20, rel=0.05)
    assert rates.min() > 16 and rates.max() < 24


def test_3g_commute_wobbles_within_0_4_to_2_mbps_with_fades() -> None:
    rates = profile_trace("3g-commute").mbps
    assert 0.6 < np.median(rates) < 1.4
    assert np.mean((rates >= 0.4) & (rates <= 2.0)) > 0.85
    fades = [n for n in runs(rates < 0.4) if n >= 3]
    assert len(fades) >= 2  # sustained dips below the range, not single-sample noise


def test_train_tunnel_has_5_to_20_s_outages() -> None:
    rates = profile_trace("train-tunnel").mbps
    outages = [n * step_s("train-tunnel") for n in runs(rates < 0.1)]
    assert len(outages) >= 2
    assert all(4 <= s <= 21 for s in outages)
    assert 1.5 < np.median(rates) < 5


def test_congested_wifi_is_bursty_with_contention_dips() -> None:
    rates = profile_trace("congested-wifi").mbps
    normal = rates[rates >= 1.0]
    assert normal.max() <= 8.0 and np.percentile(normal, 90) - np.percentile(normal, 10) > 3
    dips = runs(rates < 0.6)
    assert len(dips) >= 5 and max(dips) * step_s("congested-wifi") <= 6  # 1-3 s each, two may touch


def test_5g_drops_are_fast_with_deep_short_drops() -> None:
    rates = profile_trace("5g-drops").mbps
    assert 30 <= np.median(rates) <= 80
    drops = [n * step_s("5g-drops") for n in runs(rates < 2)]
    assert len(drops) >= 3 and max(drops) <= 6


def test_written_profiles_round_trip_and_edges_can_read_them(tmp_path: Path) -> None:
    paths = write_profiles(tmp_path / "profiles")
    assert [p.name for p in paths] == NAMES
    first_line = paths[0].read_text().splitlines()[0]
    assert len(first_line.split("\t")) == 2
    for path in paths:
        original, loaded = profile_trace(path.name), load_trace(path)
        assert np.allclose(loaded.mbps, original.mbps, atol=1e-4)
        assert np.allclose(loaded.times_s, original.times_s)
        edge = shaping.Trace.load(path)
        assert edge.bytes_per_period > 0


def test_write_profiles_leaves_current_files_alone(tmp_path: Path) -> None:
    paths = write_profiles(tmp_path)
    stamps = [p.stat().st_mtime_ns for p in paths]
    paths[1].write_text("0\t1\n1\t1\n")  # stale
    write_profiles(tmp_path)
    assert paths[0].stat().st_mtime_ns == stamps[0]
    assert load_trace(paths[1]).mean_mbps == pytest.approx(profile_trace(NAMES[1]).mean_mbps, rel=1e-3)


def test_load_network_takes_a_profile_name_or_a_trace_file(tmp_path: Path) -> None:
    assert load_network("train-tunnel") is profile_trace("train-tunnel")
    path = tmp_path / "my-trace"
    path.write_text("0\t1.0\n1\t3.0\n2\t3.0\n")
    assert load_network(str(path)).mean_mbps == pytest.approx(3.0)
    with pytest.raises(ValueError, match="3g-commute") as error:
        load_network("dial-up")
    assert "dial-up" in str(error.value)
