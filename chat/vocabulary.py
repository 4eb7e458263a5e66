"""The chat's vocabulary: the Lead model's choices (budget, timeline, authority), words
for yes and no, known tools, industries, pains, authority phrases, and the questions the
assistant asks for each slot."""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")

BUDGET_CHOICES = ("<10k", "10k-50k", "50k-100k", "100k+")
# A trip of the visitor's ("I shall be in Nairobi next month"): its time is no timeline.
TRAVEL = re.compile(
    r"\b(?i:i|we)\s*(?:(?i:'ll|will|shall)\s+(?i:be\s+)?(?i:in|visiting|around in)|"
    r"(?i:'m|am|are|'re)?\s*(?i:visiting|travel(?:l?ing)? to|flying (?:in(?:to)?|to)|coming to))"
    r"\s+[A-Z]|"
    # a stay: "I'm in Amsterdam for two weeks", "we're in Kisumu until Friday"
    r"\b(?i:i'm|i am|we're|we are)\s+(?i:in)\s+[A-Z]\w+\s+(?i:for|until|till|this|next)\b"
)
TIMELINE_CHOICES = ("immediate", "1-3mo", "3-6mo", "6-12mo", "12mo+")

AFFIRM_RE = re.compile(
    r"^\s*(yes|yeah|yep|yup|sure|ok|okay|correct|right|exactly|absolutely|definitely|"
    r"of course|that works|works for us|sounds (about )?right|sounds good|that sounds|"
    r"that'?s (about )?right|that would be (great|good|helpful)|please do|go ahead|"
    r"i think so|roughly|more or less|ballpark|in that range|that aligns|fair)\b",
    re.I,
)
DENY_RE = re.compile(r"^\s*(no|nope|nah|not really|not now|no thanks|maybe later)\b", re.I)


KNOWN_TOOLS = [
    "Zendesk", "Freshdesk", "Intercom", "Salesforce", "HubSpot", "Slack", "Jira", "ServiceNow",
    "Zoho", "WhatsApp", "Excel", "Google Sheets", "Shopify", "SAP", "Odoo", "Microsoft Teams",
    "Dynamics", "Twilio", "Help Scout", "Gorgias", "Front", "Pipedrive", "Notion", "Airtable",
    "Power BI", "Tableau", "Snowflake", "BigQuery", "AWS", "Azure", "Google Cloud", "Mailchimp",
    "QuickBooks", "Xero", "Sage", "Trello", "Asana", "Monday", "Kustomer", "LiveChat", "Drift",
]  # fmt: skip

