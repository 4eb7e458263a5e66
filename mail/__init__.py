"""Outbound email: recording, sending (always by a worker), open and click tracking."""
