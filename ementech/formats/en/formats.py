"""How dates and times read on the site and in the back office: day month year, 24-hour
clock, and every date-time with its time zone's name ("3 Dec 2026, 14:05 EAT"), so a
demo at 10:30 never reads as 07:30 somewhere else. Django's admin uses these for every
date-time column and read-only field; ``core.timefmt`` applies the same to our own
templates and displays."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