# The industry named first in a message wins, then this order: an agency is government
# before whatever it handles, a farm before the payments it makes ("farmer payments").
INDUSTRIES = {
    "government": r"government|ministry|public sector|public agency|state agency|parastatal|"
    r"\bcounty\b|\b(authority|commission|agency) (?:of|for)\b",
    "insurance": r"insurance|insurer|assurance|claims",
    "hospitality": r"hotel|hospitality|restaurant|resturant|resort|travel agency|tourism|"
    r"tour (operator|company|firm)|tours (and|&) travel|"
    r"\blodges?\b|safari|guest ?houses?|hostels?|\bcaf(e|é)s?\b|coffee (shop|house|chain)|"
    r"\b(bars?|eatery|eateries)\b|\b(our|wetu) guests\b|\bguests (wetu|wengi)\b",
    "agriculture": r"agri|farm|avocado|macadamia|harvest|crops?\b|dairy|livestock|"
    r"\bflowers?\b|\broses\b|floricultur|horticult|\btea (estate|farm|growers?)|fertili[sz]er|"
    r"\bagro|\bseeds\b|"
    r"smallholder|agrovet|\bgrain\b|fresh produce|"
    r"\b(wakulima|mkulima|kilimo|mbolea|mbegu|mifugo|shamba)\b",
    "fintech": r"fintech|lending|lender|microfinance|sacco|payments?\b|remittance|mobile money|"
    r"forex bureau|stockbrok|asset manage|pension fund|investment (firm|bank)|"
    r"credit scoring|neobank|\bbank",
    "healthcare": r"health ?care|hospital|clinic|pharma|medical|telemedicine|diagnostic|labs?\b|"
    r"\b(out|in)-?patients?\b|\bpatients\b|"
    r"dental|dentist|optician|nursing home|maternity",
    "logistics": r"logistics|shipping|freight|courier|haulage|trucks?\b|trucking|fleet|cargo|"
    r"supply chain|delivery (startup|start-up|app)|"
    r"last.?mile|boda ?bodas?|parcel deliver|delivery (company|business|service|firm)|"
    r"warehousing|clearing (?:and|&) forwarding|clearing agen|forwarding agen|customs (?:broker|"
    r"clearing|agen)|container (?:depot|terminal|freight|shipping|haulage|yard)",
    "education": r"education|edtech|schools?\b|university|e-?learning|college|polytechnic|"
    r"\btvet\b|kindergarten|training institute|academies\b|\bshule\b|\bwalimu\b|\bwanafunzi\b",
    "ngo": r"\bngo\b|non-?profit|foundation\b|charity|donor",
    "manufacturing": r"manufactur|factory|factories|cement|packaging|plant\b|fabricat|"
    r"\bwe (make|produce|manufacture)\b|\b(rolling|steel|paper|textile) mills?\b|"
    r"\bbrewer(y|ies)\b|\bbottl(ing|ers?)\b",
    "retail": r"e-?commerce|online (shop|store)|retail|supermarket|stores\b|\bshop(s|ping)?\b|"
    r"dealership|showroom|"
    r"marketplace|fashion|outlets\b",
    "telecommunications": r"telecom|telco|mobile operator|mobile network|isp\b",
    "software": r"\bsaas\b|software company|software house",
    "real estate": r"real estate|property management",
    "energy": r"energy|solar|utility|utilities",
}

PAIN_PATTERNS = [
    (r"response times?|slow (to )?respon|slow repl|slow answer|waiting times?|wait times?|"
     r"long queues?|takes? too long|take hours|takes hours|hours to (answer|reply|respond)",
     "slow response times"),
    (r"\bcosts?\b|expensive|too much money|overhead|budget pressure|fortune|overtime|pricey",
     "high costs"),
    (r"manual|repetitive|copy.?past|spreadsheets?", "manual, repetitive work"),
    (r"backlog|ticket volume|too many (tickets|requests|calls|emails)|volume",
     "high ticket volume"),
    (r"after.?hours|24/7|night|weekends?|out of hours", "no after-hours coverage"),
    (r"churn|losing customers|retention", "customer churn"),
    (r"errors?|mistakes?|inaccura", "errors and inaccuracy"),
    (r"scal(e|ing)|growth|keep up", "scaling with growth"),
    (r"leads? (qualification|go cold|fall through)|qualif(y|ying) leads|lost leads",
     "lead qualification"),
    (r"data silos?|disconnected systems|no single view|scattered data", "scattered data"),
    (r"satisfaction|csat|nps|unhappy customers|complaints?", "customer satisfaction"),
    (r"hiring|staff(ing)? shortage|turnover|burn.?out", "staffing pressure"),
    (r"reporting|visibility|insights?", "poor visibility and reporting"),
    (r"forecast", "forecasting accuracy"),
    (r"fraud", "fraud"),
]  # fmt: skip

