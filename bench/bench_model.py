"""Benchmarks of the executable model, each against a baseline measured in the same run.

* explorer: distinct states per second, against a bare BFS over tuples that only counts successors of the same
  size (the issue's 175,000-300,000 states/s reference does no model work at all);
* one baseline scenario run, DNS race and cascade (target < 100 ms);
* a 1,000-point sweep on two processes against the same sweep in one process;
* cascade events per second against a minimal heapq loop popping and pushing the same number of events.
"""

from __future__ import annotations

import heapq
import time
from datetime import datetime
from typing import Any

from analysis.counterfactual import sweep
from analysis.model import scenarios
from analysis.model.cascade import simulate
from analysis.model.explore import check


def _bare_bfs(n: int) -> float:
    """States/s of a BFS that only hashes tuples: n states with five successors each."""
    started = time.perf_counter()
    seen = {(0, 0, 0)}
    frontier = [(0, 0, 0)]
    while frontier and len(seen) < n:
        nxt = []
        for a, b, c in frontier:
            for child in ((a + 1, b, c), (a, b + 1, c), (a, b, c + 1), (a + 1, b + 1, c), (a, b + 1, c + 1)):
                if child not in seen:
                    seen.add(child)
                    nxt.append(child)
        frontier = nxt
    return len(seen) / (time.perf_counter() - started)


def _heapq_loop(events: int) -> float:
    """Events/s of a minimal discrete-event loop with the cascade's discipline: pop (time, priority, seq, handler),
    call the handler, which schedules its next tick. No model work at all."""
    queue: list[tuple[float, int, int, object]] = []
    seq = 0

    def tick(at: float) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(queue, (at + 1.0, 2, seq, tick))

    tick(0.0)
    started = time.perf_counter()
    for _ in range(events):
        at, _, _, handler = heapq.heappop(queue)
        handler(at)  # type: ignore[operator]
    return events / (time.perf_counter() - started)


def _explorer() -> list[dict[str, Any]]:
    cpu = time.process_time()
    result = check(enactors=4, plans=4, endpoints=1, fixes=["never_delete_live_plan"])
    per_cpu_second = result.states / max(time.process_time() - cpu, 1e-9)
    bare = _bare_bfs(result.states)
    return [
        {"name": f"explorer states/s ({result.states} states)", "ours": result.states_per_second,
         "baseline": bare, "ratio": result.states_per_second / bare, "target": ">= 100,000 states/s",
         "met": result.states_per_second >= 100_000},
        # Wall-clock rates drop when other jobs share the cores; per CPU-second is the rate the code itself achieves.
        {"name": "explorer states per CPU-second", "ours": per_cpu_second, "baseline": bare,
         "ratio": per_cpu_second / bare, "target": ">= 100,000 states/s", "met": per_cpu_second >= 100_000},
    ]


def _cascade() -> list[dict[str, Any]]:
    """The baseline run's wall time, and the cascade's events/s against the heapq loop on as many events.

    Each side is timed one run at a time, interleaved, and the fastest of ``rounds`` kept: on a shared
    machine a slice of another job lands in some rounds, and the minimum is the code's own speed.
    The events/s row times the whole of ``simulate`` (set-up, events, result) alone, since the DNS race
    run before it (scenarios.run) has events of its own that the cascade's count does not include.
    The cascade keeps its periodic events in slots instead of heap entries (see cascade.py); the
    baseline stays the minimal loop the target names, every event a heap pop, a call and a push.
    """
    first = scenarios.run("baseline")  # warms the parameter and scenario caches
    params, start, services = first.parameters, datetime.fromisoformat(first.scenario.start), scenarios.services()
    events, rounds = first.cascade.events, 200
    whole, cascade, loop_eps = [], [], 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        scenarios.run("baseline")
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = simulate(params, services, dns_record_empty=first.dns.emptied, start=start)
        cascade.append(time.perf_counter() - started)
        assert result.events == events
        loop_eps = max(loop_eps, _heapq_loop(events))
    per_run, ours_eps = min(whole), events / min(cascade)
    return [
        {"name": "baseline cascade run (ms)", "ours": per_run * 1000, "baseline": 100.0, "ratio": per_run * 1000 / 100,
         "target": "< 100 ms", "met": per_run < 0.1},
        {"name": f"cascade events/s ({events} events)", "ours": ours_eps, "baseline": loop_eps,
         "ratio": ours_eps / loop_eps, "target": ">= 0.3x heapq loop", "met": ours_eps / loop_eps >= 0.3},
    ]


def _sweep() -> dict[str, Any]:
    values = [1 + 239 * i / 999 for i in range(1000)]
    started = time.perf_counter()
    sweep("lease_timeout_min", values, workers=2)
    two = time.perf_counter() - started
    started = time.perf_counter()
    sweep("lease_timeout_min", values, workers=1)
    one = time.perf_counter() - started
    return {"name": "1,000-point sweep, 2 processes (s)", "ours": two, "baseline": one, "ratio": one / two,
            "target": "faster than 1 process", "met": two < one}


def run() -> list[dict[str, Any]]:
    """Rows {name, ours, baseline, ratio, target, met} for `python -m bench`."""
    return [*_explorer(), *_cascade(), _sweep()]


if __name__ == "__main__":
    for row in run():
        print(row)
