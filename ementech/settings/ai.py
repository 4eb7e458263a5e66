"""AI settings: provider keys and endpoints, the embedding model, and the chat assistant's
LLM routing, prices and limits (read into ``ementech.settings.base``)."""

from __future__ import annotations

import environ

env = environ.Env()

# --- AI -------------------------------------------------------------------------------------

OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="") or None
ANTHROPIC_API_KEY = env.str("ANTHROPIC_API_KEY", default="")
ANTHROPIC_BASE_URL = env.str("ANTHROPIC_BASE_URL", default="") or None
COHERE_API_KEY = env.str("COHERE_API_KEY", default="")
COHERE_BASE_URL = env.str("COHERE_BASE_URL", default="") or None
PINECONE_API_KEY = env.str("PINECONE_API_KEY", default="")
PINECONE_HOST = env.str("PINECONE_HOST", default="") or None
PINECONE_INDEX = env.str("PINECONE_INDEX", default="ementech-knowledge")
EMBEDDING_MODEL = env.str("EMBEDDING_MODEL", default="")
# The local model runs on onnxruntime (no torch in serving processes) when its ONNX export
# exists ("auto"; `make install` writes it: python -m ementech.ai.onnx_export), or always
# ("onnx") or never ("torch"). "" = VAR_DIR/models/all-MiniLM-L6-v2.onnx.
EMBEDDING_BACKEND = env.str("EMBEDDING_BACKEND", default="auto")
EMBEDDING_ONNX_PATH = env.str("EMBEDDING_ONNX_PATH", default="")
# "int8": knowledge ingestion embeds documents with the quantised copy the export writes
# beside that file (about 1.8x the chunks per second, same retrieval on the labelled set);
# "float32": with the export itself. Queries and the chat always use the float model.
EMBEDDING_PRECISION = env.str("EMBEDDING_PRECISION", default="int8")
# A knowledge-index rebuild marked running whose worker showed no progress for this long is
# stale (its worker died): /health and the CMS say so and a new rebuild may start.
KNOWLEDGE_REBUILD_STALE_SECONDS = env.int("KNOWLEDGE_REBUILD_STALE_SECONDS", default=900)
# The knowledge index is one set of files per version that every process memory-maps
# (``ementech.ai.indexfiles``): where the sets live ("" = VAR_DIR/knowledge), the size from
# which an HNSW graph answers instead of an exact scan, and its search breadth.
KNOWLEDGE_INDEX_DIR = env.str("KNOWLEDGE_INDEX_DIR", default="")
KNOWLEDGE_ANN_THRESHOLD = env.int("KNOWLEDGE_ANN_THRESHOLD", default=50_000)
# 256: recall@10 0.99 in place of 0.97 at a million chunks for about 1 ms more per query.
KNOWLEDGE_ANN_EXPANSION = env.int("KNOWLEDGE_ANN_EXPANSION", default=256)
# The graph's own copy of the vectors: i8, f16 or auto (i8 below 250,000 chunks, f16 above;
# see ementech/ai/indexfiles.py). Results are re-scored exactly either way.
KNOWLEDGE_ANN_DTYPE = env.str("KNOWLEDGE_ANN_DTYPE", default="auto")
# After a knowledge change a process keeps serving its previous set this long while the
# worker publishes the new one; past it (or with no set at all) it builds the set itself.
KNOWLEDGE_INDEX_WAIT_SECONDS = env.float("KNOWLEDGE_INDEX_WAIT_SECONDS", default=60)
SLACK_WEBHOOK_URL = env.str("SLACK_WEBHOOK_URL", default="")

# --- chat / LLM ---------------------------------------------------------------------------

# "auto": OpenAI/Anthropic when their keys are set, else the local provider; "local" forces it.
LLM_PROVIDER = env.str("LLM_PROVIDER", default="auto")
# Per-task override of the seed's model matrix: {"chat": ["openai:gpt-4o", ...]}.
LLM_ROUTES = env.json("LLM_ROUTES", default={})
# Tried after a task's own routes, in order (seed 8.4).
LLM_FALLBACK_CHAIN = env.list(
    "LLM_FALLBACK_CHAIN",
    default=["openai:gpt-4o", "anthropic:claude-3-5-sonnet-20241022", "openai:gpt-4o-mini"],
)
LLM_TIMEOUT = env.float("LLM_TIMEOUT", default=20.0)
LLM_CACHE_SECONDS = env.int("LLM_CACHE_SECONDS", default=3600)
# US dollars per million tokens (seed 8.3).
LLM_PRICES = env.json(
    "LLM_PRICES",
    default={
        "gpt-4o": {"input": 2.50, "output": 10.00},
        "gpt-4o-mini": {"input": 0.15, "output": 0.60},
        "claude-3-5-sonnet": {"input": 3.00, "output": 15.00},
        "local": {"input": 0.0, "output": 0.0},
    },
)
CHAT_VISITOR_BUDGET_USD = env.float("CHAT_VISITOR_BUDGET_USD", default=0.50)
# Model spend a day per browser and per client address, across all their conversations
# (chat.limits): a new conversation no longer starts a new budget.
CHAT_BROWSER_BUDGET_USD_PER_DAY = env.float("CHAT_BROWSER_BUDGET_USD_PER_DAY", default=0.50)
CHAT_IP_BUDGET_USD_PER_DAY = env.float("CHAT_IP_BUDGET_USD_PER_DAY", default=2.00)
CHAT_MONTHLY_BUDGET_USD = env.float("CHAT_MONTHLY_BUDGET_USD", default=300.0)
CHAT_MAX_MESSAGE_CHARS = 4000
CHAT_HANDOFF_TIMEOUT_SECONDS = env.int("CHAT_HANDOFF_TIMEOUT_SECONDS", default=180)
# WebSocket frames: the chat consumer refuses (with an error event, socket kept) any frame
# longer than CHAT_MAX_FRAME_CHARS before parsing it; uvicorn drops frames over
# WS_MAX_FRAME_BYTES at the protocol layer (closing the socket).
CHAT_MAX_FRAME_CHARS = env.int("CHAT_MAX_FRAME_CHARS", default=16 * 1024)
WS_MAX_FRAME_BYTES = env.int("WS_MAX_FRAME_BYTES", default=8 * 1024 * 1024)
# Demo slots offered by the scheduler when no SalesAvailability rows exist in the admin.
CHAT_DEMO_AVAILABILITY = env.json(
    "CHAT_DEMO_AVAILABILITY",
    default={"weekdays": [3, 4], "hours": [10, 14], "minutes": 30, "days_ahead": 14},
)
# A demo asked for an address the browser has not verified is *held* this long while the
# address's owner is asked (by email) to confirm it; then it lapses and frees the slot.
CHAT_DEMO_HOLD_HOURS = env.float("CHAT_DEMO_HOLD_HOURS", default=2.0)
# (New holds per browser, client IP and address: RATE_LIMITS["chat-demo-hold-*"].)
CHAT_WIDGET_OPEN_DELAY_SECONDS = env.int("CHAT_WIDGET_OPEN_DELAY_SECONDS", default=30)
