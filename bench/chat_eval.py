"""Evaluation harness for the chat assistant: replays conversations written as JSON and
prints per-metric scores for each split.

    .venv/bin/python bench/chat_eval.py bench/chat_cases/tune.json [--verbose]
    .venv/bin/python bench/chat_eval.py bench/chat_cases/holdout.json --summary

Each case (format in ``bench/chat_cases/README.md``) is played through the same service the
widget uses (``chat.services.chat_turn``), with the visitor's time zone and page, the
consent box ticked, and ``{"action": "pick_slot", "index": i}`` as a click on the i-th
offered time. Metrics:

- slot accuracy: expected values (after each turn and at the end) found in the
  conversation's slots (company case-insensitive with the legal suffix optional);
- source cited: turns with ``answer_cites`` whose reply cites that page;
- mentions: turns whose reply contains every ``answer_mentions`` string;
- repeated questions: replies asking for a slot already known (or listed in ``asks_not``);
- dead ends: turns without a reply, errors, a silent hand-off nobody answers, a click with
  nothing offered, or an expected booking that did not happen;
- hand-off: whether a person was asked for exactly when the case expects it;
- booking: booked on the expected weekday and part of day (visitor's zone), and the number
  of visitor turns before the booking.

Environment: ``DATABASE_URL`` / ``REDIS_URL`` (service mode, defaults to eng_i17 / db 6);
the demo site and its knowledge are loaded on first use, with the demo Sales user's weekday
hours as ``make run`` has them (``DEMO_ACCOUNTS=1``); each case's bookings and the lead it
created are deleted after it, so every case meets the same calendar as a new visitor
whatever ran before. ``LLM_PROVIDER`` defaults to the
local provider; with keys (or ``OPENAI_BASE_URL`` at a stub) the same harness measures them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zoneinfo
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/eng_i17")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ementech.settings.base")
os.environ.setdefault("LOG_LEVEL", "ERROR")
os.environ.setdefault("CACHE_KEY_PREFIX", "bench-chat-eval")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ.setdefault("LLM_PROVIDER", "local")
os.environ.setdefault("EMBEDDING_MODEL", "all-MiniLM-L6-v2")
# The demo team as ``make run`` has it: a Sales user with weekday demo hours (chat.demo).
os.environ.setdefault("DEMO_ACCOUNTS", "1")

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# What a reply asks for, read from its last question (provider-neutral).
ASKS = {
    "email": r"\bemail\b",
    "phone": r"\bphone|number\b",
    "name": r"\bname\b",
    "company": r"\bcompany\b",
    "role": r"\brole\b|part of the business",
    "budget": r"\bbudget|invest|\$\d|range you had",
    "timeline": r"when are you|date you'?re working|get something live|timeline",
    "authority": r"decision|sign off|who decides",
    "company_size": r"how many (people|employees|staff)|size of",
    "industry": r"which industry|what industry",
}


def setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)
    from content.models import ContentChunk

    if not ContentChunk.objects.exists():
        print("loading the demo site and its knowledge (first run only)…", flush=True)
        call_command("load_demo", verbosity=0)
        from content.services import knowledge_reindex

        knowledge_reindex()
    from chat import demo
    from core import demo as core_demo

    core_demo.load(lambda *_: None)
    demo.load(lambda *_: None)


def _norm_company(value: str) -> str:
    from ementech.ai.parsers import company_core

    return company_core(str(value)).lower().strip()


def slot_ok(key: str, expected, got) -> bool:
    if got in (None, "", []):
        return False
    if key == "company":
        return _norm_company(expected) == _norm_company(got)
    if key == "industry":
        alias = {"non-profit": "ngo", "nonprofit": "ngo"}
        e, g = str(expected).lower(), str(got).lower()
        return alias.get(e, e) == alias.get(g, g)
    if isinstance(expected, str):
        return expected.strip().lower() == str(got).strip().lower()
    return expected == got


def asked_slots(reply: str) -> set[str]:
    questions = re.findall(r"[^.?!]*\?", reply)
    if not questions:
        return set()
    last = questions[-1].lower()
    return {slot for slot, pattern in ASKS.items() if re.search(pattern, last)}


def part_of_day(hour: int) -> str:
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def run_turn(conv, text: str):
    from chat.services import chat_turn

    events = list(chat_turn(conversation=conv, text=text))
    return events


def play(case: dict, verbose: bool) -> dict:
    from chat.models import Conversation, DemoBooking, Message
    from chat.services import chat_pick_slot, conversation_open, conversation_set_consent

    conv = conversation_open(tz_name=case.get("timezone", ""), page_url=case.get("page", ""))
    conversation_set_consent(conversation=conv)
    started = conv.created_at
    r = defaultdict(int)
    failures: list[str] = []
    user_turns = 0
    booked_after = None
    for i, turn in enumerate(case["turns"]):
        if "action" in turn:
            conv.refresh_from_db()
            offered = (conv.state or {}).get("offered_slots") or []
            idx = int(turn.get("index", 0))
            if idx >= len(offered):
                r["dead_ends"] += 1
                failures.append(f"turn {i}: pick_slot with {len(offered)} offered")
                continue
            events = list(chat_pick_slot(conversation=conv, slot_id=offered[idx]["id"]))
            if any(e["type"] == "booked" for e in events) and booked_after is None:
                booked_after = user_turns
            elif not any(e["type"] == "booked" for e in events):
                failures.append(f"turn {i}: click did not book: {events[-2:]}")
            continue
        user_turns += 1
        conv.refresh_from_db()
        known_before = {k for k, v in (conv.collected or {}).items() if v not in (None, "", [])}
        events = run_turn(conv, turn["user"])
        reply = "".join(e.get("text", "") for e in events if e["type"] == "token").strip()
        cited = [s.get("url", "") for e in events if e["type"] == "sources" for s in e["sources"]]
        conv.refresh_from_db()
        expect = turn.get("expect") or {}
        if verbose:
            print(f"  [{case['id']} {i}] V: {turn['user'][:110]}")
            print(f"      B: {reply[:300]}  {cited}")
        if not reply or any(e["type"] == "error" for e in events):
            r["dead_ends"] += 1
            failures.append(f"turn {i}: no reply")
        for key, value in (expect.get("slots") or {}).items():
            r["slots_total"] += 1
            got = (conv.collected or {}).get(key)
            if slot_ok(key, value, got):
                r["slots_ok"] += 1
            else:
                failures.append(f"turn {i}: slot {key} expected {value!r} got {got!r}")
        if "answer_cites" in expect:
            r["cites_total"] += 1
            want = expect["answer_cites"].rstrip("/")
            if any(re.sub(r"#.*$", "", u).rstrip("/") == want for u in cited):
                r["cites_ok"] += 1
            else:
                failures.append(f"turn {i}: expected citation {expect['answer_cites']} got {cited}")
        if expect.get("answer_mentions"):
            r["mentions_total"] += 1
            missing = [m for m in expect["answer_mentions"] if m.lower() not in reply.lower()]
            if not missing:
                r["mentions_ok"] += 1
            else:
                failures.append(f"turn {i}: reply lacks {missing}")
        asked = asked_slots(reply)
        repeated = (asked & known_before) | (asked & set(expect.get("asks_not") or []))
        if repeated:
            r["repeated"] += 1
            failures.append(f"turn {i}: asked again for {sorted(repeated)}")
        handed = any(e["type"] == "tool" and e.get("name") == "connect_human" for e in events)
        if expect.get("no_handoff"):
            r["no_handoff_total"] += 1
            if handed:
                failures.append(f"turn {i}: handed off")
            else:
                r["no_handoff_ok"] += 1
        if conv.status == Conversation.Status.ESCALATED:
            r["dead_ends"] += 1  # nobody from Sales is online in the harness: a silent chat
            failures.append(f"turn {i}: escalated with nobody online")
    conv.refresh_from_db()
    final = case["final"]
    for key, value in (final.get("slots") or {}).items():
        r["slots_total"] += 1
        got = (conv.collected or {}).get(key)
        if slot_ok(key, value, got):
            r["slots_ok"] += 1
        else:
            failures.append(f"final: slot {key} expected {value!r} got {got!r}")
    asked_for_person = Message.objects.filter(
        conversation=conv, tool_calls__contains=[{"name": "connect_human", "status": "executed"}]
    ).exists()
    r["handoff_total"] += 1
    if asked_for_person == bool(final.get("handoff_requested")):
        r["handoff_ok"] += 1
    else:
        failures.append(
            f"final: hand-off {asked_for_person}, expected {final['handoff_requested']}"
        )
    booking = DemoBooking.objects.filter(conversation=conv, status="confirmed").first()
    want = final.get("booking")
    if want:
        r["booking_total"] += 1
        if booking is None:
            r["dead_ends"] += 1
            failures.append("final: no booking")
        else:
            tz = zoneinfo.ZoneInfo(case.get("timezone") or "Africa/Nairobi")
            local = booking.starts_at.astimezone(tz)
            day_ok = want["weekday"] in ("any", WEEKDAYS[local.weekday()])
            part_ok = want["part_of_day"] in ("any", part_of_day(local.hour))
            if day_ok and part_ok:
                r["booking_ok"] += 1
            else:
                failures.append(f"final: booked {local:%A %H:%M}, expected {want}")
            r["turns_to_booking"] += booked_after or user_turns
            r["bookings"] += 1
    elif booking is not None:
        failures.append("final: booked although no booking was expected")
    # Every case meets the same calendar and a new visitor: its bookings and the lead it
    # created are removed, so neither the order of cases nor an earlier run changes a score.
    DemoBooking.objects.filter(conversation=conv).delete()
    if conv.lead_id:
        from leads.models import Lead

        Lead.objects.filter(pk=conv.lead_id, created_at__gte=started).delete()
    return {"counts": dict(r), "failures": failures}


def ratio(ok: int, total: int) -> str:
    return f"{ok / total:.3f} ({ok}/{total})" if total else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated case ids")
    parser.add_argument(
        "--summary", action="store_true", help="scores only (for the held-out split)"
    )
    args = parser.parse_args()
    setup()

    only = {x for x in args.only.split(",") if x}
    per_split: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for path in args.files:
        cases = json.loads(Path(path).read_text())
        for case in cases:
            if only and case["id"] not in only:
                continue
            out = play(case, args.verbose)
            split = case.get("split", Path(path).stem)
            per_split[split]["conversations"] += 1
            for key, value in out["counts"].items():
                per_split[split][key] += value
            if args.summary:
                continue
            status = "ok" if not out["failures"] else f"{len(out['failures'])} issue(s)"
            print(f"{case['id']}: {status}", flush=True)
            if args.verbose or out["failures"]:
                for failure in out["failures"]:
                    print(f"    - {failure}")
    for split, c in per_split.items():
        print(f"\n== split {split}: {c['conversations']} conversations")
        print(f"slot accuracy        {ratio(c['slots_ok'], c['slots_total'])}")
        print(f"expected source cited {ratio(c['cites_ok'], c['cites_total'])}")
        print(f"answer mentions      {ratio(c['mentions_ok'], c['mentions_total'])}")
        print(f"no hand-off when not asked {ratio(c['no_handoff_ok'], c['no_handoff_total'])}")
        print(f"hand-off as expected {ratio(c['handoff_ok'], c['handoff_total'])}")
        print(f"booking as expected  {ratio(c['booking_ok'], c['booking_total'])}")
        print(f"repeated questions   {c['repeated']}")
        print(f"dead ends            {c['dead_ends']}")
        if c["bookings"]:
            print(f"turns to booking     {c['turns_to_booking'] / c['bookings']:.2f} (mean)")


if __name__ == "__main__":
    main()
