"""Slots stated in passing or in other words than the tuned ones: amounts in other
currencies and formats, an approval limit beside the budget, a name and a company signed
one after the other, names in lower case or Swahili, head counts said as adjectives or
summed with "and staff", agricultural inputs, and who decides when a title is someone
else's. Wordings written for these tests; each failed on the code before the fix."""

from __future__ import annotations

import pytest

from chat import slots
from ementech.ai.parsers import find_money

# --- money: rand, spaced thousands, approval limits -------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "currency"),
    [
        ("We could do R750k for the first phase", 750_000, "ZAR"),
        ("roughly R 1.5 million", 1_500_000, "ZAR"),
        ("about 18 000 USD", 18_000, "USD"),
        ("KES 3 200 000 all in", 3_200_000, "KES"),
        ("€ 45 000 at most", 45_000, "EUR"),
    ],
)
def test_money_in_rand_and_with_spaced_thousands(text, low, currency):
    money = find_money(text)[0]
    assert (money.low, money.currency) == (low, currency)


@pytest.mark.parametrize("text", ["our 25k budget", "for 30k", "doctor 40k"])
def test_a_words_last_r_is_no_rand(text):
    assert all(m.currency != "ZAR" for m in find_money(text))


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("Our allocation is 18 000 USD for the pilot.", "10k-50k"),
        ("We've put aside 20 000 pounds for it.", "10k-50k"),
        ("Budget R450k, give or take.", "10k-50k"),
        # an approval limit beside the budget is a rule about who signs, not the budget
        ("We've earmarked KES 3 million; the chairman approves anything above 500k.", "10k-50k"),
        ("I can sign off spend up to R2m, and we're thinking R400k for this.", "10k-50k"),
        ("Budget is around $25k, though anything over $10k needs board approval.", "10k-50k"),
    ],
)
def test_budget_in_other_formats_and_beside_an_approval_limit(text, bucket):
    assert slots.extract(text).get("budget") == bucket


def test_an_approval_limit_alone_still_reads_as_a_budget():
    assert slots.extract("I can sign off up to 30k myself.").get("budget") == "10k-50k"


# --- a name and a company, one after the other -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "company"),
    [
        ("I'd like a person to call. Wanjiku Kamau, Baobab Freight.", "Wanjiku Kamau",
         "Baobab Freight"),
        ("Halima Yusuf, KopaCash. Ring me on +254 711 000 111.", "Halima Yusuf", "KopaCash"),
        ("Sure. Sam Okafor, Brightpath Energy, sam@brightpath.ng", "Sam Okafor",
         "Brightpath Energy"),
    ],
)  # fmt: skip
def test_a_name_then_a_company_signed_together(text, name, company):
    found = slots.extract(text)
    assert (found.get("name"), found.get("company")) == (name, company)


@pytest.mark.parametrize(
    "text",
    ["Kevin Otieno, Nairobi.", "Kevin Otieno, Westlands", "Mary Atieno, Marketing Manager."],
)
def test_a_place_or_a_title_after_a_name_is_no_company(text):
    assert "company" not in slots.extract(text)


def test_company_given_as_a_label():
    found = slots.extract("Sign me up: James Kariuki, james@kilele.co.ke, company Kilele Labs.")
    assert found.get("company") == "Kilele Labs"
    assert "industry" not in found  # "Labs" in a company's name is no laboratory


# --- names in lower case and in Swahili ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my name is peter ochieng and im at Pwani Fish.", "Peter Ochieng"),
        ("hi, my name is wanjiru, email wanjiru@duka.co.ke", "Wanjiru"),
        ("Mimi ni mwenyekiti, naitwa Paul Kamau, simu 0722 000 111.", "Paul Kamau"),
        ("Jina langu ni Daniel Kiprono.", "Daniel Kiprono"),
    ],
)
def test_a_name_in_lower_case_or_swahili(text, name):
    assert slots.extract(text).get("name") == name


def test_no_name_from_a_plain_phrase():
    assert "name" not in slots.extract("my name is not important here")


# --- head counts said in passing ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("We are a 35 member consultancy in Kampala.", "11-50"),
        ("It's a twelve-man operation.", "11-50"),
        ("We employ about 140 nurses and support staff.", "51-200"),
        ("we have 90 teachers and staff in total", "51-200"),
    ],
)
def test_head_count_as_an_adjective_or_with_and_staff(text, size):
    assert slots.extract(text).get("company_size") == size


