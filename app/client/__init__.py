"""How the desktop app and the headless commands reach a backend: an HTTP client and the embedded launcher."""
