"""The Reference every importer returns, the one import error, and field normalisers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

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


class ImportFailed(Exception):
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


# Characters YAML refuses even inside comments (C0/C1 controls, surrogates, U+FFFE/U+FFFF), and the
# invisible direction marks and overrides that `litatlas validate` refuses in records ("Trojan Source").
# U+0085 is not here because \s below turns it into a space.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff\ufffe\uffff]"
)
_SPACES = re.compile(r"\s+")


def clean_text(value: str | None) -> str | None:
    """Collapse all whitespace (incl. NEL, NBSP, line breaks) to single spaces; None if empty.

    Records are written through YAML; odd whitespace such as U+0085 does not survive a round trip,
    so it is flattened here once for every importer.
    """
    if value is None:
        return None
    text = _CONTROL.sub("", unicodedata.normalize("NFC", str(value)))
    text = _SPACES.sub(" ", text).strip()
    return text or None


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


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalise_doi(value: str | None) -> str | None:
    """DOI without resolver prefix or trailing punctuation, e.g. '10.1038/nature06188'."""
    text = clean_text(value)
    if text is None:
        return None
    text = _DOI_PREFIX.sub("", text).strip().rstrip(".;,")
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


def _initials(given: str) -> str:
    given = given.strip()
    # Already initials (RIS 'Karnoub, AE'): keep them as they are.
    if given.isalpha() and given.isupper() and len(given) <= 4:
        return given
    parts = [p for p in re.split(r"[\s.\-\u2010]+", given) if p]
    return "".join(p[0].upper() for p in parts if p[0].isalpha())


_SUFFIXES = {"jr": "Jr", "jr.": "Jr", "sr": "Sr", "sr.": "Sr", "ii": "2nd", "iii": "3rd", "iv": "4th"}


def pubmed_name(family: str, given: str | None = None, suffix: str | None = None) -> str:
    """Author as PubMed writes it: 'Karnoub AE', 'von Einem JC', 'Smith J Jr'."""
    family = clean_text(family) or ""
    initials = _initials(clean_text(given) or "")
    name = f"{family} {initials}".strip()
    if suffix:
        name = f"{name} {_SUFFIXES.get(suffix.strip().lower(), suffix.strip())}"
    return name


def name_from_inverted(text: str) -> str:
    """'Karnoub, Antoine E.' or 'Karnoub, AE' or 'Smith, John, Jr' to PubMed style."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1:
        return clean_text(parts[0]) or ""
    suffix = parts[2] if len(parts) > 2 else None
    return pubmed_name(parts[0], parts[1], suffix)


_PARTICLES = {"von", "van", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le", "ter", "zu"}


def name_from_display(text: str) -> str:
    """'Pravin J Mishra' (PubMed page, CSL literal) to 'Mishra PJ'; 'Hong IS' stays as it is."""
    tokens = (clean_text(text) or "").split(" ")
    if len(tokens) < 2:
        return " ".join(tokens)
    last = tokens[-1]
    # Already PubMed style: a surname followed by up to four capital initials.
    if last.isalpha() and last.isupper() and len(last) <= 4 and not tokens[0].isupper():
        return " ".join(tokens)
    suffix = None
    if last.lower().rstrip(".") in {"jr", "sr", "ii", "iii", "iv"}:
        suffix, tokens = last, tokens[:-1]
    cut = len(tokens) - 1
    # Lower-case particles belong to the surname: 'Jobst C von Einem' -> 'von Einem JC'.
    while cut > 1 and tokens[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return pubmed_name(" ".join(tokens[cut:]), " ".join(tokens[:cut]), suffix)


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
