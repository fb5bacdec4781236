"""Citation formats: each record as BibTeX, RIS, CSL-JSON, COinS and JSON-LD, and the atlas's own citation.

The record formats are pure functions of a Record (and, for BibTeX keys, of the whole list of records).
Every format is built by code with its own escaping, so record text can never break out of it.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

import yaml

from litatlas import __version__
from litatlas.model import text as markup
from litatlas.model.record import Record
from litatlas.model.settings import Settings
from litatlas.model.text import Name, one_line, parse_name


def names(record: Record) -> list[Name]:
    return [parse_name(a) for a in record.list("authors") if one_line(a)]


# ----- pages

_RANGE = re.compile(r"^(\S+?)\s*[-\u2010-\u2015]+\s*(\S+)$")


def page_range(pages: object) -> tuple[str, str]:
    """'557-563' -> ('557', '563'); an article number 'e4992' -> ('e4992', '')."""
    text = one_line(pages or "")
    match = _RANGE.match(text)
    return (match.group(1), match.group(2)) if match else (text, "")


# ----- the reference as text


def author_list(record: Record, limit: int = 10) -> str:
    authors = record.list("authors")
    shown = authors if len(authors) <= limit else authors[: limit - 1]
    text = ", ".join(shown)
    if len(shown) < len(authors) or record.get("authors_incomplete"):
        text += ", et al."
    return text


def citation_text(record: Record) -> str:
    """'Karnoub AE, Dash AB, et al. Title. Nature. 2007;449(7162):557-563.' (NLM-like)."""
    parts = []
    authors = author_list(record)
    if authors:
        parts.append(authors.rstrip(".") + ".")
    parts.append(record.title.rstrip(".") + ".")
    source = ""
    if record.get("journal"):
        source = f"{record['journal']}. "
    source += str(record.year)
    if record.get("volume"):
        source += f";{record['volume']}"
        if record.get("issue"):
            source += f"({record['issue']})"
    if record.get("pages"):
        source += f":{record['pages']}"
    parts.append(source + ".")
    return " ".join(parts)


# ----- BibTeX

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    # `\{` would leave the braces unbalanced for BibTeX, which counts braces without looking at backslashes.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL_RE = re.compile("[" + re.escape("".join(_BIBTEX_SPECIAL)) + "]")
# TeX ligatures that would turn two typed characters into another one ('--' into an en dash).
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)|(?<=,)(?=,)|(?<=<)(?=<)|(?<=>)(?=>)")


def bibtex_escape(value: object) -> str:
    """Record text as a BibTeX/LaTeX field value that prints exactly that text."""
    escaped = _BIBTEX_SPECIAL_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group()], one_line(value))
    return _LIGATURE.sub("{}", escaped)


def _protect_case(word: str) -> bool:
    """Words such as 'CCL5', 'DNA', 'IL-12' or 'mRNA' keep their capitals when a style lower-cases titles."""
    return any(any(c.isupper() for c in part[1:]) for part in re.split(r"[-/\u2010-\u2015]", word))


def bibtex_title(title: object) -> str:
    words = []
    for word in one_line(title).split(" "):
        if word.isalpha() and word.isascii() and word[1:].islower():
            words.append(word)  # the usual word: nothing to escape or protect
            continue
        escaped = bibtex_escape(word)
        # Only words without LaTeX commands are braced: a group starting with a backslash is a
        # "special character" to BibTeX's case changer.
        if _protect_case(word) and not _BIBTEX_SPECIAL_RE.search(word):
            escaped = "{" + escaped + "}"
        words.append(escaped)
    return " ".join(words)


def _bibtex_name_part(text: str) -> str:
    escaped = bibtex_escape(text)
    # A comma or a standalone 'and' would split the name list: brace the part.
    if "," in text or re.search(r"(?i)(?:^|\s)and(?:\s|$)", text):
        return "{" + escaped + "}"
    return escaped


def bibtex_name(name: Name) -> str:
    if name.literal:
        return "{" + bibtex_escape(name.literal) + "}"
    parts = [_bibtex_name_part(name.family)]
    if name.suffix:
        parts.append(bibtex_escape(name.suffix))
    if name.initials:
        parts.append(bibtex_escape(name.given))
    return ", ".join(parts)


def bibtex_verbatim(value: object) -> str:
    """DOIs and URLs stay as written, except for what would unbalance or end a BibTeX value."""
    return re.sub(r"[{}\\\s]", lambda m: "%" + format(ord(m.group()), "02X"), one_line(value))


KEY_PART_MAX = 20  # a surname or title word longer than this is cut, so keys stay typeable
_STOP_WORDS = frozenset(
    "a an the of on in and or for to with from by at as is are be into its their this that via do does than".split()
)


def _ascii_word(text: str) -> str:
    """'Dührsen' -> 'duhrsen', 'von Einem' -> 'voneinem', 'TGF-β1' -> 'tgfbeta1'; '' when nothing is left."""
    slug = markup.slug(text)
    return "" if slug.startswith("term-") else slug.replace("-", "")


def base_key(record: Record) -> str:
    """'smith2007walking': first author's surname, year, first significant word of the title."""
    authors = names(record)
    surname = ""
    if authors:
        surname = _ascii_word(authors[0].family or authors[0].literal.split(" ")[0])
    if not surname:
        surname = _ascii_word(record.id.split("-")[0]) or "anon"
    words = (_ascii_word(w) for w in re.split(r"[\s\-/]+", one_line(record.title)))
    word = next((w for w in words if w and w not in _STOP_WORDS), "")
    return f"{surname[:KEY_PART_MAX]}{record.year}{word[:KEY_PART_MAX]}"


