"""Command line: the desktop app by default, plus headless commands that share the GUI's code paths."""
