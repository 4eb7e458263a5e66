"""A local PostHog: the capture endpoint (``/batch/``, ``/i/v0/e/``, gzip or plain JSON)
and the private API's ``persons/bulk_delete``, with PostHog's error bodies for a bad
project key (401), overload (503) and rate limiting (429)."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    stub: PostHogStub

    def log_message(self, *args):
        pass

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip" or raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        body = json.loads(raw or b"{}")
        stub = self.stub
        path = self.path.split("?")[0]
        with stub.lock:
            stub.paths.append(path)
            if path.endswith("/persons/bulk_delete/"):
                if self.headers.get("Authorization") != f"Bearer {stub.personal_key}":
                    return self._reply(
                        401,
                        {
                            "type": "authentication_error",
                            "code": "not_authenticated",
                            "detail": "Invalid personal API key.",
                        },
                    )
                if stub.delete_unavailable > 0:
                    stub.delete_unavailable -= 1
                    return self._reply(
                        503,
                        {"type": "server_error", "code": "error", "detail": "Service unavailable"},
                    )
                stub.deletions.append(body)
                return self._reply(202, {})
            events = body.get("batch") if isinstance(body, dict) and "batch" in body else [body]
            key = body.get("api_key") if isinstance(body, dict) else None
            if key != stub.project_key:
                return self._reply(
                    401,
                    {
                        "type": "authentication_error",
                        "code": "invalid_api_key",
                        "detail": "Project API key invalid.",
                    },
                )
            stub.events.extend(events)
        return self._reply(200, {"status": "Ok"})


class PostHogStub:
    def __init__(self) -> None:
        self.project_key = "phc_test_project_key"
        self.personal_key = "phx_test_personal_key"
        self.lock = threading.Lock()
        self.paths: list[str] = []
        self.events: list[dict] = []
        self.deletions: list[dict] = []
        self.delete_unavailable = 0
        handler = type("Handler", (_Handler,), {"stub": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> PostHogStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def named(self, name: str) -> list[dict]:
        return [e for e in self.events if e.get("event") == name]
