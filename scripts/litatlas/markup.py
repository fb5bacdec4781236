"""Escaping record text for the Markdown/HTML it lands in, and building only safe links."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

from markupsafe import Markup

# Characters that start Markdown, HTML, attribute-list or template syntax become numeric character
# references: every later stage then sees plain text, and the browser shows the character itself.
_SPECIAL = re.compile(r"[\\`*_{}\[\]<>#|!&\"'~^=$:]")
# At the start of a line, these begin lists, rules or headings.
_LEADING = re.compile(r"^(?:[-+.]|\d+(?=[.)]))")
_SPACES = re.compile(r"\s+")
# Control characters that are not whitespace: never shown, and Markdown deletes STX/ETX (its placeholder
# markers) before parsing, which would put '- --' at the start of a line. The validator refuses them;
# dropping them here keeps the escaping sound for any string.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def text(value: object) -> Markup:
    """Record text as inert inline Markdown: one line, every markup character neutralised."""
    if isinstance(value, Markup):
        return value
    return _text(str(value))


@lru_cache(maxsize=1 << 16)  # the same labels, names and titles are escaped on many pages of a build
def _text(value: str) -> Markup:
    flat = _SPACES.sub(" ", _CONTROL.sub("", value)).strip()
    escaped = _SPECIAL.sub(_reference, flat)
    return Markup(_LEADING.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), escaped))  # noqa: S704 - escaped above


def _reference(match: re.Match[str]) -> str:
    return f"&#{ord(match.group())};"


def finalize(value: object) -> object:
    """Jinja finalize hook: anything a template prints is escaped unless code marked it safe."""
    if value is None:
        return ""
    return text(value)


def link(label: object, target: str) -> Markup:
    """A Markdown link whose label is escaped and whose target is a relative page path or a safe URL."""
    # Targets are built by code from validated ids, slugs or url(): never raw record text.
    return Markup(f"[{text(label)}]({target})")  # noqa: S704


def url(address: str) -> str:
    """Percent-encode an http(s) address so it cannot end a Markdown link or an HTML attribute early."""
    if not address.lower().startswith(("https://", "http://")):
        raise ValueError(f"only http and https links are emitted, not {address[:20]!r}")
    return quote(address, safe="/:?#@!$&*+,;=%-._~")


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi, safe="/:;._-")


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{quote(pmid, safe='')}/"


def pmc_url(pmcid: str) -> str:
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{quote(pmcid, safe='')}/"


_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "ε": "epsilon"}


@lru_cache(maxsize=1 << 14)
def slug(value: str) -> str:
    """A URL-safe, lower-case name for a free-text term such as a molecule ('TGF-β1' -> 'tgf-beta1')."""
    lowered = "".join(_GREEK.get(c, c) for c in value.lower())
    # Decompose accents first so 'Müller' keeps its letters ('muller'), instead of losing the 'ü'.
    ascii_only = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return cleaned or "term-" + "-".join(f"{ord(c):x}" for c in value)[:40]