def test_members_of_a_sacco_are_no_head_count():
    assert "company_size" not in slots.extract("We're a 3000-member sacco in Meru.")


# --- industry -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Tunauza chakula cha mifugo kwa wakulima.",
        "We supply agro-inputs to dealers across the Rift Valley.",
        "We sell seeds and fertiliser to smallholders.",
    ],
)
def test_farm_inputs_and_swahili_farming_words_are_agriculture(text):
    assert slots.extract(text).get("industry") == "agriculture"


# --- who decides ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The GM has the final word, though she asked me to shortlist vendors.",
        "I'm the project officer, so I'd need our trustees to approve anything.",
        "It is subject to budget approval by the county assembly.",
        "I'm Deputy Director of Finance and would draft the paper for the board.",
    ],
)
def test_someone_elses_final_say_or_approval_is_an_influencer(text):
    assert slots.extract(text).get("authority") == "influencer"


@pytest.mark.parametrize("text", ["I have the final say on this.", "The final say is mine."])
def test_ones_own_final_say_is_a_decision_maker(text):
    assert slots.extract(text).get("authority") == "decision_maker"


@pytest.mark.parametrize(
    "text",
    [
        "update: our COO just said we can stretch to 70k",
        "Quick one, Finance Director wants a quote first.",
        "Correction - CEO told me we can go to 60k.",
    ],
)
def test_a_title_that_speaks_is_someone_elses(text):
    found = slots.extract(text)
    assert "role" not in found
    assert found.get("authority") != "decision_maker"


def test_shillings_are_the_visitors_own_shilling():
    text = "We can put aside about 60 million shillings."
    assert slots.extract(text, region="UG").get("budget") == "10k-50k"  # UGX
    assert slots.extract(text, region="KE").get("budget") == "100k+"  # KES
    assert slots.extract("About 60M KES.", region="UG").get("budget") == "100k+"


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("oh and we're 23 if you include the drivers", "11-50"),
        ("We are roughly 45 altogether.", "11-50"),
        ("Tuko 12 tu.", "11-50"),
    ],
)
def test_a_bare_count_of_us_is_the_head_count(text, size):
    assert slots.extract(text).get("company_size") == size


@pytest.mark.parametrize(
    "text", ["we're 2 weeks from launch", "we're 100% sure", "we're 5 years old"]
)
def test_a_count_of_something_else_is_no_head_count(text):
    assert "company_size" not in slots.extract(text)


@pytest.mark.parametrize(
    "text",
    ["We're a small customs broker in Namanga.", "Our clearing and forwarding firm is tiny."],
)
def test_clearing_and_forwarding_is_logistics(text):
    assert slots.extract(text).get("industry") == "logistics"


# --- more ways of naming the company and the signer ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("Our company, Mlima Coffee Estates, employs 300 people.", "Mlima Coffee Estates"),
        ("My firm Safi Water Solutions is growing fast.", "Safi Water Solutions"),
    ],
)
def test_the_company_set_beside_the_word_company(text, company):
    assert slots.extract(text).get("company") == company


def test_a_signature_with_a_title_between_name_and_company():
    found = slots.extract("Best regards, Jane Achieng | Finance Manager | Kipawa Millers")
    assert (found.get("name"), found.get("company")) == ("Jane Achieng", "Kipawa Millers")


# --- who decides, more ways -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "authority"),
    [
        ("We're the decision makers here, my co-founder and I.", "decision_maker"),
        ("My business partner and I decide on purchases like this.", "decision_maker"),
        ("I'm an intern, just collecting information.", "user"),
    ],
)
def test_who_decides_said_in_other_words(text, authority):
    assert slots.extract(text).get("authority") == authority


def test_an_approval_done_by_nobody_named_says_nothing_of_authority():
    assert "authority" not in slots.extract("The budget's already been approved: 25k USD.")


def test_running_the_place_is_no_department():
    assert "role" not in slots.extract("I run the whole show, so yes, it's my call.")


# --- Swahili amounts, head counts and owners ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("Bajeti yetu ni kama laki nane.", "<10k"),  # KES 800,000
        ("Tuna milioni tatu kwa hii.", "10k-50k"),  # KES 3M
    ],
)
def test_swahili_amounts_are_shillings(text, bucket):
    assert slots.extract(text).get("budget") == bucket


