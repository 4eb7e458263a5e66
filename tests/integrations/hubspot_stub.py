"""A local HubSpot: the CRM v3 objects API (contacts, companies: batch upsert/read, list
pages, search by ``lastmodifieddate``, archive, GDPR delete) and v4 default associations,
answering in HubSpot's JSON shapes, including its 401, 429 (``RATE_LIMIT``) and 5xx error
bodies. The official SDK is pointed at it through ``HUBSPOT_BASE_URL``."""

from __future__ import annotations

import itertools
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class _Handler(BaseHTTPRequestHandler):
    stub: HubSpotStub
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, status: int, body: dict | None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if status == 429:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else {}
        parts = urlsplit(self.path)
        stub = self.stub
        with stub.lock:
            stub.requests.append((self.command, parts.path))
            if self.headers.get("Authorization") != f"Bearer {stub.token}":
                return self._reply(401, stub.error(401, "INVALID_AUTHENTICATION"))
            if stub.down:
                stub.refused += 1
                return self._reply(503, stub.error(503, "SERVICE_UNAVAILABLE"))
            if stub.rate_limited > 0:
                stub.rate_limited -= 1
                return self._reply(429, stub.error(429, "RATE_LIMIT"))
            status, reply = stub.route(self.command, parts.path, parse_qs(parts.query), body)
            if stub.lose_answers > 0 and status < 300:
                stub.lose_answers -= 1  # applied, but the answer never arrives intact
                return self._reply(502, stub.error(502, "BAD_GATEWAY"))
        self._reply(status, reply)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _handle  # noqa: N815


