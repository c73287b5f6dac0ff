"""What one article may cost the API: the costliest hostile shape against a normal article of the same size, and
adding an article to a 1,000-article incident against adding it to an empty one.

* Shapes: the hostile probe's (tests/robustness/test_article_cost.py), each cleaned, parsed
  and read once as the API does, in a budgeted child process (``ingest.writing.budget.run_within``)
  with the service's default budget (10 s, 1024 MB), measuring the child's CPU seconds and
  the memory it added, whether it finished or was stopped. The costliest is compared with
  ordinary prose of the same length (the quality corpus's accounts, joined), read without
  being stopped.
* Incident size: 1,000 generated articles ingested into one incident, then new articles posted
  through the API (Flask's test client, embedded store on disk) into it and into an empty
  incident, median seconds per post after one warm-up post each. Target: at most 2x.

Run with ``python -m bench api``. Every loop is bounded.
"""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIG_INCIDENT = 1_000
POSTS = 5
MEASURE_BUDGET_S = 120
MEASURE_BUDGET_MB = 8192


def run() -> list[dict[str, Any]]:
    from ingest.language.pipeline import build_nlp

    nlp = build_nlp()
    return _shape_rows(nlp) + [_incident_size_row(nlp)]


# ------------------------------------------------------------------ shapes


def _read(nlp: Any, text: str) -> int:
    """In the budgeted child: clean, parse and read ``text`` as the API does."""
    from ingest.extraction.extract import extract_article
    from ingest.reading.sources import article_from_text

    return len(extract_article(nlp, article_from_text(text), "bench").nodes)


def _cost_in_helper(conn: Any, nlp: Any, text: str, budget: Any) -> None:
    """In a helper process whose only child is the budgeted read: the outcome, that child's CPU seconds and the MB
    its resident set grew by (RUSAGE_CHILDREN counts exactly it, also when the budget killed it)."""
    import multiprocessing

    from ingest.reading.sources import ArticleRejected
    from ingest.writing.budget import BudgetExceeded, run_within

    rss_mb = _status_kb("VmRSS") / 1024  # a forked child starts with its parent's resident set
    try:
        run_within(budget, _read, nlp, text)
        outcome = "read"
    except BudgetExceeded as err:
        outcome = f"refused at {err.setting}"
    except ArticleRejected as err:
        outcome = f"rejected ({err.reason})"
    for child in multiprocessing.active_children():
        child.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    conn.send((outcome, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024 - rss_mb))


def _cost(nlp: Any, text: str, budget: Any) -> tuple[str, float, float]:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    helper = context.Process(target=_cost_in_helper, args=(send, nlp, text, budget))
    helper.start()
    send.close()
    result = receive.recv()
    helper.join()
    return result


def _status_kb(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key + ":"))


def _normal_text(length: int) -> str:
    from ingest.reading.sources import article_from_text

    corpus = sorted((ROOT / "tests" / "quality" / "corpus").rglob("*.txt"))
    texts = [article_from_text(p.read_text(encoding="utf-8")).text for p in corpus]
    joined = "\n\n".join(texts)
    return (joined * (length // len(joined) + 1))[:length]


def _shape_rows(nlp: Any) -> list[dict[str, Any]]:
    """Each shape read under the service's default budget; the costliest against normal prose of its size (read
    with a budget that does not stop it)."""
    from bench.costly_shapes import SHAPES
    from ingest.writing.budget import Budget

    service = Budget()
    costs = {name: _cost(nlp, text, service) for name, text in SHAPES.items()}
    worst = max(costs, key=lambda name: (costs[name][1], costs[name][2]))
    outcome, cpu, mb = costs[worst]
    _, normal_cpu, normal_mb = _cost(nlp, _normal_text(len(SHAPES[worst])), Budget(seconds=MEASURE_BUDGET_S,
                                                                                     max_mb=MEASURE_BUDGET_MB))
    size = f"{len(SHAPES[worst]) // 1000}k chars"
    return [
        {"name": f"costliest shape ({worst}, {outcome}) CPU s vs normal prose, {size}", "ours": round(cpu, 2),
         "baseline": round(normal_cpu, 2), "ratio": round(cpu / normal_cpu, 2),
         "target": f"<= {service.seconds} (INGEST_MAX_SECONDS)", "met": cpu <= service.seconds + 1},
        {"name": f"costliest shape ({worst}) peak MB added vs normal prose", "ours": round(mb),
         "baseline": round(normal_mb), "ratio": round(mb / max(normal_mb, 1), 2),
         "target": f"<= {service.max_mb} (INGEST_MAX_MB)", "met": mb <= service.max_mb},
        {"name": "every shape under the default budget: outcome, CPU s, peak MB",
         "ours": "; ".join(f"{n}: {o}, {c:.1f} s, {m:.0f} MB" for n, (o, c, m) in costs.items()),
         "baseline": "", "ratio": "", "target": "", "met": ""},
    ]


# ------------------------------------------------------------------ incident size


def _incident_size_row(nlp: Any) -> dict[str, Any]:
    from app import create_app
    from bench.generated_articles import outage_article
    from ingest.writing.corpus import ingest_paths

    with tempfile.TemporaryDirectory(prefix="bench-costs-") as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for n in range(BIG_INCIDENT):
            (folder / f"{n:04d}.txt").write_text(outage_article(n), encoding="utf-8")
        app = create_app({"DATA_DIR": str(Path(tmp) / "data"), "NLP": nlp, "MAX_ARTICLES_PER_INCIDENT": 2 * BIG_INCIDENT})
        client = app.test_client()
        for iid in ("big", "empty"):
            client.post("/api/incidents", json={"id": iid, "title": iid})
        ingest_paths(app.extensions["graph_store"], nlp, [str(folder)], "big")
        big = _post_seconds(client, "big", 500_000)
        empty = _post_seconds(client, "empty", 600_000)
    ratio = big / empty
    return {"name": f"add an article: {BIG_INCIDENT}-article incident vs empty (s)", "ours": round(big, 4),
            "baseline": round(empty, 4), "ratio": round(ratio, 2), "target": "<= 2", "met": ratio <= 2}


def _post_seconds(client: Any, iid: str, first: int) -> float:
    from bench.generated_articles import outage_article

    times = []
    for n in range(POSTS + 1):
        started = time.perf_counter()
        resp = client.post(f"/api/incidents/{iid}/articles", json={"text": outage_article(first + n)})
        if resp.status_code != 201:
            raise RuntimeError(f"post into {iid} failed: {resp.status_code} {resp.get_data(as_text=True)[:200]}")
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])  # the first post builds this process's view of the incident