def citation_keys(records: Iterable[Record]) -> dict[str, str]:
    """record id -> BibTeX key, unique across the atlas.

    Records get keys in the order they were added (then by id), so a record added later never changes
    the key of an older one: the later of two look-alikes gets 'b', 'c', ... appended.
    """
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for record in sorted(records, key=lambda r: (r.added, r.id)):
        base = base_key(record)
        key, n = base, 0
        while key in taken:
            n += 1
            key = base + (chr(ord("a") + n) if n < 26 else str(n))
        taken.add(key)
        keys[record.id] = key
    return keys


def bibtex(record: Record, key: str) -> str:
    """One BibTeX entry (UTF-8 text; LaTeX specials escaped), ending with a newline."""
    journal = record.get("journal")
    fields: list[tuple[str, str]] = []
    authors = names(record)
    if authors:
        people = [bibtex_name(n) for n in authors]
        if record.get("authors_incomplete"):
            people.append("others")
        fields.append(("author", " and ".join(people)))
    fields.append(("title", bibtex_title(record.title)))
    if journal:
        fields.append(("journal", bibtex_escape(journal)))
    fields.append(("year", str(record.year)))
    for name, field_name in (("volume", "volume"), ("number", "issue")):
        if record.get(field_name):
            fields.append((name, bibtex_escape(record[field_name])))
    if record.get("pages"):
        first, last = page_range(record["pages"])
        fields.append(("pages", bibtex_escape(first) + ("--" + bibtex_escape(last) if last else "")))
    if record.get("doi"):
        fields.append(("doi", bibtex_verbatim(record["doi"])))
    if record.get("pmid"):
        fields.append(("pmid", bibtex_escape(record["pmid"])))
    if record.get("pmcid"):
        fields.append(("pmcid", bibtex_escape(record["pmcid"])))
    if record.get("url"):
        fields.append(("url", bibtex_verbatim(markup.url(one_line(record["url"])))))
    entry_type = "article" if journal else "misc"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


# ----- RIS


def ris_name(name: Name) -> str:
    if name.literal:
        return name.literal
    return ", ".join(p for p in (name.family, name.given, name.suffix) if p)


