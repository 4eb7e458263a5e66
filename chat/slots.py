"""Slot filling: BANT and contact details read from a visitor's own words.

``extract(text, asked=...)`` returns only what the text states (or, when we had just asked
about one slot, what it answers: "that sounds about right" to a proposed budget range), in
the Lead model's vocabulary (:mod:`chat.vocabulary`). The reading is done by the kept
parsers of :mod:`ementech.ai.parsers`; this module decides which value answers which slot.
"""

from __future__ import annotations

import re

from chat.slots_authority import authority_stated, extract_authority  # noqa: F401
from chat.slots_budget import (  # noqa: F401 - re-exported for callers
    PRICE_QUESTION,
    SWAHILI_NUMBERS,
    SWAHILI_TENS,
    USD_PER,
    budget_against_proposed,
    budget_bucket,
    extract_budget,
)
from chat.slots_company import (  # noqa: F401 - re-exported
    domain_named_company,
    extract_company,
    signed_pair,
)
from chat.slots_people import (  # noqa: F401 - re-exported for callers
    appositive_name,
    contact_name,
    extract_industry,
    extract_name,
    extract_role,
    name_beside_email,
    own_address_name,
)
from chat.vocabulary import (  # noqa: F401 - the vocabulary is re-exported for callers
    AFFIRM_RE,
    AUTHORITY_PHRASES,
    BUDGET_CHOICES,
    BUSINESS_NOUN,
    CONTACT_ORDER,
    DENY_RE,
    EMAIL_RE,
    INDUSTRIES,
    KNOWN_TOOLS,
    PAIN_PATTERNS,
    PROPOSED_BUDGET,
    QUALIFY_ORDER,
    QUESTIONS,
    TIMELINE_CHOICES,
    TRAVEL,
    describe,
    missing,
    qualification_progress,
    question_for,
)

# --- reading values -------------------------------------------------------------------------
# The kept parsers of ementech.ai.parsers do the reading; this module decides which value
# answers which slot, in the Lead model's vocabulary. Budgets: chat.slots_budget.

REGION_OF_TZ = {
    "Africa/Nairobi": "KE", "Africa/Kampala": "UG", "Africa/Dar_es_Salaam": "TZ",
    "Africa/Kigali": "RW", "Africa/Addis_Ababa": "ET", "Africa/Lagos": "NG",
    "Africa/Johannesburg": "ZA", "Europe/London": "GB", "Europe/Berlin": "DE",
}  # fmt: skip
# Putting it off ("we'll wait till after the festive season", "tungoje", "hold off")
WAITING = (
    r"(?<!can't )(?<!cannot )(?<!can not )wait|hold off|postpone\w*|push(ed)? (it |this )?back|"
    r"delay\w*|tungoje|tusubiri|subiri"
)
TIMELINE_CONTEXT = re.compile(
    r"\b(live|launch|start|begin|kick ?off|running|go.?live|deploy|roll ?out|deadline|"
    r"implement|timeline|tender|in place|tuanze|kuanza|" + WAITING + r")\b|"
    r"\b(weeks?|months?|years?) (from now|from today|out|away)\b|"
    r"\b(in|within|next|by|before)\s+(?:[a-z]+ |\d+(?:\s*(?:-|to)\s*\d+)? ){0,3}(weeks?|wks?|"
    r"months?|quarters?|years?|"
    r"q[1-4])\b|"
    # a named month or year after a word of time: "before July", "by mid 2027", "in January"
    r"\b(by|before|until|till|in|from|around|early|mid|late|end of|start of|b4)[\s-]+"
    r"(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|20\d\d|next year|the new year|christmas|"
    r"xmas|easter|holidays|festive season|(?:the )?(?:next |end of the |new )?(?:financial|"
    r"fiscal) year)\b",
    re.I,
)
TIME_UNIT = re.compile(
    r"\b(weeks?|wks?|months?|mths?|mos|quarters?|years?|q[1-4]|h[12]|season|january|february|march|april|may|"
    r"june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|"
    r"oct|nov|dec|20\d\d|new year|christmas|xmas|easter|holidays|festive season|financial year|"
    r"fiscal year|fy)\b",
    re.I,
)
# A message that is only a stretch of time ("2 months", "maybe 6 weeks", "in about 3
# months"): nothing but a timeline reads that way, whatever we asked last.
BARE_DURATION = re.compile(
    r"^\W*(?:(?:maybe|probably|about|around|roughly|approx\w*|like|in|within|say|~)\s*)*"
    r"\d+(?:\.\d+)?(?:\s*(?:-|to|or)\s*\d+)?\s*(?:weeks|months|years)\W*$",
    re.I,
)
# "any morning next week": a part of the day names a meeting, never a launch
PART_OF_DAY = re.compile(r"\b(morning|afternoon|evening|mchana|asubuhi|jioni)\b", re.I)
# A message that takes back what was said ("wait no … so like 5 months", "actually, make it
# 4 months"): its time is the timeline again, though nobody asked.
CORRECTION_RE = re.compile(
    r"^\W*(wait|sorry|actually|correction|oops|scratch that|make (it|that)|no\b)|"
    r"\b(i meant|change (that|it) to|make (it|that)|rather|instead)\b",
    re.I,
)
SCHEDULING_CONTEXT = re.compile(
    r"\b(demo|call|meeting|meet|talk|slot|book|works for me|suits me|is best|is good)\b", re.I
)


