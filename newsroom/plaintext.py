"""Plain text from the HTML that feeds put in titles and summaries.

The inbox stores what an outside source wrote as plain text: no markup survives, entities
are decoded once, and templates escape it on output like any other text. Python's own
HTML parser does this several times faster than bleach, which matters for a 5,000-item feed.
"""

import re
from html.parser import HTMLParser

# Elements whose content is code or metadata, never reader-visible text.
_HIDDEN = frozenset({"script", "style", "template", "noscript", "head", "title", "svg", "math"})
_BLOCK = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"})
_SPACE = re.compile(r"\s+")


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden_depth += 1
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def collapse_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def html_to_text(html: str) -> str:
    """Readable text of ``html``, tags removed and entities decoded, on one line."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return collapse_space(html)
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return collapse_space("".join(collector.parts))


def truncate(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"
