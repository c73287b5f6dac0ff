"""The production server for tests and benchmarks: gunicorn with our gunicorn.conf.py on a free loopback port, over a temp DATA_DIR.

It runs ``gunicorn --config gunicorn.conf.py "app:create_app()"`` in its own
session, logs which worker process served each request (the ``X-Probe``
request header and the worker's pid, one line per request), and can be stopped
politely or killed with SIGKILL by its process group. Every wait is bounded.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
# One line per request: probe header, worker pid, method and path, status.
ACCESS_FORMAT = "ACCESS %({x-probe}i)s %(p)s %(m)s %(U)s %(s)s"


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Reply:
    """One HTTP answer: status, headers (lower-case names), body bytes."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(port: int, method: str, path: str, body: bytes | None = None, *, headers: dict[str, str] | None = None,
            timeout: float = 30.0) -> Reply:
    """One request on a fresh loopback connection; raises OSError/http.client errors as they come."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def post_json(port: int, path: str, payload: Any, *, probe: str = "-", timeout: float = 60.0) -> Reply:
    return request(port, "POST", path, json.dumps(payload).encode(),
                   headers={"Content-Type": "application/json", "X-Probe": probe}, timeout=timeout)


class GunicornServer:
    """gunicorn serving the app; ``start()`` waits until /readyz answers 200 (nlp loaded in a worker)."""

    def __init__(self, data_dir: Path, *, workers: int = 2, threads: int = 4, env: dict[str, str] | None = None,
                 log_path: Path | None = None, startup_deadline_s: float = 60.0, args: tuple[str, ...] = (),
                 ready_by_log: bool = True) -> None:
        self.data_dir = data_dir
        self.workers = workers
        self.threads = threads
        self.extra_env = env or {}
        self.args = args  # extra gunicorn options, after the config file's (e.g. "--worker-class", "sync")
        # With the access log on, start() waits until each worker has answered /readyz; without it, for
        # as many 200s in a row as there are workers.
        self.ready_by_log = ready_by_log
        self.port = free_port()
        self.log_path = log_path or data_dir.parent / f"gunicorn-{self.port}.log"
        self.deadline_s = startup_deadline_s
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start gunicorn and wait for every worker to be ready; raise RuntimeError with the log otherwise."""
        env = {**os.environ, "PORT": str(self.port), "DATA_DIR": str(self.data_dir),
               "WEB_CONCURRENCY": str(self.workers), "GUNICORN_THREADS": str(self.threads), **self.extra_env}
        command = [str(GUNICORN), "--config", str(ROOT / "gunicorn.conf.py"), "--access-logformat", ACCESS_FORMAT,
                   *self.args, "app:create_app()"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        end = time.monotonic() + self.deadline_s
        ready_pids: set[str] = set()
        ready_in_a_row = 0
        while time.monotonic() < end and self.process.poll() is None:
            try:
                ok = request(self.port, "GET", "/readyz", headers={"X-Probe": "ready"}, timeout=10).status == 200
            except OSError:
                ok = False
            ready_in_a_row = ready_in_a_row + 1 if ok else 0
            if ok and self.ready_by_log:
                ready_pids = {p for p, m, path, s in self.access_log() if path == "/readyz" and s == "200"}
            if (len(ready_pids) if self.ready_by_log else ready_in_a_row) >= self.workers:
                return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"gunicorn did not get {self.workers} ready workers on port {self.port} within "
                           f"{self.deadline_s:.0f} s (ready: {sorted(ready_pids)}); log:\n{self.log_tail()}")

    def access_log(self, probe: str | None = None) -> list[tuple[str, str, str, str]]:
        """(worker pid, method, path, status) of each logged request, those with ``probe`` only if given."""
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 6 and parts[0] == "ACCESS" and (probe is None or parts[1] == probe):
                out.append((parts[2], parts[3], parts[4], parts[5]))
        return out

    def served_by(self, probe: str, deadline_s: float = 5.0) -> str:
        """The pid of the worker that served the request sent with ``X-Probe: probe``.

        gunicorn logs a request after sending its answer, so the line may lag the reply a little.
        """
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            lines = self.access_log(probe)
            if lines:
                return lines[0][0]
            time.sleep(0.02)
        raise AssertionError(f"no access-log line for probe {probe!r} within {deadline_s} s")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def stop(self) -> None:
        """SIGTERM the server's process group, then SIGKILL it if it is still there after 15 s."""
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def kill(self) -> None:
        """SIGKILL the master and every worker at once (they share the process group we started)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        _wait_group_gone(self.process.pid)
        self.process = None


def _wait_group_gone(pgid: int, deadline_s: float = 10.0) -> None:
    """Wait until no process of group ``pgid`` is left (workers are reaped by init after the master dies)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
