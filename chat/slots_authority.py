"""Who decides: the visitor's purchasing authority read from what they say ("I sign off",
"our GM has the final say", "I'd need the board to approve"), from their title, and by the
embedding classifier's examples when no phrase settles it. Re-exported by
:mod:`chat.slots` and :mod:`chat.slots_people`."""

from __future__ import annotations

import re

from chat.vocabulary import AUTHORITY_PHRASES

AUTHORITY_EXAMPLES = {
    "decision_maker": [
        "I decide on this myself",
        "the final decision is mine",
        "I approve the spending",
        "I hold the budget and sign the contract",
        "it's my call",
    ],
    "influencer": [
        "my manager makes the decision",
        "the board has to approve it",
        "I will recommend it to my boss",
        "someone above me signs off",
        "I need to get approval first",
    ],
    "user": [
        "I would just be using the tool",
        "I'm not involved in buying decisions",
        "I only use the system day to day",
    ],
}
# Words that say the sentence is about who decides (the classifier reads only those).
DECIDING = re.compile(
    r"decid|decision|sign(?!\s*(?:up|in|on|out)\b)|approv|cheque|check|final say|authori[sz]|"
    r"budget holder|purchas|"
    r"buying|in charge|the call\b|boss|superior|management|board",
    re.I,
)
_authority_classifier = None
# "Budget's approved already", "the project was signed off": done by nobody named
PASSIVE_APPROVAL = re.compile(
    r"\b(is|was|been|'s|are|were|got|get|gets|already|now|fully)\s+(?:already\s+|now\s+)?"
    r"(approved|signed(?: off)?|authori[sz]ed|green-?lit|ring-?fenced|allocated|confirmed)\b",
    re.I,
)


# Who a sentence about deciding says decides: a deciding word, and whose it is.
DECIDE_WORD = re.compile(
    r"\b(decid\w*|decision|approv\w*|sign(s|ed|ing)?(?! (?:\w+ )?(?:up|in|on|out)\b)|sign-?off|"
    r"final (say|word|call)|call the shots|green[\s-]?light\w*|go-?ahead|veto|authori[sz]\w*|"
    r"purchas\w*|budget holder|(own|hold|control|manage)s? the (budget|money|purse)|"
    r"(my|his|her|their) call|the call)\b",
    re.I,
)
SOMEONE_ELSE = re.compile(
    r"\b(?:my|our|the)\s+(?:\w+\s+)?(boss|manager|director|md|ceo|cfo|coo|cto|gm|board|"
    r"committee|management|partners?|owners?|founders?|principal|chair(?:man|person)?|head|"
    r"superiors?|trustees|council|executive|exco|leadership|finance|procurement|headteacher|"
    r"bosses|shareholders|investors|parent company|hq|head office)\b|\b(he|she|they)\b",
    re.I,
)
ASKING_SOMEONE = re.compile(
    r"\b(run (it|this|that) (by|past)|(take|bring|put|send|table) (it|this|that) (to|before)|"
    r"check(ing)? with|get (the )?(approval|sign-?off|"
    r"go-?ahead|green ?light)|need (the |their |his |her )?(approval|sign-?off|ok)|"
    r"(seek|get|getting|need|needs) (\w+ )?approv\w*|present(ing)? (it |this )?to|pitch(ing)?|"
    r"recommend\w*|(collecting|gathering|getting|compiling) (quotes|info\w*|options|details)"
    r"(?: \w+){0,2} for (my|our)|on behalf of (my|our)|convince|escalate|"
    # doing the legwork for a superior: "preparing a shortlist for my boss"
    r"\bfor (my|our) (boss|manager|line manager|director|md|ceo|cfo|coo|board|management|"
    r"team lead|superiors?|principal|head|partners?)\b|"
    # someone else's word is needed: "I'd need our CEO's sign-off", "subject to the board's OK"
    r"\b(need|needs|require|requires|get|getting|subject to|pending|wait(ing)? for)\s+"
    r"(?:(?:the|our|my|their)\s+)?(?:\w+\s+){0,2}\w+'s\s+(approval|sign-?off|go-?ahead|ok|"
    r"okay|blessing|green ?light|signature|nod)\b|"
    # someone else to act: "I'd need our country director to approve anything"
    r"\b(need|needs|needed|require|requires|get|getting|wait(?:ing)? for|ask|asking)\s+"
    r"(?:(?:the|our|my|their)\s+)?(?:\w+\s+){0,2}\w+\s+to\s+(approve|sign|decide|ok|okay|"
    r"green-?light|authori[sz]e|endorse)\b|"
    # passing it up: "I'd pass this to our CEO", "I'll forward it to the board"
    r"\b(pass|hand|forward|refer|send) (it|this|that|these)( \w+)? (on |up |over )?to\b)",
    re.I,
)
OTHERS_DECIDE = re.compile(
    r"\b(has to|have to|must|will|would|needs? to) (decide|approve|sign)|"
    r"\b(has|have|holds?|gets?) (the )?(final|last) (say|word|call)|"
    r"\b(decides|approves|signs|does)\b|\b(goes|go|sits|is|rests|lies) (to|with)\b",
    re.I,
)
FIRST_PERSON = re.compile(r"\b(i|i'?m|i'?d|i'?ll|i'?ve|me|mine|myself)\b", re.I)
NOT_MINE_TO_DECIDE = re.compile(
    r"\b(i|i'?m)\s+(do ?n[o']?t|don'?t|can'?t|cannot|am not|'?m not|not)\s+(\w+\s+)?"
    r"(decide|sign|approve|the (one|decision))|not (my|up to me)|"
    r"\bnot (the|a) (final )?(decision[- ]?maker|one who (decides|signs|approves))",
    re.I,
)


