"""A real HTTP(S) webhook receiver on a free loopback port, recording every request that arrives."""

import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Arrived:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    """What to answer (status, body, extra headers) and what arrived; `port` once started."""

    status: int = 204
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    arrived: list = field(default_factory=list)
    server_names: list = field(default_factory=list)  # SNI names seen by a TLS receiver
    port: int = 0


def handler_for(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            receiver.arrived.append(Arrived(self.path, dict(self.headers), self.rfile.read(length)))
            self.send_response(receiver.status)
            for name, value in receiver.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(receiver.body)))
            self.end_headers()
            self.wfile.write(receiver.body)

        def log_message(self, *args):
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a refused TLS handshake is what some tests expect


def serve(receiver: Receiver, tls_context: ssl.SSLContext | None = None):
    """Start serving on 127.0.0.1; returns a stop function."""
    server = QuietServer(("127.0.0.1", 0), handler_for(receiver))
    if tls_context is not None:
        tls_context.sni_callback = lambda sock, name, ctx: receiver.server_names.append(name)
        server.socket = tls_context.wrap_socket(server.socket, server_side=True)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        thread.join()

    return stop