SWAHILI_TIME = {
    r"\b(ndani ya|kabla ya)\b": "within", r"\bbaada ya\b": "in",
    r"\bmwezi ujao\b": "next month", r"\bwiki ijayo\b": "next week",
    r"\bmwaka ujao\b": "next year", r"\bmiezi (\d+)\b": r"\1 months",
    r"\bwiki (\d+)\b": r"\1 weeks", r"\b(sasa hivi|mara moja|haraka)\b": "asap",
}  # fmt: skip
# Typed units of time as people shorten or misspell them ("4 mnths", "6 wks", "2 monts").
UNIT_SPELLINGS = {
    r"\b(mnths?|mths?|mos|mons|monts?|moths|mnth|munths?)\b": "months",
    r"\b(wks?|weeks?s)\b": "weeks", r"\b(yrs?)\b": "years",
}  # fmt: skip


def _bucket_months(months: float) -> str:
    if months < 1.0:  # "in about a month" starts a month out: 1-3mo; "within a month" is now
        return "immediate"
    if months <= 3.05:
        return "1-3mo"
    if months <= 6.05:
        return "3-6mo"
    if months <= 12.05:
        return "6-12mo"
    return "12mo+"


NAMED_BUSINESS = re.compile(
    r"\b[A-Z][\w&'\-]*(?:\s+[A-Z][\w&'\-]*){0,5}\s+(?i:" + BUSINESS_NOUN.pattern + r")(?=\W|$)"
)
URGENT = re.compile(
    r"asap|as soon as (possible|we can|you can|we could|you could)|immediately|right away|"
    r"straight away|urgent|this month|within the month|already begun|right now|"
    r"(need|needed|want|wanted) (it|this|that)( \w+)? yesterday|soonest|the sooner the better|"
    # "start now", "we can begin immediately", "kick off this week"
    r"\b(start|begin|kick ?off|go live|launch)(ing)? (now|today|this week|straight away)\b",
    re.I,
)
NOT_URGENT = re.compile(
    r"\b(not|no|isn'?t|wasn'?t|nothing|don'?t|do not|doesn'?t|won'?t)\s+(?:\w+\s+){0,3}?"
    r"(urgent\w*|immediately|right away|asap|straight away|right now|now)\b",
    re.I,
)
NO_RUSH = re.compile(
    r"no rush|no hurry|not in a hurry|in no (rush|hurry)|no timeline|no deadline|no (fixed|set|"
    r"firm) (date|deadline|timeline)|not in a rush|not sure when|someday|^\W*whenever\b|"
    r"whenever (you|it'?s|"
    r"is) (ready|convenient|possible)|next year or later|long.?term",
    re.I,
)


