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


def _notes(entry: dict[str, Any]) -> str:
    # Zotero and EndNote put 'PMID: 123' / 'PMCID: PMC123' into notes or custom fields.
    texts: list[str] = []
    for key in ("notes", "note", "custom1", "custom2", "custom3", "research_notes", "accession_number"):
        value = entry.get(key)
        if isinstance(value, list):
            texts.extend(str(v) for v in value)
        elif value:
            texts.append(str(value))
    return "\n".join(texts)


def _pmid(entry: dict[str, Any]) -> str | None:
    notes = _notes(entry)
    match = re.search(r"PMID:?\s*(\d+)", notes)
    if match:
        return match.group(1)
    accession = _first(entry, "accession_number")
    database = (_first(entry, "name_of_database") or "").lower()
    # AN is only a PMID when the record says it came from PubMed/MEDLINE.
    if accession and accession.isdigit() and ("pubmed" in database or "medline" in database):
        return accession
    return None


def _pmcid(entry: dict[str, Any]) -> str | None:
    match = re.search(r"\b(PMC\d+)\b", _notes(entry))
    return match.group(1) if match else None


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


def _to_reference(path: str, line: int, entry: dict[str, Any]) -> Reference:
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
        pmid=_pmid(entry),
        pmcid=_pmcid(entry),
        type=_TYPES.get((_first(entry, "type_of_reference") or "").upper()),
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
        references.append(_to_reference(name, line, entries[0]))
    return references
