"""Slot filling, the people part: role, authority and the visitor's name, read from their
own words (``chat.slots`` re-exports these for callers; the company is ``chat.slots_company``)."""

from __future__ import annotations

import re

from chat.vocabulary import (
    ACK_WORDS,
    BUSINESS_NOUN,
    EMAIL_RE,
    INDUSTRIES,
    KNOWN_TOOLS,
    NOT_COMPANY_FIRST,
    PLACES,
    WEEKDAY_WORDS,
)


def extract_industry(text: str) -> str | None:
    """The visitor's industry (first match in :data:`INDUSTRIES`' order); a body named
    "... Authority", "... Bureau" or "... Ministry" ("Kenya Ports Authority") is a public one."""
    if re.search(r"\b[A-Z][\w&\-]+ (?:Authority|Bureau|Ministry|Commission)\b", text):
        return "government"
    # "Irembo Labs", "Kilele Lab": a name's last word, not a laboratory
    t = re.sub(r"\b[A-Z][\w&'\-]* Labs?\b", " ", text).lower()
    found = []
    for order, (label, pattern) in enumerate(INDUSTRIES.items()):
        if m := re.search(pattern, t):
            found.append((m.start(), order, label))
    # the industry named first ("an NGO working with farmers" is an NGO), then the order
    return min(found)[2] if found else None


# A capitalised word of a name, accented ("Hélène") or hyphenated ("Jean-Paul") too.
NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'\-]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ']+)?"

TITLE_RE = re.compile(
    r"\b((?:co-?founder(?: and| &)? )?(?:ceo|cto|cio|coo|cfo|cmo)|chief [a-z]+ officer|"
    r"product owner|(?:co-?)?founder|owner|managing director|general manager|president|\bgm|\bmd|"
    r"(?:vp|vice president|director|head) (?:of|for) (?!the\b|our\b|a\b)[a-z&\-]+"
    r"(?: (?!at\b|in\b|with\b|and\b|for\b)[a-z&\-]+)?|"
    r"(?:senior |regional |deputy |assistant |group |chief )?"
    r"(?:it|ict|marketing|sales|product|project|programme|program|operations|ops|category|"
    r"customer experience|customer service|customer support|support|finance|financial|hr|"
    r"human resources|procurement|purchasing|account|office|country|general|data|engineering|"
    r"medical|clinical|nursing|commercial|technical|technology|digital|e-?commerce|online|"
    r"branch|store|retail|logistics|supply chain|fleet|transport|credit|risk|compliance|legal|"
    r"quality|plant|factory|production|admin|administration|communications?|partnerships?|"
    r"growth|business development|innovation|strategy|transformation|contact cent(?:re|er)|"
    r"call cent(?:re|er)|service desk|help ?desk|training|academic|research|security|"
    r"e-?learning|brand|content|executive|national|program|portfolio|practice|warehouse)"
    r" (?:manager|lead|officer|director|head|specialist|analyst|agent|coordinator|"
    r"administrator|executive|supervisor)|"
    r"(?:managing |executive |technical )?director|(?<!line )manager|"
    r"customer care agent|support agent|(?:msc|phd|mba|university) student|student|researcher|"
    r"intern|trainee|attach(?:é|e)e|reporter|journalist|correspondent|"
    r"(?:software |data |ml )?(?:engineer|(?<!property )(?<!estate )developer|dev|scientist|"
    r"analyst)|"
    r"consultant)\b",
    re.I,
)
AUTHORITY_OF_TITLE = [
    (r"product owner", "influencer"),
    (r"ceo|cto|cio|coo|cfo|cmo|chief|founder|owner|managing director|general manager|\bgm\b|\bmd\b|"
     r"president|director|\bvp\b|vice president|head", "decision_maker"),
    (r"manager|lead|officer|coordinator", "influencer"),
    (r"agent|engineer|developer|\bdev\b|scientist|analyst|specialist|student|researcher|"
     r"intern|trainee|attach|reporter|journalist|correspondent|"
     r"consultant",
     "user"),
]  # fmt: skip
# "I'm Mary, the marketing lead at …": the title after one's own name is one's own.
OWN_NAME_THEN_THE = re.compile(
    r"\b(?:i'?m|i am|this is|my name is|name'?s)\s+" + NAME_WORD + r"(?:\s+" + NAME_WORD + r")?,\s*"
    r"the\s+$",
    re.I,
)
NOT_MINE = re.compile(r"\b(our|my|the|to|with|by|your|their|his|her)\s+$", re.I)
HEAD_UP = re.compile(r"\bi(?:'?m| am)? (?:head(?: up)?|run|lead|manage|in charge of) "
                     r"((?:the |our )?[a-z ]{2,30}?)\b"
                     r"(?= at | for |[,.;]|$)", re.I)  # fmt: skip


