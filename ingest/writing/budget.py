"""The cost budget of one article: its parse and extraction run in a forked child process ended at the budget.

Reading an article is CPU and memory bound, in C code (spaCy's tokenizer, parser and
matchers) that no check inside a Python loop can interrupt. So ``run_within`` forks
the process (the child shares the loaded pipeline copy-on-write, which costs about
10-40 ms), and in the child

* ``RLIMIT_CPU`` ends the work after ``Budget.seconds`` of CPU time: the kernel sends
  SIGXCPU, then SIGKILL a second later;
* ``RLIMIT_DATA`` caps the memory it may add to what the parent held at ``Budget.max_mb``:
  an allocation past it fails (MemoryError) and the child reports it; a child the kernel kills
  before ``Budget.seconds`` have passed cannot have reached its CPU limit, so it went over its
  memory (an allocation in C code that aborts, or the out-of-memory killer);
* the child runs at a lower priority (``NICE``), so requests served meanwhile keep the CPU.

The parent waits without holding the GIL and kills the child once ``wall_seconds`` have
passed (a child starved of CPU on a busy machine). Either way ``BudgetExceeded`` names the
setting that was hit and nothing the child computed is kept; the caller writes only a
result that came back whole. Exceptions the work raises (an ``ArticleRejected``) are
raised again in the parent.

>>> run_within(Budget(seconds=5, max_mb=256), sum, [1, 2, 3])
6
>>> run_within(Budget(seconds=1, max_mb=256), _spin)
Traceback (most recent call last):
...
ingest.writing.budget.BudgetExceeded: reading the article took more than 1 s of CPU time (INGEST_MAX_SECONDS)
>>> run_within(Budget(seconds=5, max_mb=256), _killed)
Traceback (most recent call last):
...
ingest.writing.budget.BudgetExceeded: reading the article needed more than 256 MB of memory (INGEST_MAX_MB)
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import resource
import signal
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from graph.errors import LimitExceeded
from graph.schema import Extraction
from ingest.extraction.extract import extract_article
from ingest.reading.sources import Article
from ingest.timing.times import TimeContext

T = TypeVar("T")
MB = 1024 * 1024
NICE = 10
# A child on a busy machine gets a share of a core: allow this many wall seconds per CPU second, plus a start-up slack.
WALL_PER_CPU_SECOND = 3.0
WALL_SLACK_S = 5.0
# Signals a server (gunicorn) handles in its workers; the child must die of them, not run the server's handlers.
_SERVER_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGABRT", "SIGCHLD")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Budget:
    """What reading one article may cost: CPU seconds (INGEST_MAX_SECONDS), memory added (INGEST_MAX_MB)."""

    seconds: int = 10
    max_mb: int = 1024

    def __post_init__(self) -> None:
        if self.seconds < 1 or self.max_mb < 64:
            raise ValueError(f"a budget needs at least 1 s and 64 MB, not {self.seconds} s and {self.max_mb} MB")

    @property
    def wall_seconds(self) -> float:
        """Wall-clock time after which the child is killed even if it has not used its CPU seconds."""
        return self.seconds * WALL_PER_CPU_SECOND + WALL_SLACK_S


class BudgetExceeded(LimitExceeded):
    """The work was ended at its budget; ``setting`` names the limit (INGEST_MAX_SECONDS or INGEST_MAX_MB)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.setting, self.limit, str(self)))


def run_within(budget: Budget, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``work(*args, **kwargs)`` computed in a forked child held to ``budget``; its result, or BudgetExceeded.

    ``work`` and its arguments reach the child through the fork (nothing is pickled on the way in);
    the result comes back pickled, so it must be picklable.
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, budget, work, args, kwargs), daemon=True)
    started = time.monotonic()
    child.start()
    send.close()  # the child holds the only writing end: EOF on ours means it died
    try:
        message = receive.recv() if receive.poll(budget.wall_seconds) else ("wall", None)
    except EOFError:
        message = ("died", None)
    finally:
        receive.close()
    if message[0] in ("wall", "died"):
        if child.is_alive():
            child.kill()
        child.join(10)
    # A child that answered exits by itself; waiting for it would add its teardown (about 8 ms) to every
    # article. multiprocessing reaps it when the next child starts.
    return _outcome(budget, message, child.exitcode, time.monotonic() - started)


