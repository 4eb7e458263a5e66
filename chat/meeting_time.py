"""When a visitor asks to meet, read in their words: the day and part of day asked for
("thurs aftrnoon", "friday after 2pm", "alhamisi asubuhi"), whether a message asks for a
meeting at all, and which of the offered slots they picked ("the 2pm one", "the first")."""

from __future__ import annotations

import re

from chat import slots
from chat.scheduling import WEEKDAYS

CLOCK_RE = re.compile(
    r"\b(?:(?P<after>after|from|past|not before|later than)\s+|(?P<before>before|by|until)\s+|"
    r"(?:at|around|about|@)\s+)?(?P<h>1[0-2]|0?[1-9]|1[3-9]|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*"
    r"(?P<ampm>a\.?m\.?|p\.?m\.?|hrs|h\b|o'?clock)?(?![\d%kKmM$])",
    re.I,
)


def _clock(text: str) -> tuple[int, str] | None:
    """(hour on the 24-hour clock, "after"/"before"/"at") of a time of day the visitor
    names ("3pm", "15:00", "after 2 pm", "before 11am", "at 10"); None without one. A bare
    number counts only after "at", "after", "before" and the like, and hours 1-7 without
    am/pm are read as afternoon (nobody books a demo at 3 at night)."""
    for m in CLOCK_RE.finditer(text):
        ampm = (m.group("ampm") or "").lower().replace(".", "")
        cue = (
            m.group("after") or m.group("before") or re.match(r"(at|around|about|@)\s", m.group(0))
        )
        if not ampm and not m.group("m"):
            # "8 or 9am", "10-11 a.m.": the first hour takes the second's am/pm
            nxt = re.match(r"\s*(?:or|to|-|\u2013|/)\s*\d{1,2}(?::\d\d)?\s*([ap])\.?m\b",
                           text[m.end() :], re.I)  # fmt: skip
            ampm = f"{nxt.group(1).lower()}m" if nxt else ""
        if not ampm and not m.group("m") and not cue:
            continue
        if (
            not ampm
            and not m.group("m")
            and not re.match(
                r"\s*($|[,.;:!?)]|(on|if|or|and|please|works?|is|would|our|my|local|eat|cat|wat|gmt|"
                r"utc|bst|time|sharp|ish)\b)",
                text[m.end() :],
                re.I,
            )
        ):  # "about 5 agents", "at 40 staff": a count, not a time
            continue
        hour = int(m.group("h"))
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        elif not ampm and hour <= 7:
            hour += 12
        kind = "after" if m.group("after") else "before" if m.group("before") else "at"
        return hour, kind
    return None


SWAHILI_TIME = {
    "jumatatu": "monday", "jumanne": "tuesday", "jumatano": "wednesday", "alhamisi": "thursday",
    "ijumaa": "friday", "jumamosi": "saturday", "jumapili": "sunday", "asubuhi": "morning",
    "mchana": "afternoon", "jioni": "evening",
}  # fmt: skip
MEETING_WORDS = re.compile(
    r"\b(call(?!\s*cent)|chat|talk|tlk|speak|meet|meeting|zoom|teams|google meet|book|schedule|"
    r"slot|catch up|walk ?through|session|appointment|demo)\b",
    re.I,
)


def meeting_request(text: str) -> bool:
    """Whether a message asks for a meeting at a time ("can we talk next tue afternoon?",
    "Monday morning call", "Please book Monday afternoon", "wed morning sast. <email>"):
    a day or part of day, with a word of meeting or an email to send the invitation to."""
    pref = slot_preference(text)
    if not (pref.get("weekday") or pref.get("part_of_day")):
        return False
    return bool(MEETING_WORDS.search(text) or EMAIL_IN_TEXT.search(text))


EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


# A day taken back: "not Monday", "instead of Monday", "Monday's out", "alhamisi siwezi".
DAY_DROPPED_BEFORE = re.compile(
    r"\b(not|no|scratch|skip|except|instead of|other than|rather than|but not)\s+(on\s+)?$"
)
DAY_DROPPED_AFTER = re.compile(
    r"\b(out|no good|not good|bad|busy|booked|full|taken|can'?t|cannot|won'?t|doesn'?t|"
    r"isn'?t|not(?! (?:before|until|till|earlier|too early|later|after)\b)|no longer|off|"
    r"impossible|siwezi|sitaweza|haiwezekani|shughuli|hapana)\b"
)
# "Thursday, no wait, Friday": a day named after one of these replaces the one before
DAY_CORRECTED = re.compile(
    r"\b(no wait|wait|actually|sorry|make (it|that)|rather(?! than)|on second thought|"
    r"scratch that|change (it|that) to|instead(?! of))\b"
)


