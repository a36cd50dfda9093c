"""Player screens (Qt): thin views over the player engine and the API client."""
