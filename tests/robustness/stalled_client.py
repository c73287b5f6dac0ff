"""A client that sends part of a request and then nothing: what the server answers, and after how long."""

from __future__ import annotations

import socket
import time


def stalled_reply(port: int, sent: bytes) -> tuple[bytes, float]:
    """Send ``sent`` to 127.0.0.1:``port``, then wait until the server closes the connection.

    Returns everything the server wrote and the seconds it took to close.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(sent)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
        return reply, time.monotonic() - started
