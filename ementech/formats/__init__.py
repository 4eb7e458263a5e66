"""Date and time formats of the site (``FORMAT_MODULE_PATH``); see ``en/formats.py``."""