def test_swahili_about_before_a_head_count():
    assert slots.extract("Tuko Nyeri, wafanyakazi kama 34.").get("company_size") == "11-50"


def test_the_owner_in_swahili_decides():
    assert slots.extract("Mimi ndiye mwenye biashara hii.").get("authority") == "decision_maker"


# --- contact details beside money words -----------------------------------------------------------


def test_the_company_after_the_email_in_a_dashed_signature():
    found = slots.extract("Friday works. Kofi Boateng - kofi@paysika.com.gh - PaySika Ghana")
    assert (found.get("name"), found.get("company")) == ("Kofi Boateng", "PaySika Ghana")


def test_a_phone_numbers_digits_are_no_budget():
    found = slots.extract("Ama Owusu, +233 20 765 4321, SikaPay Ltd")
    assert found.get("phone") == "+233207654321"
    assert "budget" not in found  # nor is the "pay" inside a company's name a money word


# --- rough and spelled-out amounts and head counts ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("We could find a couple hundred thousand dollars.", "100k+"),
        ("About a quarter of a million rand.", "10k-50k"),
        ("KSh. 900,000 in total.", "<10k"),
        ("Roughly 2.4 million Kenya shillings.", "10k-50k"),
        ("Around 50 million Uganda shillings.", "10k-50k"),
        ("We have about 15 lakh rupees.", "10k-50k"),
    ],
)
def test_rough_and_named_currency_amounts(text, bucket):
    assert slots.extract(text).get("budget") == bucket


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("We're about a dozen staff.", "11-50"),
        ("A couple hundred employees across the region.", "51-200"),
        ("We're roughly 1.2k employees.", "500+"),
        ("Forty odd staff.", "11-50"),
        ("Our workforce of 260 is spread over 4 sites.", "201-500"),
        ("Tuko watu ishirini na nane.", "11-50"),
    ],
)
def test_rough_and_spelled_out_head_counts(text, size):
    assert slots.extract(text).get("company_size") == size


def test_hundreds_of_customers_are_no_head_count():
    assert "company_size" not in slots.extract("We serve hundreds of customers a day.")


@pytest.mark.parametrize(
    ("text", "industry"),
    [
        ("We're a tour operator out of Arusha.", "hospitality"),
        ("We export fresh produce to Europe.", "agriculture"),
        ("We run a used-car dealership.", "retail"),
        ("A dental practice with four chairs.", "healthcare"),
        ("We're a polytechnic in Nyeri.", "education"),
        ("A small forex bureau in town.", "fintech"),
    ],
)
def test_more_words_for_the_known_industries(text, industry):
    assert slots.extract(text).get("industry") == industry


# --- an address dictated the way it is said ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("book it, my email is wanjiku at shamba dot co dot ke, thanks", "wanjiku@shamba.co.ke"),
        ("reach me at peter dot otieno at harbourline dot com", "peter.otieno@harbourline.com"),
        ("mail ops (at) dalalogistics [dot] co [dot] tz", "ops@dalalogistics.co.tz"),
    ],
)
def test_a_dictated_email_is_saved_written_out(text, email):
    assert slots.extract(text)["email"] == email


@pytest.mark.parametrize(
    "text",
    [
        "look at example.com for details",  # no "dot" said: a web address, not an email
        "we meet at the office dot",
        "I am at home dot com",
        "we are at capacity",
        # no cue before it: a job and a company, not an address
        "I am the operations manager at haulage dot co dot ke",
        "check us out at acme dot com",
    ],
)
def test_words_around_at_are_no_email(text):
    assert "email" not in slots.extract(text)


def test_a_typed_address_wins_over_a_dictated_one():
    found = slots.extract("reach me on jane@acme.com. Our CEO at acme dot com decides")
    assert found["email"] == "jane@acme.com"


def test_a_dictated_address_needs_no_cue_when_we_asked_for_it():
    assert slots.extract("purity at salama dot co dot ke", asked="email")["email"] == (
        "purity@salama.co.ke"
    )


@pytest.mark.parametrize(
    "text",
    [
        "email me at " + "a dot " * 600 + "zz",
        "email x" + " " * 2000 + "at" + " " * 1990 + "! dot",  # backtracked for a minute
        "email " + "a-" * 1000 + "a at b dot com",
    ],
)
def test_hostile_messages_of_dots_and_ats_hold_no_address(text):
    from ementech.ai.parsers import written_emails

    assert "@" not in written_emails(text)[:20]
