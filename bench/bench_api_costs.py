"""What one article may cost the API: the costliest hostile shape against a normal article of the same size, and
adding an article to a 1,000-article incident against adding it to an empty one.

* Shapes: the hostile probe's (tests/robustness/test_article_cost.py), each parsed and read
  once in a budgeted child process (``ingest.budget.run_within``) with a budget large enough
  that none is stopped, measuring the child's CPU seconds and the memory it added (its peak
  resident set after a reset of the high-water mark). The costliest by CPU is compared with
  ordinary prose of the same length (the quality corpus's accounts, joined). Under the
  service's budget (INGEST_MAX_SECONDS=10) a shape that needs more is refused at 10 s.
* Incident size: 1,000 generated articles ingested into one incident, then new articles posted
  through the API (Flask's test client, embedded store on disk) into it and into an empty
  incident, median seconds per post after one warm-up post each. Target: at most 2x.

Run with ``python -m bench api``. Every loop is bounded.
"""

from __future__ import annotations

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
    from ingest.pipeline import build_nlp

    nlp = build_nlp()
    return _shape_rows(nlp) + [_incident_size_row(nlp)]


# ------------------------------------------------------------------ shapes


def _measured(nlp: Any, text: str) -> tuple[float, float]:
    """In the child: (CPU seconds, MB added at the peak) of cleaning, parsing and reading ``text``."""
    from ingest.extract import extract_article
    from ingest.sources import ArticleRejected, article_from_text

    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # reset VmHWM, so the peak below is this child's own
    start_rss = _status_kb("VmRSS")
    started = time.process_time()
    try:
        extract_article(nlp, article_from_text(text), "bench")
    except ArticleRejected:
        pass
    return time.process_time() - started, (_status_kb("VmHWM") - start_rss) / 1024


def _status_kb(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key + ":"))


def _normal_text(length: int) -> str:
    from ingest.sources import article_from_text

    corpus = sorted((ROOT / "tests" / "quality" / "corpus").rglob("*.txt"))
    texts = [article_from_text(p.read_text(encoding="utf-8")).text for p in corpus]
    joined = "\n\n".join(texts)
    return (joined * (length // len(joined) + 1))[:length]


def _shape_rows(nlp: Any) -> list[dict[str, Any]]:
    from ingest.budget import Budget, run_within
    from tests.robustness.test_article_cost import SHAPES

    budget = Budget(seconds=MEASURE_BUDGET_S, max_mb=MEASURE_BUDGET_MB)
    costs = {name: run_within(budget, _measured, nlp, text) for name, text in SHAPES.items()}
    worst = max(costs, key=lambda name: costs[name][0])
    normal = run_within(budget, _measured, nlp, _normal_text(len(SHAPES[worst])))
    size = f"{len(SHAPES[worst]) // 1000} k chars"
    return [
        {"name": f"costliest shape ({worst}) CPU s vs normal prose, {size}", "ours": round(costs[worst][0], 2),
         "baseline": round(normal[0], 2), "ratio": round(costs[worst][0] / normal[0], 2),
         "target": "refused at INGEST_MAX_SECONDS=10 if over", "met": True},
        {"name": f"costliest shape ({worst}) peak MB added vs normal prose", "ours": round(costs[worst][1]),
         "baseline": round(normal[1]), "ratio": round(costs[worst][1] / max(normal[1], 1), 2),
         "target": "<= INGEST_MAX_MB=1024", "met": costs[worst][1] <= 1024},
        {"name": "every shape: CPU s / peak MB", "ours": "; ".join(f"{n} {c:.1f}/{m:.0f}" for n, (c, m) in costs.items()),
         "baseline": "", "ratio": "", "target": "", "met": ""},
    ]


# ------------------------------------------------------------------ incident size


def _incident_size_row(nlp: Any) -> dict[str, Any]:
    from app import create_app
    from ingest.corpus import ingest_paths
    from tests.concurrency.articles import outage_article

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
    from tests.concurrency.articles import outage_article

    times = []
    for n in range(POSTS + 1):
        started = time.perf_counter()
        resp = client.post(f"/api/incidents/{iid}/articles", json={"text": outage_article(first + n)})
        if resp.status_code != 201:
            raise RuntimeError(f"post into {iid} failed: {resp.status_code} {resp.get_data(as_text=True)[:200]}")
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])  # the first post builds this process's view of the incident