def extract_within(budget: Budget | None, nlp: Language, article: Article, incident_id: str, *,
                   doc: Doc | None = None, ctx: TimeContext | None = None) -> Extraction:
    """``ingest.extraction.extract.extract_article``, with the parse and the extraction held to ``budget`` in a child process
    when a budget is given and the text is not parsed yet (``doc`` None); as is otherwise."""
    if budget is None or doc is not None:
        return extract_article(nlp, article, incident_id, doc=doc, ctx=ctx)
    return run_within(budget, extract_article, nlp, article, incident_id, ctx=ctx)


def extractions_within(budget: Budget, nlp: Language, articles: Sequence[Article], incident_id: str, *,
                       year: int | None, workers: int = 1) -> Iterator[Extraction | BudgetExceeded]:
    """Each article's Extraction, in order, every one read in its own child held to ``budget``, up to ``workers``
    at once (the command line's budgeted reads); an article over its budget yields its BudgetExceeded instead,
    so the caller can skip it and go on."""

    def read(article: Article) -> Extraction | BudgetExceeded:
        try:
            return run_within(budget, extract_article, nlp, article, incident_id,
                              ctx=TimeContext(published=article.published, incident_year=year))
        except BudgetExceeded as err:
            return err

    if workers <= 1 or len(articles) <= 1:
        yield from map(read, articles)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:  # each thread waits on its child without the GIL
        futures = [pool.submit(read, article) for article in articles]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def _outcome(budget: Budget, message: tuple[str, Any], exitcode: int | None, elapsed: float) -> Any:
    status, payload = message
    if status == "died" and exitcode == -signal.SIGKILL and elapsed < budget.seconds:
        # CPU time never runs ahead of the clock: a child killed before ``seconds`` had passed did not reach
        # its CPU limit; the kernel ended it for its memory
        status = "memory"
    if status == "ok":
        return payload
    if status == "error":
        raise payload
    if status == "memory":
        raise BudgetExceeded("INGEST_MAX_MB", budget.max_mb,
                             f"reading the article needed more than {budget.max_mb} MB of memory (INGEST_MAX_MB)")
    if status == "wall" or exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise BudgetExceeded("INGEST_MAX_SECONDS", budget.seconds,
                             f"reading the article took more than {budget.seconds} s of CPU time (INGEST_MAX_SECONDS)")
    raise RuntimeError(f"the process reading the article ended without an answer (exit code {exitcode})")


def _child(send: Connection, budget: Budget, work: Callable[..., Any], args: tuple[Any, ...],
           kwargs: dict[str, Any]) -> None:
    """In the forked child: limit itself, run ``work``, send back ("ok", result) or why not."""
    # A collection would walk (and so copy, page by page) every object inherited from the parent; the child
    # lives for one article under a memory bound, so it does without.
    gc.disable()
    gc.freeze()
    for name in _SERVER_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (budget.seconds, budget.seconds + 1))
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    wanted = _data_bytes() + budget.max_mb * MB
    resource.setrlimit(resource.RLIMIT_DATA, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
    os.nice(NICE)
    try:
        message: tuple[str, Any] = ("ok", work(*args, **kwargs))
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("memory", None))
    except BaseException as err:  # noqa: BLE001 - every failure is reported to the parent, which raises it
        payload = pickle.dumps(("error", _portable(err)))
    send.send_bytes(payload)
    send.close()


def _portable(err: BaseException) -> BaseException:
    """``err`` with the child's traceback as a note, or a RuntimeError naming it if it cannot be pickled."""
    trace = "".join(traceback.format_exception(err))
    try:
        err.add_note(f"raised in the child process reading the article:\n{trace}")
        pickle.loads(pickle.dumps(err))
        return err
    except Exception:  # noqa: BLE001 - an exception that does not survive pickling is described instead
        return RuntimeError(f"{type(err).__name__}: {err}\n{trace}")


def _data_bytes() -> int:
    """This process's data segment (VmData: heap and private writable mappings), which RLIMIT_DATA bounds."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _killed() -> None:
    """What the out-of-memory killer does to a child (for the doctest)."""
    os.kill(os.getpid(), signal.SIGKILL)


def _spin() -> None:
    """Work that never ends (for the doctest)."""
    while True:
        pass
