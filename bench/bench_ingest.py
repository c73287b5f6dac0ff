"""Ingestion benchmarks, each against a baseline measured in the same run.

* the four seed articles through ``ingest_paths`` (read, parse, extract, build into an in-memory
  store) against a bare ``nlp.pipe`` of the same texts with the plain model (target <= 2x: the open-
  vocabulary extraction reads every clause and causal construction, which costs some of what was left);
* 1,000 generated articles (seed and test sentences recombined, seeded RNG) the same way, with a
  progress bar, against bare ``nlp.pipe`` of the same texts;
* the process's peak resident memory after that run (target < 2 GB);
* the same 1,000 articles read by 2 worker processes against 1, interleaved, best of two each (target: 1.5x
  faster, ratio <= 0.67).

Every row but the last reads in one process (``workers=1``), so it keeps measuring our cost over spaCy's.

Run: ``python -m bench.bench_ingest`` (or ``python -m bench ingest``).
"""

from __future__ import annotations

import random
import re
import resource
import tempfile
import time
from pathlib import Path

import spacy

from graph.memory_store import MemoryStore
from ingest.language.pipeline import MODEL, build_nlp
from ingest.reading.sources import read_article
from ingest.writing.corpus import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GENERATED = 1000
SENTENCES_PER_ARTICLE = 10


def _seed_texts() -> list[str]:
    return [read_article(p).text for p in sorted(SEEDS.glob("*.txt"))]


def generated_articles(n: int, *, seed: int = 7) -> list[str]:
    """``n`` articles of SENTENCES_PER_ARTICLE sentences drawn from the seeds and tests/data texts."""
    pool: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")) + sorted((ROOT / "tests" / "data").glob("*.txt")):
        text = read_article(path).text
        pool += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 5]
    rng = random.Random(seed)
    return [" ".join(rng.choice(pool) for _ in range(SENTENCES_PER_ARTICLE)) for _ in range(n)]


def _bare_pipe(nlp: spacy.Language, texts: list[str]) -> float:
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    return time.perf_counter() - started


def _ingest(nlp: spacy.Language, folder: Path, incident: str, *, progress: bool, workers: int = 1) -> float:
    store = MemoryStore(None)
    started = time.perf_counter()
    report = ingest_paths(store, nlp, [str(folder)], incident, progress=progress, workers=workers)
    elapsed = time.perf_counter() - started
    if report.errors:
        raise RuntimeError(f"ingest failed for {len(report.errors)} files: {report.errors[:3]}")
    return elapsed


EXTRACTION_TARGET = 2.0  # ingest time over a bare nlp.pipe of the same texts


def _row(name: str, ours: float, baseline: float, target: float) -> dict:
    ratio = ours / baseline
    return {"name": name, "ours": ours, "baseline": baseline, "ratio": ratio, "target": f"<= {target}x",
            "met": ratio <= target}


def run() -> list[dict]:
    """Rows {name, ours, baseline, ratio, target, met}: the seed ingest, 1,000 articles, peak memory, 2 workers."""
    nlp, bare = build_nlp(), spacy.load(MODEL)
    seeds = _seed_texts()
    _bare_pipe(bare, seeds)  # warm both pipelines
    _ingest(nlp, SEEDS, "bench-warm", progress=False)
    ours_runs, bare_runs = [], []
    for i in range(5):  # interleaved, best of five: other load on the machine hits both alike
        ours_runs.append(_ingest(nlp, SEEDS, f"bench-seeds-{i}", progress=False))
        bare_runs.append(_bare_pipe(bare, seeds))
    ours, baseline = min(ours_runs), min(bare_runs)
    rows = [_row("ingest 4 seed articles (s)", ours, baseline, EXTRACTION_TARGET)]
    texts = generated_articles(GENERATED)
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(texts):
            (Path(tmp) / f"{i:04d}.txt").write_text(text, encoding="utf-8")
        one_worker = _ingest(nlp, Path(tmp), "bench-generated", progress=True)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
        # 2 workers against 1, interleaved, best of two: on a shared 2-core machine other load hits both alike
        two_workers = _ingest(nlp, Path(tmp), "bench-workers-2", progress=True, workers=2)
        one_again = _ingest(nlp, Path(tmp), "bench-workers-1", progress=True, workers=1)
        two_workers = min(two_workers, _ingest(nlp, Path(tmp), "bench-workers-2b", progress=True, workers=2))
    baseline = _bare_pipe(bare, texts)
    rows.append(_row(f"ingest {GENERATED:,} generated articles (s)", one_worker, baseline, EXTRACTION_TARGET))
    rows.append({"name": "peak memory after 1,000 articles (MB)", "ours": peak_mb, "baseline": 2048.0,
                 "ratio": peak_mb / 2048.0, "target": "< 2048 MB", "met": peak_mb < 2048.0})
    rows.append(_row(f"ingest {GENERATED:,} articles, 2 workers vs 1 (s)", two_workers, min(one_worker, one_again),
                     0.67))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:<42} ours={row['ours']:.3g} baseline={row['baseline']:.3g} "
              f"ratio={row['ratio']:.2f} target {row['target']} {'met' if row['met'] else 'NOT MET'}")