AUTHORITY_PHRASES = [
    (r"\bi('?d| will| would)? (be )?recommend|my recommendation|recommend(ing)? (it|this) to|"
     r"follow my recommendation|convince my|need (approval|sign.?off)|my boss|"
     r"presenting (this |it )?to|\bi make (the|a) recommendation|"
     r"\b(final )?(approval|decision|sign-?off|say) (rests|lies|sits) with\b(?! (me|us|myself)\b)|"
     r"(present|pitch)(ing)? (it |this )?(to|internally)|\b(i|we) report (directly )?to\b|"
     r"gathering info|"
     r"(decision|budget) (is|sits) with|\b(md|ceo|cfo|coo|gm|director|board) (approves|decides|"
     r"signs)|build a case|\bi prepare|(committee|procurement|board|management) (decides|"
     r"approves|signs)|goes through (our|the) (board|committee|procurement|finance)|"
     # doing the paperwork for someone else's decision: "I'd prepare the proposal"
     r"\bi(?:'d|'ll| would| will| am to| have to)? (?:then )?(?:prepare|draft|write|put together|"
     r"compile)s? (?:the|a|our) (?:\w+ )?(?:proposal|business case|paper|memo|request|submission)|"
     r"\b(?:and|who) (?:would|will) (?:prepare|draft|write|put together) (?:the|a|our) "
     r"(?:\w+ )?(?:proposal|business case|paper|memo|request|submission)|"
     # "subject to budget approval by the County Assembly"
     r"\bsubject to (?:\w+ ){0,2}(?:approval|sign-?off|authori[sz]ation|endorsement) "
     r"(?:by|from|of)\b",
     "influencer"),
    (r"\bi (make (the |all the |our |final )?(\w+ )?(decisions?|call)|sign off|own|approve|"
     r"decide|control|co-?sign)|\bi'?ll sign\b(?! (?:up|in|on|out)\b)|"
     r"\bi sign\b(?! (?:up|in|on)\b)|"
     # "the budget line is mine", "I will be the one signing"
     r"\b(budget|budget line|decision|call|sign-?off|money)( \w+)? is (all )?mine\b|"
     r"\bi(?:'ll| will|'d| would|'m| am)? (?:be )?the one (?:who )?(sign|decid|approv)\w*|"
     r"my (call|decision)|\bi(?:'ve| have)?(?: got)? (?:the )?final say|final say is mine|"
     r"i'?m the decision|make the call|i make the call|"
     r"\bi(?:'?m| am) the one who (decides|signs|approves)|(?:full|the) authority to|"
     r"\bwe(?:'re| are) the (?:decision[- ]?makers?|owners?|ones who decide)|"
     r"\b(?:my|our) (?:business )?(?:partner|co-?founder|co-?owner)s? and i (?:decide|make|own|"
     r"sign|approve)|"
     r"i hold the budget|budget holder|\bn(?:in)?aamua\b|mimi ndiye (?:ninayeamua|mwenye uamuzi)|"
     # "we own it together" (a couple's business), "mimi ndio na-sign off"
     r"\bwe (?:both |jointly )?own (?:it together|the (?:business|company|shop|firm|hotel|farm)\b)|"
     r"\bmimi ndi(?:o|ye) (?:na-?|ni-?)?(?:sign|approve|decide)|"
     # "mimi ndiye mwenye duka" (I own the shop), "mimi ni mmiliki" (I am the owner)
     r"\bmimi ndiye (?:mwenye|mmiliki|boss|mkurugenzi)|\bmimi ni (?:mmiliki|mwenye)|"
     # "uamuzi ni wangu" (the decision is mine), "ni uamuzi wangu" (it's my decision)
     r"\buamuzi ni wangu\b|\bni uamuzi wangu\b",
     "decision_maker"),
    (r"i'?d (just )?be (the one )?using it|not buying it|just a user|i'?d be the one using|"
     # one of those who work in it ("one of the clerks who'll use it daily"), or using it
     # day to day as one's own part ("I'll just be using the system every day")
     r"\bone of (the|our|many|several) (\w+ ){0,2}(who|that)(?:'ll|'d)? (\w+ ){0,2}"
     r"(use|using|work in|work with|operate)\b|\bend[- ]users?\b|"
     # "I'd just be one of the people using it", "one of the staff working with it"
     r"\bone of (the|our|many|several) (\w+ ){0,2}(using|working (with|in|on)|operating) "
     r"(it|this|that|the (\w+ )?(system|tool|platform|bot|assistant))\b|"
     r"\b(i'?m|i am) not (involved|part of|in charge of) (in |with )?(the )?(purchas|buying|"
     r"procurement|decision)|"
     r"\bi(?:'ll| will|'d| would)? (just |only )?(be )?us(e|ing) (it|the \w+)( \w+)? "
     r"(every ?day|daily|day[- ]to[- ]day)",
     "user"),
]  # fmt: skip


