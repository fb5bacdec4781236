"""Parser for CSL-JSON (the citation data of Zotero, Crossref's citeproc output, citation.js)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .reference import (
    ImportFailed,
    Reference,
    clean_text,
    name_from_display,
    normalise_doi,
    normalise_pages,
    normalise_title,
    pubmed_name,
    year_from_text,
)

__all__ = ["parse", "looks_like_csl_json", "reference_from_csl"]

_TYPES = {
    "article-journal": "research-article",
    "article": "research-article",
    "paper-conference": "conference-abstract",
    "review": "review",
    # Crossref's work types, since Crossref /works messages go through the same converter.
    "journal-article": "research-article",
    "proceedings-article": "conference-abstract",
}


def looks_like_csl_json(text: str) -> bool:
    """True for a JSON array/object whose items carry CSL keys such as 'title' and 'type'."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith(("[", "{")):
        return False
    return bool(re.search(r'"(container-title|issued|author|DOI)"\s*:', stripped))


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _items(path: str, text: str) -> list[tuple[int, Any]]:
    """(line, item) for each top-level item, so each Reference knows where it began."""
    decoder = json.JSONDecoder()
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(path, error.lineno, f"invalid JSON: {error.msg} (column {error.colno})") from None
    index = len(text) - len(text.lstrip())
    if text[index] == "{":
        return [(_line_of(text, index), json.loads(text))]
    items: list[tuple[int, Any]] = []
    index += 1  # past '['
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text) or text[index] == "]":
            return items
        item, end = decoder.raw_decode(text, index)
        items.append((_line_of(text, index), item))
        index = end


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, (dict, bool)):
        return None
    return clean_text(str(value))


def _year(item: dict[str, Any]) -> int | None:
    for key in ("issued", "published-print", "published-online", "created"):
        date = item.get(key)
        if isinstance(date, dict):
            parts = date.get("date-parts")
            if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
                year = year_from_text(parts[0][0])
                if year:
                    return year
            for fallback in ("raw", "literal"):
                year = year_from_text(date.get(fallback))
                if year:
                    return year
        elif date is not None:
            year = year_from_text(date)
            if year:
                return year
    return None


def _author(person: Any) -> str | None:
    if not isinstance(person, dict):
        return None
    family = clean_text(person.get("family"))
    if family:
        particle = clean_text(person.get("non-dropping-particle"))
        family = f"{particle} {family}" if particle else family
        return pubmed_name(family, person.get("given"), person.get("suffix"))
    literal = clean_text(person.get("literal") or person.get("name"))
    return name_from_display(literal) if literal else None


def reference_from_csl(item: dict[str, Any], path: str = "", line: int = 1) -> Reference:
    """One CSL item (also Crossref's /works message, which shares the keys) as a Reference."""
    title = normalise_title(_text(item.get("title")))
    if not title:
        raise ImportFailed(path, line, "CSL item has no title")
    year = _year(item)
    if year is None:
        raise ImportFailed(path, line, f"CSL item {title[:40]!r} has no publication year (issued)")
    pmcid = _text(item.get("PMCID"))
    pmid = _text(item.get("PMID"))
    people = item.get("author") if isinstance(item.get("author"), list) else []
    return Reference(
        title=title,
        authors=[a for a in (_author(p) for p in people) if a],
        journal=_text(item.get("container-title")) or _text(item.get("container-title-short")),
        year=year,
        volume=_text(item.get("volume")),
        issue=_text(item.get("issue")),
        pages=normalise_pages(_text(item.get("page")) or _text(item.get("article-number"))),
        doi=normalise_doi(_text(item.get("DOI"))),
        pmid=pmid if pmid and pmid.isdigit() else None,
        pmcid=pmcid if pmcid and re.fullmatch(r"PMC\d+", pmcid) else None,
        type=_TYPES.get(str(item.get("type", "")).lower()),
        keywords=[k for k in (clean_text(x) for x in re.split(r"[;,]", _text(item.get("keyword")) or "")) if k],
        source_path=path,
        source_line=line,
    )


def parse(path: str | Path, text: str) -> list[Reference]:
    """All items of a CSL-JSON array (or a single CSL object)."""
    name = str(path)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportFailed(name, 1, "empty file: expected a CSL-JSON array")
    references = []
    for line, item in _items(name, text):
        if not isinstance(item, dict):
            raise ImportFailed(name, line, "CSL-JSON item is not an object")
        references.append(reference_from_csl(item, name, line))
    if not references:
        raise ImportFailed(name, 1, "no CSL-JSON items found")
    return references
