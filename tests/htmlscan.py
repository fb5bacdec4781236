"""A small HTML scanner (stdlib html.parser) for the hostile-record and link tests: elements, attributes, text."""

from __future__ import annotations

import html.parser
from dataclasses import dataclass, field
from pathlib import Path

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "srcset",
    "background",
    "cite",
    "longdesc",
    "ping",
    "xlink:href",
    "manifest",
    "codebase",
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Page:
    """Everything the tests look at in one HTML page."""

    elements: list[Element] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    title: str = ""
    h1: str = ""
    text: str = ""

    def pairs(self) -> set[tuple[str, str]]:
        """(tag, attribute name) for every element, and (tag, '') for elements without attributes."""
        found = set()
        for element in self.elements:
            found.add((element.tag, ""))
            found.update((element.tag, name) for name in element.attrs)
        return found

    def classes(self) -> set[str]:
        return {token for element in self.elements for token in element.attrs.get("class", "").split()}

    def urls(self) -> list[tuple[str, str, str, dict[str, str]]]:
        """(tag, attribute, value, all attributes) for every URL-valued attribute."""
        return [(e.tag, name, value, e.attrs) for e in self.elements for name, value in e.attrs.items() if name in URL_ATTRIBUTES]


class _Scanner(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._stack: list[str] = []
        self._script: list[str] | None = None
        self._title: list[str] | None = None
        self._h1: list[str] | None = None
        self._skip_depth = 0  # inside a headerlink (the permalink "¶")
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.page.elements.append(Element(tag, values))
        if tag == "script":
            self._script = []
        elif tag == "title":
            self._title = []
        elif tag == "h1" and self._h1 is None and not self.page.h1:
            self._h1 = []
        if tag == "a" and "headerlink" in values.get("class", "").split():
            self._skip_depth = 1
        elif self._skip_depth and tag not in VOID:
            self._skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.page.scripts.append("".join(self._script))
            self._script = None
        elif tag == "title" and self._title is not None:
            self.page.title = "".join(self._title)
            self._title = None
        elif tag == "h1" and self._h1 is not None:
            self.page.h1 = "".join(self._h1)
            self._h1 = None
        if self._skip_depth:
            self._skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
            return
        if self._title is not None:
            self._title.append(data)
        if self._skip_depth:
            return
        if self._h1 is not None:
            self._h1.append(data)
        self._text.append(data)

    def close(self) -> None:
        super().close()
        self.page.text = " ".join("".join(self._text).split())


def scan(source: str | Path) -> Page:
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    scanner = _Scanner()
    scanner.feed(text)
    scanner.close()
    return scanner.page


def flat(text: str) -> str:
    """Whitespace runs become one space, as the generator writes record text on one line."""
    return " ".join(text.split())
