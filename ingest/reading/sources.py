"""Articles from files or request bodies: decode, validate, extract text and metadata, strip boilerplate.

Everything downstream reads ``Article.text``; character offsets elsewhere refer to it.
Checks run before any NLP, cheapest first, and a rejection names what to do next:

>>> article_from_text("DynamoDB errors rose in us-east-1. Engineers are looking into it.").title
'DynamoDB errors rose in us-east-1. Engineers are looking into it.'
>>> article_from_text("   ").title
Traceback (most recent call last):
...
ingest.reading.sources.ArticleRejected: the article is empty: send the article's text
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from graph.errors import InputRejected
from ingest.lexicon import HERE as LEXICON_DIR
from ingest.reading.markup import html_to_text, looks_like_markdown, markdown_to_text
from ingest.reading.token_runs import break_long_runs

LEXICON = LEXICON_DIR
MAX_CHARS = 200_000
# A paragraph of English prose has 35-55% of its words in the English function-word
# list; German/French/Spanish prose scores under 10% there. 0.15 leaves room for
# terse, jargon-heavy outage notes ("DynamoDB API errors rose in us-east-1").
MIN_ENGLISH_SHARE = 0.15
TITLE_MAX_CHARS = 120
SHORT_NOTE_WORDS = 15
MIN_LATIN_SHARE = 0.8  # English prose quotes foreign names, but its letters are overwhelmingly Latin


class ArticleRejected(InputRejected):
    """An article that cannot be ingested; ``reason`` is a short code, the message says what to do.

    Reasons: empty, binary, not_utf8 (``offset`` = first invalid byte), too_large (``limit`` = max
    characters), not_english, bad_published, no_incident_content (raised by the extraction).
    """

    def __init__(self, reason: str, message: str, *, offset: int | None = None, limit: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.offset = offset
        self.limit = limit

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, so a child process (ingest.writing.budget) can raise it
        return (_rejected, (self.reason, str(self), self.offset, self.limit))


def _rejected(reason: str, message: str, offset: int | None, limit: int | None) -> ArticleRejected:
    return ArticleRejected(reason, message, offset=offset, limit=limit)


@dataclass
class Article:
    """A cleaned article and what is known about where it came from."""

    text: str
    title: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    content_hash: str = ""
    removed: list[str] = field(default_factory=list)
    name: str | None = None
    format: str = "txt"


# ---------------------------------------------------------------- validation


def decode_bytes(data: bytes) -> str:
    """Return ``data`` decoded as UTF-8 (a BOM is dropped); raise ArticleRejected for binary or non-UTF-8 input."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ArticleRejected("binary", f"the upload contains a NUL byte at offset {nul}, so it is binary: "
                              "send the article as UTF-8 text", offset=nul)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ArticleRejected(
            "not_utf8",
            f"the text is not valid UTF-8 (first invalid byte at offset {err.start}): re-save it as UTF-8",
            offset=err.start,
        ) from None
    sample = text[:8192]
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in sample)
    if sample and printable / len(sample) < 0.9:
        raise ArticleRejected("binary", "the text is mostly non-printable characters: send the article as plain text")
    return text


@lru_cache(maxsize=1)
def _function_words() -> dict[str, frozenset[str]]:
    data = json.loads((LEXICON / "function_words.json").read_text(encoding="utf-8"))
    return {lang: frozenset(words) for lang, words in data.items() if not lang.startswith("_")}


@lru_cache(maxsize=1)
def _function_word_langs() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """English function words, and for every other word the other languages listing it."""
    lists = _function_words()
    others: dict[str, list[str]] = {}
    for lang, words in lists.items():
        if lang != "en":
            for word in words - lists["en"]:
                others.setdefault(word, []).append(lang)
    return lists["en"], {word: tuple(langs) for word, langs in others.items()}


_WORD_RE = re.compile(r"[^\W\d_]+")


