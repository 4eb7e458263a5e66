"""A local Slack: the Web API's ``chat.postMessage`` (bearer token, ``{"ok": ...}``
answers, ``invalid_auth``/``channel_not_found``, 429 ``ratelimited`` with ``Retry-After``,
503) and incoming webhooks (``ok`` as plain text, ``no_service``, 429 and 5xx)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    stub: SlackStub

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, ctype: str, retry_after: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if retry_after:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw or b"{}")
        stub = self.stub
        with stub.lock:
            stub.attempts += 1
            web_api = self.path.startswith("/api/")
            if stub.rate_limited > 0:
                stub.rate_limited -= 1
                payload = b'{"ok":false,"error":"ratelimited"}' if web_api else b"rate_limited"
                return self._send(429, payload, "application/json", retry_after=True)
            if stub.server_errors > 0:
                stub.server_errors -= 1
                return self._send(503, b"service unavailable", "text/plain")
            if web_api:
                if self.headers.get("Authorization") != f"Bearer {stub.token}":
                    return self._send(
                        200, b'{"ok":false,"error":"invalid_auth"}', "application/json"
                    )
                if self.path != "/api/chat.postMessage":
                    return self._send(
                        404, b'{"ok":false,"error":"unknown_method"}', "application/json"
                    )
                if body.get("channel") not in stub.channels:
                    return self._send(
                        200, b'{"ok":false,"error":"channel_not_found"}', "application/json"
                    )
                stub.messages.append({"channel": body["channel"], **body})
                reply = {
                    "ok": True,
                    "channel": stub.channels[body["channel"]],
                    "ts": f"1700000000.{len(stub.messages):06d}",
                    "message": {"text": body.get("text"), "blocks": body.get("blocks")},
                }
                return self._send(200, json.dumps(reply).encode(), "application/json")
            if self.path not in stub.hooks:
                return self._send(404, b"no_service", "text/html")
            stub.messages.append({"channel": stub.hooks[self.path], **body})
        return self._send(200, b"ok", "text/html")


class SlackStub:
    def __init__(self) -> None:
        self.token = "xoxb-test-token"  # noqa: S105 - a stub
        self.channels = {"#sales-hot-leads": "C0HOT", "#sales-handoffs": "C0HANDOFF"}
        self.hooks = {
            "/services/T0/B0HOT/x": "#sales-hot-leads",
            "/services/T0/B0HAND/y": "#sales-handoffs",
        }
        self.lock = threading.Lock()
        self.messages: list[dict] = []
        self.attempts = 0
        self.rate_limited = 0
        self.server_errors = 0
        handler = type("Handler", (_Handler,), {"stub": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> SlackStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
