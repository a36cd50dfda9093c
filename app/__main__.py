"""``python -m app`` is the same as ``python main.py`` (the embedded backend child starts this way)."""

import sys

from app.cli.main import main

sys.exit(main())
