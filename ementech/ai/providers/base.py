"""Provider protocol and the provider-neutral request/result types.

Every provider (OpenAI, Anthropic, local) takes a :class:`ChatRequest` and returns a
:class:`ChatResult`, or streams :class:`StreamEvent` items ending with a ``done`` event that
carries the full result. Messages use one neutral shape::

    {"role": "user" | "assistant", "content": str}
    {"role": "assistant", "content": str, "tool_calls": [ToolCall, ...]}
    {"role": "tool", "tool_call_id": str, "name": str, "content": str}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable


class ProviderError(Exception):
    """A provider could not answer (network, timeout, HTTP error, malformed reply)."""


class ProviderNotConfigured(ProviderError):
    """The provider has no credentials; the router skips it."""


@dataclass(frozen=True)
class ToolSpec:
    """A tool offered to the model: name, description and a JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass
class ToolCall:
    """A tool call the model asked for. ``arguments`` is parsed JSON; ``raw`` is what it sent."""

    id: str
    name: str
    arguments: dict[str, Any] | None
    raw: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "arguments": self.arguments, "raw": self.raw}

    @staticmethod
    def parse(call_id: str, name: str, raw: str | dict | None) -> ToolCall:
        """Build a call from raw JSON text; unparsable arguments become ``None`` (refused later)."""
        if isinstance(raw, dict):
            return ToolCall(id=call_id, name=name, arguments=raw, raw=json.dumps(raw))
        text = raw or ""
        try:
            args = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError:
            args = None
        if args is not None and not isinstance(args, dict):
            args = None
        return ToolCall(id=call_id, name=name, arguments=args, raw=text)


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass
class ChatRequest:
    """One call to a model.

    ``context`` holds the same facts the system prompt renders (retrieved sources, known
    profile, agent) in structured form; LLM providers ignore it, the local provider uses it.
    """

    model: str
    system: str
    messages: list[dict[str, Any]]
    tools: list[ToolSpec] = field(default_factory=list)
    temperature: float = 0.3
    max_tokens: int = 700
    timeout: float | None = None  # seconds; None: settings.LLM_TIMEOUT (llm_config applies it)
    task: str = "chat"
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def deterministic(self) -> bool:
        return self.temperature == 0

    def cache_key_material(self) -> str:
        return json.dumps(
            {
                "model": self.model,
                "system": self.system,
                "messages": self.messages,
                "tools": [asdict(t) for t in self.tools],
                "max_tokens": self.max_tokens,
            },
            sort_keys=True,
            default=str,
        )


@dataclass
class ChatResult:
    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    model: str = ""
    provider: str = ""
    finish_reason: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    cost: float = 0.0
    cached: bool = False


@dataclass
class StreamEvent:
    """``token`` (text), ``tool_call`` (a complete call) or ``done`` (the full result)."""

    type: str
    text: str = ""
    tool_call: ToolCall | None = None
    result: ChatResult | None = None


@runtime_checkable
class Provider(Protocol):
    name: str

    def complete(self, request: ChatRequest) -> ChatResult: ...

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]: ...


def stream_from_result(result: ChatResult) -> Iterator[StreamEvent]:
    """Replay a finished result as a stream (cache hits, providers without streaming)."""
    for chunk in split_tokens(result.text):
        yield StreamEvent("token", text=chunk)
    for call in result.tool_calls:
        yield StreamEvent("tool_call", tool_call=call)
    yield StreamEvent("done", result=result)


def split_tokens(text: str) -> list[str]:
    """Split text into word-sized pieces that concatenate back to exactly ``text``."""
    out: list[str] = []
    buf = ""
    for ch in text:
        buf += ch
        if ch == " ":
            out.append(buf)
            buf = ""
    if buf:
        out.append(buf)
    return out
