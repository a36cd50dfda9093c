"""API routes, one module per resource; each stays thin and calls the backend services."""
