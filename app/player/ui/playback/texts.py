"""What the player page says: its status line, decision log lines, error messages and QoE summary."""

from __future__ import annotations

from app.client.api import ApiError
from app.player.engine.events import Decision, Snapshot
from app.player.engine.qoe import QoeSummary


def failure_text(exc: Exception) -> str:
    """What the viewer reads when a playback cannot even start."""
    if isinstance(exc, ApiError):
        prefixes = {
            409: "This title is not playable yet",
            404: "This title was not found",
            403: "This profile may not watch this title",
        }
        return f"{prefixes.get(exc.status, 'The backend would not start the playback')}: {exc.message}"
    return f"Cannot play: {exc or type(exc).__name__}"


def decision_text(decision: Decision) -> str:
    return f"segment {decision.index}: {decision.label} — {decision.reason}"


def status_text(snapshot: Snapshot, labels: list[str]) -> str:
    parts = [snapshot.state.value.capitalize()]
    if snapshot.rung is not None and snapshot.rung < len(labels):
        parts.append(labels[snapshot.rung])
    if snapshot.bitrate_kbps:
        parts.append(f"{snapshot.bitrate_kbps / 1000:.2f} Mb/s")
    parts.append(f"buffer {snapshot.buffer_s:.1f} s")
    return "  ·  ".join(parts)


def qoe_html(summary: QoeSummary) -> str:
    ratio = 100 * summary.rebuffer_ratio
    rows = (
        ("QoE", f"{summary.qoe:.2f}"),
        ("Startup", f"{summary.startup_ms:.0f} ms"),
        ("Rebuffering", f"{summary.rebuffer_count} × / {summary.rebuffer_seconds:.1f} s ({ratio:.1f} %)"),
        ("Average bitrate", f"{summary.avg_bitrate_kbps:.0f} kb/s"),
        ("Switches", str(summary.switches)),
        ("Played", f"{summary.played_seconds:.1f} s in {summary.segments} segments"),
    )
    cells = "".join(f"<tr><td>{name}&nbsp;&nbsp;</td><td><b>{value}</b></td></tr>" for name, value in rows)
    return f"<b>Quality of experience</b><table>{cells}</table>"