class HubSpotStub:
    def __init__(self, token: str = "pat-test-token") -> None:  # noqa: S107 - a stub
        self.token = token
        self.lock = threading.RLock()
        self.requests: list[tuple[str, str]] = []
        self.objects: dict[str, dict[str, dict]] = {"contacts": {}, "companies": {}, "meetings": {}}
        self.associations: list[tuple[str, str, str, str]] = []
        self.gdpr_deleted: list[str] = []
        self.down = False
        self.refused = 0
        self.rate_limited = 0
        self.lose_answers = 0
        self._ids = itertools.count(1001)
        self.clock = datetime(2026, 1, 1, tzinfo=UTC)
        handler = type("Handler", (_Handler,), {"stub": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> HubSpotStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- helpers for tests ---------------------------------------------------------------

    def tick(self) -> datetime:
        """HubSpot's clock: every write is a little later than the previous one."""
        self.clock = max(self.clock + timedelta(milliseconds=1), datetime.now(UTC))
        return self.clock

    def error(self, status: int, category: str) -> dict:
        messages = {
            401: "Authentication credentials not found.",
            429: "You have reached your secondly limit.",
            502: "Bad gateway",
            503: "Service Unavailable",
        }
        body = {
            "status": "error",
            "message": messages.get(status, category),
            "correlationId": "3d1d1c8e-0000-4000-8000-000000000000",
            "category": category,
        }
        if status == 429:
            body.update(errorType="RATE_LIMIT", policyName="SECONDLY")
        return body

    def contacts(self) -> list[dict]:
        return [c for c in self.objects["contacts"].values() if not c["archived"]]

    def contact_by(self, prop: str, value: str) -> dict | None:
        for obj in self.contacts():
            if obj["properties"].get(prop) == value:
                return obj
        return None

    def add_contact(self, **props: str) -> dict:
        with self.lock:
            return self._create("contacts", props)

    def change(self, contact_id: str, **props: str) -> dict:
        """Someone edits the contact in HubSpot; returns the webhook event it triggers."""
        with self.lock:
            obj = self.objects["contacts"][contact_id]
            now = self.tick()
            obj["properties"].update(props)
            obj["properties"]["lastmodifieddate"] = iso(now)
            obj["updatedAt"] = iso(now)
            name = next(iter(props))
            return self.event(
                "contact.propertyChange",
                contact_id,
                now,
                propertyName=name,
                propertyValue=props[name],
            )

    def gdpr_delete_in_ui(self, contact_id: str) -> dict:
        with self.lock:
            self.objects["contacts"].pop(contact_id, None)
            return self.event("contact.privacyDeletion", contact_id, self.tick())

    def event(self, kind: str, object_id: str, when: datetime, **extra) -> dict:
        return {
            "eventId": next(self._ids) * 7919,
            "subscriptionId": 4242,
            "portalId": 62515,
            "appId": 1160452,
            "occurredAt": int(when.timestamp() * 1000),
            "subscriptionType": kind,
            "attemptNumber": 0,
            "objectId": int(object_id),
            "changeSource": "CRM_UI",
            **extra,
        }

    # --- the API -------------------------------------------------------------------------

    def _create(self, kind: str, props: dict) -> dict:
        now = self.tick()
        oid = str(next(self._ids))
        obj = {
            "id": oid,
            "properties": {
                **props,
                "hs_object_id": oid,
                "createdate": iso(now),
                "lastmodifieddate": iso(now),
            },
            "createdAt": iso(now),
            "updatedAt": iso(now),
            "archived": False,
        }
        self.objects[kind][oid] = obj
        return obj

    def _view(self, obj: dict, properties: list[str] | None) -> dict:
        props = obj["properties"]
        if properties:
            props = {k: props.get(k) for k in properties if k in props}
        return {**obj, "properties": props}

    def _batch(self, results: list[dict]) -> dict:
        now = iso(datetime.now(UTC))
        return {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}

    def _upsert(self, kind: str, inputs: list[dict]) -> tuple[int, dict]:
        results = []
        for item in inputs:
            id_prop, key = item["idProperty"], item["id"]
            existing = next(
                (
                    o
                    for o in self.objects[kind].values()
                    if not o["archived"] and o["properties"].get(id_prop) == key
                ),
                None,
            )
            if existing is None:
                obj = self._create(kind, {**item["properties"], id_prop: key})
                results.append({**obj, "new": True})
            else:
                now = self.tick()
                existing["properties"].update(item["properties"])
                existing["properties"]["lastmodifieddate"] = iso(now)
                existing["updatedAt"] = iso(now)
                results.append({**existing, "new": False})
        return 200, self._batch(results)

    def route(self, method: str, path: str, query: dict, body: dict) -> tuple[int, dict | None]:
        parts = path.strip("/").split("/")
        if parts[:3] == ["crm", "v4", "associations"] and parts[-1] == "default":
            for pair in body.get("inputs", []):
                self.associations.append((parts[3], pair["from"]["id"], parts[4], pair["to"]["id"]))
            return 200, self._batch([])
        if parts[:3] != ["crm", "v3", "objects"] or parts[3] not in self.objects:
            return 404, {"status": "error", "message": "Not found", "category": "OBJECT_NOT_FOUND"}
        kind, rest = parts[3], parts[4:]
        store = self.objects[kind]
        if method == "POST" and rest == ["batch", "upsert"]:
            return self._upsert(kind, body["inputs"])
        if method == "POST" and rest == ["batch", "update"]:
            results, errors = [], []
            for item in body["inputs"]:
                obj = store.get(item["id"])
                if obj is None or obj["archived"]:
                    errors.append(
                        {
                            "status": "error",
                            "category": "OBJECT_NOT_FOUND",
                            "message": f"Object {item['id']} not found",
                            "context": {"ids": [item["id"]]},
                        }
                    )
                    continue
                now = self.tick()
                obj["properties"].update(item["properties"])
                obj["properties"]["lastmodifieddate"] = iso(now)
                obj["updatedAt"] = iso(now)
                results.append(obj)
            reply = self._batch(results)
            if errors:
                reply.update(errors=errors, numErrors=len(errors))
            return (207 if errors else 200), reply
        if method == "POST" and rest == ["batch", "read"]:
            props = body.get("properties") or None
            found = [self._view(store[i["id"]], props) for i in body["inputs"] if i["id"] in store]
            return 200, self._batch(found)
        if method == "GET" and not rest:
            limit = int(query.get("limit", ["10"])[0])
            after = int(query.get("after", ["0"])[0])
            props = [p for v in query.get("properties", []) for p in v.split(",")] or None
            live = self.contacts() if kind == "contacts" else list(store.values())
            page = live[after : after + limit]
            reply = {"results": [self._view(o, props) for o in page]}
            if after + limit < len(live):
                reply["paging"] = {"next": {"after": str(after + limit), "link": "?after="}}
            return 200, reply
        if method == "POST" and rest == ["search"]:
            since = 0
            for group in body.get("filterGroups") or []:
                for f in group.get("filters") or []:
                    if f["propertyName"] == "lastmodifieddate" and f["operator"] == "GT":
                        since = int(f["value"])

            def ms(o: dict) -> int:
                dt = datetime.fromisoformat(
                    o["properties"]["lastmodifieddate"].replace("Z", "+00:00")
                )
                return int(dt.timestamp() * 1000)

            hits = sorted((o for o in self.contacts() if ms(o) > since), key=ms)
            after = int(body.get("after") or 0)
            limit = int(body.get("limit") or 10)
            page = hits[after : after + limit]
            reply = {
                "total": len(hits),
                "results": [self._view(o, body.get("properties")) for o in page],
            }
            if after + limit < len(hits):
                reply["paging"] = {"next": {"after": str(after + limit)}}
            return 200, reply
        if method == "POST" and rest == ["gdpr-delete"]:
            oid = str(body.get("objectId"))
            if oid not in store:
                return 404, {
                    "status": "error",
                    "message": "Object not found",
                    "category": "OBJECT_NOT_FOUND",
                }
            store.pop(oid)
            self.gdpr_deleted.append(oid)
            return 204, None
        if method == "DELETE" and len(rest) == 1:
            if rest[0] in store:
                store[rest[0]]["archived"] = True
            return 204, None
        return 404, {"status": "error", "message": "Not found", "category": "OBJECT_NOT_FOUND"}