def ris(record: Record) -> str:
    """One RIS record (tags 'XX  - value', ending 'ER  - '), no numbered header line."""
    journal = record.get("journal")
    lines: list[tuple[str, str]] = [("TY", "JOUR" if journal else "GEN")]
    lines += [("AU", ris_name(n)) for n in names(record)]
    lines.append(("TI", record.title))
    if journal:
        lines += [("T2", journal), ("JO", journal)]
    lines.append(("PY", str(record.year)))
    if record.get("volume"):
        lines.append(("VL", record["volume"]))
    if record.get("issue"):
        lines.append(("IS", record["issue"]))
    if record.get("pages"):
        first, last = page_range(record["pages"])
        lines.append(("SP", first))
        if last:
            lines.append(("EP", last))
    if record.get("doi"):
        lines.append(("DO", record["doi"]))
    if record.get("pmid"):
        lines += [("AN", record["pmid"]), ("DB", "PubMed")]
    link = primary_url(record)
    if link:
        lines.append(("UR", link))
    out = [f"{tag}  - {one_line(value)}" for tag, value in lines if one_line(value)]
    out.append("ER  - ")
    return "\n".join(out) + "\n"


# ----- identifiers and links


def primary_url(record: Record) -> str:
    """Where the paper itself is: the DOI resolver first, then the given page, then PubMed."""
    if record.get("doi"):
        return markup.doi_url(one_line(record["doi"]))
    if record.get("url"):
        return markup.url(one_line(record["url"]))
    if record.get("pmid"):
        return markup.pubmed_url(one_line(record["pmid"]))
    return ""


def same_as(record: Record) -> list[str]:
    links = []
    if record.get("doi"):
        links.append(markup.doi_url(one_line(record["doi"])))
    if record.get("pmid"):
        links.append(markup.pubmed_url(one_line(record["pmid"])))
    if record.get("pmcid"):
        links.append(markup.pmc_url(one_line(record["pmcid"])))
    if record.get("url"):
        links.append(markup.url(one_line(record["url"])))
    return links


# ----- CSL-JSON


def csl_name(name: Name) -> dict[str, str]:
    if name.literal:
        return {"literal": name.literal}
    out = {"family": name.family}
    if name.initials:
        out["given"] = name.given
    if name.suffix:
        out["suffix"] = name.suffix
    return out


def csl_item(record: Record, key: str) -> dict[str, Any]:
    """A CSL-JSON item whose id is the BibTeX key (so Pandoc users cite it the same way)."""
    journal = record.get("journal")
    item: dict[str, Any] = {"id": key, "type": "article-journal" if journal else "article", "title": one_line(record.title)}
    authors = names(record)
    if authors:
        item["author"] = [csl_name(n) for n in authors]
    if journal:
        item["container-title"] = one_line(journal)
    item["issued"] = {"date-parts": [[record.year]]}
    for csl_field, field_name in (("volume", "volume"), ("issue", "issue"), ("page", "pages")):
        if record.get(field_name):
            item[csl_field] = one_line(record[field_name])
    if record.get("doi"):
        item["DOI"] = one_line(record["doi"])
    if record.get("pmid"):
        item["PMID"] = one_line(record["pmid"])
    if record.get("pmcid"):
        item["PMCID"] = one_line(record["pmcid"])
    link = primary_url(record)
    if link:
        item["URL"] = link
    return item


# ----- COinS (OpenURL ContextObject in a span, read by Zotero's browser connector)


