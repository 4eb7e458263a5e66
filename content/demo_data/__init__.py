"""Demo content for the marketing site (texts only; ``content.demo`` creates the pages)."""
