"""How prospects say what the site calls by its trade name: "which loans will go bad" is
credit scoring, "shelves go empty at month end" stock-outs, "the bot makes stuff up"
inventing answers. A kept vocabulary, written from the site's own terms, that adds those
terms to a question before retrieval and sentence matching, so the page that answers is
found by the words it uses and not only by likeness of meaning."""

from __future__ import annotations

import re

LAY_TO_SITE: tuple[tuple[str, str], ...] = (
    (r"loans? (?:\w+ ){0,3}(?:go(?:ing)?|goes|went|turn(?:ing)?) bad|"
     r"\bdefault(?:s|ers|ing| rate)\b|\b(?:to|will|might|may|could|would) default\b|"
     r"won'?t (?:re)?pay|repayment risk|bad (?:loans|debts?)|non-?performing|who (?:will|won'?t) "
     r"(?:re)?pay|scorecard|creditworth\w*", "credit scoring for lenders"),
    (r"customers (?:also|who) bought|what (?:else )?to (?:recommend|suggest)|upsell\w*|"
     r"cross-?sell\w*|suggest(?:ing)? products", "recommendation engines"),
    (r"shel(?:f|ves) (?:\w+ )?(?:go(?:es)?|going|went|run(?:s|ning)?) (?:empty|bare|out)|"
     r"run(?:s|ning)? out of stock|out of stock|empty shelves|over-?stock\w*",
     "stock-outs demand forecasting"),
    (r"\b(?:llm|gpt|openai|token|api|model|ai|bot|chatbot)s? (?:\w+ )?(?:bill|spend|costs?|"
     r"invoice)s?\b|\b(?:bill|spend|costs?) (?:\w+ ){0,3}(?:llm|gpt|openai|tokens?|api)\b|"
     r"bill (?:is |was )?(?:too )?(?:high|insane|huge)|keep (?:that|the|our) bill down",
     "LLM costs model routing caching"),
    (r"mak(?:e|es|ing) (?:stuff|things|answers) up|invent(?:s|ing)? (?:answers|things|facts)|"
     r"hallucinat\w*|confidently wrong|wrong answers", "inventing answers hybrid search"),
    (r"exact (?:codes|numbers|terms|ids)|product codes|\bskus?\b|part numbers|acronyms|"
     r"model numbers", "exact terms product codes keyword search"),
    (r"who owns|\bown(?:s|ership)? (?:of )?the (?:model|code|ip)|keep the (?:model|code)|"
     r"intellectual property", "own the code and models"),
    (r"late deliver\w*|deliveries (?:are )?late|on-?time|drivers? (?:are )?late|dispatch\w*",
     "on-time deliveries route optimisation"),
    (r"no-?shows?|miss(?:ed|es|ing)? (?:their |our )?(?:appointments|visits)|"
     r"(?:don'?t|do not|never) (?:show|turn) up", "missed appointments"),
    (r"(?:re-?typ\w*|typ(?:e|es|ing)) (?:\w+ ){0,4}(?:invoices|documents|forms|ids|transcripts|"
     r"scans|claims|delivery notes)|paper (?:invoices|forms|documents)|scanned|blurry",
     "document intake extraction human review"),
    (r"match(?:ing)? (?:\w+ ){0,3}(?:invoices|payments|statements|deliveries)|reconcil\w*",
     "invoice matching reconciliation"),
    (r"regulat\w*|\bthe rules\b|compliance|data protection|privacy laws?|"
     r"\b(?:ai|data|privacy) (?:laws?|rules)\b", "Data Protection Act governance"),
    (r"where to start|where do (?:we|i) start|first step|getting started|start with ai|"
     r"(?:what|which) (?:\w+ ){0,3}first", "readiness sprint use cases"),
    (r"pays? off|worth (?:it|the money)|\broi\b|payback|business case|return on",
     "return on investment payback"),
    (r"prompt injection|jailbreak\w*|(?:data|information|customer data) (?:leak\w*|breach\w*)|"
     r"(?:ai|bot|chatbot|model|llm|assistant|system)s? (?:\w+ ){0,3}(?:secur\w*|hack\w*|attack\w*)|"
     r"secur\w* (?:of|for|checks?|testing) (?:the |our |an? |your )?(?:ai|bot|chatbot|model|llm|"
     r"assistant|feature)", "prompt injection data leakage red-team"),
    (r"goes? down|outage|downtime|provider (?:fails|is down)|fallback\w*",
     "fallbacks route between providers"),
    (r"churn|cancel(?:l?ing)? (?:their )?subscriptions|customers leaving",
     "churn prediction"),
    (r"enough data|data (?:is )?enough|(?:months|years) of (?:\w+ ){0,3}data|messy data|"
     r"data (?:quality|in excel)|spreadsheets? (?:spread|scattered)", "data readiness"),
    (r"leave (?:us )?behind|depend on you|lock-?in|our (?:own )?team (?:can )?run|exotic stack",
     "runbooks hand-over pipelines your team can own"),
    (r"been around|how old is|when (?:was|were) (?:\w+ )?(?:founded|started)|founded|"
     r"where are you (?:based|located)|where is your (?:team|office|company)|your offices?\b",
     "Nairobi-based team since 2019"),
    (r"(?:engagement|project|work)s? (?:\w+ ){0,2}(?:start|begin)s?\b|how do you (?:start|begin)|"
     r"first (?:couple of )?weeks|kick-?off", "start every engagement with a two-week discovery"),
)  # fmt: skip
_COMPILED = tuple((re.compile(p, re.I), words) for p, words in LAY_TO_SITE)


def site_terms(question: str) -> list[str]:
    """The site's words for what ``question`` describes in its own."""
    return [words for pattern, words in _COMPILED if pattern.search(question or "")]


def with_site_terms(question: str) -> str:
    """``question`` followed by the site's words for what it describes, if any."""
    terms = site_terms(question)
    return f"{question} ({'; '.join(terms)})" if terms else question
