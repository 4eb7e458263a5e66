"""Consent banner, subject-access export, erasure, retention and the deletion log."""
