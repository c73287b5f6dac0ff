"""BODY_READ_TIMEOUT holds under Flask's development server too (``make run``): a client that stalls mid-body
gets 408 at the deadline and is disconnected, so it holds no thread, and the server goes on answering."""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest
from werkzeug.serving import make_server

from tests.robustness.stalled_client import stalled_reply

READ_TIMEOUT_S = 1
HEAD = (b"POST /api/incidents/dev/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n")


@pytest.fixture
def dev_server(make_app):
    """The server ``flask run`` starts (Werkzeug's threaded WSGI server) on a free loopback port."""
    app = make_app(BODY_READ_TIMEOUT=READ_TIMEOUT_S)
    app.test_client().post("/api/incidents", json={"id": "dev", "title": "Dev"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(5)


def healthz_seconds(port: int) -> float:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/healthz")
    assert conn.getresponse().status == 200
    conn.close()
    return time.monotonic() - started


@pytest.mark.timeout(60)
def test_a_client_stalling_mid_body_gets_408_and_is_disconnected_by_the_dev_server(dev_server):
    reply, elapsed = stalled_reply(dev_server, HEAD + b'{"text": "DynamoDB')  # ... and then nothing more
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b"BODY_READ_TIMEOUT" in reply
    assert READ_TIMEOUT_S <= elapsed < READ_TIMEOUT_S + 3


@pytest.mark.timeout(60)
def test_a_client_trickling_its_body_is_cut_at_the_deadline_by_the_dev_server(dev_server):
    with socket.create_connection(("127.0.0.1", dev_server), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(HEAD)
        reply = b""
        sock.setblocking(False)
        while time.monotonic() - started < READ_TIMEOUT_S + 5:  # one byte every 0.2 s, never the whole body
            try:  # read before sending: a byte sent after the server closed draws a reset that drops its reply
                reply += sock.recv(65536)
            except (BlockingIOError, ConnectionResetError):
                pass
            if reply.startswith(b"HTTP/1.1") and b"\r\n\r\n" in reply:
                break
            try:
                sock.sendall(b" ")
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                pass
            if reply.startswith(b"HTTP/1.1") and b"\r\n\r\n" in reply:
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert elapsed < READ_TIMEOUT_S + 3


@pytest.mark.timeout(60)
def test_stalled_clients_do_not_keep_the_dev_server_from_answering(dev_server):
    stalled = [socket.create_connection(("127.0.0.1", dev_server), timeout=10) for _ in range(4)]
    try:
        for sock in stalled:
            sock.sendall(HEAD + b"{")
        time.sleep(READ_TIMEOUT_S + 1)
        assert healthz_seconds(dev_server) < 1
        for sock in stalled:  # each was answered and let go
            assert sock.recv(65536).startswith(b"HTTP/1.1 408")
    finally:
        for sock in stalled:
            sock.close()
