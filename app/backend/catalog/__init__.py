"""Catalog: titles and their metadata, entitlement checks, home rows, posters, demo and imported content."""