def extract_timeline(text: str, asked: bool = False) -> str | None:
    """A timeline choice from "in six weeks", "by Q1", "before the end of next quarter",
    "asap"; only when the text speaks of starting or going live (or we just asked)."""
    from ementech.ai.parsers import horizon_months

    # "I shall be in Nairobi next month": a trip, not the project's timeline
    text = ". ".join(p for p in re.split(r"(?<=[.!?])\s+|[,;]\s*", text) if not TRAVEL.search(p))
    # "Haraka Couriers", "Sasa Foods": a business's name holds no time ("haraka" is "quickly")
    t = NAMED_BUSINESS.sub(" ", text).lower()
    t = re.sub(r"\b(miezi|wiki)\s+(" + "|".join(SWAHILI_NUMBERS) + r")\b",
               lambda m: f"{m.group(1)} {SWAHILI_NUMBERS[m.group(2)]}", t)  # fmt: skip
    for sw, en in SWAHILI_TIME.items():  # the site speaks Swahili: "tunataka kuanza mwezi ujao"
        t = re.sub(sw, en, t)
    for typed, unit in UNIT_SPELLINGS.items():
        t = re.sub(typed, unit, t)
    # "not urgent", "we don't need it immediately": urgency denied is no rush
    t = NOT_URGENT.sub(" no rush ", t)
    if URGENT.search(t):
        return "immediate"
    if NO_RUSH.search(t):
        # "no rush, maybe in 9 months": the horizon given wins over the mood
        months = horizon_months(t) if TIME_UNIT.search(t) else None
        return _bucket_months(months) if months is not None else "12mo+"
    t = re.sub(r"\bby the way\b", " ", t)
    asked = asked or bool(BARE_DURATION.match(t))
    if not TIME_UNIT.search(t) or (not asked and not TIMELINE_CONTEXT.search(t)):
        return None
    # "over the next four months … I'd want to talk about it": a meeting word in another
    # sentence than the time does not make the time a meeting's.
    timed = " ".join(p for p in re.split(r"(?<=[.!?])\s+", t) if TIME_UNIT.search(p)) or t
    meeting_time = (
        SCHEDULING_CONTEXT.search(timed)
        or PART_OF_DAY.search(timed)
        or (
            SCHEDULING_CONTEXT.search(t)  # "Let's do a demo. Any morning next week works."
            and re.search(
                r"\b(morning|afternoon|evening|this week|next week|mon(?:day)?|tue(?:s|sday)?|"
                r"wed(?:nesday)?|"
                r"thu(?:r|rs|rsday)?|fri(?:day)?)\b",
                timed,
            )
        )
    )
    if (
        not asked
        and meeting_time
        and not re.search(
            r"\b(live|launch(es|ing)?|start(s|ing)?|begins?|kick(s|ing)? ?off|running|"
            r"deploy|roll ?out|cycle|financial year|away|from now|" + WAITING + r")\b",
            t,
        )
    ):
        return None
    t = re.sub(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|"
               r"thu|thur|thurs|fri)\b.*$", "", t)  # fmt: skip
    months = horizon_months(t)
    if months is None:
        return None
    if re.search(r"\b(tops|at the latest|at most|max|under|within|less than|b4|before)\b", t):
        months -= 0.01
    return _bucket_months(months)


def extract_pains(text: str) -> list[str]:
    # "my mistake, we're 45": the visitor's own slip in the chat is no pain of the business
    t = re.sub(r"\b(my|a|our|small|sorry,? (?:a|my)) (mistake|error|typo|bad)\b", " ", text.lower())
    return [label for pattern, label in PAIN_PATTERNS if re.search(pattern, t)]


# Tools named like ordinary words count only in the words that name the tool: "Monday
# afternoon" is a day, "data drift" no chat product, "up front" no inbox.
TOOL_IN_CONTEXT = {
    "Monday": r"monday\.com|\bmonday (crm|boards?|work ?os|dev)\b",
    "Front": r"\bfront ?app\b|\bfront (inbox|help ?desk)\b|\b(use|using|on|in) front\b",
    "Drift": r"\bdrift (chat|bot|widget)|\b(use|using|on|in|via) drift\b",
    "Notion": r"\b(use|using|on|in|via|from) notion\b|\bnotion (pages?|docs?|wiki|database)\b",
}


