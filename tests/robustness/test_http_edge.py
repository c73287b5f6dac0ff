"""Broken and stalled request bodies through the production server (gunicorn, raw sockets on loopback).

A body shorter than its Content-Length, broken chunked framing and a body that stalls are
answered (400, 400, 408) with problem+json, nothing is stored, and the server goes on serving.
"""

from __future__ import annotations

import json
import socket
import time

import pytest

from bench.gunicorn_server import GunicornServer, post_json, request
from tests.robustness.stalled_client import stalled_reply

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]
READ_TIMEOUT_S = 1
ARTICLE = b'{"text": "DynamoDB failed in us-east-1 because of an empty DNS record."}'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = GunicornServer(tmp_path_factory.mktemp("edge") / "data", workers=2, threads=2,
                         env={"BODY_READ_TIMEOUT": str(READ_TIMEOUT_S)})
    srv.start()
    assert post_json(srv.port, "/api/incidents", {"id": "edge", "title": "Edge"}).status == 201
    yield srv
    srv.stop()


def raw_exchange(port: int, head: bytes, body: bytes = b"", *, half_close: bool = False,
                 timeout: float = 10.0) -> tuple[int, dict, float]:
    """Send ``head`` and ``body`` as they are; return (status, problem body, seconds until the answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        started = time.monotonic()
        sock.sendall(head + body)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        elapsed = time.monotonic() - started
    head_part, _, payload = data.partition(b"\r\n\r\n")
    status = int(head_part.split()[1])
    return status, json.loads(payload[:_length(data)]) if payload else {}, elapsed


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


def post_head(extra: str) -> bytes:
    return (f"POST /api/incidents/edge/articles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\n{extra}\r\n").encode()


def stored_sources(port: int) -> int:
    return request(port, "GET", "/api/incidents/edge").json()["sources"]


def test_body_shorter_than_its_content_length_is_400_and_stores_nothing(server):
    before = stored_sources(server.port)
    status, problem, _ = raw_exchange(server.port, post_head("Content-Length: 1000\r\n"), ARTICLE, half_close=True)
    assert status == 400 and f"ended after {len(ARTICLE)} of the 1000 bytes" in problem["detail"]
    assert stored_sources(server.port) == before


@pytest.mark.parametrize("chunks", [
    b"zz\r\n" + ARTICLE + b"\r\n0\r\n\r\n",                       # a chunk size that is not hex
    b"%x\r\n" % len(ARTICLE) + ARTICLE + b"0\r\n\r\n",            # no CRLF after the chunk data
    b"%x\r\n" % (len(ARTICLE) + 50) + ARTICLE,                    # the connection ends mid-chunk
    b"%x\r\n" % len(ARTICLE) + ARTICLE + b"\r\n",                 # no final chunk
], ids=["bad-size", "missing-crlf", "eof-mid-chunk", "no-final-chunk"])
def test_malformed_chunked_body_is_400_not_500(server, chunks):
    status, problem, _ = raw_exchange(server.port, post_head("Transfer-Encoding: chunked\r\n"), chunks,
                                      half_close=True)
    assert status == 400, problem
    assert problem["type"] == "urn:problem:bad-body"


def test_a_client_stalling_mid_body_gets_408_after_body_read_timeout_and_is_disconnected(server):
    reply, elapsed = stalled_reply(server.port, post_head("Content-Length: 1000\r\n") + ARTICLE[:20])
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b"BODY_READ_TIMEOUT" in reply
    assert READ_TIMEOUT_S <= elapsed < READ_TIMEOUT_S + 3


def test_stalled_clients_do_not_keep_the_server_from_answering(server):
    stalled = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(4)]
    try:
        for sock in stalled:  # as many as the server has threads: each would hold one for ever
            sock.sendall(post_head("Content-Length: 1000\r\n") + b"{")
        time.sleep(READ_TIMEOUT_S + 1)
        started = time.monotonic()
        assert request(server.port, "GET", "/healthz", timeout=5).status == 200
        assert time.monotonic() - started < 1
    finally:
        for sock in stalled:
            sock.close()
