"""Playback sessions: entitlement checks at start, batched heartbeats, resume positions, abandonment."""
