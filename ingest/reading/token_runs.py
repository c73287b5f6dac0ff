"""Long runs without a space, broken up before spaCy sees them: its tokenizer is quadratic in a run's length.

spaCy strips prefixes and suffixes from a whitespace-delimited chunk one at a time, scanning
the rest of the chunk again after each, so a chunk of n punctuation marks costs about n²
regex steps: 10,000 ``(`` take 10 s, 4,000 take 1.2 s, 32 take 0.1 ms. Chunks of letters and
digits joined by ``:`` grow the same way more slowly (``1:`` x 2,000 takes 60 ms). Prose
never needs either, so before parsing a space is put

* after every ``PUNCT_RUN`` consecutive punctuation marks or symbols (``((((``, ``'''``,
  ``,,,,``, ``:):)``), and
* after every ``WORD_RUN`` characters of any chunk without a space (a URL of up to
  ``WORD_RUN`` characters stays whole).

Both bound the tokenizer's work per character, so a text costs time in proportion to its
length whatever it holds. Letters, digits and other characters are never dropped.

>>> break_long_runs("DynamoDB (" + "(" * 70 + "failed")  == "DynamoDB " + "(" * 32 + " " + "(" * 32 + " " + "(" * 7 + "failed"
True
>>> break_long_runs("see https://example.com/a/b?c=d for details")
'see https://example.com/a/b?c=d for details'
>>> len(break_long_runs("1:" * 600).split())
3
"""

from __future__ import annotations

import re

PUNCT_RUN = 32
WORD_RUN = 500

# A run of punctuation marks or symbols (neither word characters nor whitespace) longer than PUNCT_RUN.
_PUNCT = re.compile(rf"[^\w\s]{{{PUNCT_RUN + 1},}}")
_CHUNK = re.compile(rf"\S{{{WORD_RUN + 1},}}")


def _split_every(run: str, size: int) -> str:
    return " ".join(run[i:i + size] for i in range(0, len(run), size))


def break_long_runs(text: str) -> str:
    """``text`` with a space after every PUNCT_RUN punctuation marks in a row and every WORD_RUN characters
    of a chunk without whitespace; unchanged (the same object) when it has neither."""
    if _PUNCT.search(text) is not None:
        text = _PUNCT.sub(lambda m: _split_every(m.group(), PUNCT_RUN), text)
    if _CHUNK.search(text) is not None:
        text = _CHUNK.sub(lambda m: _split_every(m.group(), WORD_RUN), text)
    return text
