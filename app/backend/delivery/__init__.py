"""Delivery: the backend's side of the CDN — running the tiers, steering viewers, signing their URLs."""
