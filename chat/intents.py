"""The chat's intents (seed 4.1.1): labelled examples for the embedding classifier of
:mod:`ementech.ai.intents`, yes/no rules, and which agent answers each intent."""

from __future__ import annotations

import re

from chat import slots
from chat.questions import requests_meeting_words
from ementech.ai.intents import Intent, IntentClassifier, Rule

EXAMPLES: dict[str, list[str]] = {
    "greeting": [
        "hi",
        "hello there",
        "good morning",
        "hey, anyone here?",
        "hi, I have a question",
    ],
    "explore": [
        "We're looking to implement chatbots",
        "We are interested in AI for customer service",
        "we want to automate our support with AI",
        "thinking about using machine learning for demand forecasting",
        "exploring an AI assistant for our sales team",
        "we'd like to add a virtual agent to our website",
        "I want to see how AI could help my business",
    ],
    "question": [
        "What services do you offer?",
        "How does your retrieval augmented generation system work?",
        "Do you have case studies in fintech?",
        "How long does a typical implementation take?",
        "Which technologies and models do you use?",
        "What results did your clients get?",
        "Can your chatbot integrate with our CRM?",
        "Tell me about your pricing model",
        "Where is your team based?",
    ],
    "advice": [
        "How should we get started with AI?",
        "What would you recommend for a company like ours?",
        "I need to convince my boss",
        "How do I build a business case for this?",
        "Which approach is better, build or buy?",
        "What are the risks we should think about?",
    ],
    "share_info": [
        "We use Zendesk and have 5 support agents",
        "our budget is around 20k",
        "I'm the head of customer support",
        "Response times and costs",
        "We need it live by next quarter",
        "we're a logistics company with 200 employees",
        "our biggest problem is the ticket backlog",
        "we handle about 3000 tickets a month",
    ],
    "demo": [
        "Can I see a demo?",
        "I'd like to book a call",
        "Let's schedule a meeting",
        "Could we set up a demo with your team?",
        "when can we talk to someone about a demo",
        "show me what you've built",
    ],
    "human": [
        "Can I talk to a human?",
        "connect me with a real person",
        "I want to speak to someone from sales",
        "is there a person I can chat with",
        "get me a human agent please",
        "I'd rather talk to your team directly",
    ],
    "thanks": ["thanks", "thank you, that's helpful", "great, cheers", "bye", "that's all"],
}

# Which agent answers each intent (the orchestrator may override from conversation state).
AGENT_FOR = {
    "greeting": "consultant",
    "explore": "researcher",
    "question": "researcher",
    "advice": "consultant",
    "share_info": "qualifier",
    "demo": "scheduler",
    "human": "consultant",
    "thanks": "consultant",
    "affirm": "qualifier",
    "deny": "qualifier",
    "unknown": "researcher",
}


# Taking leave ("Thank you so much, have a blessed day", "ok bye", "asante, kwaheri").
CLOSING = re.compile(
    r"^\W*(ok(ay)?\W+)?(thanks?|thank you|asante|cheers)\b[^?]*\b(day|bye|evening|weekend|later|"
    r"kwaheri)\b[^?]*$|^\W*(ok(ay)?\W+)?(good)?bye\b|\bkwaheri\b|"
    r"^[^?]*\bhave a (good|great|nice|blessed|lovely|wonderful) (day|one|evening|weekend)\b[^?]*$",
    re.I,
)
_classifier: IntentClassifier | None = None


def classifier() -> IntentClassifier:
    global _classifier
    if _classifier is None:
        _classifier = IntentClassifier(
            examples=EXAMPLES,
            min_score=0.38,
            rules=[
                Rule(CLOSING, "thanks", 12),  # "ok thanks, bye" takes leave, it agrees to nothing
                Rule(slots.AFFIRM_RE, "affirm", 8),
                Rule(slots.DENY_RE, "deny", 6),
            ],
        )
    return _classifier