def wanted_day(t: str) -> str | None:
    """The weekday a lower-cased message asks for: the first one named that is not taken
    back ("thursday's out, friday morning?" is Friday); None when every day named is."""
    pattern = "|".join(rf"{d}|{d[:3]}|{d[:4]}|{d[:5]}" for d in WEEKDAYS)
    found = list(re.finditer(rf"\b({pattern})s?\b", t))
    for i, m in enumerate(found):
        day = next(d for d in WEEKDAYS if d.startswith(m.group(1)[:3]))
        before = re.split(r"[,.;:!?\u2013\u2014]|\s-\s", t[: m.start()])[-1]
        end = found[i + 1].start() if i + 1 < len(found) else len(t)
        after = re.split(r"[,.;:!?\u2013\u2014]|\s-\s", t[m.end() : end])[0]
        if DAY_DROPPED_BEFORE.search(before) or DAY_DROPPED_AFTER.search(after):
            continue
        later = found[i + 1] if i + 1 < len(found) else None
        if later and DAY_CORRECTED.search(t[m.end() : later.start()]):
            continue  # taken back by the day after it
        return day
    return None


ZONE_NAMES = {
    "America/New_York": r"eastern|e[sd]?t|us east(?: coast)?|east coast|new york",
    "America/Chicago": r"central|c[sd]?t|chicago",
    "America/Denver": r"mountain|m[sd]t",
    "America/Los_Angeles": r"pacific|p[sd]?t|west coast",
    "UTC": r"gmt|utc|zulu",
    "Europe/London": r"bst|uk|british|london",
    "Europe/Paris": r"cet|cest|central european",
    "Africa/Nairobi": r"eat|east africa(?:n)?|kenya(?:n)?|nairobi",
    "Africa/Lagos": r"wat|west africa(?:n)?|nigeria(?:n)?|lagos",
    "Africa/Johannesburg": r"sast|south africa(?:n)?|cat|central africa(?:n)?",
    "Africa/Kampala": r"uganda(?:n)?",
    "Africa/Dar_es_Salaam": r"tanzania(?:n)?",
    "Africa/Kigali": r"rwanda(?:n)?",
    "Africa/Accra": r"ghana(?:ian)?",
    "Asia/Kolkata": r"ist|india(?:n)?",
    "Asia/Dubai": r"gst|gulf|dubai|uae",
}
# A zone named right after a time or part of day: "9am Eastern", "3pm Lagos time",
# "wednesday afternoon, UK time".
AFTER_A_TIME = (
    r"(?:\d|[ap]\.?m\.?|o'?clock|hrs|morning|afternoon|evening|noon|midday)\s*,?\s*(?:in\s+|on\s+)?"
)


def named_zone(t: str) -> str | None:
    """The IANA zone of a time the visitor gave in a named zone ("8 or 9am Eastern", "2pm
    GMT", "10am EAT", "3pm Lagos time", "11am Kampala time"); None for a time in their own
    zone ("my time", "local") or none named. "Your time" is the company's zone."""
    import zoneinfo

    from django.conf import settings

    if re.search(AFTER_A_TIME + r"(?:your time|your side|nairobi side)", t):
        return settings.TIME_ZONE
    for zone, names in ZONE_NAMES.items():
        if re.search(AFTER_A_TIME + rf"\b(?:{names})\b(?:\s+time)?", t):
            return zone
    m = re.search(AFTER_A_TIME + r"\b([a-z]+(?: [a-z]+){0,2}?) time\b", t)
    if m:  # a city's time: "4pm Kampala time", "10am dar es salaam time"
        city = m.group(1).replace(" ", "_")
        for key in sorted(zoneinfo.available_timezones()):
            if key.lower().rsplit("/", 1)[-1] == city:
                return key
    return None


# A greeting that names a part of day ("Good afternoon.", "habari za asubuhi") asks for none.
GREETING_TIME = re.compile(
    r"(^|[.!?,;]\s*)\W*(?:(?:a\s+)?very\s+)?(?:good|gd)\s+(?:morning|afternoon|evening|day)\b|"
    r"\bhabari\s+za\s+(?:asubuhi|mchana|jioni)\b",
    re.I,
)


