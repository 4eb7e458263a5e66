"""Visitors, leads, consent records, progressive profiling, scoring and nurture."""
