"""What in a visitor's message asks something: the question sentences (with or without a
question mark, asked politely, as an imperative or reported: "Kindly outline what your
engagement delivers", "the question is whether you build credit scoring models"), and
which of them are something other than a request for a demo or a person, so a message
that asks for both gets its question answered too."""

from __future__ import annotations

import re

QUESTION_RE = re.compile(
    # after a greeting or a filler too ("yo when is the meetup n where", "hey wat time")
    r"\?|(^|[.!,;:\-]\s*|\b(and|also|so|but|btw|then|hmm|ok|okay|yo|hey|hi|hello|hiya|sasa|"
    r"niaje|mambo|um|uh|pls|sorry)\s+)(what|how|why|when|where|"
    r"which|who|do|does|did|can|could|is|are|will|kindly advise|tell me|"
    # typed short ("whats the cheapest way", "hw long", "wat time")
    r"whats|wats|wat|hw|hows|wht|"
    # an imperative that asks ("Tell us about…", "Explain how…", "Walk me through…")
    r"tell us|explain|describe|outline|walk (me|us) through|"
    # chat shorthand for "is there any …" ("any guide for a ceo doing a first ai project")
    r"any (guides?|docs?|documents?|examples?|case stud\w*|resources?|papers?|reports?|"
    r"info\w*|materials?|clients?|customers?|references?|discounts?|data|whitepapers?|"
    r"checklists?|templates?|webinars?|events?|experience|plans?|options?|numbers|figures)"
    r"\s+(?:for|on|about|in|that|which|to|with)\b|"
    r"i wonder|wondering|inawezekana|mnaweza|je)\b|"
    # asked politely ("Kindly outline what your engagement delivers", "please confirm your
    # rates", "could you describe…")
    r"\b(kindly|please|pls|plz|could you|can you|would you)\s+(outline|describe|explain|detail|"
    r"list|summari[sz]e|elaborate|walk (me|us) through|share|confirm|advise|tell|clarify|"
    r"let (me|us) know|indicate|specify|brief)\b|"
    # reported ("I'd like to know …", "we want to know if AI can help", "the question is
    # whether …", "curious whether …")
    r"\b(i|we)('?d| would)? (like|want|wanted) to (know|understand|find out|check)\b|"
    r"\b(the|my|our|one) (question|query) (is|was)\b|\bquestions?:|\bcurious (whether|if|to|"
    r"about|how|what)\b|\bnot sure (whether|if)\b|"
    # Swahili and Sheng question words, wherever they stand ("ni talks za nini", "nifanye
    # aje", "ni wapi", "inaanza lini", "ni bei gani")
    r"(?<!mambo )(?<!sasa )\b(nini|aje|vipi|gani|wapi|lini|ngapi|mbona)\s*(?:[?.!]|$)|"
    r"\b(?:ni|tu)fanye (?:aje|nini|vipi)\b|"
    # "mnafanya recommendations?" (do you do …), "mnaweza", "mnatoa"
    r"^\W*(?:\w+\W+){0,2}mna(?:fanya|weza|toa|tumia|uza|saidia|jenga|peana)\w*\b|"
    # a comparison asked tersely ("on-time before vs after")
    r"\b(?:before|then)\s+(?:vs\.?|versus)\s+(?:after|now)\b|"
    # asked mid-sentence without a question mark ("… will ur bot cope with that"), not
    # said of oneself ("I can do your Tuesday slot")
    r"(?<!\bi\s)(?<!\bwe\s)(?<!\bthey\s)\b(can|could|will|would|do|does|did)\s+(you|u|ur)\b",
    re.I,
)
# Asking for a demo or a meeting in so many words (the intent classifier's "demo" needs one).
DEMO_RE = re.compile(
    r"\b(demo|demonstration|book (me|a call|a meeting|in)|set up a (call|meeting)|"
    r"can we (talk|meet)|arrange a (call|meeting))\b",
    re.I,
)
DEMO_WORDS = re.compile(
    r"\b(demo|demos|demonstration|call|meeting|meet|walk ?through|presentation|"
    r"schedule|book|booking|show (me|us)|talk|speak|chat|zoom|teams|google meet|slot|"
    r"catch up|sit down|see (it|what|how))\b",
    re.I,
)
# One's own appointments ("I have a meeting right after", "my call at 3") ask for none.
OWN_MEETING = re.compile(
    r"\b(i|we)\s*(?:have|'?ve got|got|'?ve|have got|'?m in|am in|are in)\s+(?:a|an|another|other|"
    r"some)\s+(?:\w+\s+)?(meeting|call|session)s?\b|"
    r"\b(my|our)\s+(?:\w+\s+)?(meeting|call)s?\s+(?:at|after|before|right|now|today|tonight)\b",
    re.I,
)


def requests_meeting_words(text: str) -> bool:
    """Whether ``text`` uses a word of demos or meetings other than about its own ones."""
    return bool(DEMO_WORDS.search(OWN_MEETING.sub(" ", text or "")))


