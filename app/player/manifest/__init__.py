"""Manifest parsing: HLS and DASH into one :class:`Presentation` the engine plays."""
