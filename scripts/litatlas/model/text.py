"""The one text toolkit: control characters, folding, slugs, author names, identifiers, and escaping."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from markupsafe import Markup

# ----- control characters

# Refused in records and configuration: C0 controls except tab/LF/CR, DEL, C1 controls, and the Unicode
# bidirectional overrides, isolates and marks that can make text display in another order than it is stored
# ("Trojan Source"), and the byte-order mark.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]")
# Dropped from text that is only shown or exported: controls that are not whitespace (Python counts \x1c-\x1f
# and U+0085 as whitespace, so they become spaces below). Markdown deletes STX/ETX, its placeholder markers.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# What YAML cannot hold even in a comment, and the invisible characters records refuse: imported text drops them.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff\ufffe\uffff]"
)
# Characters XML 1.0 cannot hold at all.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"\s+")


def describe_char(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def one_line(value: object) -> str:
    """Text on one line: control characters dropped, every run of (Unicode) whitespace one space."""
    text = str(value)
    # Fast path for the usual case: isprintable() is False for every control and non-space whitespace character.
    if text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text
    return " ".join(_CONTROL.sub("", text).split())


def xml_text(value: object) -> str:
    """One line of text that XML 1.0 can hold."""
    return _NOT_XML.sub("", one_line(value))


def clean_text(value: object) -> str | None:
    """Imported text as a record stores it: NFC, invisible and control characters dropped, one line; None if empty.

    Records are written through YAML; odd whitespace such as U+0085 does not survive a round trip, so it is
    flattened here once for every importer.
    """
    if value is None:
        return None
    text = _UNSAFE.sub("", unicodedata.normalize("NFC", str(value)))
    text = _SPACES.sub(" ", text).strip()
    return text or None


# ----- folding and slugs

GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "ε": "epsilon"}
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "ð": "d",
        "ı": "i",
        # Greek letters carry meaning in molecule names (TGF-β, IFN-γ): spelled out.
        **GREEK,
    }
)


@lru_cache(maxsize=1 << 14)
def fold_ascii(text: str) -> str:
    """Plain ASCII for accented and special letters: 'Dührsen' -> 'Duhrsen', 'Hartfuß' -> 'Hartfuss', 'β' -> 'beta'."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


@lru_cache(maxsize=1 << 14)
def slug(value: str) -> str:
    """A URL-safe, lower-case name for a free-text value such as a molecule ('TGF-β1' -> 'tgf-beta1')."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", fold_ascii(value.lower())).strip("-")
    return cleaned or "term-" + "-".join(f"{ord(c):x}" for c in value)[:40]


def words(text: str) -> list[str]:
    """Lower-case ASCII words of a text, for ids and keys."""
    return [w for w in re.split(r"[^a-z0-9]+", fold_ascii(text).lower()) if w]


_NOT_WORD = re.compile(r"[^a-z0-9]+")


def title_key(title: str) -> str:
    """Case-, accent- and punctuation-free title, to spot the same paper entered twice."""
    if title.isascii():  # no accents to fold (most titles: 5x faster)
        return _NOT_WORD.sub("", title.lower())
    return _NOT_WORD.sub("", fold_ascii(title.casefold()).lower())


def fold_key(text: str) -> str:
    """A term's label or synonym as compared with what a curator typed: case-free, spaces and underscores alike."""
    return _SPACES_OR_UNDERSCORES.sub(" ", text.casefold()).strip()


_SPACES_OR_UNDERSCORES = re.compile(r"[\s_]+")


# ----- author names (PubMed style: 'Karnoub AE', 'von Einem JC', 'Hall RR 3rd')