ELABORATION_WORDS = 15  # a short question's next sentence, saying what it is about
SHORT_QUESTION_WORDS = 4  # "Is that possible?", "need a warehouse migration?": read with before
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")


# A terse note that names a price and states no amount asks for it ("cost of pilot",
# "managed ops after handover, monthly cost", "pricing for whatsapp bot").
TERSE_PRICE = re.compile(
    r"^[^\d?]{0,60}(?<!\band )\b(cost|price|pricing|fees?|rates|charges?)"
    r"(?:\s*(?:\+|&|and|/)\s*(?:duration|timeline|time|length))?"  # "price + duration for …"
    r"(?:\s+(?:of|for|on|after|per|to|with|in)\b[^\d]{0,60}|\W*)$",
    re.I,
)  # "Response times and costs" lists pains: a plural in a list names no price asked
GREETING_HOW = re.compile(r"^\W*(?:(?:mambo|sasa|niaje|hey|hi)\W+)?vipi\b\s*[!,.]", re.I)
TERSE_WORDS = 8
# ... unless it says something of the visitor's own ("our support costs are too high")
STATEMENT_WORDS = re.compile(
    r"\b(we|we'?re|our|us|i|i'?m|my|me|is|are|was|were|been|too|high|low|killing|rising|up|"
    r"down|budget)\b",
    re.I,
)


def asks(text: str) -> bool:
    """Whether ``text`` asks something."""
    text = GREETING_HOW.sub(" ", text or "")  # "Vipi! We run a shop": a greeting
    if QUESTION_RE.search(text):
        return True
    return (
        len(text.split()) <= TERSE_WORDS
        and bool(TERSE_PRICE.search(text.strip()))
        and not STATEMENT_WORDS.search(text)
    )


def question_part(text: str) -> str:
    """The sentences of ``text`` that ask something (all of it when none stands out), each
    with the statement just before it when it refers back to it ("Our patients miss their
    appointments. Have you solved that for anyone?") or is too short to stand alone ("We
    reconcile payments by hand. Possible?")."""
    from chat.knowledge import refers_back

    parts = SENTENCE_SPLIT.split(text.strip())
    asking = [asks(p) for p in parts]
    if not any(asking):
        return text
    out: list[str] = []
    for i, part in enumerate(parts):
        if not asking[i]:
            continue
        short = len(re.findall(r"[^\W\d_]+", part)) <= SHORT_QUESTION_WORDS
        if i and not asking[i - 1] and (refers_back(part) or short) and parts[i - 1] not in out:
            # "your fraud case study says 94%. sounds like fluff. how was it measured?": past
            # a remark too short to be what "it" is, the statement before it
            prev = parts[i - 1]
            if (
                i >= 2
                and not asking[i - 2]
                and len(prev.split()) <= SHORT_QUESTION_WORDS + 1
                and parts[i - 2] not in out
            ):
                out.append(parts[i - 2])
            out.append(prev)
        out.append(part)
        after = parts[i + 1] if i + 1 < len(parts) else ""
        if (
            after
            and not asking[i + 1]
            and (_short_own_context(after) or (short and len(after.split()) <= ELABORATION_WORDS))
        ):
            # "which helpdesks can it hand over to? we use freshdesk"; "any events for
            # networking? something free where I can meet AI people": what it is about
            out.append(after)
    return " ".join(out)


def _short_own_context(part: str) -> bool:
    """A few words about the visitor's own setup ("we use freshdesk", "we're on Odoo")."""
    return len(part.split()) <= 6 and bool(re.search(r"\b(we|we'?re|our|i|i'?m|my)\b", part, re.I))


def beside_request(text: str) -> str:
    """The question sentences of ``text`` that are not themselves the request for a demo,
    a meeting or a person ("Book me a demo on Tuesday. Do you integrate with Odoo?" leaves
    the second); empty when there are none."""
    from chat.intents import HUMAN_REQUEST
    from chat.meeting_time import meeting_request

    kept = [
        part
        for part in SENTENCE_SPLIT.split(text.strip())
        if asks(part)
        and not requests_meeting_words(part)
        and not HUMAN_REQUEST.search(part)
        and not meeting_request(part)
    ]
    return " ".join(kept)


# A need said as a statement ("we want to automate matching invoices to deliveries",
# "looking at fraud detection", "we get 2000 paper invoices a month"): answered with what
# the material says about it when something fits, never with "I don't know".
NEED_RE = re.compile(
    r"\b(want(s|ing)?|looking (at|for|into)|need(s|ing)?|exploring|explore|interested in|"
    r"thinking (about|of)|considering|plan(ning)? to|would like to|'d like to|hoping to|"
    r"struggl\w*|drowning|problem|pain|challenge|tunataka|tungependa|tunahitaji)\b",
    re.I,
)


def states_need(text: str) -> bool:
    """Whether ``text`` says what the visitor needs (without asking anything)."""
    found = NEED_RE.search(text or "")
    if not found or asks(text):
        return False
    before = text[: found.start()].lower().split()[-3:]  # "budget is not a challenge"
    return not any(w in ("not", "no", "never", "isn't", "aren't", "don't") for w in before)