def extract_tools(text: str) -> list[str]:
    found = []
    for tool in KNOWN_TOOLS:
        pattern = TOOL_IN_CONTEXT.get(tool) or r"(?<![\w])" + re.escape(tool) + r"(?![\w])"
        if re.search(pattern, text, re.I):
            found.append(tool)
    return found


def extract_team_size(text: str) -> int | None:
    from ementech.ai.parsers import words_to_digits

    m = re.search(
        r"(\d+)\s+(?:\w+\s+){0,2}?(agents?|reps|representatives)\b", words_to_digits(text), re.I
    )
    if not m:
        m = re.search(r"team of (\d+)", words_to_digits(text), re.I)
    if m:
        n = int(m.group(1))
        if 0 < n < 1_000_000:
            return n
    return None


# Working people counted beside the staff ("35 riders + 8 office staff"); never customers,
# members or farmers, who are no headcount.
SUMMED_PEOPLE = {
    "riders", "drivers", "agents", "nurses", "doctors", "teachers", "engineers", "developers",
    "technicians", "officers", "guards", "cleaners", "mechanics", "clerks", "cashiers",
    "workers", "reps", "staff", "employees", "people", "field", "sales",
}  # fmt: skip


# Those who work for the organisation, counted as its staff when "and staff" follows.
WORKING_PEOPLE = (
    r"teachers|nurses|doctors|clinicians|lecturers|tutors|drivers|riders|agents|engineers|"
    r"developers|technicians|officers|guards|cleaners|mechanics|clerks|cashiers|workers|reps|"
    r"chefs|cooks|waiters|pharmacists|accountants|consultants|lawyers|advocates|caregivers"
)


VAGUE_COUNTS = {
    r"\b(?:a )?dozen\b": "12", r"\b(?:a )?couple (?:of )?hundred\b": "200",
    r"\b(?:a )?few hundred\b": "300", r"\bseveral hundred\b": "400", r"\bhundreds of\b": "300",
    r"\ba hundred\b": "100", r"\ba thousand\b": "1000", r"\bthousands of\b": "2000",
}  # fmt: skip


def swahili_to_digits(text: str) -> str:
    """Swahili numbers as digits: "kumi na tano" → 15, "mia mbili" → 200, "ishirini" → 20."""
    units = "|".join(SWAHILI_NUMBERS)
    tens = "|".join(["kumi", *SWAHILI_TENS])

    def value(word: str) -> int:
        word = word.lower()
        return 10 if word == "kumi" else SWAHILI_TENS.get(word) or SWAHILI_NUMBERS[word]

    t = re.sub(rf"\bmia\s+({units})\b", lambda m: str(100 * value(m.group(1))), text, flags=re.I)
    t = re.sub(rf"\b({tens})\s+na\s+({units})\b",
               lambda m: str(value(m.group(1)) + value(m.group(2))), t, flags=re.I)  # fmt: skip
    t = re.sub(rf"\b({tens})\b", lambda m: str(value(m.group(1))), t, flags=re.I)
    return re.sub(r"\b(\d+)00\s+na\s+(\d{1,2})\b", lambda m: str(int(m.group(1)) * 100
                  + int(m.group(2))), t)  # fmt: skip


