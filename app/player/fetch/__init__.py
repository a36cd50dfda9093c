"""Getting bytes: ranked CDN edges with failover, steering, per-request deadlines and client pacing."""