# A title followed by what that person did or said is someone else's ("CFO just told me",
# "CEO wants", "the MD approved it").
SOMEONE_SPEAKS = re.compile(
    r"\s+(?:just |already |also |has |had |then )?(?:told|tells|said|says|asked|asks|wants|wanted|"
    r"approved|approves|decided|decides|signed|signs|agreed|agrees|thinks|thought|insists|"
    r"insisted|mentioned|suggested|suggests|confirmed|confirms|needs|needed|gave|gives|"
    r"is (?:ok|okay|fine|happy)|'s (?:ok|okay|fine|happy))\b",
    re.I,
)


# "I'm doing my MSc thesis on …": one's own coursework makes one a student
STUDY_WORK = re.compile(
    r"\bmy (?:(?:msc|phd|masters?|mba|bsc|final[- ]year|undergrad\w*)\s+)?(?:thesis|"
    r"dissertation|research project|school project|class project|coursework|capstone)\b",
    re.I,
)


def extract_role(text: str) -> tuple[str, str] | None:
    """(role as the visitor wrote it, authority implied by the title) for their own role:
    "I'm Head of Customer Support at …", "CEO, Shamba Fresh", never "our COO who signs off"."""
    for m in TITLE_RE.finditer(text):
        before = text[: m.start()]
        if (
            NOT_MINE.search(before)
            and not re.search(r"\b(i'?m|i am|as)\s+the\s+$", before, re.I)
            and not OWN_NAME_THEN_THE.search(before)
        ):
            continue
        if re.search(r"\b(with|to|for)\s+(a|an)\s+(real |actual |proper |good )?$", before, re.I):
            continue
        if SOMEONE_SPEAKS.match(text[m.end() :]):  # "CFO just told me…": their title
            continue
        role = m.group(1).strip()
        if role.lower() in ("manager", "director") and not re.search(
            r"\b(i'?m|i am|as|work as|i work as)\s+(a|an|the)?\s*$", before, re.I
        ):  # a bare title is one's own only when said so ("quotes for my manager")
            continue
        role = re.sub(r"\s+(at|of|for|in)$", "", role, flags=re.I)
        head = re.match(r"(head|director|vp|vice president)( of| for)? ", role, re.I)
        if head and re.search(r"\b(at|and|in|with)$", role, re.I):
            role = role.rsplit(" ", 1)[0]
        authority = next(
            (a for p, a in AUTHORITY_OF_TITLE if re.search(p, role, re.I)), "influencer"
        )
        return role, authority
    m = HEAD_UP.search(text)
    if m and not re.search(
        r"\b(chain|company|business|fleet|shop|store|place|show|outfit|firm|org|organi[sz]ation|"
        r"operation|thing|things|it|this|that|everything|errands)\b",
        m.group(1),
        re.I,
    ):
        area = re.sub(r"^(the|our) ", "", m.group(1).strip(), flags=re.I)
        return f"Head of {area}", "decision_maker"
    if STUDY_WORK.search(text):
        return "student", "user"
    return None


