"""Choose the parser for a reference file from its extension, then from its content."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import bibtex, csljson, medline, pubmed_page, ris
from .reference import ImportFailed, Reference

__all__ = ["FORMATS", "detect_format", "parse_text", "read_text", "parse_file"]

Parser = Callable[[str, str], list[Reference]]

#: Format name -> parser; the names are the choices of `litatlas import --format`.
FORMATS: dict[str, Parser] = {
    "medline": medline.parse,
    "ris": ris.parse,
    "bibtex": bibtex.parse,
    "csl-json": csljson.parse,
    "pubmed-page": pubmed_page.parse,
}

_EXTENSIONS = {
    ".nbib": "medline",
    ".medline": "medline",
    ".ris": "ris",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".json": "csl-json",
    ".csl": "csl-json",
    ".csljson": "csl-json",
}


def detect_format(path: str | Path, text: str) -> str:
    """Format name for a file: a telling extension wins, otherwise the content decides.

    '.txt' is what PubMed's 'Save' (MEDLINE) and a browser copy of a page both produce, so text
    files are always sniffed. Raises ImportFailed when nothing fits.
    """
    suffix = Path(path).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if ris.looks_like_ris(text):
        return "ris"
    if medline.looks_like_medline(text):
        return "medline"
    if csljson.looks_like_csl_json(text):
        return "csl-json"
    if bibtex.looks_like_bibtex(text):
        return "bibtex"
    if pubmed_page.looks_like_pubmed_page(text):
        return "pubmed-page"
    raise ImportFailed(
        path,
        1,
        "cannot tell the format: expected MEDLINE (.nbib), RIS (.ris), BibTeX (.bib), CSL-JSON (.json) "
        "or the text of a PubMed abstract page; name it with --format",
    )


def read_text(path: str | Path) -> str:
    """File text as UTF-8 (a byte-order mark is dropped); undecodable bytes give FILE:LINE."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ImportFailed(path, 1, f"cannot read the file: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailed(path, line, "the file is not UTF-8 text; save it as UTF-8") from None


def parse_text(path: str | Path, text: str, fmt: str | None = None) -> list[Reference]:
    """References in a text; `fmt` forces a format name from FORMATS."""
    name = fmt or detect_format(path, text)
    if name not in FORMATS:
        raise ImportFailed(path, 1, f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[name](str(path), text)


def parse_file(path: str | Path, fmt: str | None = None) -> list[Reference]:
    """Read and parse one reference file."""
    return parse_text(path, read_text(path), fmt)
