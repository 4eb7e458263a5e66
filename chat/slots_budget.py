"""Budgets read from a visitor's words: amounts in any currency the site's visitors use,
converted to US dollars by the one rate table (``USD_PER``) and put in the Lead model's
buckets; replies to a range we proposed ("a bit steep", "half that"); approval limits and
counts of things that are no budget. Re-exported by :mod:`chat.slots`."""

from __future__ import annotations

import re

from chat.vocabulary import AFFIRM_RE, BUDGET_CHOICES

# The one rate table: US dollars per unit of each currency a visitor may state a budget in,
# so that "KES 4M", "£30k", "R600k" or "2.5M bob" land in the same USD buckets
# (<10k, 10k-50k, 50k-100k, 100k+) as dollar amounts. Rounded mid-2025 rates: a bucket is
# 5x wide, so a few per cent of drift never moves a budget; update them here only.
USD_PER = {
    "USD": 1.0, "": 1.0, "KES": 1 / 129, "GBP": 1.27, "EUR": 1.08, "NGN": 1 / 1550,
    "ZAR": 1 / 18, "AED": 0.27, "UGX": 1 / 3700, "TZS": 1 / 2600, "RWF": 1 / 1400,
    "ETB": 1 / 130, "GHS": 1 / 15, "CAD": 0.73, "AUD": 0.65, "INR": 1 / 84,
    # more African currencies (approximate mid-2025): Zambian kwacha, Egyptian pound,
    # Malawian kwacha, CFA franc (XOF/XAF, pegged to the euro), Congolese franc, Botswana
    # pula, Moroccan dirham, Mozambican metical, Namibian dollar (pegged to the rand)
    "ZMW": 1 / 27, "EGP": 1 / 50, "MWK": 1 / 1730, "XOF": 1 / 600, "XAF": 1 / 600,
    "CDF": 1 / 2850, "BWP": 1 / 13.5, "MAD": 1 / 9.2, "MZN": 1 / 64, "NAD": 1 / 18,
}  # fmt: skip
HEADCOUNT_WORDS = (
    r"staff|employees|people|ppl|persons|members|agents?|workers|drivers|engineers|developers|"
    r"reps|heads|colleagues|stores|branches|clinics|hotels|schools|trucks|tickets|calls|"
    # counts of things handled are no money either: "~2k invoices a month"
    r"invoices|documents|docs|orders|messages|claims|transactions|users|customers|clients|"
    r"farmers|members|students|subscribers|patients|visitors|requests|enquiries|inquiries|"
    r"applications|forms|products|skus|units|deliveries|parcels|shipments|riders|outlets|"
    r"chats|conversations|emails|pages|records|policies|loans|accounts|guests|beds|rooms"
)
BUDGET_CONTEXT = re.compile(
    r"budget|bajeti|spend|invest|afford|\$|usd|dollars?|kes|ksh|shillings?|£|€|naira|₦|ngn|zar|"
    r"rand|aed|dirham|ugx|tzs|rwf|etb|birr|ghs|cedi|kwacha|zmw|mwk|egp|francs?\b|cfa|pula\b|"
    r"bob\b|grant|can go up to|pounds?\b|"
    r"euros?\b|gbp|eur\b|allocat|(set|put) aside|earmark|thinking (about|around|of)|\bpay\b|"
    r"\b(four|five|six|seven|[4-7])[\s-]figures?|\b(laki|milioni|elfu|lakhs?|crores?|rupees?)\b",
    re.I,
)
PRICE_QUESTION = re.compile(r"\b(cost|price|pricing|charge|how much|fee)s?\b", re.I)

SWAHILI_NUMBERS = {
    "moja": 1, "mmoja": 1, "mbili": 2, "miwili": 2, "tatu": 3, "mitatu": 3, "nne": 4,
    "minne": 4, "tano": 5, "mitano": 5, "sita": 6, "saba": 7, "nane": 8, "tisa": 9, "kumi": 10,
}  # fmt: skip


def budget_bucket(low: float, high: float | None = None) -> str:
    mid = low if high is None else (low + high) / 2
    if mid < 10_000:
        return "<10k"
    if mid <= 50_000:
        return "10k-50k"
    if mid <= 100_000:
        return "50k-100k"
    return "100k+"