NOT_NAMES = {
    "looking", "interested", "the", "a", "an", "from", "at", "in", "with", "here", "just",
    "not", "currently", "working", "trying", "based", "responsible", "happy", "good", "fine",
    "convinced", "sorry", "thinking", "ready", "only", "really", "also", "still", "head",
    "owner", "founder", "ceo", "cto", "coo", "it", "ict", "marketing", "so", "afraid",
    # a rank before a function ("I'm VP Risk", "I'm SVP Ops"): a title, not a name
    "vp", "svp", "evp", "avp", "cfo", "cio", "cmo", "director", "manager", "chief", "senior",
}  # fmt: skip
NAME_LEAD = re.compile(
    r"(?i:\bmy name is|(?<!company )(?<!business )(?:\bname'?s|\bname is|\bname:)|\bi'?m|\bi am|"
    r"\bthis is|\bcall me|"
    r"\bmimi ni|\bnaitwa|\bninaitwa|\bjina langu ni|\bjina ni|\bit'?s)\s+"
    r"((?i:dr\.?|mr\.?|mrs\.?|ms\.?|prof\.?|eng\.?)?\s*[A-Z][\w'\-]+"
    r"(?:\s+[A-Z][\w'\-]+){0,2})",
)


def extract_name(text: str, asked: bool = False) -> str | None:
    """A person's name the visitor gives for themselves ("I'm Achieng Otieno", "name
    Okello James", "Mimi ni Wambui Njeri"), parsed with nameparser; titles dropped."""
    from ementech.ai.parsers import person_name

    for m in NAME_LEAD.finditer(text):
        words = m.group(1).split()
        while words and words[-1].lower() in {"and", "from", "at", "of", "the", "ceo", "coo"}:
            words.pop()
        if not words or words[0].lower().strip(".") in NOT_NAMES:
            continue
        if TITLE_RE.fullmatch(" ".join(words)) or extract_industry(" ".join(words)):
            continue
        name = person_name(" ".join(words))
        if name:
            return name
    m = re.search(r"\bname\s+([A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+){0,2})", text)
    if m:
        return person_name(m.group(1))
    if name := lower_case_name(text):
        return name
    if name := signed_name(text):
        return name
    if name := name_beside_email(text):
        return name
    if name := appositive_name(text):
        return name
    if name := contact_name(text):
        return name
    if asked:
        bare = EMAIL_RE.sub("", text).strip(" .!,")
        bare = re.sub(r"^(it'?s|i'?m|name:?|sure,?|ok,?)\s+", "", bare, flags=re.I)
        return None if bare.lower() in ACK_WORDS else person_name(bare)
    return None


# A name typed in lower case after a cue that can only introduce one ("my name is ian
# otieno", "naitwa wanjiru kamau"): the words up to a comma, a full stop or a plain word.
NAME_STOP = r"(?:and|from|at|of|with|here|na|wa|kutoka|i|im|i'm|email|phone|company|but|so)\b"
LOWER_NAME = re.compile(
    r"(?i:\bmy name is|\bmy name'?s|\bnaitwa|\bninaitwa|\bjina langu ni|\bjina ni)\s+"
    r"((?!" + NAME_STOP + r")[a-z][a-z'\-]+(?:\s+(?!" + NAME_STOP + r")[a-z][a-z'\-]+){0,2})"
    r"(?=\s*(?:[,.;!?]|$)|\s+" + NAME_STOP + r")"
)


def lower_case_name(text: str) -> str | None:
    """A name typed in lower case after "my name is" (or Swahili "naitwa"), title-cased."""
    from ementech.ai.parsers import person_name

    m = LOWER_NAME.search(text)
    if not m or any(w in NOT_NAMES or w in ACK_WORDS for w in m.group(1).split()):
        return own_address_name(text)
    return person_name(m.group(1))


# Shared mailboxes ("this is procurement from …, procurement@…"): a desk, not a person.
ROLE_MAILBOXES = {
    "info", "admin", "procurement", "accounts", "sales", "support", "hello", "contact",
    "office", "ops", "operations", "hr", "finance", "it", "team", "enquiries", "marketing",
    "billing", "careers", "jobs", "noreply", "reception", "help", "service", "customercare",
}  # fmt: skip
SELF_CUE = re.compile(r"\b(?:i'?m|im|i am|this is|it'?s)\s+([a-z][a-z'\-]+)\b", re.I)


