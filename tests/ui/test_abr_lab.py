"""The ABR lab page, standalone: run two controllers over a profile and read the plots and table."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.player.network import PROFILES
from app.player.ui.abr_plots import AbrPlots, AbrPoint
from app.player.ui.lab import AbrLabPage
from app.player.ui.lab.lab_view import COLUMNS

WAIT_MS = 30_000


@pytest.fixture
def page(qtbot: QtBot) -> AbrLabPage:
    page = AbrLabPage()
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    return page


def cell(page: AbrLabPage, row: int, column: str) -> str:
    return page.table.item(row, COLUMNS.index(column)).text()


def test_pickers_offer_profiles_and_preselect_two_controllers(page: AbrLabPage) -> None:
    labels = [page.trace_picker.itemText(i) for i in range(page.trace_picker.count())]
    assert labels[: len(PROFILES)] == list(PROFILES)
    assert labels[-1] == "Open file…"
    assert page.checked_controllers() == ["default", "mpc"]
    assert page.trace_info.text() == PROFILES[labels[0]]


def test_lab_runs_two_controllers_and_fills_plots_and_table(
    qtbot: QtBot, page: AbrLabPage, artifacts: Path
) -> None:
    page.controller.select_trace("train-tunnel")
    assert page.trace_info.text() == PROFILES["train-tunnel"]
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert not page.run_button.isEnabled()  # one run at a time
    qtbot.waitUntil(lambda: page.table.rowCount() == 2 and page.run_button.isEnabled(), timeout=WAIT_MS)

    assert [cell(page, r, "Controller") for r in range(2)] == ["default", "mpc"]
    result = page.controller.result
    assert result is not None and result.optimum_qoe is not None
    assert f"{result.optimum_qoe:.1f}" in page.status.text()
    for row, name in enumerate(["default", "mpc"]):
        run = result.runs[name]
        qoe = float(cell(page, row, "QoE"))
        share = float(cell(page, row, "% of optimum").removesuffix(" %"))
        assert qoe == pytest.approx(run.result.qoe, abs=0.05) and qoe <= result.optimum_qoe
        assert 0 < share <= 100
        assert 300 <= float(cell(page, row, "Avg kb/s")) <= 4300
        assert float(cell(page, row, "Rebuffer s")) >= float(cell(page, row, "Startup s")) > 0
        assert int(cell(page, row, "Switches")) == run.result.switches

        series = page.plots.series[name]
        times, bitrates = series.points("bitrate_kbps")
        assert len(times) == len(run.timeline) and set(bitrates) <= set(result.video.bitrates_kbps)
        assert len(series.points("throughput_mbps")[0]) == len(run.timeline)
        assert min(series.points("buffer_s")[1]) >= 0
        assert series.rebuffer_count == sum(r.stall_s > 0 for r in run.timeline) >= 1  # startup at least

    # The first row is selected, so its decisions are shown with their reasons.
    assert page.decisions.toPlainText().startswith("default: 48 segments")
    assert "startup" in page.decisions.toPlainText()
    page.table.selectRow(1)
    assert page.decisions.toPlainText().startswith("mpc:")

    page.grab().save(str(artifacts / "abr-lab.png"))
    assert (artifacts / "abr-lab.png").stat().st_size > 10_000


def test_lab_reports_errors_in_the_status_line(qtbot: QtBot, page: AbrLabPage, tmp_path: Path) -> None:
    for row in range(page.controller_list.count()):
        page.controller_list.item(row).setCheckState(Qt.CheckState.Unchecked)
    page.run_button.click()
    assert page.status.text() == "Tick at least one controller."

    page.controller_list.item(0).setCheckState(Qt.CheckState.Checked)
    broken = tmp_path / "broken-trace"
    broken.write_text("0\tnot-a-number\n")
    page.controller.select_trace(str(broken))
    assert page.trace_picker.currentText() == "broken-trace"
    page.run_button.click()
    qtbot.waitUntil(lambda: page.status.text().startswith("Lab run failed"), timeout=WAIT_MS)
    assert page.run_button.isEnabled() and page.table.rowCount() == 0


def test_plots_take_points_one_at_a_time_and_clear(qtbot: QtBot) -> None:
    """The live player's path: append per segment; each controller gets its own colour and legend entry."""
    plots = AbrPlots()
    qtbot.addWidget(plots)
    live = plots.add_series("live")
    live.append(AbrPoint(0.0, buffer_s=0.0, bitrate_kbps=300))
    live.append(AbrPoint(1.5, buffer_s=4.0, throughput_mbps=2.5))
    live.add_rebuffer(0.0, 1.5)
    live.append(AbrPoint(2.0, buffer_s=3.5, estimate_mbps=2.2, bitrate_kbps=750))
    live.append(AbrPoint(3.0, buffer_s=7.0))
    assert live.points("buffer_s") == ((0.0, 1.5, 2.0, 3.0), (0.0, 4.0, 3.5, 7.0))
    assert live.points("throughput_mbps") == ((1.5,), (2.5,)) and live.points("estimate_mbps") == (
        (2.0,),
        (2.2,),
    )
    assert live.rebuffer_count == 1
    drawn_x, drawn_y = live._items["bitrate_kbps"].getData()
    assert list(drawn_x) == [0.0, 2.0, 3.0] and list(drawn_y) == [300, 750, 750]  # last rung held to "now"

    other = plots.add_series("other")
    assert plots.add_series("live") is live and other.colour != live.colour
    assert [label.text for _, label in plots.legend.items] == ["live", "other"]
    plots.clear()
    assert plots.series == {} and plots.legend.items == []
    assert [len(plot.listDataItems()) for plot in plots.plots] == [0, 1, 0]  # the empty capacity line
