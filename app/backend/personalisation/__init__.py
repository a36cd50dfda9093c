"""Personalisation: turn the event log into each profile's ranked candidates, and adjust them live.

The offline pipeline fits the recommender (``app.backend.recs``) on the event log and writes every
profile's candidates to the recommendation cache; the home page composer reads them, and the
real-time re-ranker nudges them with the last 30 minutes of the profile's events.
"""
