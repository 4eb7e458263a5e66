"""Understanding what people type, with kept parsers rather than hand-written patterns.

Domain-free helpers: emails (email-validator), phone numbers (phonenumbers, E.164), money
amounts and ranges (price-parser, with number words through word2number and "k"/"m"
multipliers), time horizons in months (dateparser, plus quarters and halves that it does not
know), person names (nameparser) and company names without legal suffixes (cleanco). Each
returns ``None`` (or an empty list) when the text does not state the thing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ementech.ai.names import company_core, person_name  # noqa: F401 - re-exported

EMAIL_CANDIDATE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# An address dictated or typed the way it is said: "purity at salamabrokers dot co dot ke",
# "jane dot doe at acme dot com", "ops (at) haul [dot] co [dot] tz". The domain must say
# "dot" at least once ("look at example.com" is no address). Separators and parts are
# bounded, so no message makes the scan backtrack for long.
_DOT = r"(?: {1,3}dot {1,3}| ?\(dot\) ?| ?\[dot\] ?|\.)"
_PART = r"[A-Za-z0-9][A-Za-z0-9_%+\-]{0,63}"
SPOKEN_EMAIL = re.compile(
    rf"\b({_PART}(?:{_DOT}{_PART}){{0,4}})"
    r"(?: {1,3}at {1,3}| ?\(at\) ?| ?\[at\] ?)"
    rf"({_PART}(?:{_DOT}{_PART}){{1,6}})",
    re.I,
)
SPOKEN_DOT = re.compile(_DOT, re.I)
SAID_DOT = re.compile(r"\bdot\b|\(dot\)|\[dot\]", re.I)
# What introduces an address ("my email is", "mail", "reach me at"): without it, "the
# operations manager at haulage dot co dot ke" is a job, not an address.
EMAIL_CUE = re.compile(
    r"\b(e-?mail|mail|address|barua pepe|reach me|contact me|write (to )?me|send it to)\b",
    re.I,
)
CUE_REACH = 40  # characters before the address in which the cue must stand
MAX_CANDIDATES = 20
# Words before "at" that are the sentence, not an address: "email me at …", "look at …".
NOT_LOCAL_PART = {
    "me", "us", "him", "her", "them", "you", "it", "we", "i", "look", "home", "work",
    "office", "here", "there", "email", "mail", "contact", "reach", "write", "is", "are",
    "am", "was", "were", "be", "based", "located", "meet",
}  # fmt: skip


def written_emails(text: str, *, asked: bool = False) -> str:
    """``text`` with each dictated address written out ("my email is purity at
    salamabrokers dot co dot ke" → "... purity@salamabrokers.co.ke") where an email cue
    stands just before it (or the address was ``asked`` for) and the result is a valid
    address; the rest of the text as it was."""
    from email_validator import EmailNotValidError, validate_email

    def written(match: re.Match) -> str | None:
        local, domain = match.group(1), match.group(2)
        if local.lower() in NOT_LOCAL_PART or not SAID_DOT.search(domain):
            return None
        if not asked and not EMAIL_CUE.search(
            text[max(0, match.start() - CUE_REACH) : match.start()]
        ):
            return None
        address = f"{SPOKEN_DOT.sub('.', local)}@{SPOKEN_DOT.sub('.', domain)}"
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError:
            return None
        return address

    text = text or ""
    if not (SAID_DOT.search(text) and (asked or EMAIL_CUE.search(text))):
        return text  # nothing dictated (and no scan of a long message)
    out, done, pos = [], 0, 0
    for _ in range(MAX_CANDIDATES):
        match = SPOKEN_EMAIL.search(text, pos)
        if match is None:
            break
        address = written(match)
        if address is None:  # "me at jane dot doe at …": try from the next word
            pos = match.start() + 1
            continue
        out += [text[done : match.start()], address]
        done = pos = match.end()
    return "".join(out) + text[done:]


def find_emails(text: str) -> list[str]:
    """Valid email addresses in ``text``, lower-cased (syntax only, no DNS)."""
    from email_validator import EmailNotValidError, validate_email

    out: list[str] = []
    for raw in EMAIL_CANDIDATE.findall(text or ""):
        try:
            email = validate_email(raw.strip("."), check_deliverability=False).normalized
        except EmailNotValidError:
            continue
        if email.lower() not in out:
            out.append(email.lower())
    return out


def find_phone(text: str, region: str | None = None) -> str | None:
    """The first phone number in ``text`` as E.164 (local numbers read in ``region``)."""
    found = phone_matches(text, region)
    return found[0][1] if found else None


def phone_matches(text: str, region: str | None = None) -> list[tuple[str, str]]:
    """(as typed, E.164) of each valid phone number in ``text``, read in ``region`` first."""
    import phonenumbers

    text = EMAIL_CANDIDATE.sub(" ", text or "")
    for region_try in (region or "KE", None):
        try:
            found = [
                (match.raw_string, phonenumbers.format_number(
                    match.number, phonenumbers.PhoneNumberFormat.E164))
                for match in phonenumbers.PhoneNumberMatcher(text, region_try)
                if phonenumbers.is_valid_number(match.number)
            ]  # fmt: skip
        except Exception:  # noqa: BLE001, S112 - a malformed region must not break the turn
            continue
        if found:
            return found
    # Written in full with its country code ("+44 7700 900123"), a number of the right
    # length is kept even where the numbering plan has no such range on record.
    try:
        return [
            (match.raw_string, phonenumbers.format_number(
                match.number, phonenumbers.PhoneNumberFormat.E164))
            for match in phonenumbers.PhoneNumberMatcher(
                text, None, leniency=phonenumbers.Leniency.POSSIBLE)
            if match.raw_string.startswith("+")
            and len(re.sub(r"\D", "", match.raw_string)) >= 10
            and phonenumbers.is_possible_number(match.number)
        ]  # fmt: skip
    except Exception:  # noqa: BLE001 - an odd number must not break the turn
        return []


# --- money ---------------------------------------------------------------------------------

MULTIPLIERS = {
    "k": 1e3, "thousand": 1e3, "grand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6,
    "millions": 1e6, "mio": 1e6,
    "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "crore": 1e7, "crores": 1e7,
}  # fmt: skip
CURRENCY_WORDS = (
    # "Kenya shillings", "US dollars", "KSh." name the currency as well as "KES" does
    r"(?:(?:kenya|uganda|tanzania)n?\s+shillings?|us\s+dollars?|egyptian\s+pounds?|"
    r"(?:zambian?|malawi(?:an)?)\s+kwacha|kwacha|zmw|mwk|egp|e£|"
    r"(?:rwandan?|congolese|cfa)\s+francs?|f?cfa|xof|xaf|cdf|bwp|pula|moroccan\s+dirhams?|mzn|meticais|"
    r"metical|nad|namibian\s+dollars?|"
    r"usd|us\$|\$|dollars?|kes|kshs?\.|ksh|kshs|shillings?|bob|£|gbp|pounds?|€|eur|euros?|ngn|"
    r"naira|₦|"
    # "R" alone is the rand only right before a figure ("R1m", "R 400k"), never a word's last letter
    r"zar|rands?|(?<![a-z])r(?=\s?\d)|aed|dirhams?|ugx|tzs|rwf|etb|birr|ghs|cedis?|cad|aud|inr|"
    r"rupees?)"
)
# "15 000 dollars", "KES 2 500 000": thousands grouped with spaces, next to a currency
SPACED_THOUSANDS = re.compile(
    r"(?<![\d+])(\d{1,3}(?: \d{3})+)(?!\d)(?=\s*" + CURRENCY_WORDS + r"(?![a-z]))"
    r"|(?:(?<=[$£€₦])|(?<=[$£€₦] ))(\d{1,3}(?: \d{3})+)(?!\d)"
    r"|(?<=\b(?:kes|ksh|usd|eur|gbp|zar|ngn|ugx|tzs|rwf|etb|ghs|aed) )(\d{1,3}(?: \d{3})+)(?!\d)",
    re.I,
)
NUMBER_WORD_RE = re.compile(
    r"\b((?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|and|a)[\s-]+)*(?:one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    r"ninety|hundred|thousand|million))\b",
    re.I,
)
AMOUNT_RE = re.compile(
    r"(?P<cur>" + CURRENCY_WORDS + r")?\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?"
    r"(?P<mult>k|m|mn|mio|thousand|grand|millions?|lakhs?|lac|crores?)?\b\s?(?P<cur2>"
    + CURRENCY_WORDS
    + r")?",
    re.I,
)


@dataclass(frozen=True)
class Money:
    low: float
    high: float | None
    currency: str  # ISO-ish code or "" when not said
    explicit: bool  # a currency, a multiplier or a money word made it clearly money


# Currencies read by the first letters of what the visitor typed, checked before the generic
# "pounds" (GBP) and "dollars" (USD): "Egyptian pounds" are EGP, "Namibian dollars" NAD.
AFRICAN_CURRENCY_STARTS = (
    ("EGP", ("egyptian", "egp", "e£")), ("MWK", ("malawi", "mwk")),
    ("ZMW", ("zambia", "zmw", "kwacha")), ("RWF", ("rwanda", "rwf")),
    ("CDF", ("congolese", "cdf")), ("XOF", ("cfa", "fcfa", "xof", "xaf")),
    ("BWP", ("bwp", "pula")), ("MAD", ("moroccan",)), ("MZN", ("mzn", "metical", "meticais")),
    ("NAD", ("namibia", "nad")),
)  # fmt: skip


def _currency(token: str) -> str:
    t = (token or "").lower()
    if not t:
        return ""
    t = re.sub(r"\s+", " ", t).rstrip(".")
    if t.startswith("uganda"):
        return "UGX"
    if t.startswith("tanzania"):
        return "TZS"
    for code, starts in AFRICAN_CURRENCY_STARTS:  # before "pound", "dollar", "kwacha"
        if t.startswith(starts):
            return code
    if t in ("$", "usd", "us$") or t.startswith(("dollar", "us dollar")):
        return "USD"
    if t in ("kes", "ksh", "kshs", "bob") or t.startswith(("shilling", "kenya")):
        return "KES"
    for code, words in (("NGN", ("ngn", "naira", "₦")), ("ZAR", ("zar", "rand")),
                        ("AED", ("aed", "dirham")), ("ETB", ("etb", "birr")),
                        ("GHS", ("ghs", "cedi")), ("INR", ("inr", "rupee"))):  # fmt: skip
        if any(t.startswith(w) for w in words):
            return code
    if t in ("ugx", "tzs", "rwf", "cad", "aud"):
        return t.upper()
    if t == "r":
        return "ZAR"
    if t in ("£", "gbp") or t.startswith("pound"):
        return "GBP"
    return "EUR"


def words_to_digits(text: str) -> str:
    from word2number import w2n

    def repl(m: re.Match) -> str:
        phrase = m.group(1)
        if phrase.lower().strip() in ("a", "and", "one", "hundred", "thousand", "million"):
            return phrase
        try:
            return str(w2n.word_to_num(phrase))
        except ValueError:
            return phrase

    return NUMBER_WORD_RE.sub(repl, text)


# Amounts said as fractions or rough multiples of a round number.
VAGUE_AMOUNTS = {
    r"\b(?:a )?quarter (?:of )?a million\b": "250000", r"\bhalf (?:of )?a million\b": "500000",
    r"\b(?:a )?couple (?:of )?hundred (?=thousand|k\b|grand)": "200 ",
    r"\b(?:a )?few hundred (?=thousand|k\b|grand)": "300 ",
    r"\bhalf a mil(?:lion)?\b": "500000", r"\ba million\b": "1000000",
}  # fmt: skip


def find_money(text: str) -> list[Money]:
    """Amounts and ranges of money ("$15k-50k", "KES 2.5M", "twenty thousand dollars")."""
    from price_parser import Price

    text = text or ""
    for vague, amount in VAGUE_AMOUNTS.items():
        text = re.sub(vague, amount, text, flags=re.I)
    text = words_to_digits(text)
    text = EMAIL_CANDIDATE.sub(" ", text)
    text = SPACED_THOUSANDS.sub(lambda m: m.group(0).replace(" ", ""), text)
    amounts: list[tuple[int, int, float, str, bool, float]] = []
    for m in AMOUNT_RE.finditer(text):
        raw = m.group(0).strip()
        price = Price.fromstring(raw)
        if price.amount is None:
            continue
        value = float(price.amount)
        mult = (m.group("mult") or "").lower()
        value *= MULTIPLIERS.get(mult, 1)
        cur = _currency(m.group("cur") or m.group("cur2") or "")
        amounts.append(
            (m.start(), m.end(), value, cur, bool(cur or mult), MULTIPLIERS.get(mult, 1))
        )
    out: list[Money] = []
    i = 0
    while i < len(amounts):
        _, end, value, cur, explicit, mult = amounts[i]
        if i + 1 < len(amounts):
            s2, _, v2, c2, x2, mult2 = amounts[i + 1]
            between = text[end:s2].strip().lower()
            if between in ("-", "–", "to", "—") or (between in ("and", "or") and v2 > value):
                if mult == 1 and mult2 > 1 and value * mult2 <= v2:
                    value *= mult2
                out.append(Money(value, v2, cur or c2, explicit or x2))
                i += 2
                continue
        out.append(Money(value, None, cur, explicit))
        i += 1
    return out


# --- time horizons -------------------------------------------------------------------------

QUARTER_RE = re.compile(
    r"\b(?:by|before|in|during|for|end of|within)?\s*(?:the\s+)?(?:end of\s+)?"
    r"(?:(?P<q>q[1-4])|(?P<rel>this|next|the next|following) quarter)\b",
    re.I,
)
HALF_RE = re.compile(r"\b(h[12]|(first|second) half|mid.?year|end of (the|this) year)\b", re.I)


def horizon_months(text: str, now: dt.datetime | None = None) -> float | None:
    """How many months from ``now`` the text points at ("in six weeks" → 1.4, "by Q1",
    "before the end of next quarter", "by March"); ``None`` when it names no time."""
    now = now or dt.datetime.now()
    t = words_to_digits(text or "").lower()
    t = re.sub(r"\bwks?\b", "weeks", t)
    t = re.sub(r"\b(mos|mths?|mnths?|mons)\b", "months", t)
    t = re.sub(r"\byrs?\b", "years", t)
    m = QUARTER_RE.search(t)
    if m:
        quarter_now = (now.month - 1) // 3
        if m.group("q"):
            target = int(m.group("q")[1]) - 1
            ahead = (target - quarter_now) % 4
        else:
            ahead = 0 if m.group("rel") == "this" else 1
        end_month = (quarter_now + ahead) * 3 + 3
        return max(0.5, end_month - now.month + (1 if "end" not in t else 0.5))
    m = HALF_RE.search(t)
    if m:
        word = m.group(1)
        end = 6 if word in ("h1", "first half") or "mid" in word else 12
        months = end - now.month
        return months if months > 0 else months + 12
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:-|–|to|or)\s*(\d+(?:\.\d+)?)\s*(weeks?|months?|years?)", t)
    if m:
        mid = (float(m.group(1)) + float(m.group(2))) / 2
        return _to_months(mid, m.group(3))
    m = re.search(r"(\d+(?:\.\d+)?|a|an|couple(?: of)?|few)\s*(weeks?|months?|years?|quarters?)", t)
    if m:
        n = {"a": 1, "an": 1, "few": 3}.get(m.group(1))
        if n is None:
            n = 2 if m.group(1).startswith("couple") else float(m.group(1))
        return _to_months(n, m.group(2))
    months = _named_time(t, now)
    if months is not None:
        return months
    import dateparser
    from dateparser.search import search_dates

    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now.replace(tzinfo=None)}
    found = search_dates(t, languages=["en"], settings=settings) or []
    for phrase, when in found:
        if not DATE_WORD.search(phrase):  # "we", "may I", "sat": not a time anybody named
            continue
        days = (when - now.replace(tzinfo=None)).days
        if days >= 0 and re.search(r"[a-z]", phrase):
            return days / 30.4
    parsed = dateparser.parse(t, languages=["en"], settings=settings)
    if parsed:
        return max(0.0, (parsed - now.replace(tzinfo=None)).days / 30.4)
    return None


MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip
MONTH_RE = re.compile(
    r"\b(?:(?P<edge>early|beginning of|start of|mid|middle of|late|end of)[\s-]+)?"
    r"(?P<month>" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
    r"\b\.?(?:\s+(?P<year>20\d\d))?",
    re.I,
)
YEAR_RE = re.compile(
    r"\b(?:(?P<edge>early|beginning of|start of|mid|middle of|late|end of|the end of)[\s-]+)?"
    r"(?P<which>next year|this year|the new year|new year|20\d\d)\b",
    re.I,
)
DATE_WORD = re.compile(
    r"\b("
    + "|".join(m for m in MONTHS if m != "may")
    + r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|year|month|"
    r"week|quarter|tomorrow|weekend|\d{4}|\d{1,2}/\d{1,2})\b",
    re.I,
)
EDGE_DAY = {"early": 10, "beginning of": 5, "start of": 5, "mid": 15, "middle of": 15,
            "late": 24, "end of": 28, "the end of": 28}  # fmt: skip


def _named_time(t: str, now: dt.datetime) -> float | None:
    """Months until a named month or year ("before July", "in January", "early next year",
    "by mid 2027"): the middle of a named month (its first day after "before"/"until"),
    the part of a year its edge word names (mid-year without one)."""
    here = now.replace(tzinfo=None)
    if holiday := _holiday(t, here):
        return max(0.0, (holiday - here).days / 30.4)
    if re.search(r"\bnext month\b", t):  # the middle of next month, not a month from today
        year, month = (here.year + 1, 1) if here.month == 12 else (here.year, here.month + 1)
        return max(0.0, (dt.datetime(year, month, 15) - here).days / 30.4)
    m = MONTH_RE.search(t)
    # "may" is a month only after a word of time ("launch in May"), not in "may we ask"
    if (
        m
        and m.group("month").lower() == "may"
        and not m.group("edge")
        and not re.search(r"\b(in|by|before|until|till|from|end of|of|around)\s+may\b", t)
    ):
        m = None
    if m:
        month = next(
            i for i, name in enumerate(MONTHS, 1) if name.startswith(m.group("month")[:3].lower())
        )
        year = int(m.group("year")) if m.group("year") else here.year
        if year < here.year:
            return None
        before = re.search(r"\b(before|until|till|prior to|b4)\s+(?:the\s+)?(?:\w+\s+)?$",
                           t[: m.start("month")])  # fmt: skip
        day = EDGE_DAY.get((m.group("edge") or "").lower(), 1 if before else 15)
        target = dt.datetime(year, month, min(day, 28))
        if not m.group("year") and target < here - dt.timedelta(days=20):
            target = target.replace(year=year + 1)
        return max(0.0, (target - here).days / 30.4)
    m = YEAR_RE.search(t)
    if m:
        which = m.group("which").lower()
        if which.isdigit() and int(which) < here.year:  # "founded in 2019": the past
            return None
        year = here.year + (0 if which == "this year" else 1) if not which.isdigit() else int(which)
        edge = (m.group("edge") or "").lower()
        month = {"early": 2, "beginning of": 1, "start of": 1, "mid": 6, "middle of": 6,
                 "late": 11, "end of": 12, "the end of": 12}.get(edge)  # fmt: skip
        if month is None:
            if "new year" in which:
                month = 1
            elif which == "next year":
                return None  # a whole year ahead: dateparser's reading stands
            else:
                month = 6
        target = dt.datetime(year, month, 15)
        return max(0.0, (target - here).days / 30.4)
    return None


# The fiscal year of the site's home region (Kenya, Uganda, Tanzania, Rwanda) starts on 1 July.
FISCAL_YEAR_START_MONTH = 7


def _holiday(t: str, here: dt.datetime) -> dt.datetime | None:
    """The next Christmas or Easter, or the start (or end) of the next fiscal year, when the
    text names one ("before Christmas", "by Easter", "in the next financial year")."""
    # "after Christmas" is some weeks into the new year, not Boxing Day
    later = dt.timedelta(days=14)
    m = re.search(r"\b(?:(after|post|from)\s+(?:the\s+)?)?(christmas|xmas|festive season|"
                  r"(?:christmas |festive |december )?holidays)\b", t)  # fmt: skip
    if m:
        day = dt.datetime(here.year, 12, 25)
        day = day if day >= here else day.replace(year=here.year + 1)
        return day + later if m.group(1) else day
    m = re.search(r"\b(?:(after|post|from)\s+)?easter\b", t)
    if m:
        from dateutil.easter import easter

        day = dt.datetime.combine(easter(here.year), dt.time())
        if day < here:
            day = dt.datetime.combine(easter(here.year + 1), dt.time())
        return day + later if m.group(1) else day
    m = re.search(
        r"\b(next|new|end of (?:the|this|our)) (?:financial|fiscal) year\b|\bnext fy\b", t
    )
    if m:
        start = dt.datetime(here.year, FISCAL_YEAR_START_MONTH, 1)
        if start <= here:
            start = start.replace(year=here.year + 1)
        return start - dt.timedelta(days=1) if m.group(0).startswith("end") else start
    return None


def _to_months(n: float, unit: str) -> float:
    if unit.startswith("week"):
        return n / 4.3
    if unit.startswith("year"):
        return n * 12
    if unit.startswith("quarter"):
        return n * 3
    return n