# An approval limit ("our MD signs off anything above 1M", "I can approve up to R2m") is a
# rule about who decides, not the money set aside for this project.
APPROVAL_LIMIT = re.compile(
    r"\b(approv\w*|sign(?:s|ed|ing)?(?:[\s-]+off)?|sign-?off|authori[sz]\w*|limit|threshold|"
    r"ceiling|delegated)\b.*\b(anything|everything|above|over|beyond|more than|exceed\w*|up to|"
    r"below|under|less than)\b|"
    r"\b(anything|everything|spend|purchases?|payments?|amounts?|items?)\s+(above|over|beyond|"
    r"more than|exceeding|up to|under|below)\b.*\b(approv\w*|sign\w*|authori[sz]\w*)\b",
    re.I,
)
CLAUSE_SPLIT = re.compile(
    r"(?<=[.!?;])\s+(?!\d)|,\s*(?=(?:but|though|although|and|while|whereas)\b)|"
    r"\s+(?=(?:but|though|although|while|whereas)\b)"
)


def _budget_amounts(text: str) -> list:
    """Amounts of money in ``text``, less those of an approval limit when another amount is
    there: "KES 4M set aside … our MD signs off anything above 1M" is a budget of 4M."""
    from ementech.ai.parsers import find_money

    kept, limits = [], []
    for clause in CLAUSE_SPLIT.split(text):
        found = find_money(clause)
        (limits if APPROVAL_LIMIT.search(clause) else kept).extend(found)
    return kept if any(m.low >= 500 for m in kept) else find_money(text)


# "six figures", "low five figures": the number of digits, read as a typical amount of them
FIGURES = re.compile(
    r"\b(?:(low|lower|mid|middle|high|upper)[\s-]+)?(four|five|six|seven|[4-7])[\s-]figures?\b",
    re.I,
)
FIGURE_DIGITS = {"four": 4, "five": 5, "six": 6, "seven": 7}
FIGURE_SHARE = {"low": 2, "lower": 2, "mid": 4, "middle": 4, "high": 8, "upper": 8}


def _figures_amount(m: re.Match) -> str:
    digits = FIGURE_DIGITS.get(m.group(2).lower()) or int(m.group(2))
    share = FIGURE_SHARE.get((m.group(1) or "").lower(), 3)
    return str(share * 10 ** (digits - 1))


# Swahili amounts: "laki tano" (5 x 100,000), "milioni mbili" (2 million), "elfu hamsini"
# (50 thousand); said in shillings, the local currency.
SWAHILI_UNITS = {"elfu": 1_000, "laki": 100_000, "milioni": 1_000_000}
SWAHILI_TENS = {"ishirini": 20, "thelathini": 30, "arobaini": 40, "hamsini": 50, "sitini": 60,
                "sabini": 70, "themanini": 80, "tisini": 90, "mia": 100}  # fmt: skip
SWAHILI_AMOUNT = re.compile(
    r"\b(elfu|laki|milioni)\s+(\d+(?:\.\d+)?|[a-z]+)(?:\s+na\s+(\w+))?\b", re.I
)


def _swahili_number(word: str) -> float | None:
    word = word.lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word)
    return SWAHILI_NUMBERS.get(word) or SWAHILI_TENS.get(word)


def _swahili_amount(m: re.Match, currency: str) -> str:
    n = _swahili_number(m.group(2))
    if n is None:
        return m.group(0)
    if m.group(3) and (extra := _swahili_number(m.group(3))):
        n += extra
    return f"{currency} {int(n * SWAHILI_UNITS[m.group(1).lower()])}"


SHILLING_OF_REGION = {"UG": "UGX", "TZ": "TZS"}
# Where a budget in millions with no currency named is in the local one (a chatbot budget
# of 80 million dollars is not what anybody means in Kampala).
LOCAL_CURRENCY = {
    "KE": "KES", "UG": "UGX", "TZ": "TZS", "RW": "RWF", "ET": "ETB", "NG": "NGN", "ZA": "ZAR",
}  # fmt: skip
KENYAN_MONEY = re.compile(r"\b(kes|kshs?|bob|kenya\w*)\b", re.I)


