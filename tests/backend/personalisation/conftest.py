"""Personal pages need a catalog big enough that shared rows still have titles after personal ones."""

from __future__ import annotations

import pytest

from app.config import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"demo_titles": 150})