def extract_company_size(text: str) -> str | None:
    """Headcount of the company ("85 staff", "about 220 staff", "12 persons"); the last one
    stated wins ("30 is just the office … closer to 260")."""
    from ementech.ai.parsers import words_to_digits

    t = text
    for vague, count in VAGUE_COUNTS.items():  # "a dozen staff", "a couple hundred employees"
        t = re.sub(vague, count, t, flags=re.I)
    t = swahili_to_digits(words_to_digits(t))
    # "1.5k people", "2k+ employees"
    t = re.sub(
        r"\b(\d+(?:\.\d+)?)\s*k\b\+?(?=\s+(?:\w+\s+)?(?:staff|employees|people|workers|persons))",
        lambda m: str(int(float(m.group(1)) * 1000)),
        t,
        flags=re.I,
    )
    t = re.sub(r"\b(\d+)\s*-?\s*odd\b", r"\1", t, flags=re.I)  # "30 odd staff"
    # "a workforce of 350", "staff strength of 75"
    t = re.sub(
        r"\b(?:workforce|staff (?:strength|complement|count)|head ?count|employee count)\s*"
        r"(?:of|is|:|=)?\s*(?:about |around |roughly |~)?(\d[\d,]*)",
        r"\1 staff",
        t,
        flags=re.I,
    )
    # Swahili: "wafanyakazi 70" (staff), "tuko watu 25" (we are 25 people), "employees ni 260"
    t = re.sub(r"\b(wafanyakazi|watu)\b", "staff", t, flags=re.I)
    t = re.sub(r"\b(staff|employees|headcount)\s+ni\b", r"\1 is", t, flags=re.I)
    # "kama 28", "wapatao 120" (about 120)
    t = re.sub(r"\b(kama|takriban|karibu|wapatao|hivi)\s+(?=\d)", "about ", t, flags=re.I)
    # "260 not 60", "not 60 but 260": a number taken back is not the headcount
    t = re.sub(r"\b(not|instead of|rather than)\s+\d[\d,]*\b", " ", t, flags=re.I)
    # "35 riders + 8 office staff": everyone counted together
    t = re.sub(
        r"\b(\d+)\s+([a-z]+)\s*(?:\+|and|plus|&)\s*(\d+)\s+((?:[a-z]+\s+)?(?:staff|employees))\b",
        lambda m: (
            f"{int(m.group(1)) + int(m.group(3))} staff"
            if m.group(2).lower() in SUMMED_PEOPLE
            else m.group(0)
        ),
        t,
        flags=re.I,
    )
    # "140 teachers and support staff (in total)": one count of everyone who works there
    t = re.sub(
        r"\b(\d[\d,]*)\s+(?:[a-z]+\s+)?(" + WORKING_PEOPLE + r")\s*(?:and|&|plus|\+)\s*"
        r"(?:other\s+|support\s+|admin\s+|office\s+|non-?teaching\s+|back.?office\s+)*"
        r"(?:staff|employees|personnel)\b",
        lambda m: f"{m.group(1)} staff",
        t,
        flags=re.I,
    )
    # "a 40 member IT firm", "12-man team": the count as an adjective of the organisation
    t = re.sub(
        r"\b(\d[\d,]*)\s*-?\s*(?:member|man|woman|head|seat)\b(?!\s+(?:sacco|co-?op\w*|"
        r"association|union|club|chama|church|group|network|community|board|committee)\b)",
        lambda m: f"{m.group(1)} staff",
        t,
        flags=re.I,
    )
    found = re.findall(
        r"(\d[\d,]*)\s*\+?\s*-?\s*(?:(?:full.?time|permanent|regular|salaried)\s+)?"
        r"(staff|employees?|people|ppl|persons?|"
        r"workers|person company|strong|of us|staffers|team members)\b",
        t,
        re.I,
    )
    # "staff 40", "employees: 120", "a team of about 30" (not "a team of 5 agents")
    found += re.findall(
        r"\b(?:staff|employees|headcount|team of)\s*(?:of|is|are|:|about|around|roughly|~)?\s*"
        r"(?:about |around |roughly )?(\d[\d,]*)()\b(?!\s*(?:agents?|reps|representatives|k\b))",
        t,
        re.I,
    )
    # "just me and 3 guys": the visitor and the others
    m = re.search(r"\b(?:just )?me (?:and|n|&|plus) (\d+) (?:guys|others|people|staff|colleagues|"
                  r"friends|employees|ppl)\b", t, re.I)  # fmt: skip
    if m:
        found.append((str(int(m.group(1)) + 1), ""))
    if not found:
        # "we're 14 if you count the clerks", "we are about 30 in total": a bare count of us
        m = re.search(
            r"closer to (\d[\d,]*)|\b(?:we(?:'?re| are)|tuko) (?:now |about |around |roughly |only "
            r"|just |kama )*(\d[\d,]*)(?=\s*(?:[,.;!]|$)|\s+(?:now|if|when|once|counting|including|"
            r"in total|all (?:in|told|together)|altogether|with|of us|strong|tu|jumla)\b)",
            t,
            re.I,
        )
        if not m:
            return None
        found = [(m.group(1) or m.group(2), "")]
    n = int(found[-1][0].replace(",", ""))
    for limit, label in ((10, "1-10"), (50, "11-50"), (200, "51-200"), (500, "201-500")):
        if n <= limit:
            return label
    return "500+"


