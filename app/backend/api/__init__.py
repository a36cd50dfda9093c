"""The platform's HTTP API: thin FastAPI routes over the backend services."""
