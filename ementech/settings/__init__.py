"""Settings package: ``base`` is the only source of configuration; ``test`` speeds it up."""
