"""A local Zoom: server-to-server OAuth (``/oauth/token`` with ``account_credentials``),
API v2 meetings/webinars, registrants and the participant/Q&A/poll reports (paged with
``next_page_token``), with Zoom's error bodies (``{"code", "message"}``: 124 invalid token,
429 rate limit with ``Retry-After``, 3001 not found)."""

from __future__ import annotations

import base64
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Handler(BaseHTTPRequestHandler):
    stub: ZoomStub

    def log_message(self, *args):
        pass

    def _reply(self, status: int, body: dict, retry_after: bool = False) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        if retry_after:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw) if raw else {}
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        stub = self.stub
        with stub.lock:
            stub.requests.append((self.command, parts.path))
            if parts.path == "/oauth/token":
                return self._reply(*stub.oauth(self.headers.get("Authorization", ""), query))
            if self.headers.get("Authorization") not in {f"Bearer {t}" for t in stub.tokens}:
                return self._reply(401, {"code": 124, "message": "Invalid access token."})
            if stub.rate_limited > 0:
                stub.rate_limited -= 1
                return self._reply(
                    429,
                    {
                        "code": 429,
                        "message": "You have reached the maximum per-second rate "
                        "limit for this API. Try again later.",
                    },
                    retry_after=True,
                )
            status, reply = stub.route(self.command, parts.path, query, body)
        self._reply(status, reply)

    do_GET = do_POST = do_PATCH = do_DELETE = _handle  # noqa: N815


class ZoomStub:
    def __init__(self) -> None:
        self.account_id, self.client_id = "acct-test", "zoom-client-id"
        self.client_secret = "zoom-client-secret"  # noqa: S105 - a stub
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.tokens: set[str] = set()
        self.meetings: dict[str, dict] = {}
        self.registrants: dict[str, list[dict]] = {}
        self.participants: dict[str, list[dict]] = {}
        self.qa: dict[str, list[dict]] = {}
        self.polls: dict[str, list[dict]] = {}
        self.rate_limited = 0
        self._ids = itertools.count(81234567890)
        handler = type("Handler", (_Handler,), {"stub": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> ZoomStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def oauth(self, authorization: str, query: dict) -> tuple[int, dict]:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if authorization != f"Basic {expected}":
            return 400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
        if (
            query.get("grant_type") != "account_credentials"
            or query.get("account_id") != self.account_id
        ):
            return 400, {"reason": "Invalid request", "error": "invalid_request"}
        token = f"zoom-at-{len(self.tokens) + 1}"
        self.tokens.add(token)
        return 200, {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": 3599,
            "scope": "meeting:write:admin webinar:write:admin report:read:admin",
            "api_url": "https://api.zoom.us",
        }

    def route(self, method: str, path: str, query: dict, body: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if parts[0] != "v2":
            return 404, {"code": 404, "message": "Not found"}
        parts = parts[1:]
        if method == "POST" and parts[0] == "users" and parts[2] in {"meetings", "webinars"}:
            mid = next(self._ids)
            meeting = {
                **body,
                "id": mid,
                "uuid": f"u{mid}==",
                "host_id": "h0st",
                "join_url": f"https://zoom.us/j/{mid}",
                "registration_url": f"https://zoom.us/webinar/register/{mid}",
                "created_at": "2026-01-01T00:00:00Z",
                "kind": parts[2],
            }
            self.meetings[str(mid)] = meeting
            return 201, meeting
        if parts[0] in {"meetings", "webinars"} and parts[2:] == ["registrants"]:
            if parts[1] not in self.meetings:
                return 404, {"code": 3001, "message": "Meeting does not exist: " + parts[1]}
            people = self.registrants.setdefault(parts[1], [])
            rid = f"r{len(people) + 1}x{parts[1][-4:]}"
            people.append({**body, "registrant_id": rid})
            return 201, {
                "id": int(parts[1]),
                "registrant_id": rid,
                "join_url": f"https://zoom.us/w/{parts[1]}?tk={rid}",
                "topic": self.meetings[parts[1]].get("topic"),
                "start_time": self.meetings[parts[1]].get("start_time"),
            }
        if method == "GET" and parts[0] == "report" and len(parts) == 4:
            mid, what = parts[2], parts[3]
            if mid not in self.meetings:
                return 404, {"code": 3001, "message": "Meeting does not exist: " + mid}
            if what == "participants":
                rows = self.participants.get(mid, [])
                size = int(query.get("page_size", 30))
                start = int(query.get("next_page_token") or 0)
                page = rows[start : start + size]
                token = str(start + size) if start + size < len(rows) else ""
                return 200, {
                    "page_count": 1,
                    "page_size": size,
                    "total_records": len(rows),
                    "next_page_token": token,
                    "participants": page,
                }
            if what == "qa":
                return 200, {"id": int(mid), "topic": "t", "questions": self.qa.get(mid, [])}
            if what == "polls":
                return 200, {"id": int(mid), "topic": "t", "questions": self.polls.get(mid, [])}
        return 404, {"code": 404, "message": "Not found"}
