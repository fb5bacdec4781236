"""Parser for BibTeX/BibLaTeX files (.bib) on bibtexparser 2, with LaTeX accents and braces decoded."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.model import Entry

from .reference import (
    ImportFailed,
    Reference,
    clean_text,
    normalise_doi,
    normalise_pages,
    normalise_title,
    pubmed_name,
    year_from_text,
)

__all__ = ["parse", "looks_like_bibtex"]

_ENTRY_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)

_TYPES = {
    "article": "research-article",
    "inproceedings": "conference-abstract",
    "conference": "conference-abstract",
}
# Blocks that hold no reference: @string, @preamble, @comment are fine, only entries count.
_SKIPPED_TYPES = {"string", "preamble", "comment"}


def looks_like_bibtex(text: str) -> bool:
    """True when the text holds an '@type{' entry start."""
    return bool(_ENTRY_START.search(text))


def _field(entry: Entry, *keys: str) -> str | None:
    fields = {k.lower(): v for k, v in entry.fields_dict.items()}
    for key in keys:
        item = fields.get(key)
        if item is not None and isinstance(item.value, str):
            text = clean_text(item.value)
            if text:
                return text
    return None


def _authors(entry: Entry) -> tuple[list[str], bool]:
    fields = {k.lower(): v for k, v in entry.fields_dict.items()}
    item = fields.get("author")
    if item is None or not isinstance(item.value, list):
        return [], False
    names: list[str] = []
    incomplete = False
    for parts in item.value:
        family = " ".join(parts.von + parts.last)
        # 'and others' is BibTeX for 'et al.': the list is cut.
        if family.lower() == "others" and not parts.first:
            incomplete = True
            continue
        names.append(pubmed_name(family, " ".join(parts.first), " ".join(parts.jr) or None))
    return [n for n in names if n], incomplete


def _pmid(entry: Entry) -> str | None:
    pmid = _field(entry, "pmid")
    if pmid and pmid.isdigit():
        return pmid
    if (_field(entry, "eprinttype", "archiveprefix") or "").lower() == "pubmed":
        eprint = _field(entry, "eprint")
        if eprint and eprint.isdigit():
            return eprint
    match = re.search(r"PMID:?\s*(\d+)", _field(entry, "note", "annote", "extra") or "")
    return match.group(1) if match else None


def _pmcid(entry: Entry) -> str | None:
    text = " ".join(x for x in (_field(entry, "pmcid"), _field(entry, "note", "annote", "extra")) if x)
    match = re.search(r"\b(PMC\d+)\b", text)
    return match.group(1) if match else None


def _to_reference(path: str, entry: Entry) -> Reference:
    line = (entry.start_line or 0) + 1  # bibtexparser counts lines from 0
    title = normalise_title(_field(entry, "title"))
    if not title:
        raise ImportFailed(path, line, f"BibTeX entry '{entry.key}' has no title")
    year = year_from_text(_field(entry, "year", "date"))
    if year is None:
        raise ImportFailed(path, line, f"BibTeX entry '{entry.key}' has no year (year or date)")
    authors, incomplete = _authors(entry)
    return Reference(
        title=title,
        authors=authors,
        authors_incomplete=incomplete,
        journal=_field(entry, "journal", "journaltitle", "booktitle"),
        year=year,
        volume=_field(entry, "volume"),
        issue=_field(entry, "number", "issue"),
        pages=normalise_pages(_field(entry, "pages", "eid")),
        doi=normalise_doi(_field(entry, "doi")),
        pmid=_pmid(entry),
        pmcid=_pmcid(entry),
        type=_TYPES.get(entry.entry_type.lower()),
        keywords=[k for k in (clean_text(x) for x in re.split(r"[;,]", _field(entry, "keywords") or "")) if k],
        source_path=path,
        source_line=line,
    )


def _failure_message(block: object) -> str:
    error = getattr(block, "error", None)
    # A syntax error carries its reason in abort_reason; other errors in their message.
    reason = str(getattr(error, "abort_reason", "") or error or "").strip()
    text = " ".join(reason.split()) or type(error).__name__
    return f"BibTeX block could not be parsed: {text}"


def parse(path: str | Path, text: str) -> list[Reference]:
    """All entries of a BibTeX text; raises ImportFailed for the first block bibtexparser rejected."""
    name = str(path)
    stack = [
        middlewares.LatexDecodingMiddleware(),
        middlewares.SeparateCoAuthors(),
        middlewares.SplitNameParts(),
    ]
    # bibtexparser logs its own copy of each syntax error; the ImportFailed below is the report.
    logger = logging.getLogger("bibtexparser")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text, append_middleware=stack)
    finally:
        logger.setLevel(previous)
    # bibtexparser 2 does not raise on malformed input: it collects it in failed_blocks.
    if library.failed_blocks:
        block = min(library.failed_blocks, key=lambda b: b.start_line or 0)
        raise ImportFailed(name, (block.start_line or 0) + 1, _failure_message(block))
    entries = [e for e in library.entries if e.entry_type.lower() not in _SKIPPED_TYPES]
    if not entries:
        raise ImportFailed(name, 1, "no BibTeX entries found (expected '@article{key, ...}')")
    return [_to_reference(name, entry) for entry in entries]