def slot_preference(text: str, tz_name: str = "") -> dict[str, str]:
    """{"weekday", "part_of_day", "after_hour", "zone"} the visitor asked for ("thurs
    aftrnoon", "friday after 2pm", "tuesday 3pm", "late morning on Thursday", "any morning
    next week"); "zone" only for a time named in a zone ("10am EAT"), whose day and hours
    are then read in that zone rather than the visitor's own."""
    t = GREETING_TIME.sub(r"\1", spoken_clock(text.lower()))  # "Good afternoon." greets
    for sw, en in SWAHILI_TIME.items():  # the site speaks Swahili: "alhamisi asubuhi"
        t = re.sub(rf"\b{sw}\b", en, t)
    out: dict[str, str] = {}
    if day := wanted_day(t) or relative_day(t, tz_name):
        out["weekday"] = day
    if re.search(
        # "10 am", never the "am" of "I am Baraka"
        r"\bmorning|\d\s*am\b|\ba\.m\.|before (noon|lunch|midday)|first thing|"
        r"\bearly (in the )?day|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s+am\b|\bin the am\b",
        t,
    ):
        out["part_of_day"] = "morning"
        if re.search(r"\blate[\s-]+morning|mid[\s-]?morning", t):
            out["after_hour"] = "10"
    elif re.search(r"afte?r?noon|aftrnoon|\baftn\b|\baft\b|\barvo\b|after (lunch|noon|midday)|"
                   r"\bpm\b|\blunch ?time", t):  # fmt: skip
        out["part_of_day"] = "afternoon"
    elif re.search(r"\bevening", t):
        out["part_of_day"] = "evening"
    if zone := named_zone(t):
        out["zone"] = zone
    clock = _clock(t)
    if clock:
        hour, kind = clock
        part = "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"
        if kind == "before":
            if hour <= 12:
                out["part_of_day"] = "morning"
        elif kind == "after" and hour < 12 and "part_of_day" not in out:
            out["after_hour"] = str(hour)  # "not before 10": any time from 10, not only mornings
        else:
            out["part_of_day"] = part
            out["after_hour"] = str(hour)
    return out


SPOKEN_CLOCK = re.compile(r"\b(half past|quarter past|quarter to)\s+(\d{1,2})\b")


def spoken_clock(t: str) -> str:
    """Clock times said in words as digits: "half past two" → "2:30", "quarter to 11" →
    "10:45", "noon" → "12:00" (not "before noon", which is the morning)."""
    from ementech.ai.parsers import words_to_digits

    def repl(m: re.Match) -> str:
        hour = int(m.group(2))
        if m.group(1) == "quarter to":
            return f"{(hour - 2) % 12 + 1}:45"
        return f"{hour}:{'30' if m.group(1) == 'half past' else '15'}"

    t = SPOKEN_CLOCK.sub(repl, words_to_digits(t))
    return re.sub(r"(?<!before )(?<!after )(?<!by )\b(noon|midday)\b", "12:00", t)


def relative_day(t: str, tz_name: str = "") -> str | None:
    """The weekday of "tomorrow" or "the day after tomorrow" in the visitor's zone."""
    import datetime as dt

    from django.utils import timezone

    from chat.scheduling import visitor_zone

    m = re.search(r"\b(day after (?:tomorrow|tmrw|tmr)|tomorrow|tmrw|tmr|kesho kutwa|kesho)\b", t)
    if not m:
        return None
    ahead = 2 if m.group(1).startswith(("day after", "kesho kutwa")) else 1
    today = timezone.now().astimezone(visitor_zone(tz_name)).date()
    return WEEKDAYS[(today + dt.timedelta(days=ahead)).weekday()]


def pick_slot(text: str, offered: list[dict]) -> dict | None:
    """The offered slot the visitor chose ("Thursday works", "the 2pm one", "the first")."""
    t = text.lower()
    ordinals = {"first": 0, "1st": 0, "earlier": 0, "earliest": 0, "second": 1, "2nd": 1,
                "third": 2, "3rd": 2, "later": -1, "last": -1, "latter": -1}  # fmt: skip
    scored = []
    for slot in offered:
        label = slot["label"].lower()
        score = 0
        for day in WEEKDAYS:
            if day in label and (day in t or day[:3] in re.findall(r"[a-z]+", t)):
                score += 2
        for hour in re.findall(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b", t):
            h = int(hour[0]) + (12 if hour[2] == "pm" and int(hour[0]) < 12 else 0)
            if f"{h:02d}:{hour[1] or '00'}" in label:
                score += 2
        scored.append(score)
    if scored and max(scored) > 0 and scored.count(max(scored)) == 1:
        return offered[scored.index(max(scored))]
    for word, idx in ordinals.items():
        if re.search(rf"\b{word}\b", t) and len(offered) > abs(idx) - (idx < 0):
            return offered[idx]
    if len(offered) == 1 and slots.AFFIRM_RE.search(text):
        return offered[0]
    return None