def own_address_name(text: str) -> str | None:
    """A name typed in lower case after "im"/"this is" that the visitor's own email address
    spells ("salma@kizimkazibeach.co.tz im salma"): only then is the word a name and not a
    state ("im ready", "this is urgent")."""
    from ementech.ai.parsers import person_name

    locals_ = {
        piece
        for m in EMAIL_RE.finditer(text)
        for piece in re.split(r"[._\-+\d]+", m.group(0).split("@")[0].lower())
        if len(piece) >= 3
    }
    for m in SELF_CUE.finditer(text):
        word = m.group(1).lower()
        if word in locals_ and word not in NOT_NAMES and word not in ROLE_MAILBOXES:
            return person_name(m.group(1))
    return None


PERSON_WORDS = NAME_WORD + r"(?:\s+" + NAME_WORD + r"){0,2}"
SIGNED = [
    # "Fatuma here, …", "Hi, Mercy Wanjiru here"
    re.compile(r"(?:^|[.!,;:]\s*|\b(?i:hi|hello|hey)\s+)(" + PERSON_WORDS + r")\s+here\b"),
    # "Hi, Mercy Wanjiru, procurement at …", "Hello - Kofi Mensah from …": a greeting, then
    # two or three capitalised words and a comma, dash or "from"
    re.compile(
        r"^\s*(?i:hi|hello|hey|good (?:morning|afternoon|evening|day)|greetings|habari|"
        r"hallo|niaje|sasa|dear \w+)[\s,!.\-–]+(?i:it'?s\s+|this is\s+)?"
        r"(" + NAME_WORD + r"(?:\s+" + NAME_WORD + r"){1,2})\s*(?:,|-|–|\bfrom\b|\(|$)"
    ),
    # "… Regards, Mercy Wanjiru", "Thanks, Kofi" at the end, or before a signature's title
    # ("Kind regards, Brian Ochieng | Operations Manager")
    re.compile(
        r"\b(?i:regards|thanks|thank you|cheers|best|asante|kind regards)[,!]?\s+("
        + PERSON_WORDS
        + r")\s*(?:[.!]?\s*$|[|/]|\s[-–]\s)"
    ),
]


EMAIL_CUES = re.compile(
    r"^(?:(?:and|so|ok|okay|sure|yes|please|also)\s+)*(?:(?:my|the)\s+)?(?:(?:e-?mail|mail|"
    r"address|contact)\b)?\s*(?:(?:is|address)\b|:)?\s*(?:(?:i'?m|i am|this is|it'?s|name'?s|"
    r"name is|my name is|mimi ni|jina langu ni)\b)?\s*",
    re.I,
)


def name_beside_email(text: str) -> str | None:
    """A name written just before an email whose address holds one of its words ("Neema
    Mushi, neema.mushi@…", "thabo molefe, thabo.molefe@…", "Sipho Ndlovu. sipho@…")."""
    from ementech.ai.parsers import person_name

    for m in EMAIL_RE.finditer(text):
        local = re.sub(r"[^a-z]", " ", m.group(0).split("@")[0].lower())
        segments = [
            seg.strip(" -–()")
            for seg in re.split(r"[.;:!?\n,]|\s[-–]\s", text[: m.start()])
        ]  # fmt: skip
        for seg in reversed(segments[-3:]):
            part = EMAIL_CUES.sub("", seg).strip()
            if not part:
                continue
            words = part.split()
            if (
                1 <= len(words) <= 3
                and all(re.fullmatch(r"(?:[^\W\d_]|['\-])+", w) for w in words)
                and any(
                    len(w) >= 3
                    and w.lower() in local.split() + [local.replace(" ", "")]
                    or (len(w) >= 3 and w.lower() in local)
                    for w in words
                )  # fmt: skip
                and not any(w.lower() in NOT_NAMES for w in words)
            ):
                return person_name(part)
            domain = re.sub(r"[^a-z]", "", m.group(0).split("@")[1].split(".")[0].lower())
            if re.sub(r"[^a-z]", "", part.lower()) != domain:
                break  # the company the address belongs to may stand between them
    return None