def authority_stated(text: str) -> str | None:
    """Who decides, read from whose deciding word it is: the visitor's own ("I'd sign
    this", "the final word is mine", "I approve payments") is a decision maker; someone
    else's, or the visitor taking it to someone ("our board has the final word", "I'll run
    it by our board", "collecting quotes for my manager"), an influencer."""
    for clause in re.split(
        r"(?<=[.!?;])\s+|,\s*(?:but|though|although|so|and)?\s*|\s+but\s+", text
    ):
        asking = ASKING_SOMEONE.search(clause)
        deciding = DECIDE_WORD.search(clause)
        if not asking and not deciding:
            continue
        if NOT_MINE_TO_DECIDE.search(clause):
            return "influencer"
        other = SOMEONE_ELSE.search(clause)
        if asking and (other or FIRST_PERSON.search(clause)):
            return "influencer"
        if (
            other
            and OTHERS_DECIDE.search(clause)
            and not re.search(r"\bi'?m the one|\bi am the one", clause, re.I)
        ):
            return "influencer"
        if not deciding:
            continue
        mine = FIRST_PERSON.search(clause)
        if other and (not mine or other.start() < mine.start()):  # "our CEO decides, I advise"
            return "influencer"
        if mine:
            return "decision_maker"
    return None


def extract_authority(text: str) -> str | None:
    """Who decides, from the vocabulary's phrases, then from whose deciding word it is
    (:func:`authority_stated`), else (for a sentence about deciding that both miss) the
    nearest labelled example in embedding space."""
    global _authority_classifier
    for pattern, authority in AUTHORITY_PHRASES:
        if re.search(pattern, text, re.I):
            return authority
    if stated := authority_stated(text):
        return stated
    parts = [
        p
        for p in re.split(r"(?<=[.!?;])\s+|,\s+", text)
        if DECIDING.search(p) and not (PASSIVE_APPROVAL.search(p) and not FIRST_PERSON.search(p))
    ]
    if not parts:
        return None
    from ementech.ai.intents import IntentClassifier

    if _authority_classifier is None:
        _authority_classifier = IntentClassifier(examples=AUTHORITY_EXAMPLES, min_score=0.5)
    for part in parts:
        found = _authority_classifier.classify(part)
        runner_up = sorted(found.scores.values())[-2]
        if found.name != "unknown" and found.score - runner_up >= 0.1:  # a clear nearest
            return found.name
    return None
