"""Parser for the text of a PubMed abstract page as a browser copies it (old and new layouts)."""

from __future__ import annotations

import re
from pathlib import Path

from .reference import (
    ImportFailed,
    Reference,
    clean_text,
    name_from_display,
    normalise_doi,
    normalise_pages,
    normalise_title,
    type_from_pubmed,
)

__all__ = ["parse", "looks_like_pubmed_page"]

# 'Mutat Res. 2014 Oct;768:98-106. doi: 10.1016/j.mrfmmm.2014.01.006. Epub 2014 Feb 7.'
# 'PLoS One. 2009;4(4):e4992.' and, ahead of print, 'Nat Med. 2024 May 3. doi: ...'
_CITATION = re.compile(
    r"^(?P<journal>[A-Z][^.;:]{0,150}?)\s*\.\s+"
    r"(?P<year>(?:1[89]|20)\d\d)"
    r"(?P<when>(?:\s+(?:[A-Z][a-z]{2}(?:-[A-Z][a-z]{2})?|Spring|Summer|Autumn|Fall|Winter))?(?:\s+\d{1,2}(?:-\d{1,2})?)?)"
    r"\s*(?:[;:]\s*(?P<rest>[^\s]*))?"
    r"(?P<tail>.*)$"
)
# '449(7162):557-63.' / '768:98-106.' / '4(4):e4992.' / '9(1):18869.'
_LOCATOR = re.compile(r"^(?P<volume>[^():.\s]+)?(?:\((?P<issue>[^)]*)\))?(?::(?P<pages>[^\s]+?))?\.?$")
_DOI = re.compile(r"\bdoi:\s*(10\.\S+?)\.?(?=\s|$)", re.IGNORECASE)

