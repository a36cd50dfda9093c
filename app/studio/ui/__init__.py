"""Studio screens (Qt): thin views over the studio services and the content API."""
