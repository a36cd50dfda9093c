"""The embedded CDN: an origin over the media root, a hub and N edges, supervised as child processes."""

from __future__ import annotations

from app.backend.cdn.supervisor import CdnSupervisor
from app.config import Settings
from app.player.network import write_profiles

PROFILES_DIR = "network-profiles"


def build_network(settings: Settings) -> CdnSupervisor:
    """The tiers, with the built-in network profiles written where edges shape requests by name."""
    traces_dir = settings.data_dir / PROFILES_DIR
    write_profiles(traces_dir)
    return CdnSupervisor(
        settings.media_root,
        settings.data_dir / "cdn",
        edges=settings.cdn_edges,
        edge_capacity_bytes=settings.cdn_edge_capacity_bytes,
        hub_capacity_bytes=settings.cdn_hub_capacity_bytes,
        signing_key=settings.resolved_signing_key,
        require_signature=True,
        admin_token=settings.resolved_admin_token,
        traces_dir=traces_dir,
        log_dir=settings.logs_dir,
    )
