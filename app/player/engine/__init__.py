"""The playback engine: manifest → ABR → fetch → buffer → decode → present, with no Qt in it."""
