"""A local HTTP server speaking the OpenAI chat-completions and Anthropic messages wire
formats (JSON and server-sent-event streams, including streamed tool calls), so the official
SDKs can be tested for real without the network.

Script replies with :meth:`StubLLM.script` (consumed in order, the last one repeats);
every request body is kept in ``requests`` for assertions.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    text: str = ""
    tool_calls: list[tuple[str, str]] = field(default_factory=list)  # (name, raw JSON args)
    status: int = 200
    delay: float = 0.0
    input_tokens: int = 120
    output_tokens: int = 40
    chunk: int = 4  # characters per streamed text delta
    drop_after_tokens: int | None = None  # close the stream mid-way
    # A reply that waits: ``started`` is set when the request arrives, then the answer is
    # held until ``release`` is set (bounded by ``hold_limit`` seconds so a test never hangs).
    started: threading.Event | None = None
    release: threading.Event | None = None
    hold_limit: float = 60.0


class StubLLM:
    def __init__(self) -> None:
        self.scripts: dict[str, list[Reply]] = {"openai": [], "anthropic": []}
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.endswith("/chat/completions"):
                    kind = "openai"
                elif self.path.endswith("/messages"):
                    kind = "anthropic"
                else:
                    self.send_error(404)
                    return
                reply = stub._next(kind)
                with stub.lock:
                    stub.requests.append(
                        {
                            "provider": kind,
                            "path": self.path,
                            "body": body,
                            "headers": dict(self.headers),
                        }  # fmt: skip
                    )
                if reply.started is not None:
                    reply.started.set()
                if reply.release is not None:
                    reply.release.wait(reply.hold_limit)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status != 200:
                    return self._json(reply.status, _error(kind, reply.status))
                if body.get("stream"):
                    events = (
                        openai_stream(body, reply)
                        if kind == "openai"
                        else anthropic_stream(body, reply)
                    )
                    return self._sse(events, reply)
                payload = (
                    openai_json(body, reply) if kind == "openai" else anthropic_json(body, reply)
                )
                return self._json(200, payload)

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _sse(self, events: list[str], reply: Reply) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.send_header("connection", "close")
                self.end_headers()
                for i, ev in enumerate(events):
                    if reply.drop_after_tokens is not None and i > reply.drop_after_tokens:
                        self.wfile.write(b'data: {"broken')
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self.wfile.write(ev.encode())
                    self.wfile.flush()
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- control -----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def anthropic_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StubLLM:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def script(self, provider: str, *replies: Reply) -> None:
        with self.lock:
            self.scripts[provider] = list(replies)

    def _next(self, kind: str) -> Reply:
        with self.lock:
            queue = self.scripts[kind]
            if not queue:
                return Reply(text="(stub default reply)")
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def bodies(self, provider: str) -> list[dict]:
        return [r["body"] for r in self.requests if r["provider"] == provider]


def _error(kind: str, status: int) -> dict:
    if kind == "openai":
        return {"error": {"message": f"stub failure {status}", "type": "server_error",
                          "param": None, "code": None}}  # fmt: skip
    return {"type": "error", "error": {"type": "api_error", "message": f"stub failure {status}"}}


# --- OpenAI ---------------------------------------------------------------------------------


def openai_json(body: dict, r: Reply) -> dict:
    message: dict[str, Any] = {"role": "assistant", "content": r.text or None}
    if r.tool_calls:
        message["tool_calls"] = [
            {"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": a}}
            for i, (n, a) in enumerate(r.tool_calls)
        ]
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "gpt-4o"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": "tool_calls" if r.tool_calls else "stop",
            }  # fmt: skip
        ],
        "usage": {
            "prompt_tokens": r.input_tokens,
            "completion_tokens": r.output_tokens,
            "total_tokens": r.input_tokens + r.output_tokens,
        },
    }


def openai_stream(body: dict, r: Reply) -> list[str]:
    model = body.get("model", "gpt-4o")

    def chunk(delta: dict | None, finish: str | None = None, usage: dict | None = None) -> str:
        payload = {
            "id": "chatcmpl-stub",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": []
            if delta is None
            else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        if usage is not None:
            payload["usage"] = usage
        return f"data: {json.dumps(payload)}\n\n"

    out = [chunk({"role": "assistant", "content": ""})]
    for i in range(0, len(r.text), r.chunk):
        out.append(chunk({"content": r.text[i : i + r.chunk]}))
    for idx, (name, args) in enumerate(r.tool_calls):
        out.append(
            chunk(
                {
                    "tool_calls": [
                        {
                            "index": idx,
                            "id": f"call_{idx}",
                            "type": "function",
                            "function": {"name": name, "arguments": ""},
                        }
                    ]
                }  # fmt: skip
            )
        )
        for j in range(0, len(args), 7):  # arguments arrive in fragments
            out.append(
                chunk({"tool_calls": [{"index": idx, "function": {"arguments": args[j : j + 7]}}]})
            )
    out.append(chunk({}, "tool_calls" if r.tool_calls else "stop"))
    if (body.get("stream_options") or {}).get("include_usage"):
        out.append(
            chunk(
                None,
                usage={
                    "prompt_tokens": r.input_tokens,
                    "completion_tokens": r.output_tokens,
                    "total_tokens": r.input_tokens + r.output_tokens,
                },
            )  # fmt: skip
        )
    out.append("data: [DONE]\n\n")
    return out


# --- Anthropic ------------------------------------------------------------------------------


def anthropic_json(body: dict, r: Reply) -> dict:
    content: list[dict] = []
    if r.text:
        content.append({"type": "text", "text": r.text})
    for i, (name, args) in enumerate(r.tool_calls):
        content.append({"type": "tool_use", "id": f"toolu_{i}", "name": name,
                        "input": json.loads(args)})  # fmt: skip
    return {
        "id": "msg_stub",
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "claude-3-5-sonnet-20241022"),
        "content": content,
        "stop_reason": "tool_use" if r.tool_calls else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": r.input_tokens, "output_tokens": r.output_tokens},
    }


def anthropic_stream(body: dict, r: Reply) -> list[str]:
    def ev(kind: str, data: dict) -> str:
        return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n"

    out = [
        ev("message_start", {"message": {
            "id": "msg_stub", "type": "message", "role": "assistant",
            "model": body.get("model", "claude-3-5-sonnet-20241022"), "content": [],
            "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": r.input_tokens, "output_tokens": 1}}}),
    ]  # fmt: skip
    index = 0
    if r.text:
        block = {"type": "text", "text": ""}
        out.append(ev("content_block_start", {"index": 0, "content_block": block}))
        for i in range(0, len(r.text), r.chunk):
            out.append(ev("content_block_delta", {"index": 0, "delta": {
                "type": "text_delta", "text": r.text[i : i + r.chunk]}}))  # fmt: skip
        out.append(ev("content_block_stop", {"index": 0}))
        index = 1
    for k, (name, args) in enumerate(r.tool_calls):
        i = index + k
        out.append(ev("content_block_start", {"index": i, "content_block": {
            "type": "tool_use", "id": f"toolu_{k}", "name": name, "input": {}}}))  # fmt: skip
        for j in range(0, len(args), 6):
            out.append(ev("content_block_delta", {"index": i, "delta": {
                "type": "input_json_delta", "partial_json": args[j : j + 6]}}))  # fmt: skip
        out.append(ev("content_block_stop", {"index": i}))
    out.append(ev("message_delta", {"delta": {
        "stop_reason": "tool_use" if r.tool_calls else "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": r.output_tokens}}))  # fmt: skip
    out.append(ev("message_stop", {}))
    return out
