"""What is never stored as a company, name or role: an acknowledgement ("Poa.",
"Lovely!"), a currency code before an amount ("at EUR 40k"), the department after a title
("Director of Operations", "I head Procurement"), or a head count in a typed list ("about 40
employees"). Wordings written for these tests; each fails on the code before the fix."""

from __future__ import annotations

import pytest

from chat import slots
from chat.services.registration import _answer_for, _listed
from chat.slots_company import extract_company


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("Our ceiling is about EUR 40k. I am Director of Operations at Lakeside Hotels.",
         "Lakeside Hotels"),
        ("We could stretch to KES 3M; I head Procurement at Mto Mzuri Farms.", "Mto Mzuri Farms"),
        ("I'm VP of Engineering at Safari Pay and we'd spend at USD 60k max.", "Safari Pay"),
        ("Spend would land at ZAR 500k, give or take.", None),
        ("I'm Head of Claims, we'd be looking at GBP 30k.", None),
        ("As Dean of Students I oversee Admissions too.", None),
        # words that acknowledge can still begin a company's name
        ("I do dispatch at Super Metro, we'd be at USD 15k.", "Super Metro"),
        ("We're Perfect Blend Coffee, 30 staff.", "Perfect Blend Coffee"),
    ],
)  # fmt: skip
def test_currency_codes_and_departments_are_not_companies(text, company):
    assert extract_company(text) == company


@pytest.mark.parametrize("reply", ["Poa.", "Lovely!", "Okay", "asante sana", "Got it."])
@pytest.mark.parametrize("field", ["company", "name", "role"])
def test_an_acknowledgement_answers_no_question(reply, field):
    assert _answer_for(field, reply) is None


def test_an_acknowledgement_is_no_name_when_asked_for_one():
    assert "name" not in slots.extract("Safi!", asked="name")
    assert slots.extract("Zawadi Mutua", asked="name")["name"] == "Zawadi Mutua"


def test_a_typed_list_fills_the_company_with_the_company_not_the_greeting_or_head_count():
    text = "Poa. Sign me up: Achieng Otieno, roughly 40 employees, Kilimo Bora Ltd, a@kb.co.ke"
    found = {"name": "Achieng Otieno", "email": "a@kb.co.ke"}
    assert _listed(text, found, ["company"]) == {"company": "Kilimo Bora Ltd"}
    text = "Lovely. Register me - Musa Bello; tuko 12 hapa; Zuri Agro; ops lead"
    found = {"name": "Musa Bello"}
    assert _listed(text, found, ["company", "role"]) == {"company": "Zuri Agro", "role": "ops lead"}
