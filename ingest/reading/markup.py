"""HTML and Markdown to plain article text plus the metadata the markup carries (title, url, published, outlet).

>>> html_to_text("<html><head><title>Outage</title></head><body><p>EC2 <b>failed</b>.</p><script>x()</script></body></html>")
('EC2 failed.', {'title': 'Outage'})
>>> markdown_to_text("# Outage\\n\\nThe **root cause** was [a race](http://x).")
('Outage\\n\\nThe root cause was a race.', {'title': 'Outage'})
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Content of these elements is navigation, code or chrome, never the article.
_SKIPPED = frozenset({"script", "style", "nav", "footer", "noscript", "svg", "form", "template", "iframe", "button"})
_BLOCKS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
    "blockquote", "pre", "table", "tr", "figure", "figcaption", "main", "aside", "hr", "dt", "dd",
})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed"})


class _ArticleParser(HTMLParser):
    """Collects visible text with line breaks at block elements, and the page's metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip_depth = 0
        self._capture: str | None = None  # "title" or "h1" while inside one
        self._captured: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag in _SKIPPED and tag not in _VOID:
            self._skip_depth += 1
        elif tag in ("title", "h1") and self._capture is None:
            self._capture, self._captured = tag, []
        self._read_meta(tag, values)
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skip_depth:
            self._skip_depth -= 1
        if tag == self._capture:
            self.meta.setdefault(tag, " ".join("".join(self._captured).split()))
            self._capture = None
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._capture:
            self._captured.append(data)
        if not self._skip_depth and self._capture != "title":
            self.parts.append(data)

    def _read_meta(self, tag: str, values: dict[str, str]) -> None:
        key = values.get("property") or values.get("name") or ""
        if tag == "link" and "canonical" in values.get("rel", "").split() and values.get("href"):
            self.meta.setdefault("url", values["href"])
        elif tag == "meta" and values.get("content"):
            wanted = {"og:url": "url", "article:published_time": "published", "og:site_name": "outlet",
                      "og:title": "og_title", "date": "published", "author": "author"}
            if key in wanted:
                self.meta.setdefault(wanted[key], values["content"].strip())
        elif tag == "time" and values.get("datetime"):
            self.meta.setdefault("time", values["datetime"])


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """Return (visible text, metadata) of an HTML page, dropping script/style/nav/footer."""
    parser = _ArticleParser()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    found = parser.meta
    meta = {"title": found.get("title") or found.get("og_title") or found.get("h1"), "url": found.get("url"),
            "published": found.get("published") or found.get("time"), "outlet": found.get("outlet")}
    return body, {k: v for k, v in meta.items() if v}


_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),                    # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),                # links keep their text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),               # reference links
    (re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$", re.MULTILINE), ""),      # link definitions
    (re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE), r"\1"),  # ATX headings
    (re.compile(r"^\s{0,3}>\s?", re.MULTILINE), ""),                     # block quotes
    (re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", re.MULTILINE), ""),    # horizontal rules
    (re.compile(r"^(\s*)[*+]\s+", re.MULTILINE), r"\1- "),               # bullets become "- "
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),                     # bold
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)"), r"\1"),  # italics with *
    (re.compile(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"), r"\1"),      # italics with _
    (re.compile(r"`([^`]*)`"), r"\1"),                            # inline code
    (re.compile(r"^```.*$", re.MULTILINE), ""),                           # code fences
    (re.compile(r"<[^>\n]+>"), ""),                               # inline HTML tags
)
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


_MARKDOWN_SIGNS = (
    re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE),     # an ATX heading ("## Root cause"), not a "#hashtag"
    re.compile(r"(\*\*|__)\S[^\n]*?\S\1"),                  # bold
    re.compile(r"\[[^\]\n]+\]\((?:https?://|/)[^)\s]*\)"),    # an inline link
)


def looks_like_markdown(text: str) -> bool:
    """Whether a text sent as plain text is Markdown (a heading, bold or a link written the Markdown way), as
    pasted postmortems often are.

    >>> looks_like_markdown("## Root cause\\nA bad push."), looks_like_markdown("#outage today, 5*3 servers")
    (True, False)
    """
    return any(sign.search(text) for sign in _MARKDOWN_SIGNS)


def markdown_to_text(markdown: str) -> tuple[str, dict[str, str]]:
    """Return (plain text, metadata) of a Markdown article; YAML-style front matter supplies metadata."""
    meta: dict[str, str] = {}
    text = markdown.replace("\r\n", "\n")
    front = _FRONT_MATTER.match(text)
    if front:
        for line in front.group(1).split("\n"):
            key, _, value = line.partition(":")
            if value.strip():
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[front.end():]
    heading = re.search(r"^ {0,3}#[ \t]+(.+?)[ \t]*#*[ \t]*$", text, re.MULTILINE)
    if heading and "title" not in meta:
        meta["title"] = heading.group(1).strip()
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    wanted = {"title": "title", "url": "url", "published": "published", "date": "published", "outlet": "outlet"}
    return text, {wanted[k]: v for k, v in meta.items() if k in wanted}
