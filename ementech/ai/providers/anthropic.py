"""Anthropic provider: the messages API with tool use and streaming, via the official SDK."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import anthropic

from .base import (
    ChatRequest,
    ChatResult,
    ProviderError,
    ProviderNotConfigured,
    StreamEvent,
    ToolCall,
    Usage,
)


def to_anthropic_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Neutral messages -> Anthropic blocks; consecutive tool results share one user turn."""
    out: list[dict[str, Any]] = []
    for m in messages:
        if m["role"] == "tool":
            block = {
                "type": "tool_result",
                "tool_use_id": m["tool_call_id"],
                "content": m["content"],
            }
            if out and out[-1]["role"] == "user" and isinstance(out[-1]["content"], list):
                out[-1]["content"].append(block)
            else:
                out.append({"role": "user", "content": [block]})
        elif m["role"] == "assistant" and m.get("tool_calls"):
            blocks: list[dict[str, Any]] = []
            if m.get("content"):
                blocks.append({"type": "text", "text": m["content"]})
            for c in m["tool_calls"]:
                blocks.append(
                    {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments or {}}
                )
            out.append({"role": "assistant", "content": blocks})
        else:
            out.append({"role": m["role"], "content": m["content"]})
    return out


@cache
def _create_params() -> frozenset[str]:
    import inspect

    return frozenset(inspect.signature(anthropic.resources.Messages.create).parameters)


class AnthropicProvider:
    """``anthropic.Anthropic`` pointed at ``base_url``."""

    name = "anthropic"

    def __init__(self, *, api_key: str, base_url: str | None = None, max_retries: int = 0):
        if not api_key:
            raise ProviderNotConfigured("ANTHROPIC_API_KEY is not set")
        self._client = anthropic.Anthropic(
            api_key=api_key, base_url=base_url, max_retries=max_retries
        )

    def _kwargs(self, request: ChatRequest) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": request.model,
            "system": request.system,
            "messages": to_anthropic_messages(request.messages),
            "max_tokens": request.max_tokens,
            "timeout": request.timeout,
        }
        # Current SDKs no longer take ``temperature`` as a named argument; models that
        # accept it still read it from the body.
        if "temperature" not in _create_params():
            kwargs["extra_body"] = {"temperature": request.temperature}
        else:
            kwargs["temperature"] = request.temperature
        if request.tools:
            kwargs["tools"] = [
                {"name": t.name, "description": t.description, "input_schema": t.parameters}
                for t in request.tools
            ]
        return kwargs

    def complete(self, request: ChatRequest) -> ChatResult:
        try:
            resp = self._client.messages.create(**self._kwargs(request))
        except anthropic.AnthropicError as exc:
            raise ProviderError(f"anthropic: {exc.__class__.__name__}: {exc}") from exc
        text: list[str] = []
        calls: list[ToolCall] = []
        for block in resp.content:
            if block.type == "text":
                text.append(block.text)
            elif block.type == "tool_use":
                calls.append(ToolCall.parse(block.id, block.name, dict(block.input or {})))
        return ChatResult(
            text="".join(text),
            tool_calls=calls,
            usage=Usage(resp.usage.input_tokens or 0, resp.usage.output_tokens or 0),
            model=resp.model or request.model,
            provider=self.name,
            finish_reason=resp.stop_reason or "",
        )

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        kwargs = self._kwargs(request)
        kwargs["stream"] = True
        text: list[str] = []
        blocks: dict[int, dict[str, str]] = {}
        calls: list[ToolCall] = []
        usage = Usage()
        model = request.model
        finish = ""
        try:
            for event in self._client.messages.create(**kwargs):
                kind = event.type
                if kind == "message_start":
                    model = event.message.model or model
                    usage.input_tokens = event.message.usage.input_tokens or 0
                    usage.output_tokens = event.message.usage.output_tokens or 0
                elif kind == "content_block_start":
                    block = event.content_block
                    if block.type == "tool_use":
                        blocks[event.index] = {"id": block.id, "name": block.name, "args": ""}
                elif kind == "content_block_delta":
                    delta = event.delta
                    if delta.type == "text_delta":
                        text.append(delta.text)
                        yield StreamEvent("token", text=delta.text)
                    elif delta.type == "input_json_delta" and event.index in blocks:
                        blocks[event.index]["args"] += delta.partial_json
                elif kind == "content_block_stop" and event.index in blocks:
                    b = blocks.pop(event.index)
                    call = ToolCall.parse(b["id"], b["name"], b["args"])
                    calls.append(call)
                    yield StreamEvent("tool_call", tool_call=call)
                elif kind == "message_delta":
                    finish = event.delta.stop_reason or finish
                    if event.usage and event.usage.output_tokens is not None:
                        usage.output_tokens = event.usage.output_tokens
        except anthropic.AnthropicError as exc:
            raise ProviderError(f"anthropic: {exc.__class__.__name__}: {exc}") from exc
        except (json.JSONDecodeError, ValueError) as exc:
            raise ProviderError(f"anthropic: malformed stream: {exc}") from exc
        if not finish:
            raise ProviderError("anthropic: stream ended before a stop reason (truncated)")
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