# --- what to ask next --------------------------------------------------------------------

QUESTIONS: dict[str, list[str]] = {
    "tech_stack": [
        "What's your current setup like: which tools does the team use today?",
        "How do you handle this today, and with which tools?",
    ],
    "pain_points": [
        "And what's the main challenge you're hoping to solve?",
        "What's the biggest thing slowing the team down right now?",
    ],
    "budget": [
        "Typically, companies invest $15k-50k in a solution like this. Does that align with "
        "your expectations?",
        "Projects like this usually land between $15k and $50k. Is that roughly the range you "
        "had in mind?",
    ],
    "timeline": [
        "When are you looking to get something live?",
        "Is there a date you're working towards for this?",
    ],
    "role": [
        "So I can point you at the right material: what's your role on the team?",
        "Which part of the business do you look after?",
    ],
    "email": [
        "What's the best email to send the details to?",
        "Where should I send the details: what's your email?",
    ],
    "name": ["And what name should I put on it?", "Who should I say the meeting is with?"],
    "company": ["Which company are you with?", "And what's the company called?"],
}
PROPOSED_BUDGET = "10k-50k"
QUALIFY_ORDER = ["tech_stack", "pain_points", "budget", "timeline", "role"]
CONTACT_ORDER = ["email", "name", "company"]


def missing(profile: dict, order: list[str], asked: dict[str, int], max_asks: int = 2) -> list[str]:
    """Slots in ``order`` not yet known and not already asked ``max_asks`` times."""
    out = []
    for slot in order:
        if slot == "tech_stack" and (profile.get("tech_stack") or profile.get("team_size")):
            continue
        if profile.get(slot):
            continue
        if asked.get(slot, 0) >= max_asks:
            continue
        out.append(slot)
    return out


def question_for(slot: str, variant: int = 0) -> str:
    options = QUESTIONS[slot]
    return options[variant % len(options)]


def qualification_progress(profile: dict) -> float:
    keys = ["pain_points", "budget", "timeline", "authority", "email", "company"]
    return round(sum(1 for k in keys if profile.get(k)) / len(keys), 2)


def describe(values: dict) -> str:
    """A short acknowledgement of what was just understood ("Zendesk, a team of 5")."""
    bits = []
    if values.get("tech_stack"):
        bits.append(", ".join(values["tech_stack"]))
    if values.get("team_size"):
        bits.append(f"a team of {values['team_size']}")
    if values.get("pain_points"):
        bits.append(" and ".join(values["pain_points"][:2]))
    if values.get("timeline"):
        bits.append(
            {
                "immediate": "an immediate start",
                "1-3mo": "a launch in the next 1-3 months",
                "3-6mo": "a 3-6 month horizon",
                "6-12mo": "a 6-12 month horizon",
                "12mo+": "a longer horizon",
            }[values["timeline"]]
        )
    if values.get("role"):
        bits.append(values["role"])
    return "; ".join(bits)


# --- words that are no company: slot filling of names and companies -----------------------
WEEKDAY_WORDS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
# A reply that only acknowledges ("Sawa.", "Perfect, …"): never a name, company or role.
ACK_WORDS = {
    "ok", "okay", "ok then", "sawa", "sawa sawa", "poa", "safi", "fiti", "perfect", "great",
    "thanks", "thank you", "thanks a lot", "asante", "asante sana", "sure", "fine", "cool",
    "noted", "alright", "all right", "yes", "yeah", "yep", "ndio", "hi", "hello", "hey",
    "good", "nice", "awesome", "excellent", "wonderful", "helpful", "karibu", "got it",
    "understood", "right", "lovely", "brilliant", "super",
}  # fmt: skip

