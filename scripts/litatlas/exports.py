"""Downloads: each paper's .bib and .ris, the whole atlas as JSON, CSV, BibTeX, RIS and CSL-JSON, and the
Downloads page with its "How to cite" section; also the citation block of every paper page."""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import yaml
from markupsafe import Markup

from litatlas import __version__, citations, markup
from litatlas.project import Settings
from litatlas.records import Record
from litatlas.render import Content, Renderer
from litatlas.validate import record_schema

DOWNLOADS_PAGE = "downloads/index.md"
CITE_SCRIPT = "assets/litatlas-cite.js"
CITATION_FILE = "CITATION.cff"
ATLAS_FILES = ("atlas.json", "atlas.csv", "atlas.bib", "atlas.ris", "atlas-csl.json")
LIST_SEPARATOR = "; "
# Spreadsheets run a cell that starts with one of these as a formula: such cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_KEYS: WeakKeyDictionary[Renderer, dict[str, str]] = WeakKeyDictionary()
_ENTRIES: WeakKeyDictionary[Renderer, dict[str, str]] = WeakKeyDictionary()


def citation_keys(renderer: Renderer) -> dict[str, str]:
    """record id -> BibTeX key, computed once per build."""
    if renderer not in _KEYS:
        _KEYS[renderer] = citations.citation_keys(renderer.records)
    return _KEYS[renderer]


def bibtex_entry(renderer: Renderer, record: Record) -> str:
    """The record's BibTeX entry, made once per build for its page and the downloads."""
    entries = _ENTRIES.setdefault(renderer, {})
    if record.id not in entries:
        entries[record.id] = citations.bibtex(record, citation_keys(renderer)[record.id])
    return entries[record.id]


def site_address(settings: Settings, rel: str) -> str:
    """Absolute URL of a generated file or page ('' when the site has no site_url)."""
    if not settings.site_url:
        return ""
    if rel.endswith(".md"):
        stem = rel[: -len(".md")]
        if stem == "index" or stem.endswith("/index"):
            rel = stem[: -len("index")]
        else:
            rel = stem + "/" if settings.use_directory_urls else stem + ".html"
    return settings.site_url.rstrip("/") + "/" + rel


def data_date(records: list[Record]) -> str:
    """The date of the data: the newest `added` date."""
    return max((str(r.added) for r in records if r.added), default="")


# ----- paper pages


@dataclass(frozen=True)
class PaperCitation:
    key: str
    bib_path: str
    ris_path: str
    html: Markup


def paper_citation(renderer: Renderer, record: Record) -> PaperCitation:
    """The citation block of a paper page: Copy BibTeX button, the BibTeX itself, COinS and JSON-LD.

    Built by code: every record value is escaped for where it lands (HTML text, URL query, JSON in <script>).
    """
    settings = renderer.atlas.settings
    key = citation_keys(renderer)[record.id]
    entry = html.escape(bibtex_entry(renderer, record).rstrip("\n"), quote=False)
    data = citations.json_ld(
        record,
        page_url=site_address(settings, renderer.paper_path(record)),
        site_name=settings.site_name,
        site_url=settings.site_url,
    )
    block = "\n".join(
        [
            '<div class="la-cite">',
            # Shown by litatlas-cite.js: without JavaScript there is no button, only the BibTeX below.
            '<button type="button" class="md-button la-copy" data-la-copy="bibtex" style="display: none">Copy BibTeX</button>',
            '<span class="la-copy-status" role="status"></span>',
            f'<details class="la-bibtex"><summary>BibTeX</summary><pre><code>{entry}</code></pre></details>',
            citations.coins_span(record),
            citations.json_ld_script(data),
            "</div>",
        ]
    )
    return PaperCitation(key, f"papers/{record.id}.bib", f"papers/{record.id}.ris", Markup(block))  # noqa: S704 - escaped above


# ----- atlas-wide files


