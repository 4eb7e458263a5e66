"""Models of the nurture app."""
