"""What the studio screens show, computed without Qt so it can be tested and reused headless."""
