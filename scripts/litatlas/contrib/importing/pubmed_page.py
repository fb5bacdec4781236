"""Parser for the text of a PubMed abstract page as a browser copies it, in every layout seen in use.

The layouts (each has a sample under tests/importing/fixtures/pubmed-page-*.txt):

- the legacy page ('Send to' / 'Choose Destination'): citation line, title, abbreviated authors
  ('Karnoub AE1, Dash AB, ...'), 'Author information', the abstract, 'PMID: ... DOI: ...';
- the current page in a wide window: the sidebar ('Full text links', 'Cite', 'Page navigation', ...)
  comes first, then the journal button and '. 2012 Dec 7;11(6):812-24.' on lines of their own, the
  title, full author names with affiliation numbers, 'Affiliations', 'PMID:' / 'PMCID:' / 'DOI:';
- the current page in a narrow window (a phone, half a screen): the title comes first, then a short
  citation ('Pauline Escobar et al. Oncotarget. 2015 Aug 4.'), and only with 'Show details' open the
  full citation, 'Authors' and the identifiers;
- a search-result or clipboard entry: title, authors, citation, 'PMID:';
- a browser's reader view (Firefox, i.e. Readability): 'pubmed.ncbi.nlm.nih.gov', 'Title - PubMed',
  the byline, the reading time, then whatever Readability kept of the page: the citation without its
  journal (the journal is a button, and reader view drops buttons), or only the short citation.

Everything after a 'Similar articles', 'Cited by', 'References' or 'Comment in' heading describes
other papers and is left out, so that their citations and PMIDs are never taken for this paper's.
"""

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

Line = tuple[int, str]

