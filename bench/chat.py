"""Benchmark of the chat over the WebSocket (issue 6, acceptance 8).

Starts uvicorn (``ementech.asgi:application``) in this process on a free port, against
PostgreSQL and Redis (service mode), with the demo site and its knowledge base, and drives
``/ws/chat/{id}`` with a real WebSocket client. Prints:

- LocalProvider: time to first token and to the full reply, p50/p95 (visitor messages of
  every kind: knowledge questions, qualification answers, greetings);
- our overhead around a provider: the same turns against a local OpenAI-compatible stub
  with a fixed latency, minus the latency of the bare SDK call to that stub (first token
  and full reply).

Targets: p95 first token <= 300 ms with the LocalProvider, <= 150 ms overhead.

    .venv/bin/python bench/chat.py [--turns 60] [--stub-latency-ms 200]

Environment: ``DATABASE_URL`` (default ``ementech_h6``), ``REDIS_URL`` (default db 6).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ementech_h6")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ementech.settings.base")
os.environ.setdefault("LOG_LEVEL", "ERROR")
os.environ.setdefault("CACHE_KEY_PREFIX", "bench-chat")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ["LLM_PROVIDER"] = "local"
os.environ["EMBEDDING_MODEL"] = "all-MiniLM-L6-v2"

TURNS = [
    "How much did the digital lender reduce fraud losses?",
    "We're looking to implement chatbots",
    "We use Zendesk, have 5 support agents",
    "Response times and costs",
    "That sounds about right",
    "Hopefully in the next couple months",
    "What do you build for logistics companies?",
    "Do you sell dog grooming franchises in Iceland?",
    "hi there",
    "How long does an implementation usually take?",
]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from content.models import ContentChunk

    if not ContentChunk.objects.exists():
        print("loading the demo site and indexing its knowledge (first run only)…", flush=True)
        call_command("load_demo", verbosity=0)
        from content.services import knowledge_reindex

        knowledge_reindex()


class Server:
    def __init__(self) -> None:
        import uvicorn

        from ementech.asgi import application

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.server = uvicorn.Server(
            uvicorn.Config(
                application,
                host="127.0.0.1",
                port=self.port,
                log_level="error",
                lifespan="off",
                ws="websockets",
            )  # fmt: skip
        )
        self.thread = threading.Thread(target=lambda: asyncio.run(self.server.serve()), daemon=True)

    def start(self) -> Server:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


async def drive(port: int, turns: list[str]) -> tuple[list[float], list[float]]:
    """Send each turn (a new conversation every len(TURNS) turns); (first token, full) ms."""
    import websockets

    firsts: list[float] = []
    fulls: list[float] = []
    url = f"ws://127.0.0.1:{port}/ws/chat/new"
    headers = {"Origin": f"http://127.0.0.1:{port}"}
    i = 0
    while i < len(turns):
        async with websockets.connect(url, additional_headers=headers) as ws:
            await ws.send(json.dumps({"type": "join"}))
            joined = json.loads(await ws.recv())
            assert joined["type"] == "joined", joined
            for text in turns[i : i + len(TURNS)]:
                start = time.perf_counter()
                first = None
                await ws.send(json.dumps({"type": "message", "content": text}))
                while True:
                    ev = json.loads(await ws.recv())
                    if ev["type"] == "token" and first is None:
                        first = time.perf_counter()
                    if ev["type"] in ("done", "error"):
                        assert ev["type"] == "done", ev
                        break
                end = time.perf_counter()
                firsts.append(((first or end) - start) * 1000)
                fulls.append((end - start) * 1000)
        i += len(TURNS)
    return firsts, fulls


def bare_sdk(stub_url: str, n: int) -> tuple[list[float], list[float]]:
    """First token and full reply of the bare OpenAI SDK stream to the stub."""
    from ementech.ai.providers.base import ChatRequest
    from ementech.ai.providers.openai import OpenAIProvider

    provider = OpenAIProvider(api_key="sk-bench", base_url=stub_url)
    firsts, fulls = [], []
    for _ in range(n):
        start = time.perf_counter()
        first = None
        for ev in provider.stream(
            ChatRequest(model="gpt-4o", system="s", messages=[{"role": "user", "content": "hi"}])
        ):
            if ev.type == "token" and first is None:
                first = time.perf_counter()
        end = time.perf_counter()
        firsts.append((first - start) * 1000)
        fulls.append((end - start) * 1000)
    return firsts, fulls


def report(name: str, firsts: list[float], fulls: list[float]) -> None:
    print(
        f"{name:<38} first token p50 {pct(firsts, 0.5):7.1f} ms  p95 {pct(firsts, 0.95):7.1f} ms"
        f"   full reply p50 {pct(fulls, 0.5):7.1f} ms  p95 {pct(fulls, 0.95):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=60)
    parser.add_argument("--stub-latency-ms", type=int, default=200)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    from chat import intents
    from tests.ai_providers.stub import Reply, StubLLM

    intents.classify("warm up")  # load the sentence model once, as a running server has
    # Every message is new wording to the caches (query vectors, intents): numbered.
    turns = [f"{TURNS[i % len(TURNS)]} ({i})" for i in range(args.turns)]
    server = Server().start()
    try:
        asyncio.run(drive(server.port, TURNS))  # warm-up round, not counted
        local = asyncio.run(drive(server.port, turns))

        stub = StubLLM().start()
        reply = "Happy to help: chatbots usually cut first-response times by a third. " * 3
        stub.script("openai", Reply(text=reply, delay=args.stub_latency_ms / 1000, chunk=6))
        settings.LLM_PROVIDER = "auto"
        settings.OPENAI_API_KEY = "sk-bench"
        settings.OPENAI_BASE_URL = stub.openai_url
        settings.LLM_ROUTES = {k: ["openai:gpt-4o"] for k in ("qualification", "rag_generation")}
        settings.LLM_FALLBACK_CHAIN = []
        settings.CHAT_VISITOR_BUDGET_USD = settings.CHAT_MONTHLY_BUDGET_USD = 1e9
        bare = bare_sdk(stub.openai_url, max(20, args.turns // 2))
        asyncio.run(drive(server.port, TURNS[:3]))  # warm-up
        remote_turns = [f"{TURNS[i % len(TURNS)]} (r{i})" for i in range(args.turns)]
        remote = asyncio.run(drive(server.port, remote_turns))
        stub.stop()
    finally:
        server.stop()

    n = len(turns)
    print(
        f"\nchat over the WebSocket, {n} turns per series, stub latency {args.stub_latency_ms} ms"
    )
    report("LocalProvider", *local)
    report("stub provider via chat", *remote)
    report("bare SDK call to the stub", *bare)
    bare_first, bare_full = statistics.median(bare[0]), statistics.median(bare[1])
    over_first = [v - bare_first for v in remote[0]]
    over_full = [v - bare_full for v in remote[1]]
    report("our overhead (chat - bare SDK p50)", over_first, over_full)
    ok_local = pct(local[0], 0.95) <= 300
    ok_over = pct(over_first, 0.95) <= 150 and pct(over_full, 0.95) <= 150
    print(
        f"\ntarget p95 first token <= 300 ms (local): {'met' if ok_local else 'NOT met'}; "
        f"p95 overhead <= 150 ms: {'met' if ok_over else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