def coins_query(record: Record) -> str:
    """The url-encoded OpenURL 1.0 KEV ContextObject for a journal article."""
    pairs: list[tuple[str, str]] = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
        ("rfr_id", "info:sid/litatlas"),
        ("rft.genre", "article"),
        ("rft.atitle", one_line(record.title)),
    ]
    if record.get("journal"):
        pairs.append(("rft.jtitle", one_line(record["journal"])))
    pairs.append(("rft.date", str(record.year)))
    for key, field_name in (("rft.volume", "volume"), ("rft.issue", "issue")):
        if record.get(field_name):
            pairs.append((key, one_line(record[field_name])))
    if record.get("pages"):
        first, last = page_range(record["pages"])
        pairs.append(("rft.spage", first))
        if last:
            pairs.append(("rft.epage", last))
        pairs.append(("rft.pages", one_line(record["pages"])))
    authors = names(record)
    if authors and not authors[0].literal:
        pairs.append(("rft.aulast", authors[0].family))
        if authors[0].initials:
            pairs.append(("rft.auinit", authors[0].initials))
    for name in authors:
        pairs.append(("rft.au", name.literal or ris_name(name)))
    if record.get("doi"):
        pairs.append(("rft_id", "info:doi/" + one_line(record["doi"])))
    if record.get("pmid"):
        pairs.append(("rft_id", "info:pmid/" + one_line(record["pmid"])))
    if record.get("url"):
        pairs.append(("rft_id", markup.url(one_line(record["url"]))))
    # What urlencode(pairs, quote_via=quote) gives, without its per-pair type checks.
    return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)


def coins_span(record: Record) -> str:
    """<span class="Z3988" title="..."></span>: the title is url-encoded, then escaped for the attribute."""
    return f'<span class="Z3988" title="{html.escape(coins_query(record), quote=True)}"></span>'


# ----- schema.org JSON-LD


def _identifier(kind: str, value: str) -> dict[str, str]:
    return {"@type": "PropertyValue", "propertyID": kind, "value": value}


def scholarly_article(record: Record) -> dict[str, Any]:
    article: dict[str, Any] = {"@type": "ScholarlyArticle", "headline": one_line(record.title), "name": one_line(record.title)}
    authors = names(record)
    if authors:
        article["author"] = [
            {"@type": "Organization", "name": n.literal}
            if n.literal
            else {"@type": "Person", "name": n.display, "familyName": n.family, **({"givenName": n.given} if n.initials else {})}
            for n in authors
        ]
    article["datePublished"] = str(record.year)
    container: dict[str, Any] | None = None
    if record.get("journal"):
        container = {"@type": "Periodical", "name": one_line(record["journal"])}
        if record.get("volume"):
            container = {"@type": "PublicationVolume", "volumeNumber": one_line(record["volume"]), "isPartOf": container}
        if record.get("issue"):
            container = {"@type": "PublicationIssue", "issueNumber": one_line(record["issue"]), "isPartOf": container}
        article["isPartOf"] = container
    if record.get("pages"):
        first, last = page_range(record["pages"])
        article["pagination"] = one_line(record["pages"])
        article["pageStart"] = first
        if last:
            article["pageEnd"] = last
    identifiers = []
    if record.get("doi"):
        identifiers.append(_identifier("DOI", one_line(record["doi"])))
    if record.get("pmid"):
        identifiers.append(_identifier("PMID", one_line(record["pmid"])))
    if record.get("pmcid"):
        identifiers.append(_identifier("PMCID", one_line(record["pmcid"])))
    if identifiers:
        article["identifier"] = identifiers
    links = same_as(record)
    if links:
        article["sameAs"] = links
        article["url"] = primary_url(record)
    return article


def json_ld(record: Record, page_url: str = "", site_name: str = "", site_url: str = "") -> dict[str, Any]:
    """The paper page as a schema.org WebPage about the ScholarlyArticle."""
    page: dict[str, Any] = {"@context": "https://schema.org", "@type": "WebPage", "name": one_line(record.title)}
    if page_url:
        page["url"] = page_url
    if site_name:
        site: dict[str, Any] = {"@type": "WebSite", "name": site_name}
        if site_url:
            site["url"] = site_url
        page["isPartOf"] = site
    page["about"] = scholarly_article(record)
    return page