_SUFFIXES = {"Jr", "Jr.", "Sr", "Sr.", "2nd", "3rd", "4th", "II", "III", "IV"}
_SUFFIX_SPELLING = {"jr": "Jr", "jr.": "Jr", "sr": "Sr", "sr.": "Sr", "ii": "2nd", "iii": "3rd", "iv": "4th"}
_PARTICLES = {"von", "van", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le", "ter", "zu"}


@dataclass(frozen=True)
class Name:
    """An author as PubMed writes it ('Karnoub AE', 'Hall RR 3rd'), or a group name kept whole."""

    family: str = ""
    initials: str = ""
    suffix: str = ""
    literal: str = ""

    @property
    def given(self) -> str:
        """'AE' -> 'A. E.'"""
        return " ".join(f"{letter}." for letter in self.initials)

    @property
    def display(self) -> str:
        return self.literal or " ".join(p for p in (self.family, self.initials, self.suffix) if p)

    @property
    def surname(self) -> str:
        """The family name, or a group name whole."""
        return self.family or self.literal


def _is_initials(token: str) -> bool:
    return token.isalpha() and token.isupper() and len(token) <= 4


@lru_cache(maxsize=65536)
def parse_name(author: str) -> Name:
    """Split 'Surname INITIALS [suffix]'; anything else (a consortium, a group) is a literal name."""
    tokens = one_line(author).split(" ")
    suffix = ""
    if len(tokens) >= 3 and tokens[-1] in _SUFFIXES:
        suffix = tokens.pop()
    if len(tokens) >= 2 and _is_initials(tokens[-1]):
        return Name(family=" ".join(tokens[:-1]), initials=tokens[-1], suffix=suffix)
    return Name(literal=one_line(author))


def surname(author: str) -> str:
    """'Karnoub AE' -> 'Karnoub'; a group name stays whole."""
    return parse_name(author).surname


def _initials(given: str) -> str:
    given = given.strip()
    if _is_initials(given):  # already initials (RIS 'Karnoub, AE')
        return given
    parts = [p for p in re.split(r"[\s.\-\u2010]+", given) if p]
    return "".join(p[0].upper() for p in parts if p[0].isalpha())


def pubmed_name(family: str, given: str | None = None, suffix: str | None = None) -> str:
    """Author as PubMed writes it: 'Karnoub AE', 'von Einem JC', 'Smith J Jr'."""
    family = clean_text(family) or ""
    initials = _initials(clean_text(given) or "")
    name = f"{family} {initials}".strip()
    if suffix:
        name = f"{name} {_SUFFIX_SPELLING.get(suffix.strip().lower(), suffix.strip())}"
    return name


def name_from_inverted(text: str) -> str:
    """'Karnoub, Antoine E.' or 'Karnoub, AE' or 'Smith, John, Jr' to PubMed style."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1:
        return clean_text(parts[0]) or ""
    suffix = parts[2] if len(parts) > 2 else None
    return pubmed_name(parts[0], parts[1], suffix)


def name_from_display(text: str) -> str:
    """'Pravin J Mishra' (PubMed page, CSL literal) to 'Mishra PJ'; 'Hong IS' stays as it is."""
    tokens = (clean_text(text) or "").split(" ")
    if len(tokens) < 2:
        return " ".join(tokens)
    last = tokens[-1]
    if _is_initials(last) and not tokens[0].isupper():  # already PubMed style
        return " ".join(tokens)
    suffix = None
    if last.lower().rstrip(".") in {"jr", "sr", "ii", "iii", "iv"}:
        suffix, tokens = last, tokens[:-1]
    cut = len(tokens) - 1
    # Lower-case particles belong to the surname: 'Jobst C von Einem' -> 'von Einem JC'.
    while cut > 1 and tokens[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return pubmed_name(" ".join(tokens[cut:]), " ".join(tokens[:cut]), suffix)


# ----- identifiers

IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # record ids, term ids, field slugs
FIELD_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")  # record field names
DOI = re.compile(r"^10\.\d{4,9}/[^\s]+$")
PMID = re.compile(r"^[1-9]\d{0,8}$")
PMCID = re.compile(r"^PMC\d{1,9}$")
URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[^\s<>\"'`\\]*)?$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalise_doi(value: str | None) -> str | None:
    """DOI without resolver prefix or trailing punctuation, e.g. '10.1038/nature06188'."""
    text = clean_text(value)
    if text is None:
        return None
    text = _DOI_PREFIX.sub("", text).strip().rstrip(".;,")
    return text or None


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


def template_url(template: str, value: str) -> str:
    """A configured link such as 'https://clinicaltrials.gov/study/{value}' with the value percent-encoded."""
    return url(template.replace("{value}", quote(value, safe="")))


# ----- escaping record text for where it lands

# Characters that start Markdown, HTML, attribute-list or template syntax become numeric character
# references: every later stage then sees plain text, and the browser shows the character itself.
_SPECIAL = re.compile(r"[\\`*_{}\[\]<>#|!&\"'~^=$:]")
# At the start of a line, these begin lists, rules or headings.
_LEADING = re.compile(r"^(?:[-+.]|\d+(?=[.)]))")


def md(value: object) -> Markup:
    """Record text as inert inline Markdown: one line, every markup character neutralised."""
    if isinstance(value, Markup):
        return value
    return _md(str(value))


@lru_cache(maxsize=1 << 16)  # the same labels, names and titles are escaped on many pages of a build
def _md(value: str) -> Markup:
    flat = _SPACES.sub(" ", _CONTROL.sub("", value)).strip()
    escaped = _SPECIAL.sub(_reference, flat)
    return Markup(_LEADING.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), escaped))  # noqa: S704 - escaped above


def _reference(match: re.Match[str]) -> str:
    return f"&#{ord(match.group())};"


def finalize(value: object) -> object:
    """Jinja finalize hook: anything a template prints is escaped unless code marked it safe."""
    if value is None:
        return ""
    return md(value)


def md_link(label: object, target: str) -> Markup:
    """A Markdown link whose label is escaped and whose target is a relative page path or a safe URL."""
    # Targets are built by code from validated ids, slugs or url(): never raw record text.
    return Markup(f"[{md(label)}]({target})")  # noqa: S704


def h(value: object) -> str:
    """Text or an attribute value escaped for HTML (and XML)."""
    return html.escape(str(value), quote=True)


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: 'Populations' -> 'populations', but 'BMI group' and 'IFN-β' stay."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label