# Asking for a person is a request of one's own ("can I talk to someone", "put me through",
# "we'd rather speak to your team"); a question about hand-over ("how does your bot pass a
# chat to an agent?") is a question, whatever it resembles.
REQUEST_FORM = re.compile(
    r"\b(i|i'?d|i'?m|i'?ll|me|my|we|we'?d|us|our)\b|^\s*(please\s+)?(connect|put|transfer|get|"
    r"let|pass|forward|escalate|call|have|bring|send)\b|\bplease\b",
    re.I,
)


# Asking outright for a person, whatever else the message says ("The bot gives wrong
# prices. I need a human now.", "stop with the bot, put me through to an engineer",
# "please have someone from your sales team call me").
HUMAN_REQUEST = re.compile(
    r"\b(i|we)\s+(need|want|demand|would like|'d like)\s+(to (speak|talk|chat) (to|with)\s+)?"
    r"(a|an|some|the|your)?\s*(real |actual |live )?(human|person|people|someone|somebody|"
    r"engineer|agent|representative|rep|manager|colleague)\b(?! (who|that|to (build|help|"
    r"manage|run|handle)))|"
    r"\bput me (through|in touch)\b|\b(connect|transfer|escalate) me\b|"
    r"\b(speak|talk) to (a |an )?(real |actual )?(human|person|engineer)\b|"
    # "I need to speak with a member of your sales team directly"
    r"\b(i|we)\b[^.?!]{0,30}?\b(speak|talk|chat|deal)\s+(directly\s+)?(to|with)\s+"
    r"(a member of|someone (from|in|on)|somebody from|one of)?\s*(your|the)\s+([\w-]+\s+){0,2}"
    r"(team|staff|people|department|sales|engineers?|experts?|consultants?)\b|"
    r"\bhave (a member of|someone from|somebody from|one of) (your|the) ([\w-]+ ){0,3}"
    r"(team|staff|people|colleagues|department)\s+(call|contact|email|reach|phone|get in touch)|"
    r"\b(someone|somebody|a person|one of you(r people)?)\b[^.?!]{0,40}\b(call|contact|email|"
    r"reach|phone|ring|get back to)\s+(me|us)\b",
    re.I,
)


HUMAN_MARGIN = 0.05
# A hand-off read from meaning still names who is wanted.
PERSON_WORDS = re.compile(
    r"\b(humans?|person|people|someone|somebody|anyone|anybody|agents?|staff|team|sales|reps?|"
    r"representatives?|colleagues?|engineers?|consultants?|experts?|managers?|real|live|mtu|"
    r"binadamu|you guys|specialists?|founders?|ceo|md|directors?|owners?|boss|head)\b",
    re.I,
)


def classify(text: str) -> Intent:
    if HUMAN_REQUEST.search(text):
        return Intent("human", 1.0, {"human": 1.0})
    found = classifier().classify(text)
    runner_up = max((v for k, v in found.scores.items() if k != "human"), default=0.0)
    # A hand-off read only from meaning must stand out: "Your chatbot can speak French with
    # the patients?" is near "is there a person I can chat with" and nearer still a question.
    unclear = found.score - runner_up < HUMAN_MARGIN
    if found.name == "human" and (
        not REQUEST_FORM.search(text) or unclear or not PERSON_WORDS.search(text)
    ):  # "can I join remotely?" is near "a person I can chat with", and names nobody
        return _other_than("human", text, found)
    if found.name == "demo" and not requests_meeting_words(text):
        # Meaning alone is no demo request: "a patient assistant for appointment reminders.
        # Could you tell me how far in advance it sends them?" asks about reminders.
        return _other_than("demo", text, found)
    return found


def _other_than(name: str, text: str, found: Intent) -> Intent:
    """The intent ``text`` has if it is not ``name``: a question when it asks something."""
    rest = {k: v for k, v in found.scores.items() if k not in (name, "human")}
    if not rest:
        return Intent("unknown", 0.0, found.scores)
    other = "question" if slots_question(text) else max(rest, key=rest.get)
    return Intent(other, rest.get(other, found.score), found.scores)


def slots_question(text: str) -> bool:
    from chat.questions import asks

    return asks(text)
