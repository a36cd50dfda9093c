"""Named network conditions for playback: the built-in bandwidth profiles and trace loading.

Qt-free: the headless ``play --network``, the embedded CDN edges (which shape delivery by profile
name) and the ABR lab all resolve network names through here, so a name means the same trace
everywhere.
"""

from app.player.network.profiles import PROFILES, load_network, profile_trace, write_profiles

__all__ = ["PROFILES", "load_network", "profile_trace", "write_profiles"]
