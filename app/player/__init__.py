"""Player: manifest parsing, ABR, segment fetching with edge failover, buffer and playback engine.

Pure logic lives here and imports no Qt; the screens live in ``app.player.ui``.
"""