def signed_name(text: str) -> str | None:
    """A name the visitor signs with ("Fatuma here", "Hi, Mercy Wanjiru, …", "…
    Regards, Kofi"), when the words are not a company (legal suffix or business noun), a
    place, a tool, a weekday, a title or an industry."""
    from ementech.ai.parsers import person_name

    for pattern in SIGNED:
        for m in pattern.finditer(text):
            part = m.group(1)
            if not could_be_person(part):
                continue
            if name := person_name(part):
                return name
    return None


def could_be_person(part: str) -> bool:
    """Not a company (legal suffix or business noun), a place, a tool, a weekday, a title
    or an industry."""
    from ementech.ai.parsers import company_core

    words = part.split()
    return bool(words) and not (
        words[0] in NOT_COMPANY_FIRST
        or words[0].lower() in NOT_NAMES
        or any(w in PLACES or w in KNOWN_TOOLS or w in WEEKDAY_WORDS for w in words)
        or any(BUSINESS_NOUN.fullmatch(w) for w in words)
        or company_core(part) != part.strip()
        or extract_industry(part)
        or TITLE_RE.search(part)
    )


PHONE_LIKE = re.compile(r"\+?\d[\d ()\-]{6,}\d")
TITLE_CASE_NAME = re.compile(NAME_WORD + r"(?:\s+" + NAME_WORD + r"){1,2}")


# Speaking of one's name ("surname is Njuguna, Paul Njuguna"): a name may stand alone.
NAME_TALK = re.compile(r"\b(surname|last name|first name|family name|full name|jina)\b", re.I)


def contact_name(text: str) -> str | None:
    """A name standing on its own among contact details ("Friday morning. Mary Atieno,
    mary@…", "…, +27 82 555 0147. Thandi Nkosi."): in a message that gives an email or a
    phone, a piece between punctuation that is two or three capitalised words and could be
    a person's name."""
    from ementech.ai.parsers import person_name

    if not (EMAIL_RE.search(text) or PHONE_LIKE.search(text) or NAME_TALK.search(text)):
        return None
    rest = PHONE_LIKE.sub(" | ", EMAIL_RE.sub(" | ", text))
    for part in re.split(r"[|.;,:/()!?\n]|\s[-–]\s", rest):
        # "Jean-Paul Habimana from Simba Markets": the person before where they work
        part = re.sub(r"\s+(?:from|at|of|with)\s+[A-Z][\w&'\-]*(?:\s+[A-Z][\w&'\-]*){0,5}$", "",
                      part.strip())  # fmt: skip
        if (
            TITLE_CASE_NAME.fullmatch(part)
            and could_be_person(part)
            and not re.search(r"\b(?:Name|Date|Birth|Number)\b", part)  # form fields
        ):
            return person_name(part)
    return None


APPOSITIVE = re.compile(
    r"^(?i:dr\.?|mr\.?|mrs\.?|ms\.?|prof\.?|eng\.?)?\s*"
    + NAME_WORD
    + r"(?:\s+"
    + NAME_WORD
    + r"){1,2}$"
)


def appositive_name(text: str) -> str | None:
    """A name set beside the visitor's own role, between commas: "I am the IT manager,
    Peter Kamau, ..." or "Amina Yusuf, head of sales at ...". Not a company (no legal
    suffix, cleanco), a place, a tool or an industry."""
    from ementech.ai.parsers import company_core, person_name

    parts = [p.strip() for p in re.split(r"[,;:()]|(?<=[.!?])\s+|\s+-\s+", text)]
    for i, part in enumerate(parts):
        if not APPOSITIVE.match(part):
            continue
        words = part.replace(".", " ").split()
        if (
            words[0] in NOT_COMPANY_FIRST
            or any(w in KNOWN_TOOLS or w in WEEKDAY_WORDS for w in words)
            or company_core(part) != part.strip()
            or extract_industry(part)
            or TITLE_RE.search(part)
        ):
            continue
        before = parts[i - 1] if i > 0 else ""
        after = parts[i + 1] if i + 1 < len(parts) else ""
        own_role = bool(
            (TITLE_RE.search(before) and re.search(r"\b(i'?m|i am|as|my|here)\b", before, re.I))
            or re.match(r"(?:the |a )?" + TITLE_RE.pattern, after, re.I)
        )
        if own_role:
            return person_name(part)
    return None