# Currency codes and signs typed before an amount ("at GBP 250k"): never a company.
CURRENCY_CODES = {
    "USD", "US", "KES", "KSH", "Ksh", "KShs", "GBP", "EUR", "UGX", "TZS", "RWF", "NGN",
    "ZAR", "ETB", "GHS", "ZMW", "MWK", "BIF", "CDF", "XOF", "XAF", "AED", "INR", "CAD",
}  # fmt: skip

NOT_COMPANY_FIRST = {
    "I", "I'd", "I'm", "I'll", "I've", "We", "The", "Our", "Thursday", "Friday", "Monday",
    "Tuesday", "Wednesday", "Saturday",
    "Sunday", "Nairobi", "Mombasa", "Kenya", "Lagos", "London", "Kigali", "Kampala", "Machakos",
    "Zanzibar", "Kericho", "Strathmore", "Athi", "Hi", "Hello", "Good", "OK", "Ok", "Morning",
    "Great", "Thanks", "Thank", "Habari", "Niaje", "Bonjour", "Helo", "Hallo", "Sure", "Yes",
    "Book", "Budget", "Email", "My", "Let", "Please", "Can", "Do", "Does", "What", "How",
    "SACCO", "NGO", "ICT", "IT", "MD", "GM", "CEO", "CTO", "COO", "CFO", "East", "UK",
    "Africa", "Swahili", "English", "Sheng", "WhatsApp", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December",
    *CURRENCY_CODES,
}  # fmt: skip


PLACES = {
    "Nairobi", "Mombasa", "Kenya", "Lagos", "London", "Kigali", "Kampala", "Machakos",
    "Zanzibar", "Kericho", "Athi", "East", "Africa", "UK", "Kisumu", "Nakuru", "Eldoret",
    "Thika", "Nyeri", "Meru", "Malindi", "Naivasha", "Kitale", "Garissa", "Embu", "Kakamega",
    "Uganda", "Tanzania", "Rwanda", "Ethiopia", "Nigeria", "Ghana", "Dar", "Arusha", "Addis",
    "Accra", "Johannesburg", "Cairo", "Dubai", "Kinshasa", "Juba", "Mogadishu", "Lusaka",
}  # fmt: skip
PERIOD_RE = re.compile(r"Q[1-4]|H[12]|FY\d{0,4}", re.I)
BUSINESS_NOUN = re.compile(
    r"(services|ltd|limited|plc|bank|group|logistics|foods?|hospital|clinic|traders|trading|"
    r"holdings|enterprises|company|co|sacco|motors|airways|cement|breweries|insurance|"
    r"assurance|pharma(cy|ceuticals)?|farms?|exporters|industries|solutions|systems|"
    r"technologies|tech|labs?|media|energy|power|port|school|academy|university|college|"
    r"hospitals|clinics|schools|mills?|millers|bakery|bakers|brewers|distributors|suppliers|"
    r"supplies|hardware|wholesalers?|retailers?|stores|mart|supermarkets?|hotels?|resorts?|"
    r"lodges?|properties|realty|estates|construction|builders|engineering|consult(ants|ing)|"
    r"partners|associates|ventures|capital|finance|credit|microfinance|agency|agencies|"
    r"transporters?|transport|haulage|couriers?|express|movers|cargo|freight|shipping|"
    r"airlines?|networks?|telecom|communications|studios?|printers|textiles|garments|apparel|"
    r"fashions?|cosmetics|beverages|dairy|dairies|agro|agri|agritech|fintech|healthtech|edtech|"
    r"health|healthcare|medical|diagnostics|pharmacies|living|homes|parcels|deliveries|"
    r"interiors|furniture|auto|automotive|electronics|digital|software|labs|kitchens?|"
    r"restaurants?|cafe|grill|foundation|trust|ngo|initiative|network|collective)\.?",
    re.I,
)