def english_share(text: str) -> tuple[float, float, int]:
    """Return (share of words that are English function words, share that are another language's, words).

    >>> english_share("The root cause was a race condition in the DNS system.")
    (0.455, 0.0, 11)
    """
    words = [w.lower() for w in _WORD_RE.findall(text[:20_000])]
    # Scripts without spaces (Chinese, Japanese) come out as a few very long "words":
    # count characters instead so such a paragraph weighs what it should.
    total = sum(max(1, len(w) // 2) if not w.isascii() and len(w) > 6 else 1 for w in words)
    if not total:
        return 0.0, 0.0, 0
    english_words, foreign_langs = _function_word_langs()
    english = 0
    counts = dict.fromkeys(_function_words(), 0)  # one pass over the words, not one per language
    for w in words:
        if w in english_words:
            english += 1
        else:
            for lang in foreign_langs.get(w, ()):
                counts[lang] += 1
    del counts["en"]
    foreign = max(counts.values())
    return round(english / total, 3), round(foreign / total, 3), total


def latin_share(text: str) -> float:
    """Return the share of letters in ``text`` that are Latin script (ASCII or accented Latin).

    >>> latin_share("EC2 ist ausgefallen"), latin_share("服务中断了 EC")
    (1.0, 0.286)
    """
    letters = [ch for ch in text[:20_000] if ch.isalpha()]
    if not letters:
        return 0.0
    return round(sum(ch.isascii() or "LATIN" in unicodedata.name(ch, "") for ch in letters) / len(letters), 3)


def is_english_prose(text: str) -> bool:
    """Return whether ``text`` reads as English: enough English function words, fewer foreign ones.

    Short notes (under SHORT_NOTE_WORDS words) are telegraphic ("EC2 launches failing since 07:10 UTC"),
    so for them only the absence of foreign function words is required.

    >>> is_english_prose("EC2 launches failing in us-east-1. Mitigation underway."), is_english_prose("Der Dienst ist ausgefallen.")
    (True, False)
    """
    english, foreign, words = english_share(text)
    if foreign > english or words == 0 or latin_share(text) < MIN_LATIN_SHARE:
        return False
    return words < SHORT_NOTE_WORDS or english >= MIN_ENGLISH_SHARE


def validate_text(text: str, *, max_chars: int = MAX_CHARS) -> None:
    """Raise ArticleRejected if ``text`` is empty, longer than ``max_chars`` or not English prose."""
    if not text.strip():
        raise ArticleRejected("empty", "the article is empty: send the article's text")
    nul = text.find("\x00")
    if nul >= 0:  # no prose has NUL; stores written in C (FalkorDB) would also cut the text there
        raise ArticleRejected("binary", f"the text contains a NUL character at offset {nul}: send plain UTF-8 text",
                              offset=nul)
    if len(text) > max_chars:
        raise ArticleRejected(
            "too_large",
            f"the article has {len(text):,} characters, over the limit of {max_chars:,}: split it or send an excerpt",
            limit=max_chars,
        )
    if not is_english_prose(text):
        english = english_share(text)[0]
        raise ArticleRejected(
            "not_english",
            f"the text does not read as English prose ({english:.0%} English function words): "
            "only English articles can be analysed; send an English version",
        )


# ---------------------------------------------------------------- boilerplate


# A leading unbounded character-class run, as in "[^.!?\\n]*\\bsubscribe here\\b...".
_LEADING_RUN = re.compile(r"\A\[(?:\\.|[^\]\\])+\][*+](?![?+{])")


@lru_cache(maxsize=1)
def _boilerplate() -> dict[str, list[re.Pattern[str]]]:
    data = json.loads((LEXICON / "boilerplate.json").read_text(encoding="utf-8"))
    rules = {key: [re.compile(p, re.IGNORECASE) for p in data[key]]
             for key in ("line_prefixes", "line_patterns", "sentence_patterns", "tail_markers")}
    rules["sentence_cores"] = [re.compile(_LEADING_RUN.sub("", p, count=1), re.IGNORECASE)
                               for p in data["sentence_patterns"]]
    return rules


def _strip_sentences(line: str, rules: dict[str, list[re.Pattern[str]]], removed: list[str]) -> str:
    """``line`` without the sentence_patterns' matches, each removal recorded in ``removed``.

    A pattern "[...]*REST" can match only where REST matches, and REST has no leading run
    to backtrack over, so searching REST first skips the quadratic scan on the many lines
    that have no boilerplate sentence; it never changes what is removed.
    """
    for pattern, core in zip(rules["sentence_patterns"], rules["sentence_cores"]):
        if core.search(line) is not None:
            for match in pattern.finditer(line):
                if match.group().strip():
                    removed.append(match.group().strip())
            line = pattern.sub("", line)
        line = line.rstrip()
    return line


def _strip_tail(lines: list[str], markers: list[re.Pattern[str]], removed: list[str]) -> list[str]:
    """Drop a trailing "Read more from X" block and the promo lines and name line just above it."""
    for i, line in enumerate(lines):
        match = next((m for m in (p.fullmatch(line) for p in markers) if m), None)
        if match is None or i < len(lines) // 3:  # a marker in the article's first third is not a footer
            continue
        name = (match.groupdict().get("name") or "").strip().lower()
        cut = i
        while cut > 0 and (not lines[cut - 1].strip() or lines[cut - 1].strip().lower() == name):
            cut -= 1
        removed.extend(line.strip() for line in lines[cut:] if line.strip())
        return lines[:cut]
    return lines


def strip_boilerplate(text: str) -> tuple[str, list[str]]:
    """Return ``text`` without newsletter promos, footers and image debris, and the snippets removed.

    >>> strip_boilerplate("EC2 failed.\\n.png)\\nSource link")
    ('EC2 failed.', ['.png)', 'Source link'])
    >>> strip_boilerplate("3/ Then DNS failed.")[0]
    'Then DNS failed.'
    """
    rules = _boilerplate()
    removed: list[str] = []
    kept: list[str] = []
    for line in text.split("\n"):
        if line.strip() and any(p.fullmatch(line) for p in rules["line_patterns"]):
            removed.append(line.strip())
            continue
        for prefix in rules["line_prefixes"]:  # "4/ My read: ...": the thread's post number is no word of it
            if (match := prefix.match(line)) is not None:
                line = line[match.end():]
                break
        kept.append(_strip_sentences(line, rules, removed))
    kept = _strip_tail(kept, rules["tail_markers"], removed)
    return normalise_text("\n".join(kept)), removed


def normalise_text(text: str) -> str:
    """Return ``text`` with Unix newlines, no trailing spaces on lines and no blank lines at either end.

    >>> normalise_text("a  \\r\\nb\\t\\r\\n\\n")
    'a\\nb'
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def content_hash(text: str) -> str:
    """Return the sha256 hex digest of ``text`` after newline/line-end normalisation."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- building articles

_PUBLISHED_RE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def normalise_published(value: str | None) -> str | None:
    """Return ``value`` as 'YYYY-MM-DD' or 'YYYY-MM' (free-form dates are parsed); raise ArticleRejected if unreadable.

    >>> normalise_published("2025-10-23T08:00:00Z"), normalise_published("October 23, 2025")
    ('2025-10-23', '2025-10-23')
    """
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    match = _PUBLISHED_RE.match(value)
    if match:
        year, month, day = match.groups()
        try:
            date(int(year), int(month), int(day or 1))
        except ValueError as err:
            raise ArticleRejected("bad_published", f"the published date {value!r} is not a date ({err}): "
                                                   "use YYYY-MM-DD or YYYY-MM") from None
        return f"{year}-{month}-{day}" if day else f"{year}-{month}"
    import dateparser  # slow to import: only free-form dates need it

    parsed = dateparser.parse(value, languages=["en"], settings={"REQUIRE_PARTS": ["year", "month"]})
    if parsed is None:
        raise ArticleRejected("bad_published", f"cannot read the published date {value!r}: use YYYY-MM-DD or YYYY-MM")
    has_day = re.search(r"\b\d{1,2}(st|nd|rd|th)?\b(?!\d)", value.replace(str(parsed.year), "")) is not None
    return parsed.strftime("%Y-%m-%d" if has_day else "%Y-%m")



def _title_from_text(text: str) -> str:
    """The first non-empty short line, else the first sentence cut to TITLE_MAX_CHARS."""
    for line in text.split("\n"):
        line = line.strip()
        if line:
            if len(line) <= TITLE_MAX_CHARS:
                return line
            first = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
            return first if len(first) <= TITLE_MAX_CHARS else first[: TITLE_MAX_CHARS - 1].rstrip() + "…"
    return ""


def _split_source(source: str | None) -> tuple[str | None, str | None]:
    """Return (url, outlet) from a source that is either a URL or an outlet name; URLs are never fetched."""
    if not source or not source.strip():
        return None, None
    source = source.strip()
    parsed = urlparse(source)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        host = parsed.netloc.lower().removeprefix("www.")
        return source, host
    return None, source


def article_from_text(
    text: str | bytes,
    *,
    title: str | None = None,
    source: str | None = None,
    published: str | None = None,
    max_chars: int = MAX_CHARS,
    url: str | None = None,
    name: str | None = None,
    fmt: str = "txt",
) -> Article:
    """Return the cleaned Article for ``text``; raise ArticleRejected if it cannot be ingested."""
    if isinstance(text, (bytes, bytearray)):
        if len(text) > 4 * max_chars:  # refuse before decoding a huge upload
            raise ArticleRejected("too_large", f"the upload has {len(text):,} bytes, over the limit of "
                                               f"{max_chars:,} characters: split it or send an excerpt",
                                  limit=max_chars)
        text = decode_bytes(bytes(text))
    if not isinstance(text, str):
        raise ArticleRejected("empty", f"expected the article as text, got {type(text).__name__}: send the text")
    text = text.removeprefix("\ufeff")
    for field_name, value in (("title", title), ("source", source), ("published", published), ("url", url)):
        if isinstance(value, str) and "\x00" in value:  # a store may cut a string at a NUL (FalkorDB does)
            raise ArticleRejected("binary", f"the article's {field_name} contains a NUL character: send it as "
                                            "plain text", offset=value.index("\x00"))
    validate_text(text, max_chars=max_chars)
    if fmt == "txt" and looks_like_markdown(text):  # a pasted Markdown postmortem reads as its text
        text, meta = markdown_to_text(text)
        title, fmt = title or meta.get("title"), "md"
    cleaned, removed = strip_boilerplate(text)
    validate_text(cleaned, max_chars=max_chars)
    cleaned = break_long_runs(cleaned)  # spaCy's tokenizer is quadratic in a run's length (adds at most 1/32)
    src_url, outlet = _split_source(source)
    return Article(
        text=cleaned,
        title=(title or "").strip() or _title_from_text(cleaned),
        url=url or src_url,
        outlet=outlet,
        published=normalise_published(published),
        content_hash=content_hash(cleaned),
        removed=removed,
        name=name,
        format=fmt,
    )


def _sibling_meta(path: Path) -> dict:
    meta = path.with_name(path.name.rsplit(".", 1)[0] + ".meta.json")
    if not meta.is_file():
        return {}
    data = json.loads(meta.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _first(data: dict, *keys: str) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _parse_file(path: Path, raw: bytes, max_chars: int) -> tuple[str, dict, str]:
    """Return (text, metadata found in the file, format) for a file's bytes."""
    suffix = path.suffix.lower().lstrip(".")
    text = decode_bytes(raw)
    if suffix in ("html", "htm"):
        body, meta = html_to_text(text)
        return body, meta, "html"
    if suffix in ("md", "markdown"):
        body, meta = markdown_to_text(text)
        return body, meta, "md"
    if suffix == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ArticleRejected("empty", f"{path.name} is not valid JSON ({err.msg} at line {err.lineno}): "
                                           'send {"text": ..., "title": ...}') from None
        data = data if isinstance(data, dict) else {}
        body = _first(data, "text", "body", "content") or ""
        meta = {"title": _first(data, "title", "headline"), "url": _first(data, "url", "link"),
                "published": _first(data, "published", "date", "published_at"),
                "outlet": _first(data, "outlet", "site", "source")}
        return body, meta, "json"
    return text, {}, "txt"


def read_article(path: str | Path, *, max_chars: int = MAX_CHARS) -> Article:
    """Read a .txt, .md, .html or .json article (plus a sibling NAME.meta.json) and return it cleaned."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no article at {path}: check the path")
    if path.stat().st_size > 8 * max_chars:
        raise ArticleRejected("too_large", f"{path.name} has {path.stat().st_size:,} bytes, over the limit of "
                                           f"{max_chars:,} characters: split it or send an excerpt", limit=max_chars)
    body, meta, fmt = _parse_file(path, path.read_bytes(), max_chars)
    meta = {k: v for k, v in meta.items() if v} | {k: v for k, v in _sibling_meta(path).items() if v}
    return article_from_text(
        body,
        title=_first(meta, "title"),
        source=_first(meta, "outlet", "site"),
        published=_first(meta, "published", "date"),
        url=_first(meta, "url"),
        max_chars=max_chars,
        name=path.name,
        fmt=fmt,
    )
