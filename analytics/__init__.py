"""Tracked interactions, metrics, the live sales dashboard and experiments."""
