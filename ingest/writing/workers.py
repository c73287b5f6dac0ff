"""Reading a batch of articles (spaCy parse + ``extract_article``), in worker processes when the batch is large.

``extractions`` yields one ``Extraction`` per article, in input order whichever process read it, so
the caller applies them (``graph.build.apply_extraction``) exactly as a single process would and the
graph comes out the same: node ids, edges and properties. Articles go out in chunks of ``CHUNK``, in
process and out alike, so every ``nlp.pipe`` batch is the same whatever the number of workers.

Workers are forked from the calling process, as ``ingest.writing.budget`` forks its children: each starts
with the caller's loaded pipeline (copy-on-write, no second load of the model) and keeps it for every
chunk it is sent. Only articles go out and only ``Extraction`` records (plain dataclasses) come back.
Fewer than ``MIN_PARALLEL`` articles are read in process: starting workers costs more than it saves.

>>> worker_count(None) == (os.cpu_count() or 1), worker_count(3), worker_count(0)
(True, 3, 1)
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat

from spacy.language import Language

from graph.schema import Extraction
from ingest.extraction.extract import extract_article
from ingest.reading.sources import Article
from ingest.timing.times import TimeContext

CHUNK = 16  # articles per task, and per nlp.pipe batch
MIN_PARALLEL = 20

# The pipeline of this process when it is a worker: set once by ``_adopt`` as the worker starts.
_worker_nlp: Language | None = None


def worker_count(requested: int | None) -> int:
    """How many processes read articles: ``requested`` (at least 1), or one per core when None."""
    if requested is None:
        return os.cpu_count() or 1
    return max(1, int(requested))


def extract_chunk(nlp: Language, articles: Sequence[Article], incident_id: str, year: int | None) -> list[Extraction]:
    """Each article parsed (one ``nlp.pipe`` batch) and extracted with the incident's ``year``."""
    docs = nlp.pipe([a.text for a in articles], batch_size=CHUNK)
    return [extract_article(nlp, article, incident_id, doc=doc,
                            ctx=TimeContext(published=article.published, incident_year=year))
            for article, doc in zip(articles, docs)]


def extractions(nlp: Language, articles: Sequence[Article], incident_id: str, *, year: int | None,
                workers: int = 1) -> Iterator[Extraction]:
    """The Extraction of every article, in order; read by up to ``workers`` processes from MIN_PARALLEL articles.

    Close the iterator (``contextlib.closing``) when stopping early: that cancels the chunks not yet read.
    An exception raised while reading an article is raised here, when its turn comes.
    """
    chunks = [list(articles[i:i + CHUNK]) for i in range(0, len(articles), CHUNK)]
    if workers <= 1 or len(articles) < MIN_PARALLEL:
        for chunk in chunks:
            yield from extract_chunk(nlp, chunk, incident_id, year)
        return
    pool = ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=multiprocessing.get_context("fork"),
                               initializer=_adopt, initargs=(nlp,))
    try:
        for batch in pool.map(_extract_in_worker, chunks, repeat(incident_id), repeat(year)):
            yield from batch
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _adopt(nlp: Language) -> None:
    """Worker start-up: keep the pipeline the fork brought along (passed by the fork, never pickled)."""
    global _worker_nlp
    _worker_nlp = nlp


def _extract_in_worker(articles: list[Article], incident_id: str, year: int | None) -> list[Extraction]:
    if _worker_nlp is None:
        raise RuntimeError("this worker was started without a pipeline")
    return extract_chunk(_worker_nlp, articles, incident_id, year)
