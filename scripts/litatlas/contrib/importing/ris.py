"""Parser for RIS files (.ris): rispy reads the fields, a line scan first checks the structure."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import rispy

from .reference import (
    ImportFailed,
    Reference,
    clean_text,
    name_from_inverted,
    normalise_doi,
    normalise_pages,
    normalise_title,
    type_from_pubmed,
    year_from_text,
)

__all__ = ["parse", "looks_like_ris"]

_TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")
# Something meant as a tag but not written as 'XX  - ': rispy would glue it onto the previous
# field without a word, so it is reported instead.
_ALMOST_TAG = re.compile(r"^[A-Z][A-Z0-9]\s*-(\s|$)")

_TYPES = {
    "JOUR": "research-article",
    "EJOUR": "research-article",
    "JFULL": "research-article",
    "ABST": "conference-abstract",
    "CONF": "conference-abstract",
    "CPAPER": "conference-abstract",
}


def looks_like_ris(text: str) -> bool:
    """True when the first non-blank line is a RIS 'TY  - ' line."""
    for line in text.splitlines():
        if line.strip():
            return line.lstrip("\ufeff").startswith("TY  -")
    return False


def _chunks(path: str, text: str) -> list[tuple[int, str]]:
    """(start line, text) of each TY..ER record; raises on text outside records or unclosed ones."""
    chunks: list[tuple[int, str]] = []
    start: int | None = None
    lines: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        tag = _TAG.match(line)
        if start is None:
            if not line.strip():
                continue
            if tag and tag.group(1) == "TY":
                start, lines = number, [line]
                continue
            raise ImportFailed(path, number, f"text outside a RIS record (expected 'TY  - '): {line[:40]!r}")
        if tag and tag.group(1) == "TY":
            raise ImportFailed(path, start, "RIS record is not closed with 'ER  - ' before the next 'TY  - '")
        if not tag and _ALMOST_TAG.match(line):
            raise ImportFailed(path, number, f"malformed RIS tag line (expected 'XX  - value'): {line[:40]!r}")
        lines.append(line)
        if tag and tag.group(1) == "ER":
            chunks.append((start, "\n".join(lines) + "\n"))
            start = None
    if start is not None:
        raise ImportFailed(path, start, "RIS record is not closed with 'ER  - '")
    if not chunks:
        raise ImportFailed(path, 1, "no RIS records found (expected a line 'TY  - JOUR')")
    return chunks


def _first(entry: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        text = clean_text(value) if value is not None else None
        if text:
            return text
    return None


# Where exports put PubMed identifiers. Labelled values ('PMID: 17914389', 'PMCID: PMC2725025') are
# taken from any of these tags: Zotero and EndNote notes (N1, RN), EndNote's custom fields (C1-C8,
# C2 being 'PMCID'), the miscellaneous fields some tools use (M1-M3, U1-U5) and the accession number.
_IDENTIFIER_TAGS = (
    "AN",
    "N1",
    "RN",
    "M1",
    "M2",
    "M3",
    "C1",
    "C2",
    "C3",
    "C4",
    "C5",
    "C6",
    "C7",
    "C8",
    "U1",
    "U2",
    "U3",
    "U4",
    "U5",
)
_LABELLED_PMID = re.compile(r"\bPMID\s*[:=]?\s*(\d{1,9})\b", re.IGNORECASE)
_PMCID = re.compile(r"\b(PMC\d{1,9})\b")
# A bare number in AN is the PMID in exports of PubMed/MEDLINE records (EndNote: 'DP  - NLM'; Ovid,
# EBSCO: 'DB  - MEDLINE'); other databases number their records their own way ('WOS:000...', a
# CINAHL or Embase number), so a named database other than those makes it no PMID.
_PUBMED_DATABASE = re.compile(r"pubmed|medline|\bnlm\b|ncbi", re.IGNORECASE)
# 'MEDLINE:17914389' (Web of Science, records of its MEDLINE collection), 'PMID:17914389'.
_PREFIXED_PMID = re.compile(r"^(?:MEDLINE|PubMed|PMID)\s*[:=]?\s*(\d{1,9})$", re.IGNORECASE)
_PUBMED_URL = re.compile(r"^https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|www\.ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?$")
_PMC_URL = re.compile(r"^https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc|pmc\.ncbi\.nlm\.nih\.gov)/articles/(PMC\d+)/?$")


def _raw_tags(chunk: str) -> dict[str, list[str]]:
    """Every value of every tag of one record, continuation lines joined; rispy keeps only the first
    value of a repeated tag such as C2 or M3, and files unmapped ones (M2, U1) elsewhere."""
    tags: dict[str, list[str]] = {}
    last: str | None = None
    for line in chunk.splitlines():
        match = _TAG.match(line.rstrip())
        if match:
            last = match.group(1)
            tags.setdefault(last, []).append(match.group(2).strip())
        elif last is not None and line.strip():
            tags[last][-1] = f"{tags[last][-1]}\n{line.strip()}".strip()
    return tags


def _values(tags: dict[str, list[str]], *names: str) -> list[str]:
    return [value for name in names for value in tags.get(name, []) if value]


def _pmid(tags: dict[str, list[str]]) -> str | None:
    for value in _values(tags, *_IDENTIFIER_TAGS):
        match = _PREFIXED_PMID.match(value) or _LABELLED_PMID.search(value)
        if match:
            return match.group(1)
    database = " ".join(_values(tags, "DB", "DP"))
    for value in _values(tags, "AN"):
        if re.fullmatch(r"\d{1,9}", value):
            if _PUBMED_DATABASE.search(database) or (not database and len(value) <= 8):
                return value
    # Scopus exports the PubMed ID of a record as a bare number in C2.
    if re.search(r"\bscopus\b", database, re.IGNORECASE):
        for value in _values(tags, "C2"):
            if re.fullmatch(r"\d{1,9}", value):
                return value
    for value in _values(tags, "UR", "L2"):
        match = _PUBMED_URL.match(value)
        if match:
            return match.group(1)
    return None


def _pmcid(tags: dict[str, list[str]]) -> str | None:
    for value in _values(tags, *_IDENTIFIER_TAGS):
        match = _PMCID.search(value)
        if match:
            return match.group(1)
    for value in _values(tags, "UR", "L1", "L2"):
        match = _PMC_URL.match(value)
        if match:
            return match.group(1)
    return None


def _type(entry: dict[str, Any], tags: dict[str, list[str]]) -> str | None:
    # M3 ('Type of Article'/'Type of Work') holds PubMed publication types in EndNote and PubMed
    # exports ('Journal Article', 'Review') and the document type in Scopus ones ('Article', 'Review').
    types = [t for value in _values(tags, "M3") for t in re.split(r"[\n;]", value) if t.strip()]
    from_types = type_from_pubmed(types) if types else None
    return from_types or _TYPES.get((_first(entry, "type_of_reference") or "").upper())


def _doi(entry: dict[str, Any]) -> str | None:
    doi = normalise_doi(_first(entry, "doi"))
    if doi:
        return doi
    for url in entry.get("urls") or []:
        if re.match(r"https?://(dx\.)?doi\.org/", url, re.IGNORECASE):
            return normalise_doi(url)
    return None


def _pages(entry: dict[str, Any]) -> str | None:
    start, end = _first(entry, "start_page"), _first(entry, "end_page")
    if start and end and end != start and "-" not in start:
        return normalise_pages(f"{start}-{end}")
    return normalise_pages(start or end)


def _to_reference(path: str, line: int, entry: dict[str, Any], tags: dict[str, list[str]]) -> Reference:
    title = normalise_title(_first(entry, "title", "primary_title", "translated_title"))
    if not title:
        raise ImportFailed(path, line, "RIS record has no title (TI or T1)")
    year = year_from_text(_first(entry, "year", "publication_year", "date"))
    if year is None:
        raise ImportFailed(path, line, "RIS record has no publication year (PY, Y1 or DA)")
    names = list(entry.get("authors") or []) + list(entry.get("first_authors") or [])
    return Reference(
        title=title,
        authors=[n for n in (name_from_inverted(x) for x in names) if n],
        # Full journal name first (T2, JF, JO), the abbreviation only when nothing else is there.
        journal=_first(entry, "secondary_title", "alternate_title3", "journal_name", "alternate_title2", "alternate_title1"),
        year=year,
        volume=_first(entry, "volume"),
        issue=_first(entry, "number"),
        pages=_pages(entry),
        doi=_doi(entry),
        pmid=_pmid(tags),
        pmcid=_pmcid(tags),
        type=_type(entry, tags),
        keywords=[k for k in (clean_text(x) for x in entry.get("keywords") or []) if k],
        source_path=path,
        source_line=line,
    )


def parse(path: str | Path, text: str) -> list[Reference]:
    """All references of a RIS text; raises ImportFailed with the line of the first problem."""
    name = str(path)
    references = []
    for line, chunk in _chunks(name, text.lstrip("\ufeff")):
        entries = rispy.loads(chunk)
        if len(entries) != 1:
            raise ImportFailed(name, line, "RIS record could not be read")
        references.append(_to_reference(name, line, entries[0], _raw_tags(chunk)))
    return references
