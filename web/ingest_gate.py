"""How many articles one server process reads at once (INGEST_CONCURRENCY) and holds waiting (INGEST_QUEUE).

Reading an article takes up to INGEST_MAX_SECONDS of CPU in a child process while the
request's thread waits. Left unbounded, a few costly posts would hold every thread of a
gunicorn worker (4 by default), and ``/healthz`` and every read routed to it would queue
behind them. So at most ``concurrency`` articles are read at once, at most ``queue`` more
wait for a turn (each for at most ``wait_s``), and any further one is refused at once with
a 503 and ``Retry-After``: with the defaults (2 + 1) one thread of four is always free.

>>> gate = IngestGate(concurrency=1, queue=0, wait_s=0.1)
>>> with gate.admit():
...     gate.admit().__enter__()
Traceback (most recent call last):
...
web.errors.ApiProblem: this server is reading 1 articles already (INGEST_CONCURRENCY) and 0 more are waiting (INGEST_QUEUE): retry in 1 s
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from web.errors import ApiProblem, Problem

RETRY_AFTER_S = 1


class IngestGate:
    """Admission of article reads in one process: ``concurrency`` at once, ``queue`` waiting, the rest refused."""

    def __init__(self, *, concurrency: int, queue: int, wait_s: float) -> None:
        if concurrency < 1 or queue < 0 or wait_s <= 0:
            raise ValueError("an ingest gate needs concurrency >= 1, queue >= 0 and a positive wait")
        self.concurrency, self.queue, self.wait_s = concurrency, queue, wait_s
        self._slots = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._inside = 0  # reading or waiting

    @contextmanager
    def admit(self) -> Iterator[None]:
        """Hold one reading slot for the block; ApiProblem(503) if none frees up in time or too many wait."""
        with self._lock:
            if self._inside >= self.concurrency + self.queue:
                raise ApiProblem(self._busy())
            self._inside += 1
        try:
            if not self._slots.acquire(timeout=self.wait_s):
                raise ApiProblem(self._busy())
            try:
                yield
            finally:
                self._slots.release()
        finally:
            with self._lock:
                self._inside -= 1

    def _busy(self) -> Problem:
        return Problem(503, f"this server is reading {self.concurrency} articles already (INGEST_CONCURRENCY) and "
                            f"{self.queue} more are waiting (INGEST_QUEUE): retry in {RETRY_AFTER_S} s",
                       type="urn:problem:busy", title="Busy", headers={"Retry-After": str(RETRY_AFTER_S)},
                       extras={"setting": "INGEST_CONCURRENCY", "limit": self.concurrency})
