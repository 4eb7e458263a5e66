"""Slots read from the way people sign and correct themselves: the company that spells the
email's domain (a place first, no business noun, typed in lower case), a name with accents
or a hyphen, a name beside its email with the company between them, a name only the
address spells ("im salma"), "surname is …", authority said as "the budget line is mine" or
"I make the recommendation", starting "now", waiting "about four months", a count of
permanent workers, a weekday that is no tool, a phone written with its country code, and
"in about a month" as 1-3 months. Wordings written for these tests; each fails before."""

from __future__ import annotations

import pytest

from chat import slots


def _x(text: str, region: str = "KE", **kw) -> dict:
    return slots.extract(text, region=region, **kw)


@pytest.mark.parametrize(
    ("text", "company"),
    [
        (
            "Book Friday morning. Amani Odhiambo, amani@nairobiriverlodges.co.ke, Nairobi River "
            "Lodges",
            "Nairobi River Lodges",
        ),
        ("Peter Mwai, peter@kiambufresh.co.ke, Kiambu Fresh Growers", "Kiambu Fresh Growers"),
        ("ok. halima yusuf, tanacrafts. halima@tanacrafts.co.ke", "tanacrafts"),
    ],
)
def test_the_company_that_spells_the_email_domain(text, company):
    assert _x(text)["company"] == company


def test_words_inside_an_address_name_no_company():
    got = _x("My email is Wanjiru.K@PwaniMills.co.ke and Monday works.")
    assert "company" not in got


def test_webmail_domains_name_no_company():
    assert "company" not in _x("Sure, my Gmail is otieno.b@gmail.com")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Merci. Je m'appelle... sorry, my name is Hélène Mukamana.", "Hélène Mukamana"),
        (
            "Send it to jm.uwimana@akagerafoods.rw, Jean-Marie Uwimana from Akagera Foods",
            "Jean-Marie Uwimana",
        ),
        ("demo pls. otieno baraka, lakeside. otieno@lakeside.co.ke", "Otieno Baraka"),
        ("tue morning works, wanjiku@duka.co.ke im wanjiku", "Wanjiku"),
        ("apologies, the surname is Kariuki, Faith Kariuki", "Faith Kariuki"),
    ],
)
def test_names_as_people_write_them(text, name):
    assert _x(text)["name"] == name


def test_a_state_after_im_is_no_name():
    assert "name" not in _x("im ready, ping me at ready@kasuku.co.ke")


@pytest.mark.parametrize(
    ("text", "authority"),
    [
        (
            "Spending on this comes out of my budget line. The budget line is mine.",
            "decision_maker",
        ),
        ("our board has approved the money and I will be the one signing", "decision_maker"),
        (
            "Final sign-off rests with our Managing Director; I make the recommendation.",
            "influencer",
        ),
        ("my wife and I run the guesthouse, we own it together", "decision_maker"),
    ],
)
def test_authority_as_said(text, authority):
    assert _x(text)["authority"] == authority


def test_sending_a_report_to_someone_is_no_reporting_line():
    got = _x("Not ready for a call yet. Could you send the report to faith@kijani.co.ke?")
    assert "authority" not in got


@pytest.mark.parametrize(
    ("text", "timeline"),
    [
        ("80 staff. ~$25k. start now. demo wed morning.", "immediate"),
        ("we will wait until the rains are over, about four months", "3-6mo"),
        ("No call for now please; we are 7 or 8 months away from a decision.", "6-12mo"),
        ("We'd like to kick off in about a month.", "1-3mo"),
        ("We need it live within a month.", "immediate"),
    ],
)
def test_timelines_as_said(text, timeline):
    assert _x(text)["timeline"] == timeline


def test_permanent_workers_count_as_staff():
    assert _x("We grow tea on 900 acres with 120 permanent workers.")["company_size"] == "51-200"


def test_a_weekday_is_no_tool():
    assert "tech_stack" not in _x("can we do monday afternoon?")
    assert _x("we plan our work on monday.com boards")["tech_stack"] == ["Monday"]


def test_a_phone_written_with_its_country_code_is_kept():
    assert _x("Please call me on +44 7700 900456")["phone"] == "+447700900456"


def test_millions_in_the_plural():
    assert _x("Our budget is about 35 millions RWF.", region="RW")["budget"] == "10k-50k"


def test_a_price_asked_tersely_is_no_pain():
    assert "pain_points" not in _x("cost of pilot")
    assert _x("our support costs are too high")["pain_points"] == ["high costs"]


@pytest.mark.parametrize(
    ("text", "industry"),
    [
        ("we grow roses for export", "agriculture"),
        ("small trucking co on the northern corridor", "logistics"),
        ("our outpatient clinic misses appointments", "healthcare"),
    ],
)
def test_industries_said_in_passing(text, industry):
    assert _x(text)["industry"] == industry


def test_signing_up_is_no_authority():
    assert "authority" not in _x("can I still sign up for the workshop?")
    assert _x("I'll sign it off myself")["authority"] == "decision_maker"
