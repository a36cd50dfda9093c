"""Backend: the platform API (catalog, search, recommendations, playback sessions, events) and the CDN tiers.

Importing this package starts nothing; ``app.backend.server`` runs it.
"""
