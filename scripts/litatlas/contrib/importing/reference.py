"""The Reference every importer returns, the one import error, and field normalisers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from litatlas.model.errors import LitatlasError
from litatlas.model.text import clean_text, name_from_display, name_from_inverted, normalise_doi, pubmed_name

__all__ = [
    "ImportFailed",
    "Reference",
    "clean_text",
    "normalise_doi",
    "normalise_pages",
    "normalise_title",
    "pubmed_name",
    "name_from_inverted",
    "name_from_display",
    "type_from_pubmed",
    "year_from_text",
]


class ImportFailed(LitatlasError):
    """A reference file could not be read; carries the place for a `FILE:LINE: message` report."""

    def __init__(self, path: str | Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message


@dataclass
class Reference:
    """Bibliographic facts of one paper, in the shapes a record stores them."""

    title: str
    authors: list[str] = field(default_factory=list)
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    # A publication-type id from the vocabulary, or None when the source does not say.
    type: str | None = None
    authors_incomplete: bool = False
    keywords: list[str] = field(default_factory=list)
    # True when the source marks the paper as retracted: the atlas leaves those out.
    retracted: bool = False
    source_path: str = ""
    source_line: int = 1

    def label(self) -> str:
        """Short human label for messages: first author, year and the start of the title."""
        who = self.authors[0] if self.authors else "anonymous"
        title = self.title if len(self.title) <= 80 else self.title[:77] + "..."
        return f"{who} {self.year or '????'} {title!r}"


def normalise_title(value: str | None) -> str | None:
    """Title as a record stores it: single spaces, no final full stop, no MEDLINE brackets."""
    text = clean_text(value)
    if text is None:
        return None
    # MEDLINE wraps titles translated into English in square brackets.
    if text.startswith("[") and text.rstrip(".").endswith("]"):
        inner = text[1 : text.rfind("]")]
        if "[" not in inner and "]" not in inner:
            text = inner
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text or None


_RANGE = re.compile(r"^([A-Za-z]*)(\d+)\s*-\s*([A-Za-z]*)(\d+)$")


def normalise_pages(value: str | None) -> str | None:
    """Page range with a plain hyphen and the end page written out: '557-63' becomes '557-563'."""
    text = clean_text(value)
    if text is None:
        return None
    text = re.sub(r"\s*(?:--|[\u2010-\u2015\u2212])\s*", "-", text)
    match = _RANGE.match(text)
    if match:
        prefix, start, end_prefix, end = match.groups()
        # MEDLINE abbreviates the end page (557-63); records keep the full number.
        if len(end) < len(start):
            end = start[: len(start) - len(end)] + end
        text = f"{prefix}{start}-{end_prefix or prefix}{end}"
    return text


def year_from_text(value: str | int | None) -> int | None:
    """First plausible four-digit year in a date text ('2007 Oct 4', '2007/10/04/')."""
    if value is None:
        return None
    match = re.search(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)", str(value))
    return int(match.group(1)) if match else None


def type_from_pubmed(publication_types: list[str]) -> str | None:
    """Vocabulary publication-type id from PubMed publication types (PT), most specific first."""
    pts = {p.strip().lower() for p in publication_types}
    if "clinical trial protocol" in pts:
        return "trial-protocol"
    if any(p.startswith("clinical trial") for p in pts) or pts & {
        "randomized controlled trial",
        "controlled clinical trial",
        "pragmatic clinical trial",
    }:
        return "clinical-trial"
    if pts & {"review", "systematic review", "meta-analysis", "scoping review"}:
        return "review"
    if pts & {"congress", "meeting abstract"}:
        return "conference-abstract"
    if "journal article" in pts:
        return "research-article"
    return None
