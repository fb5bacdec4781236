"""Parser for PubMed's MEDLINE format (.nbib from the Cite button, 'PubMed format' text from Save)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

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

__all__ = ["parse", "looks_like_medline"]

# A field line: a tag of 2-4 capitals/digits padded with spaces to 4 characters, then '- '.
# Some exports drop the padding ('PMID- 1'), others strip the space after the dash on empty values.
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *- ?(.*)$")
# PubMed indents continuation lines by six spaces; other tools use a tab or fewer spaces.
_CONTINUATION = re.compile(r"^[ \t]+\S")


@dataclass
class _Record:
    line: int
    fields: list[tuple[str, str]] = field(default_factory=list)

    def all(self, tag: str) -> list[str]:
        return [value for name, value in self.fields if name == tag]

    def first(self, tag: str) -> str | None:
        values = self.all(tag)
        return values[0] if values else None


def looks_like_medline(text: str) -> bool:
    """True when the text starts (after blank lines) with a MEDLINE field such as 'PMID- '."""
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _TAG_LINE.match(line)
        return bool(match) and not line.startswith("TY  - ")
    return False


def _split_records(path: str, text: str) -> list[_Record]:
    records: list[_Record] = []
    current: _Record | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line:
            current = None  # a blank line ends a record
            continue
        match = _TAG_LINE.match(line)
        if match:
            if current is None:
                current = _Record(line=number)
                records.append(current)
            current.fields.append((match.group(1), match.group(2).strip()))
            continue
        if _CONTINUATION.match(line):
            if current is None or not current.fields:
                raise ImportFailed(path, number, "continuation line outside a MEDLINE record")
            tag, value = current.fields[-1]
            current.fields[-1] = (tag, f"{value} {line.strip()}".strip())
            continue
        raise ImportFailed(
            path,
            number,
            f"expected a MEDLINE field such as 'TI  - ...' or an indented continuation line, found {line[:40]!r}",
        )
    return records


def _doi(record: _Record) -> str | None:
    # LID holds the DOI of the electronic location; AID lists every article id with its kind.
    for value in record.all("LID") + record.all("AID"):
        if value.endswith("[doi]"):
            return normalise_doi(value[: -len("[doi]")])
    return None


def _to_reference(path: str, record: _Record) -> Reference:
    pmid = clean_text(record.first("PMID"))
    where = f" (PMID {pmid})" if pmid else ""
    title = normalise_title(record.first("TI"))
    if not title:
        raise ImportFailed(path, record.line, f"MEDLINE record{where} has no title (TI)")
    year = year_from_text(record.first("DP"))
    if year is None:
        raise ImportFailed(path, record.line, f"MEDLINE record{where} has no publication date (DP)")
    # AU is already PubMed style; FAU ('Karnoub, Antoine E') only helps when AU is missing.
    # CN (collective author) keeps its place in the list.
    authors: list[str] = []
    for tag, value in record.fields:
        if tag in ("AU", "CN") and clean_text(value):
            authors.append(clean_text(value) or "")
    if not any(tag == "AU" for tag, _ in record.fields):
        authors = [name_from_inverted(v) for v in record.all("FAU") if clean_text(v)] + [
            clean_text(v) or "" for v in record.all("CN") if clean_text(v)
        ]
    publication_types = record.all("PT")
    pmcid = clean_text(record.first("PMC"))
    return Reference(
        title=title,
        authors=authors,
        journal=clean_text(record.first("TA")) or clean_text(record.first("JT")),
        year=year,
        volume=clean_text(record.first("VI")),
        issue=clean_text(record.first("IP")),
        pages=normalise_pages(record.first("PG")),
        doi=_doi(record),
        pmid=pmid if pmid and pmid.isdigit() else None,
        pmcid=pmcid if pmcid and re.fullmatch(r"PMC\d+", pmcid) else None,
        type=type_from_pubmed(publication_types),
        keywords=[k for k in (clean_text(v) for v in record.all("OT")) if k],
        retracted=any(p.strip().lower() == "retracted publication" for p in publication_types),
        source_path=path,
        source_line=record.line,
    )


def parse(path: str | Path, text: str) -> list[Reference]:
    """All references of a MEDLINE text; raises ImportFailed at the first malformed line."""
    name = str(path)
    records = _split_records(name, text)
    if not records:
        raise ImportFailed(name, 1, "no MEDLINE records found (expected lines such as 'PMID- 17914389')")
    return [_to_reference(name, record) for record in records]
