"""Wording nobody tuned on (issue 17): each test names a general class of misreading and
checks it on phrasings written for this file, not taken from any evaluation set: Swahili
"sisi ni" / "jina ni", a company as an appositive, an opening name, a public body as the
subject, a kind of business as a label, a correction inside one message, more African
currencies, bare durations, reporters and students as non-buyers, and chatter around a
typed registration list."""

from __future__ import annotations

import pytest

from chat import slots
from chat.assistant import NON_BUYER_ROLE
from chat.services.registration import _listed
from chat.slots_people import extract_name, extract_role

# --- companies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "company"),
    [
        # Swahili "we are X"
        ("Mambo. Sisi ni Mawingu Bakers, tuna maduka manne Thika.", "Mawingu Bakers"),
        ("sisi ni Pwani Cold Chain tuko Mombasa", "Pwani Cold Chain"),
        # an occupation, then "with/at" the employer
        (
            "Hello, Zawadi Kerubo here, a journalist with Nyota Weekly, quick question",
            "Nyota Weekly",
        ),
        ("I'm Tom, a consultant at Baraka Advisory working on a tender", "Baraka Advisory"),
        # the name as an appositive after "we're a <descriptor>,"
        ("we're a microfinance bank as well, Imara Credit, 45 staff", "Imara Credit"),
        ("We are a courier startup, Haraka Parcels. Need routing help.", "Haraka Parcels"),
        # the message opens with the name and a description of it
        ("Mvuli Health, Kisumu-based clinic chain, looking at WhatsApp bookings", "Mvuli Health"),
        ("TembeaPay, a London-based payments company, we serve East Africa", "TembeaPay"),
        # a public body as the subject of the sentence
        (
            "Good day, the Kisumu County Water Board is reviewing chatbot vendors",
            "Kisumu County Water Board",
        ),
        (
            "The National Youth Service Directorate wants to digitise records",
            "National Youth Service Directorate",
        ),
        # a kind of business used as a label
        (
            "email me at x@y.co, clinic is Tumaini Family Care. mornings are best",
            "Tumaini Family Care",
        ),
        ("my name's Aisha and the school is Greenhill Junior Academy.", "Greenhill Junior Academy"),
    ],
)
def test_a_company_named_by_the_shape_of_the_sentence(text, company):
    assert slots.extract_company(text) == company


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("company is Jua Solar Kits, sorry I mean Jua Power Kits", "Jua Power Kits"),
        ("we're Kito Farms no sorry its Kito Agro Farms, new name since March", "Kito Agro Farms"),
    ],
)
def test_a_correction_inside_one_message_keeps_the_last_name(text, company):
    assert slots.extract_company(text) == company


@pytest.mark.parametrize(
    "text",
    [
        "Since we are Kenya-registered, does the data stay local?",
        "we're Lagos-based, is that a problem?",
        "The Bureau has not set a budget yet.",
    ],
)
def test_an_adjective_or_a_lone_body_noun_is_no_company(text):
    assert slots.extract_company(text) is None


def test_a_public_body_is_government():
    assert slots.extract("the Nakuru Revenue Bureau is looking at options")["industry"] == (
        "government"
    )


# --- names and roles ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Nipigie kesho saa nne. jina ni Otieno Barasa", "Otieno Barasa"),
        ("barua pepe ni halima@shamba.co.ke, jina ni halima juma.", "Halima Juma"),
    ],
)
def test_swahili_jina_ni_gives_the_name(text, name):
    assert extract_name(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "Thursday works. Lucy Adhiambo, lucy@kitabu.co.ke. I'm SVP Growth; the board signs.",
        "Lucy Adhiambo, lucy@kitabu.co.ke - I'm VP Lending here",
    ],
)
def test_a_rank_after_i_am_is_no_name(text):
    assert slots.extract(text).get("name") == "Lucy Adhiambo"


@pytest.mark.parametrize(
    "text",
    [
        "hey, I'm a correspondent for Mzalendo Radio, writing about chatbots",
        "I'm working on my PhD dissertation about Swahili NLP",
        "quick one for my final-year project? no, for my capstone actually",
    ],
)
def test_reporters_and_students_are_not_buyers(text):
    role = extract_role(text)
    assert role is not None and role[1] == "user"
    assert NON_BUYER_ROLE.search(role[0])


def test_swahili_size_industry_and_authority():
    out = slots.extract("Sisi ni Tumaini Academies, shule mbili, wafanyakazi wapatao 75.")
    assert out["company_size"] == "51-200"
    assert out["industry"] == "education"
    assert slots.extract("Mimi ni mwalimu mkuu na uamuzi ni wangu.")["authority"] == (
        "decision_maker"
    )


# --- money and time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("our budget is 800k Zambian kwacha", "10k-50k"),
        ("budget around 600,000 kwacha", "10k-50k"),
        ("we can spend 2.5 million Egyptian pounds", "10k-50k"),
        ("EGP 300k budget", "<10k"),
        ("budget of 20 million CFA francs", "10k-50k"),
        ("about 400k pula set aside", "10k-50k"),
        ("£30k budget", "10k-50k"),  # plain pounds stay sterling
    ],
)
def test_more_african_currencies(text, bucket):
    assert slots.extract_budget(text) == bucket


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("3 months", "1-3mo"),
        ("maybe 5 months", "3-6mo"),
        ("in about 9 months.", "6-12mo"),
    ],
)
def test_a_bare_duration_is_a_timeline_whatever_was_asked(text, bucket):
    assert slots.extract(text, asked="role")["timeline"] == bucket


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("we're not in a rush, perhaps 7 months from now", "6-12mo"),
        ("probably 2 months from now", "1-3mo"),
    ],
)
def test_months_from_now_is_a_horizon(text, bucket):
    assert slots.extract_timeline(text) == bucket


# --- typed registration lists ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ok nitafika. sign me up: Mary Nduta, Kijani Insurance, mary@kijani.co.ke",
        "great see you there. register me - Mary Nduta, Kijani Insurance, mary@kijani.co.ke",
    ],
)
def test_an_acknowledgement_is_not_the_company_of_a_list(text):
    found = slots.extract(text)
    listed = _listed(text, {k: str(v) for k, v in found.items()}, ["company", "role"])
    assert (found.get("company") or listed.get("company")) == "Kijani Insurance"