SLOT_WORDS = {
    "budget": r"budget|invest|spend|price|cost|usd|\$|k\b",
    "timeline": r"when|live|start|month|week|quarter",
}


def extract(
    text: str,
    *,
    asked: str | None = None,
    proposed_budget: str | None = None,
    region: str | None = None,
) -> dict:
    """Every slot the text states. ``asked`` is the slot we had just asked about, so a bare
    "that sounds about right" answers it; a value that does not answer a slot is left out."""
    from ementech.ai.parsers import find_emails, phone_matches, written_emails

    if not find_emails(text):  # a typed address wins over anything dictated
        text = written_emails(text, asked=asked == "email")  # "email purity at x dot co dot ke"
    out: dict = {}
    emails = find_emails(text)
    if emails:
        out["email"] = emails[-1]
    phones = phone_matches(text, region)
    if phones:
        out["phone"] = phones[0][1]
    body = EMAIL_RE.sub(" ", text)
    for typed, _ in phones:  # a phone number's digits are no amount
        body = body.replace(typed, " ")
    # An amount in a sentence asking a price is not the budget ("what does it cost, roughly
    # 20k?"); one stated in another sentence of the same message is.
    stated = " ".join(
        part
        for part in re.split(r"(?<=[.!?])\s+", body)
        if not (
            PRICE_QUESTION.search(part)
            and ("?" in part or re.search(r"\b(what|how much|kindly advise)\b", part, re.I))
        )
    )
    budget = extract_budget(stated, region) if stated.strip() else None
    if not budget and asked == "budget" and proposed_budget in BUDGET_CHOICES:
        budget = budget_against_proposed(body, proposed_budget)
    if budget:
        out["budget"] = budget
    if tl := extract_timeline(body, asked=asked == "timeline" or bool(CORRECTION_RE.search(body))):
        out["timeline"] = tl
    role = extract_role(body)
    if role:
        out["role"], out["authority"] = role
    if auth := extract_authority(body):
        out["authority"] = auth
    from chat.questions import asks

    # "what does a pilot cost?", "cost of pilot": a price asked about is no pain of theirs
    pains = extract_pains(
        " ".join(
            p
            for p in re.split(r"(?<=[.!?])\s+", body)
            if not (PRICE_QUESTION.search(p) and asks(p))
        )  # fmt: skip
    )
    if pains:
        out["pain_points"] = pains
    tools = extract_tools(body)
    if tools:
        out["tech_stack"] = tools
    if (n := extract_team_size(body)) is not None:
        out["team_size"] = n
    if cs := extract_company_size(body):
        out["company_size"] = cs
    if ind := extract_industry(body):
        out["industry"] = ind
    pair = signed_pair(body)
    name = (
        extract_name(body, asked=asked == "name")
        or name_beside_email(text)
        or own_address_name(text)
        or contact_name(text)
        or (pair and pair[0])
    )
    if name and not (role and name.lower() in role[0].lower()):
        out["name"] = name
    company = (
        domain_named_company(text)  # "…, kevin@kilimafresh.co.ke, Kilima Fresh Exporters"
        or extract_company(body, asked=asked == "company")
        or (pair and pair[1])
    )
    if company and company != out.get("name") and not (role and company.lower() == role[0].lower()):
        out["company"] = company
    return out
