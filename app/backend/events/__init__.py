"""Viewer events: validated batches appended to the event log that trains the recommender."""
