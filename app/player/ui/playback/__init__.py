"""The player page: the playback engine behind a video surface, transport controls and a live ABR panel."""

from app.player.ui.playback.player_controller import PlayerController
from app.player.ui.playback.player_view import PlayerView

__all__ = ["PlayerController", "PlayerView"]
