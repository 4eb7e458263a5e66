"""Outbound email (tracked), newsletters with double opt-in, and nurture sequences."""
