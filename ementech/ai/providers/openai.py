"""OpenAI provider: chat completions with tool calling and streaming, via the official SDK."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai

from .base import (
    ChatRequest,
    ChatResult,
    ProviderError,
    ProviderNotConfigured,
    StreamEvent,
    ToolCall,
    Usage,
)


def to_openai_messages(system: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"role": "system", "content": system}]
    for m in messages:
        if m["role"] == "tool":
            out.append({"role": "tool", "tool_call_id": m["tool_call_id"], "content": m["content"]})
        elif m["role"] == "assistant" and m.get("tool_calls"):
            out.append(
                {
                    "role": "assistant",
                    "content": m.get("content") or None,
                    "tool_calls": [
                        {
                            "id": c.id,
                            "type": "function",
                            "function": {"name": c.name, "arguments": c.raw or "{}"},
                        }
                        for c in m["tool_calls"]
                    ],
                }
            )
        else:
            out.append({"role": m["role"], "content": m["content"]})
    return out


class OpenAIProvider:
    """``openai.OpenAI`` pointed at ``base_url`` (the real API, or a compatible server)."""

    name = "openai"

    def __init__(self, *, api_key: str, base_url: str | None = None, max_retries: int = 0):
        if not api_key:
            raise ProviderNotConfigured("OPENAI_API_KEY is not set")
        self._client = openai.OpenAI(api_key=api_key, base_url=base_url, max_retries=max_retries)

    def _kwargs(self, request: ChatRequest) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": request.model,
            "messages": to_openai_messages(request.system, request.messages),
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "timeout": request.timeout,
        }
        if request.tools:
            kwargs["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": t.name,
                        "description": t.description,
                        "parameters": t.parameters,
                    },
                }
                for t in request.tools
            ]
        return kwargs

    def complete(self, request: ChatRequest) -> ChatResult:
        try:
            resp = self._client.chat.completions.create(**self._kwargs(request))
        except openai.OpenAIError as exc:
            raise ProviderError(f"openai: {exc.__class__.__name__}: {exc}") from exc
        if not resp.choices:
            raise ProviderError("openai: reply has no choices")
        choice = resp.choices[0]
        calls = [
            ToolCall.parse(c.id, c.function.name, c.function.arguments)
            for c in (choice.message.tool_calls or [])
        ]
        usage = Usage(
            input_tokens=getattr(resp.usage, "prompt_tokens", 0) or 0,
            output_tokens=getattr(resp.usage, "completion_tokens", 0) or 0,
        )
        return ChatResult(
            text=choice.message.content or "",
            tool_calls=calls,
            usage=usage,
            model=resp.model or request.model,
            provider=self.name,
            finish_reason=choice.finish_reason or "",
        )

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        kwargs = self._kwargs(request)
        kwargs["stream"] = True
        kwargs["stream_options"] = {"include_usage": True}
        text: list[str] = []
        pending: dict[int, dict[str, str]] = {}
        usage = Usage()
        model = request.model
        finish = ""
        try:
            stream = self._client.chat.completions.create(**kwargs)
            for chunk in stream:
                model = chunk.model or model
                if chunk.usage:
                    usage = Usage(
                        chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0
                    )
                for choice in chunk.choices or []:
                    delta = choice.delta
                    if delta and delta.content:
                        text.append(delta.content)
                        yield StreamEvent("token", text=delta.content)
                    for tc in (delta.tool_calls if delta else None) or []:
                        slot = pending.setdefault(tc.index, {"id": "", "name": "", "args": ""})
                        if tc.id:
                            slot["id"] = tc.id
                        if tc.function and tc.function.name:
                            slot["name"] += tc.function.name
                        if tc.function and tc.function.arguments:
                            slot["args"] += tc.function.arguments
                    if choice.finish_reason:
                        finish = choice.finish_reason
        except openai.OpenAIError as exc:
            raise ProviderError(f"openai: {exc.__class__.__name__}: {exc}") from exc
        except (json.JSONDecodeError, ValueError) as exc:
            raise ProviderError(f"openai: malformed stream: {exc}") from exc
        if not finish:
            raise ProviderError("openai: stream ended before a finish reason (truncated)")
        calls = [ToolCall.parse(s["id"], s["name"], s["args"]) for _, s in sorted(pending.items())]
        for call in calls:
            yield StreamEvent("tool_call", tool_call=call)
        yield StreamEvent(
            "done",
            result=ChatResult(
                text="".join(text),
                tool_calls=calls,
                usage=usage,
                model=model,
                provider=self.name,
                finish_reason=finish,
            ),
        )