def extract_budget(text: str, region: str | None = None) -> str | None:
    """The visitor's budget bucket from an amount they state as theirs (not a price they ask
    about, not a headcount): "about 20k USD", "KES 2.5M", "£20-25k", "up to 30k"."""

    t = text.lower()
    if not BUDGET_CONTEXT.search(t) and not re.search(r"\d\s?(k|m|mn|million)\b", t):
        return None
    text = FIGURES.sub(_figures_amount, text)
    text = SWAHILI_AMOUNT.sub(
        lambda m: _swahili_amount(m, LOCAL_CURRENCY.get(region or "", "KES")), text
    )
    text = re.sub(r"\d[\d,.]*\s?k?\+?\s+(" + HEADCOUNT_WORDS + r")\b", " ", text, flags=re.I)
    # "80k, not 40k": an amount taken back is the old figure, not the budget
    text = re.sub(
        r"(\bnot|instead of|rather than|no longer)\s+(?:\$|usd|kes|ksh|£|€)?\s*\d[\d,.]*\s?"
        r"(?:k|m|mn|million|thousand)?\b",
        " ",
        text,
        flags=re.I,
    )
    for money in reversed(_budget_amounts(text)):
        if not money.explicit and not BUDGET_CONTEXT.search(t):
            continue
        currency = money.currency
        if currency == "KES" and region in SHILLING_OF_REGION and not KENYAN_MONEY.search(t):
            currency = SHILLING_OF_REGION[region]  # "shillings" said in Kampala are UGX
        if not currency and max(money.low, money.high or 0) >= 1_000_000:
            # "we can do 80 million" in Kampala: millions with no currency are the local one
            currency = LOCAL_CURRENCY.get(region or "", "")
        rate = USD_PER.get(currency, 1.0)
        low = money.low * rate
        high = money.high * rate if money.high else None
        if low < 500 and (high or 0) < 500:
            continue
        if high is None and re.search(r"under|less than|below|up to|max(imum)?|at most|tops", t):
            return budget_bucket(low * 0.9)
        if high is None and re.search(r"over|more than|above|at least|north of", t):
            return budget_bucket(low * 1.1)
        return budget_bucket(low, high)
    return None


# A reply to the range we proposed ("Typically … $15k-50k. Does that align?"): below it,
# above it, or about it. Below is read first: "more than we'd planned" is below.
BELOW_PROPOSED = re.compile(
    r"too (much|high|expensive|steep|rich|big)|\bsteep|pricey|\bbeyond (us|our)|out of (our )?"
    r"(reach|range|league)|can'?t afford|cannot afford|more than (we|our)\b|over (our|the) "
    r"budget|exceeds|\bsmaller\b|(?<!more or )\bless\b|\blower\b(?! end)|cheaper|tight|\bhalf\b|"
    r"(under|below) that|not that much|nowhere near|a fraction|stretch for us",
    re.I,
)
ABOVE_PROPOSED = re.compile(
    r"\b(double|twice|triple|more than that|higher|bigger|larger|above (that|it|the top)|"
    r"well (over|above)|much more|a lot more|way more)\b",
    re.I,
)
ABOUT_PROPOSED = re.compile(
    r"\b(right|fine|works|ok|okay|good|align\w*|around there|about that|in the middle|"
    r"within (reach|range|budget|what we|our|the)|stretch to (that|it)|"
    r"(upper|lower|top|bottom|middle) (end|half|part)|(what|as) we'?d? (had )?(planned|budgeted|"
    r"expected)|"
    r"that range|in range|manageable|doable|realistic|reasonable|fair|feasible|roughly)\b",
    re.I,
)


def budget_against_proposed(text: str, proposed: str) -> str | None:
    """The bucket a reply to our proposed range states: a bucket below it ("that's a bit
    steep for us", "more like half that"), above it ("double that"), or the range itself
    ("yes, roughly", "lower end of that", "about right, maybe a little more")."""
    idx = BUDGET_CHOICES.index(proposed)
    if BELOW_PROPOSED.search(text):
        return BUDGET_CHOICES[max(0, idx - 1)]
    # "is that realistic for a team our size?" asks; it does not agree
    agreed = AFFIRM_RE.search(text) or (ABOUT_PROPOSED.search(text) and "?" not in text)
    if ABOVE_PROPOSED.search(text) and not agreed:
        return BUDGET_CHOICES[min(len(BUDGET_CHOICES) - 1, idx + 1)]
    return proposed if agreed else None
