"""Recorded HubSpot answers served over real HTTP on loopback: hubspot-api-client talks urllib3,
which `responses` cannot see, so the client is pointed here (its `host`) instead.

`serve(path, body, status=200, headers=None, after=None)` queues one answer for a path (and the
`after` cursor it is asked with); each is given once, in order. Every request is kept in
`requests` (path, query, authorization) so a test can say what the client asked for.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

RECORDED = Path(__file__).parent / "recorded"


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text())


class HubSpotServer:
    def __init__(self):
        self.queue: list[dict] = []
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                owner._answer(self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def serve(self, path, body, status=200, headers=None, after=None):
        self.queue.append({"path": path, "after": after, "body": body, "status": status,
                           "headers": headers or {}})

    def _answer(self, handler):
        url = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.lock:
            self.requests.append({"path": url.path, "query": query,
                                  "authorization": handler.headers.get("Authorization")})
            found = next((q for q in self.queue if q["path"] == url.path
                          and q["after"] == query.get("after")), None)
            if found:
                self.queue.remove(found)
        if found is None:
            found = {"status": 404, "headers": {}, "body": {
                "status": "error", "message": f"nothing recorded for {handler.path}"}}
        data = json.dumps(found["body"]).encode()
        handler.send_response(found["status"])
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in found["headers"].items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