# Page furniture of either layout that can sit between the citation and the title.
_FURNITURE = {
    "send to",
    "choose destination",
    "format: abstract",
    "skip to main page content",
    "full text links",
    "free pmc article",
    "free article",
    "cite",
    "collections",
    "display options",
    "share",
    "review",
    "comparative study",
    "clinical trial",
    "randomized controlled trial",
    "meta-analysis",
    "systematic review",
    "observational study",
    "case reports",
    "editorial",
    "letter",
    "comment",
    "search in pubmed",
    "search in nlm catalog",
    "add to search",
    "item in clipboard",
}
# Lines that follow the title when no author line was copied.
_AFTER_TITLE = re.compile(
    r"^(author information|affiliations?( expand| collapse)?|abstract|pmid:|pmcid:|doi:|keywords?:|"
    r"\(the abstract|copyright|\[indexed for medline\]|expand|collapse)",
    re.IGNORECASE,
)
_PUBLICATION_TYPES = {
    "review",
    "systematic review",
    "meta-analysis",
    "clinical trial",
    "clinical trial, phase i",
    "clinical trial, phase ii",
    "clinical trial, phase iii",
    "clinical trial, phase i/ii",
    "randomized controlled trial",
    "clinical trial protocol",
    "retracted publication",
}
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:['’\-][^\W\d_]+)*\.?$")
_AFFILIATION_WORDS = re.compile(
    r"\b(university|department|institute|hospital|school|center|centre|laboratory|college|"
    r"faculty|foundation|division|unit|program|usa|china|korea|germany)\b",
    re.IGNORECASE,
)


def looks_like_pubmed_page(text: str) -> bool:
    """True when some line reads like a PubMed citation line ('Journal. 2014 Oct;768:98-106.')."""
    return any(_CITATION.match(line.strip()) and ";" in line for line in _joined_lines(text))


def _joined_lines(text: str) -> list[str]:
    return [line for _, line in _logical_lines(text)]


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their numbers; the new layout's split citation is glued back together.

    The new PubMed layout puts the journal button, '. 2014 Oct;768:98-106.' and the DOI on
    separate lines when copied; joined, they read like the old layout's one citation line.
    """
    result: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = clean_text(raw)
        if not line:
            continue
        if result and re.match(r"^\.\s*(1[89]|20)\d\d\b", line):
            result[-1] = (result[-1][0], result[-1][1] + line)
            continue
        if result and re.match(r"^(doi:|epub\b|online ahead of print)", line, re.IGNORECASE) and _CITATION.match(result[-1][1]):
            result[-1] = (result[-1][0], f"{result[-1][1]} {line}")
            continue
        result.append((number, line))
    return result


def _author_names(line: str) -> list[str] | None:
    """Names of an author line ('Hong IS1, Lee HY2.' or 'In-Seok Hong 1, Hwa-Yong Lee 2'), else None."""
    if _AFFILIATION_WORDS.search(line) or len(line) > 3000:
        return None
    names: list[str] = []
    for piece in line.split(","):
        # Affiliation marks: digits, asterisks, daggers, and the closing full stop.
        piece = re.sub(r"[\d\s*†‡§#.]+$", "", piece.strip())
        piece = re.sub(r"\s+\d+(?=\s|$)", "", piece)
        if not piece:
            continue
        words = piece.split()
        if not 1 <= len(words) <= 6 or not all(_NAME_WORD.match(w) for w in words):
            return None
        if len(words) == 1 and not piece.lower().endswith("et al"):
            return None
        names.append(name_from_display(piece))
    return names or None


def _keywords(lines: list[tuple[int, str]]) -> list[str]:
    for _, line in lines:
        match = re.match(r"^keywords?:\s*(.+)$", line, re.IGNORECASE)
        if match:
            return [k for k in (clean_text(x) for x in match.group(1).rstrip(".").split(";")) if k]
    # The old layout's bare keyword line: short items (a few words each) separated by '; ',
    # no commas (affiliation lines have them) and no final full stop (sentences have one).
    for _, line in lines:
        items = [x.strip() for x in line.split(";")]
        if (
            len(items) >= 2
            and not line.endswith(".")
            and all(0 < len(x) <= 60 and len(x.split()) <= 5 and "," not in x for x in items)
        ):
            return items
    return []


def parse(path: str | Path, text: str) -> list[Reference]:
    """The one reference on a copied PubMed abstract page."""
    name = str(path)
    lines = _logical_lines(text)
    citation_at = next((i for i, (_, line) in enumerate(lines) if _CITATION.match(line)), None)
    if citation_at is None:
        raise ImportFailed(name, 1, "no PubMed citation line found (like 'Mutat Res. 2014 Oct;768:98-106. doi: ...')")
    number, citation = lines[citation_at]
    match = _CITATION.match(citation)
    assert match is not None  # found by the same pattern above
    locator = _LOCATOR.match(match.group("rest") or "")
    doi_match = _DOI.search(match.group("tail") or "") or _DOI.search(citation)

    title_at = citation_at + 1
    while title_at < len(lines) and (
        lines[title_at][1].lower().rstrip(".") in _FURNITURE
        or re.match(r"^(doi:|epub\b|online ahead of print)", lines[title_at][1], re.IGNORECASE)
    ):
        title_at += 1
    if title_at >= len(lines) or _AFTER_TITLE.match(lines[title_at][1]):
        raise ImportFailed(name, number, "no title found after the citation line")
    title = normalise_title(lines[title_at][1])
    if not title:
        raise ImportFailed(name, lines[title_at][0], "empty title")

    authors: list[str] = []
    if title_at + 1 < len(lines) and not _AFTER_TITLE.match(lines[title_at + 1][1]):
        authors = _author_names(lines[title_at + 1][1]) or []

    whole = "\n".join(line for _, line in lines)
    pmid = re.search(r"\bPMID:\s*(\d+)", whole)
    pmcid = re.search(r"\bPMCID:\s*(PMC\d+)", whole)
    if doi_match is None:
        doi_match = re.search(r"\bDOI:\s*(10\.\S+?)\.?(?=\s|$)", whole)
    found_types = [line for _, line in lines if line.lower() in _PUBLICATION_TYPES]
    retracted = any(
        line.lower() == "retracted publication" or re.match(r"^retraction (in|notice)\b", line, re.IGNORECASE)
        for _, line in lines
    )
    return [
        Reference(
            title=title,
            authors=authors,
            journal=clean_text(match.group("journal")),
            year=int(match.group("year")),
            volume=clean_text(locator.group("volume")) if locator else None,
            issue=clean_text(locator.group("issue")) if locator else None,
            pages=normalise_pages(locator.group("pages")) if locator else None,
            doi=normalise_doi(doi_match.group(1)) if doi_match else None,
            pmid=pmid.group(1) if pmid else None,
            pmcid=pmcid.group(1) if pmcid else None,
            # The page names its publication types only sometimes; silence means 'not stated'.
            type=type_from_pubmed(found_types) if found_types else None,
            keywords=_keywords(lines[title_at + 1 :]),
            retracted=retracted,
            source_path=name,
            source_line=number,
        )
    ]