# Braces too: record text must never look like template syntax ({{ }}, {% %}) to a later Markdown plugin.
_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "{": "\\u007b",
    "}": "\\u007d",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(data: object) -> str:
    """JSON that cannot end or confuse the <script> element holding it (the characters appear only in strings)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Outside strings JSON has no < > & U+2028 U+2029, so those are replaced everywhere. Braces are also
    # structural: when the text has exactly one pair per object, no string holds one (the usual case).
    objects = _count_objects(data)
    if text.count("{") == objects and text.count("}") == objects:
        for char in _SCRIPT_UNSAFE_NO_BRACES:
            if char in text:  # rare: a scan per character beats translate()'s per-character table lookups
                text = text.replace(char, _SCRIPT_UNSAFE[char])
        return text
    return _JSON_STRING.sub(lambda s: _UNSAFE_CHAR.sub(lambda m: _SCRIPT_UNSAFE[m.group()], s.group()), text)


def _count_objects(data: object) -> int:
    count, pending = 0, [data]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            count += 1
            pending.extend(v for v in item.values() if not isinstance(v, str))
        elif isinstance(item, (list, tuple)):
            pending.extend(v for v in item if not isinstance(v, str))
    return count


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_UNSAFE_CHAR = re.compile("[<>&{}\u2028\u2029]")
_SCRIPT_UNSAFE_NO_BRACES = [c for c in _SCRIPT_UNSAFE if c not in "{}"]


def json_ld_script(data: object) -> str:
    return f'<script type="application/ld+json">{script_json(data)}</script>'


# ----- citing the atlas itself

CITATION_FILE = "CITATION.cff"


def load_citation_file(root: Path) -> dict[str, Any]:
    """CITATION.cff at the project root, or {} (the citation then falls back to the site's settings)."""
    path = root / CITATION_FILE
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _cff_authors(cff: dict[str, Any]) -> list[str]:
    people = []
    for author in cff.get("authors") or []:
        if not isinstance(author, dict):
            continue
        name = author.get("name") or " ".join(str(author[k]) for k in ("given-names", "family-names") if author.get(k))
        if name:
            people.append(str(name))
    return people


def data_date(records: list[Record]) -> str:
    """The date of the data: the newest `added` date."""
    return max((str(r.added) for r in records if r.added), default="")


@dataclass(frozen=True)
class AtlasCitation:
    title: str
    authors: list[str]
    version: str
    date: str
    url: str
    license: str

    @property
    def text(self) -> str:
        year = self.date[:4]
        who = ", ".join(self.authors)
        parts = [f"{who}{f' ({year})' if year else ''}." if who else "", f"{self.title}, version {self.version}"]
        sentence = " ".join(p for p in parts if p)
        if self.date:
            sentence += f" (data of {self.date})"
        sentence += " [Data set]."
        if self.url:
            sentence += f" {self.url}"
        return sentence

    def bibtex(self) -> str:
        key = (markup.slug(self.title).replace("-", "") or "atlas") + self.date[:4]
        fields = []
        if self.authors:
            fields.append(("author", " and ".join("{" + bibtex_escape(a) + "}" for a in self.authors)))
        fields.append(("title", "{" + bibtex_escape(self.title) + "}"))
        if self.date:
            fields.append(("year", self.date[:4]))
        fields.append(("version", bibtex_escape(self.version)))
        note = f"Version {self.version}" + (f", data of {self.date}" if self.date else "")
        fields.append(("note", bibtex_escape(note)))
        if self.url:
            fields.append(("url", bibtex_verbatim(self.url)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{key},\n{body}\n}}\n"


def atlas_citation(settings: Settings, records: list[Record]) -> AtlasCitation:
    cff = load_citation_file(settings.root)
    license_id = cff.get("license") or ""
    return AtlasCitation(
        title=str(cff.get("title") or settings.site_name or "Literature atlas"),
        authors=_cff_authors(cff),
        version=__version__,
        date=data_date(records),
        url=settings.site_url or str(cff.get("url") or settings.repo_url),
        license=", ".join(license_id) if isinstance(license_id, list) else str(license_id),
    )
