"""Local HTTP servers speaking the REST wire formats of Pinecone (data plane), Cohere
Rerank v2 and OpenAI embeddings, so the official SDKs are exercised end to end."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np


class _Handler(BaseHTTPRequestHandler):
    stub: StubServer

    def log_message(self, *args):  # keep test output quiet
        pass

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_POST(self):  # noqa: N802
        self._handle("POST", self._body())

    def do_GET(self):  # noqa: N802
        self._handle("GET", {})

    def _handle(self, method: str, body: dict) -> None:
        self.stub.requests.append((method, self.path, dict(self.headers), body))
        if not self.stub.authorised(self.headers):
            self._reply(401, {"error": {"code": "UNAUTHENTICATED", "message": "bad key"}})
            return
        status, reply = self.stub.route(method, self.path, body)
        self._reply(status, reply)


class StubServer:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict, dict]] = []
        handler = type("Handler", (_Handler,), {"stub": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def authorised(self, headers) -> bool:
        return True

    def route(self, method: str, path: str, body: dict) -> tuple[int, dict]:
        return 404, {"error": "not found"}

    def paths(self) -> list[str]:
        return [path for _m, path, _h, _b in self.requests]


def _matches(metadata: dict, spec: dict | None) -> bool:
    for name, condition in (spec or {}).items():
        value = metadata.get(name)
        if isinstance(condition, dict):
            for op, arg in condition.items():
                if op == "$eq" and value != arg:
                    return False
                if op == "$ne" and value == arg:
                    return False
                if op == "$in" and value not in arg:
                    return False
                if op == "$nin" and value in arg:
                    return False
        elif value != condition:
            return False
    return True


class PineconeStub(StubServer):
    """Pinecone's data plane: upsert, query (cosine, metadata filters), delete, stats."""

    def __init__(self, api_key: str = "pc-test-key") -> None:
        super().__init__()
        self.api_key = api_key
        self.namespaces: dict[str, dict[str, tuple[np.ndarray, dict]]] = {}

    def authorised(self, headers) -> bool:
        return headers.get("Api-Key") == self.api_key

    def route(self, method, path, body):
        ns = self.namespaces.setdefault(body.get("namespace", ""), {})
        if path == "/vectors/upsert":
            for v in body["vectors"]:
                ns[v["id"]] = (np.asarray(v["values"], dtype=np.float32), v.get("metadata", {}))
            return 200, {"upsertedCount": len(body["vectors"])}
        if path == "/query":
            query = np.asarray(body["vector"], dtype=np.float32)
            scored = []
            for vid, (vec, meta) in ns.items():
                if _matches(meta, body.get("filter")):
                    denom = float(np.linalg.norm(vec) * np.linalg.norm(query)) or 1.0
                    scored.append((float(vec @ query) / denom, vid, meta))
            scored.sort(reverse=True)
            matches = [
                {
                    "id": vid,
                    "score": score,
                    "values": [],
                    **({"metadata": meta} if body.get("includeMetadata") else {}),
                }
                for score, vid, meta in scored[: body["topK"]]
            ]
            return 200, {
                "matches": matches,
                "namespace": body.get("namespace", ""),
                "usage": {"readUnits": 1},
            }
        if path == "/vectors/delete":
            for vid in body.get("ids", []):
                ns.pop(vid, None)
            return 200, {}
        if path == "/describe_index_stats":
            spaces = {k: {"vectorCount": len(v)} for k, v in self.namespaces.items() if v}
            total = sum(s["vectorCount"] for s in spaces.values())
            return 200, {
                "namespaces": spaces,
                "dimension": 384,
                "indexFullness": 0.0,
                "totalVectorCount": total,
            }
        return 404, {"error": {"code": "NOT_FOUND", "message": path}}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


class CohereStub(StubServer):
    """Cohere Rerank v2: scores documents by word overlap with the query."""

    def __init__(self, api_key: str = "co-test-key", fail: bool = False) -> None:
        super().__init__()
        self.api_key = api_key
        self.fail = fail

    def authorised(self, headers) -> bool:
        return headers.get("Authorization") == f"Bearer {self.api_key}"

    def route(self, method, path, body):
        if path != "/v2/rerank":
            return 404, {"message": "not found"}
        if self.fail:
            return 503, {"message": "service unavailable"}
        query = _words(body["query"])
        scores = [
            (
                len(query & _words(doc if isinstance(doc, str) else doc.get("text", "")))
                / (len(query) or 1),
                n,
            )
            for n, doc in enumerate(body["documents"])
        ]
        scores.sort(key=lambda item: (-item[0], item[1]))
        top = scores[: body.get("top_n") or len(scores)]
        return 200, {
            "id": "rerank-test",
            "results": [{"index": n, "relevance_score": score} for score, n in top],
            "meta": {"api_version": {"version": "2"}, "billed_units": {"search_units": 1}},
        }


def hashed_embedding(text: str, dim: int = 64) -> np.ndarray:
    vec = np.zeros(dim, dtype=np.float32)
    for word in _words(text):
        digest = hashlib.sha256(word.encode()).digest()
        vec[int.from_bytes(digest[:4], "little") % dim] += 1.0
    norm = np.linalg.norm(vec)
    return vec / norm if norm else vec


class OpenAIStub(StubServer):
    """OpenAI ``POST /v1/embeddings`` (float or base64 encoding) with hashed bag-of-words
    vectors of ``dim`` dimensions."""

    def __init__(self, api_key: str = "sk-test", dim: int = 64) -> None:
        super().__init__()
        self.api_key = api_key
        self.dim = dim

    def authorised(self, headers) -> bool:
        return headers.get("Authorization") == f"Bearer {self.api_key}"

    def route(self, method, path, body):
        if path != "/v1/embeddings":
            return 404, {"error": {"message": "not found"}}
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = []
        for n, text in enumerate(inputs):
            vec = hashed_embedding(text, self.dim)
            if body.get("encoding_format") == "base64":
                value = base64.b64encode(vec.astype("<f4").tobytes()).decode()
            else:
                value = vec.tolist()
            data.append({"object": "embedding", "index": n, "embedding": value})
        tokens = sum(len(t.split()) for t in inputs)
        return 200, {
            "object": "list",
            "data": data,
            "model": body["model"],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