# '2014 Oct;768:98-106. doi: ...' / '2007 Oct 4;449(7162):557-63.' / '2009;4(4):e4992.' and, ahead
# of print, '2024 May 3. doi: ...'
_DATE = (
    r"(?P<year>(?:1[89]|20)\d\d)"
    r"(?P<when>(?:\s+(?:[A-Z][a-z]{2}(?:-[A-Z][a-z]{2})?|Spring|Summer|Autumn|Fall|Winter))?(?:\s+\d{1,2}(?:-\d{1,2})?)?)"
)
_BODY = _DATE + r"\s*(?:[;:]\s*(?P<rest>[^\s]*))?(?P<tail>.*)$"
# 'Mutat Res. 2014 Oct;768:98-106. doi: 10.1016/j.mrfmmm.2014.01.006. Epub 2014 Feb 7.'
_CITATION = re.compile(r"^(?P<journal>[A-Za-z0-9][^.;:]{0,150}?)\s*\.\s+" + _BODY)
# Reader view drops the journal button: '. 2015 Aug 4;6(30):29034-47.'
_BARE_CITATION = re.compile(r"^\.\s*" + _BODY)
# The narrow page's and reader view's short citation: 'Pauline Escobar et al. Oncotarget. 2015 Aug 4.'
_SHORT_CITATION = re.compile(
    r"^(?P<who>[^\W\d_][^.;:]{0,80}?)(?P<etal>,?\s+et\s+al)?\.{1,2}\s+"
    r"(?P<journal>[A-Za-z0-9][^.;:]{0,150}?)\.\s+" + _DATE + r"\.?$"
)
# '449(7162):557-63.' / '768:98-106.' / '4(4):e4992.' / '9(1):18869.'
_LOCATOR = re.compile(r"^(?P<volume>[^():.\s]+)?(?:\((?P<issue>[^)]*)\))?(?::(?P<pages>[^\s]+?))?\.?$")
_DOI = re.compile(r"\bdoi:\s*(10\.\S+?)\.?(?=\s|$)", re.IGNORECASE)
_CITATION_TAIL = re.compile(r"^(doi:|epub\b|online ahead of print|\[epub ahead of print\])", re.IGNORECASE)
# A line of identifiers: 'PMID: 18519693 PMCID: PMC2725025 DOI: 10.1158/0008-5472.CAN-08-0943'
_IDENTIFIER_LINE = re.compile(r"^(PMID|PMCID|DOI):", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s+[-|–]\s+PubMed(?:\s+-\s+NCBI)?$")

# Page furniture of every layout: buttons, menus, labels, reader-view header lines.
_FURNITURE = {
    "send to",
    "choose destination",
    "file",
    "clipboard",
    "collections",
    "e-mail",
    "email",
    "order",
    "my bibliography",
    "citation manager",
    "create file",
    "format: abstract",
    "skip to main page content",
    "an official website of the united states government",
    "here's how you know",
    "log in",
    "show account info",
    "search",
    "search:",
    "advanced",
    "user guide",
    "save",
    "full text links",
    "full-text links",
    "free pmc article",
    "free article",
    "free full text",
    "cite",
    "favorites",
    "add to collections",
    "display options",
    "show details",
    "hide details",
    "share",
    "permalink",
    "copy",
    "actions",
    "page navigation",
    "title & authors",
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
    "supplemental content",
    "expand",
    "collapse",
    "loading ...",
    "support center",
    "[epub ahead of print]",
    "[indexed for medline]",
}
_FURNITURE_PATTERN = re.compile(
    r"^(\d+\s*[–-]\s*\d+\s+minutes?|\d+\s+minutes?|(?:https?://)?(?:pubmed|www)\.ncbi\.nlm\.nih\.gov\b\S*|"
    r"filters applied\b.*|display settings:.*|format:\s.*|icon for .*|\d+ selected items?:.*)$",
    re.IGNORECASE,
)
# Lines that follow the title or the authors, never the title itself.
_AFTER_TITLE = re.compile(
    r"^(author information|authors?$|affiliations?( expand| collapse)?$|abstract$|pmid:|pmcid:|doi:|"
    r"keywords?:|\(the abstract|\[abstract|no abstract available|copyright|©|\[indexed for medline\]|expand|collapse)",
    re.IGNORECASE,
)
# Section headings. Those of _OTHER_PAPERS open lists of other papers (left out up to the next heading of
# this paper's own); those of _NOTES_ON_OTHERS name one or two other papers (left out up to the next
# heading, identifier line or keywords/copyright line).
_OTHER_PAPERS = re.compile(
    r"^(similar articles( in pubmed)?|see all similar articles|cited by( \d+ (pubmed central )?articles?)?|"
    r"references|related citations in pubmed)$",
    re.IGNORECASE,
)
_NOTES_ON_OTHERS = re.compile(
    r"^(comment (in|on)|erratum (in|for)|update (in|of)|(corrected and )?republished (in|from)|"
    r"expression of concern (in|for)|retraction of|retracted and republished (in|from))$",
    re.IGNORECASE,
)
_OWN_HEADINGS = {
    "abstract",
    "keywords",
    "publication types",
    "mesh terms",
    "substances",
    "grants and funding",
    "grant support",
    "linkout - more resources",
    "related information",
    "full text sources",
    "other literature sources",
    "medical",
    "research materials",
    "miscellaneous",
    "conflict of interest statement",
    "figures",
    "associated data",
    "supplementary info",
    "author information",
    "affiliation",
    "affiliations",
    "author",
    "authors",
    "page navigation",
    "title & authors",
    "full text links",
    "supplemental content",
    "actions",
    "share",
}
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
    "journal article",
}
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:['’\-][^\W\d_]+)*\.?$")
_PARTICLES = {"von", "van", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "le", "la", "ten", "ter", "zu"}
_AFFILIATION_WORDS = re.compile(
    r"\b(university|department|institute|hospital|school|center|centre|laboratory|college|faculty|"
    r"foundation|division|unit|program|research|inserm|cnrs|usa|uk|china|korea|germany|france|japan|italy)\b",
    re.IGNORECASE,
)
# Footnote marks after author names: superscript digits and the usual symbols.
_MARKS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u2079*†‡§¶#]")


def _key(line: str) -> str:
    return line.lower().rstrip(" .:")


def _is_furniture(line: str) -> bool:
    return _key(line) in _FURNITURE or line.lower() in _FURNITURE or bool(_FURNITURE_PATTERN.match(line))


def _is_heading(line: str) -> bool:
    key = _key(line)
    return key in _OWN_HEADINGS or bool(_OTHER_PAPERS.match(key) or _NOTES_ON_OTHERS.match(key))


def _journal_like(line: str) -> bool:
    """A line that can be the journal button before '. 2014 Oct;768:98-106.' (new layout, split copy)."""
    return (
        bool(re.match(r"^[A-Za-z0-9][^.;:]{0,150}$", line))
        and not _is_furniture(line)
        and not _is_heading(line)
        and not re.search(r"\d\s*,?$", line)  # a byline such as 'Nader Sheibani 1'
    )


def _split_summary(line: str) -> list[str]:
    """A search result or clipboard entry copies authors, citation and PMID as one line, and the
    'Cite' dialog adds the title between them:
    'Karnoub AE, ..., Weinberg RA. [Title. ]Nature. 2007 Oct 4;449(7162):557-63. doi: .... PMID: 17914389'.
    Split such a line into its parts; any other line is returned whole."""
    stops = [m.end() for m in re.finditer(r"\.\s+", line)]
    who_end = next((end for end in stops if _is_author_line(line[:end].strip())), None)
    if who_end is None:
        return [line]
    citation_at = next(
        (end for end in stops if end >= who_end and _CITATION.match(line[end:]) and re.search(r"[;:]", line[end:])),
        None,
    )
    if citation_at is None:
        return [line]
    parts = [line[:who_end].strip(), line[who_end:citation_at].strip(), line[citation_at:].strip()]
    ids = re.search(r"\s(PMID:\s*\d+.*)$", parts[2])
    if ids:
        parts[2:] = [parts[2][: ids.start()].strip(), ids.group(1)]
    return [part for part in parts if part]


def _logical_lines(text: str) -> list[Line]:
    """Non-blank lines with their numbers; the new layout's split citation is glued back together.

    The new PubMed layout puts the journal button, '. 2014 Oct;768:98-106.' and the DOI on
    separate lines when copied; joined, they read like the old layout's one citation line.
    """
    result: list[Line] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        cleaned = clean_text(raw)
        for line in _split_summary(cleaned) if cleaned else []:
            previous = result[-1][1] if result else ""
            if previous and re.match(r"^\.\s*(1[89]|20)\d\d\b", line) and _journal_like(previous):
                result[-1] = (result[-1][0], previous + line)
            elif previous and _CITATION_TAIL.match(line) and (_CITATION.match(previous) or _BARE_CITATION.match(previous)):
                result[-1] = (result[-1][0], f"{previous} {line}")
            elif re.fullmatch(r"(PMID|PMCID|DOI):", previous, re.IGNORECASE):  # label and number on two lines
                result[-1] = (result[-1][0], f"{previous} {line}")
            else:
                result.append((number, line))
    return result


def _own_lines(lines: list[Line]) -> list[Line]:
    """The lines about this paper: sections listing other papers are left out.

    A heading next to another heading is an entry of the page's navigation list, not a section.
    """
    own: list[Line] = []
    skipping: str | None = None
    for index, (number, line) in enumerate(lines):
        key = _key(line)
        if _is_heading(line):
            in_list = (index > 0 and _is_heading(lines[index - 1][1])) or (
                index + 1 < len(lines) and _is_heading(lines[index + 1][1])
            )
            if not in_list and _OTHER_PAPERS.match(key):
                skipping = "papers"
                continue
            if not in_list and _NOTES_ON_OTHERS.match(key):
                skipping = "notes"
                continue
            if skipping == "notes" or key in _OWN_HEADINGS:
                skipping = None
        elif skipping == "notes" and (_IDENTIFIER_LINE.match(line) or _AFTER_TITLE.match(line)):
            skipping = None
        if skipping is None:
            own.append((number, line))
    return own


def _author_names(line: str) -> tuple[list[str], bool, bool] | None:
    """(names, 'et al.' seen, footnote marks seen) of an author line, else None.

    'Hong IS1, Lee HY2.' / 'In-Seok Hong 1, Hwa-Yong Lee 2' / 'Antoine E Karnoub¹, Ajeeta B Dash²':
    affiliation numbers, superscripts and footnote symbols are dropped.
    """
    if _AFFILIATION_WORDS.search(line) or len(line) > 3000 or _CITATION.match(line) or _BARE_CITATION.match(line):
        return None
    text = _MARKS.sub(" ", line)
    marked = text != line or bool(re.search(r"\d", line))
    names: list[str] = []
    et_al = False
    for piece in re.split(r",|;|\band\b|&", text.strip().rstrip(".")):
        piece = re.sub(r"(?<=[^\W\d_])\d+$", "", piece.strip())  # 'Hong IS1', 'Loebinger1'
        piece = re.sub(r"(?:^|\s)\d+(?=\s|$)", " ", piece)  # ' 1 2 ' affiliation numbers
        piece = re.sub(r"\s+", " ", piece).strip(" .")
        if not piece:
            continue
        if re.fullmatch(r"et\.? al\.?", piece, re.IGNORECASE):
            et_al = True
            continue
        words = piece.split()
        if not 2 <= len(words) <= 6 or not all(_NAME_WORD.match(w) for w in words):
            return None
        if any(w.endswith(".") and len(w) > 3 for w in words):  # 'J.' and 'Jr.' are names, 'Nature.' is not
            return None
        if not all(w[0].isupper() or w.lower() in _PARTICLES for w in words):
            return None
        names.append(name_from_display(piece))
    if not names:
        return None
    return names, et_al, marked


def _is_author_line(line: str) -> bool:
    """An author line beyond doubt: several names, footnote marks, 'et al.' or 'Surname AB'.

    A single plain name is left undecided: short titles in title case read like one.
    """
    found = _author_names(line)
    if found is None:
        return False
    names, et_al, marked = found
    last = line.strip().rstrip(".").split()[-1]
    return len(names) > 1 or et_al or marked or (last.isalpha() and last.isupper() and len(last) <= 4)


def _could_be_title(line: str) -> bool:
    if _is_furniture(line) or _is_heading(line) or _AFTER_TITLE.match(line) or _IDENTIFIER_LINE.match(line):
        return False
    if _CITATION.match(line) or _BARE_CITATION.match(line) or _short_citation(line) is not None:
        return False
    if _is_author_line(line):
        return False
    return 3 <= len(line) <= 600  # longer is an abstract paragraph


def _short_citation(line: str) -> re.Match[str] | None:
    match = _SHORT_CITATION.match(line)
    if match and _author_names(match.group("who")) is not None:
        return match
    return None


def _find_title(lines: list[Line], anchor: int) -> int | None:
    """Index of the title: after the citation (old and wide layouts) or before it (narrow page,
    search results, reader view). A reader view's 'Title - PubMed' line wins outright."""
    for index, (_, line) in enumerate(lines):
        if _TITLE_SUFFIX.search(line) and _could_be_title(_TITLE_SUFFIX.sub("", line)):
            return index
    index = anchor + 1
    while index < len(lines) and (_is_furniture(lines[index][1]) or _CITATION_TAIL.match(lines[index][1])):
        index += 1
    if index < len(lines) and _could_be_title(lines[index][1]):
        return index
    index = anchor - 1
    while index >= 0 and (_is_furniture(lines[index][1]) or _is_author_line(lines[index][1]) or _short_citation(lines[index][1])):
        index -= 1
    if index >= 0 and _could_be_title(lines[index][1]):
        return index
    return None


def _authors_from(lines: list[Line], start: int, step: int, title_at: int) -> tuple[list[str], bool]:
    """Names on the author line(s) met from `start` going by `step` (furniture and 'Authors' skipped)."""
    index = start
    while 0 <= index < len(lines) and (
        _is_furniture(lines[index][1]) or _key(lines[index][1]) in {"author", "authors"} or _CITATION_TAIL.match(lines[index][1])
    ):
        index += step
    names: list[str] = []
    et_al = False
    while 0 <= index < len(lines) and index != title_at:
        line = lines[index][1]
        found = _author_names(line)
        if found is None or (names and not _is_author_line(line)):
            break
        names = found[0] + names if step < 0 else names + found[0]
        et_al = et_al or found[1]
        # A long list can wrap: a line ending with a comma, or followed by another author line, goes on.
        following = lines[index + 1][1] if index + 1 < len(lines) else ""
        if step < 0 or not (line.endswith(",") or _is_author_line(following)):
            break
        index += step
    return names, et_al


def _keywords(lines: list[Line]) -> list[str]:
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


def _identifiers(lines: list[Line]) -> dict[str, str]:
    """PMID, PMCID and DOI from the first lines that start with one of those labels."""
    found: dict[str, str] = {}
    patterns = {
        "pmid": r"\bPMID:\s*(\d+)",
        "pmcid": r"\bPMCID:\s*(PMC\d+)",
        "doi": r"\bDOI:\s*(10\.\S+?)\.?(?=\s|$)",
    }
    for _, line in lines:
        if not _IDENTIFIER_LINE.match(line):
            continue
        for name, pattern in patterns.items():
            match = re.search(pattern, line, re.IGNORECASE)
            if match and name not in found:
                found[name] = match.group(1)
    return found


def looks_like_pubmed_page(text: str) -> bool:
    """True for a copied PubMed page: a citation line ('Journal. 2014 Oct;768:98-106.'), a reader
    view's 'Title - PubMed' line, or a citation without locator ('Nature. 2007 Oct 4.', ahead of
    print) or a short citation next to a 'PMID:' line or PubMed furniture."""
    lines = [line for _, line in _logical_lines(text)]
    if any((_CITATION.match(line) or _BARE_CITATION.match(line)) and ";" in line for line in lines):
        return True
    if any(_TITLE_SUFFIX.search(line) for line in lines):
        return True
    pubmed = any(_IDENTIFIER_LINE.match(line) or _is_furniture(line) for line in lines)
    ahead_of_print = re.compile(r"^\.?\s*(doi:.*|epub\b.*|online ahead of print\.?|\[epub ahead of print\])?$", re.IGNORECASE)
    return pubmed and any(
        _short_citation(line) or ((match := _CITATION.match(line)) and ahead_of_print.match(match.group("tail")))
        for line in lines
    )


def parse(path: str | Path, text: str) -> list[Reference]:
    """The one reference on a copied PubMed abstract page."""
    name = str(path)
    every = _logical_lines(text)
    lines = _own_lines(every)

    citation_at = next((i for i, (_, line) in enumerate(lines) if _CITATION.match(line)), None)
    bare_at = next((i for i, (_, line) in enumerate(lines) if _BARE_CITATION.match(line)), None)
    short_at = next((i for i, (_, line) in enumerate(lines) if _short_citation(line)), None)
    anchor = next((i for i in (citation_at, bare_at, short_at) if i is not None), None)
    if anchor is None:
        hint = ""
        if any(_TITLE_SUFFIX.search(line) for _, line in every):
            hint = "; the browser's reader view left it out: copy the page itself"
        raise ImportFailed(name, 1, f"no PubMed citation line found (like 'Mutat Res. 2014 Oct;768:98-106. doi: ...'){hint}")
    number, citation = lines[anchor]
    match = _CITATION.match(citation) or _BARE_CITATION.match(citation)
    short = _short_citation(lines[short_at][1]) if short_at is not None else None

    title_at = _find_title(lines, anchor)
    if title_at is None:
        raise ImportFailed(name, number, "no title found before or after the citation line")
    title = normalise_title(_TITLE_SUFFIX.sub("", lines[title_at][1]))
    if not title:
        raise ImportFailed(name, lines[title_at][0], "empty title")

    # Authors: the longest list next to the title or the citation (the reader view's byline holds
    # only the first author when the list is long); else the short citation's first author.
    candidates = [
        _authors_from(lines, title_at + 1, 1, title_at),
        _authors_from(lines, title_at - 1, -1, title_at),  # the 'Cite' text: authors, title, citation
        _authors_from(lines, anchor + 1, 1, title_at),
        _authors_from(lines, anchor - 1, -1, title_at),
    ]
    authors, et_al = max(candidates, key=lambda c: len(c[0]))
    if not authors and short is not None:
        found = _author_names(short.group("who"))
        authors = found[0] if found else []
    short_et_al = short is not None and bool(short.group("etal"))
    incomplete = et_al or (short_et_al and len(authors) < 2)

    if match is not None:
        journal = clean_text(match.groupdict().get("journal")) or (clean_text(short.group("journal")) if short else None)
        year = int(match.group("year"))
        locator = _LOCATOR.match(match.group("rest") or "")
        doi_match = _DOI.search(match.group("tail") or "")
    else:
        assert short is not None  # the anchor is the short citation
        journal, year, locator, doi_match = clean_text(short.group("journal")), int(short.group("year")), None, None
    ids = _identifiers(lines)
    doi = doi_match.group(1) if doi_match else ids.get("doi")
    found_types = [line.rstrip(".") for _, line in lines if _key(line) in _PUBLICATION_TYPES]
    retracted = any(
        line.lower() == "retracted publication" or re.match(r"^retraction (in|notice)\b", line, re.IGNORECASE)
        for _, line in every
    )
    return [
        Reference(
            title=title,
            authors=authors,
            authors_incomplete=incomplete,
            journal=journal,
            year=year,
            volume=clean_text(locator.group("volume")) if locator else None,
            issue=clean_text(locator.group("issue")) if locator else None,
            pages=normalise_pages(locator.group("pages")) if locator else None,
            doi=normalise_doi(doi) if doi else None,
            pmid=ids.get("pmid"),
            pmcid=ids.get("pmcid"),
            # The page names its publication types only sometimes; silence means 'not stated'.
            type=type_from_pubmed(found_types) if found_types else None,
            keywords=_keywords(lines[max(title_at, anchor) + 1 :]),
            retracted=retracted,
            source_path=name,
            source_line=number,
        )
    ]