def _columns() -> list[str]:
    """CSV columns: the record id, its BibTeX key, then every schema field in schema order."""
    return ["id", "citation_key", *record_schema()["properties"]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        # Lists of mappings (sources) are shown by their address.
        text = LIST_SEPARATOR.join(str(v.get("url", "")) if isinstance(v, dict) else str(v) for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def atlas_csv(records: list[Record], keys: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = _columns()
    writer.writerow(columns)
    for record in records:
        row = {"id": record.id, "citation_key": keys[record.id], **record.data}
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def atlas_json(renderer: Renderer, keys: dict[str, str]) -> str:
    settings = renderer.atlas.settings
    records = []
    for record in renderer.records:
        item: dict[str, Any] = {"id": record.id, "citation_key": keys[record.id]}
        page = site_address(settings, renderer.paper_path(record))
        if page:
            item["page_url"] = page
        item.update(record.data)
        records.append(item)
    head = {
        "title": settings.site_name,
        "version": __version__,
        "data_date": data_date(renderer.records),
        "url": settings.site_url,
        "count": len(records),
    }
    # One record a line: readable, diffable, and written by json's fast encoder (indent= uses the slow one).
    lines = ",\n".join(json.dumps(item, ensure_ascii=False, default=str) for item in records)
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "records": [\n' + lines + "\n]}\n"


# ----- citing the atlas itself


def load_citation_file(root: Path) -> dict[str, Any]:
    """CITATION.cff at the project root, or {} (the page then falls back to the site's settings)."""
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
            fields.append(("author", " and ".join("{" + citations.bibtex_escape(a) + "}" for a in self.authors)))
        fields.append(("title", "{" + citations.bibtex_escape(self.title) + "}"))
        if self.date:
            fields.append(("year", self.date[:4]))
        fields.append(("version", citations.bibtex_escape(self.version)))
        note = f"Version {self.version}" + (f", data of {self.date}" if self.date else "")
        fields.append(("note", citations.bibtex_escape(note)))
        if self.url:
            fields.append(("url", citations.bibtex_verbatim(self.url)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{key},\n{body}\n}}\n"


def atlas_citation(renderer: Renderer) -> AtlasCitation:
    settings = renderer.atlas.settings
    cff = load_citation_file(settings.root)
    license_id = cff.get("license") or ""
    return AtlasCitation(
        title=str(cff.get("title") or settings.site_name or "Literature atlas"),
        authors=_cff_authors(cff),
        version=__version__,
        date=data_date(renderer.records),
        url=settings.site_url or str(cff.get("url") or settings.repo_url),
        license=", ".join(license_id) if isinstance(license_id, list) else str(license_id),
    )


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


# ----- the builder


def build(renderer: Renderer) -> dict[str, Content]:
    """Every download, the Downloads page and the script of the Copy BibTeX button."""
    keys = citation_keys(renderer)
    records = renderer.records
    files: dict[str, Content] = {}
    entries: list[str] = []
    ris_records: list[str] = []
    for record in records:
        entry = bibtex_entry(renderer, record)
        ris_record = citations.ris(record)
        files[f"papers/{record.id}.bib"] = entry
        files[f"papers/{record.id}.ris"] = ris_record
        entries.append(entry)
        ris_records.append(ris_record)
    makers = {
        "atlas.json": lambda: atlas_json(renderer, keys),
        "atlas.csv": lambda: atlas_csv(records, keys),
        "atlas.bib": lambda: "\n".join(entries),
        "atlas.ris": lambda: "\n".join(ris_records),
        "atlas-csl.json": lambda: (
            "[\n" + ",\n".join(json.dumps(citations.csl_item(r, keys[r.id]), ensure_ascii=False) for r in records) + "\n]\n"
        ),
    }
    sizes = {}
    for name, make in makers.items():
        # One at a time: with a deferring renderer each is packed before the next is made.
        content = make()
        sizes[name] = len(content.encode("utf-8"))
        files[f"downloads/{name}"] = renderer.kept(content)
        del content
    descriptions = {
        "atlas.json": "JSON: every field of every record, with the atlas version and data date",
        "atlas.csv": "CSV (spreadsheets): one row per paper, lists joined with “; ”",
        "atlas.bib": "BibTeX (UTF-8): for LaTeX, JabRef, Zotero, Mendeley",
        "atlas.ris": "RIS: for EndNote, Zotero, Mendeley, RefWorks",
        "atlas-csl.json": "CSL-JSON: for Pandoc, Zotero and other CSL processors",
    }
    table = [(name, descriptions[name], len(records), _size(sizes[name])) for name in ATLAS_FILES]
    cite = atlas_citation(renderer)
    settings = renderer.atlas.settings
    cff_url = (
        markup.url(f"{settings.repo_url.rstrip('/')}/blob/{settings.edit_branch}/{CITATION_FILE}")
        if settings.repo_url.startswith("https://") and (settings.root / CITATION_FILE).is_file()
        else ""
    )
    files[DOWNLOADS_PAGE] = renderer._render(  # noqa: SLF001 - the renderer's own template context
        "downloads.md.j2",
        DOWNLOADS_PAGE,
        files=table,
        total=len(records),
        cite=cite,
        cite_bibtex=Markup("<pre><code>" + html.escape(cite.bibtex().rstrip("\n"), quote=False) + "</code></pre>"),  # noqa: S704
        cff_url=cff_url,
    )
    files[CITE_SCRIPT] = resources.files("litatlas").joinpath("assets/litatlas-cite.js").read_text(encoding="utf-8")
    return files
