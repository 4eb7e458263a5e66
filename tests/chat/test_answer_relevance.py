"""Answer relevance: the right page cited and the right fact in the reply, for wordings
nobody tuned on. Each test names a general cause and checks it on wordings written for
this file (not taken from the evaluation cases): prices asked in Swahili, and a price
question that names no offer read with the subject the visitor brought up before."""

from __future__ import annotations

import pytest

# --- prices and durations asked in Swahili ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Bei yake ni ngapi?",  # what is its price?
        "Itagharimu kiasi gani kwa jumla?",  # how much will it cost altogether?
        "Mradi kama huu unachukua muda gani?",  # how long does a project like this take?
        "Tutalipa shilingi ngapi?",  # how many shillings will we pay?
    ],
)
def test_a_price_or_time_asked_in_swahili_reaches_the_catalogue(text):
    from chat.catalogue import wants_catalogue

    assert wants_catalogue(text)


def test_swahili_that_asks_no_price_is_not_a_price_question():
    from chat.catalogue import wants_catalogue

    assert not wants_catalogue("Tuna wafanyakazi wangapi?")  # how many staff do we have?


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("earlier", "question", "line"),
    [
        # nothing but the asking: the subject is the one the visitor brought up
        ("Tunataka bot ya kujibu wateja kwenye WhatsApp.", "Itagharimu kiasi gani?",
         "Customer-service chatbot"),
        # nothing but the asking, in English
        ("Our clerks retype supplier invoices into the ERP every day.",
         "ok, and roughly the cost?", "Document automation"),
        ("We need a forecast of the flour each bakery will use next week.",
         "How long, roughly?", "Forecasting"),
    ],
)  # fmt: skip
def test_a_price_question_without_a_subject_takes_the_earlier_one(demo_kb, earlier, question, line):
    from chat.assistant import catalogue_pick
    from chat.catalogue import catalogue_source
    from ementech.ai.providers.local import LocalProvider

    messages = [{"role": "user", "content": earlier}, {"role": "user", "content": question}]
    text, item = catalogue_pick(question, catalogue_source(1), LocalProvider(), messages)
    assert item is not None and item["name"].startswith(line), text


@pytest.mark.django_db
def test_a_price_question_about_pricing_in_general_keeps_the_whole_range(demo_kb):
    from chat.assistant import catalogue_pick
    from chat.catalogue import catalogue_source
    from ementech.ai.providers.local import LocalProvider

    messages = [
        {"role": "user", "content": "We want a chatbot for our shop."},
        {"role": "user", "content": "How are your engagements usually priced?"},
    ]
    text, item = catalogue_pick(
        messages[-1]["content"], catalogue_source(1), LocalProvider(), messages
    )
    assert item is None and "from the" in text, text


# --- the point a long sentence makes last ---------------------------------------------------

LONG_SENTENCE_SOURCES = [
    {
        "n": 1,
        "title": "Shipping software",
        "text": "Shipping software — Keep everything\nCode, configuration, prompts and test data "
        "are stored in one repository with tags so any result can be traced, and a broken "
        "deployment can be undone in minutes.",
    },
    {
        "n": 2,
        "title": "Platforms",
        "text": "Platforms — Operations\nModels are refreshed on a schedule and each version can "
        "be restored.",
    },
]


@pytest.mark.parametrize(
    "question",
    [
        "If a deployment goes wrong, how soon can you undo it?",
        "how quick is undoing a deployment that went wrong",
    ],
)
def test_a_sentence_answers_with_its_last_clause(question):
    """One embedding of a sentence that makes several points blurs the last one; the
    clause that answers is matched on its own (sharing a word with the question)."""
    from chat.assistant import _knowledge_answer
    from ementech.ai.providers.local import LocalProvider

    picked, _ = _knowledge_answer(question, LONG_SENTENCE_SOURCES, LocalProvider(), [], limit=1)
    assert picked and "undone in minutes" in picked[0][0], picked


def test_clauses_are_only_the_long_parts_of_a_sentence():
    from ementech.ai.providers.local import clauses

    assert clauses("Data is copied nightly to a second region, and a corrupted table can be "
                   "restored in about ten minutes by the duty engineer.")  # fmt: skip
    assert clauses("Fees are fixed, and support is monthly.") == []


# --- a question about results is answered with results, not the client's size ---------------


def test_results_answer_a_question_about_what_was_achieved_not_the_clients_size():
    from ementech.ai.providers.local import LocalProvider

    text = (
        "Courier case\n"
        "Client: A courier firm with 45 depots (Logistics). Riders used paper run sheets. "
        "Parcels lost in transit fell by 63% in a year."
    )
    sources = [{"n": 1, "title": "Courier case", "text": text}]
    picked, _ = LocalProvider().best_sentences(
        "What did you achieve for the courier firm?", sources, limit=1, prefer_figures=True
    )
    assert "63%" in picked[0][0], picked


def test_a_count_answers_a_question_about_how_many():
    from ementech.ai.providers.local import LocalProvider

    text = (
        "Survey\n"
        "Findings from 120 companies in five countries, checked against their accounts. "
        "Savings were 3x higher where a baseline existed."
    )
    sources = [{"n": 1, "title": "Survey", "text": text}]
    picked, _ = LocalProvider().best_sentences(
        "How many firms did the survey include? Show me numbers.",
        sources,
        limit=1,
        prefer_figures=True,
    )
    assert "120 companies" in picked[0][0], picked
