"""The ABR lab screen: replay controllers over a network trace and compare how they decide."""

from app.player.ui.lab.lab_page import AbrLabPage

__all__ = ["AbrLabPage"]
