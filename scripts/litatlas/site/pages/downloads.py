"""Downloads: the whole atlas as JSON, CSV, BibTeX, RIS and CSL-JSON, and the Downloads page with "How to cite"."""

from __future__ import annotations

import csv
import functools
import html
import io
import json
from importlib import resources
from typing import Any

from markupsafe import Markup

from litatlas import __version__
from litatlas.load.schema import record_schema
from litatlas.model.record import Record
from litatlas.model.text import url
from litatlas.site import citations, routes
from litatlas.site.context import Content, SiteContext

ATLAS_FILES = ("atlas.json", "atlas.csv", "atlas.bib", "atlas.ris", "atlas-csl.json")
LIST_SEPARATOR = "; "
# Spreadsheets run a cell that starts with one of these as a formula: such cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ----- atlas-wide files


def columns(ctx: SiteContext) -> list[str]:
    """Download columns: the record id, its BibTeX key, then every field of the schema the atlas offers for download."""
    left_out = {f.id for f in ctx.config.fields if not f.download}
    return ["id", "citation_key", *(name for name in record_schema(ctx.config)["properties"] if name not in left_out)]


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


def atlas_csv(ctx: SiteContext) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = columns(ctx)  # from the configuration: a change to it makes every piece again

    def line(record: Record, key: str) -> str:
        row = {"id": record.id, "citation_key": key, **record.data}
        out.seek(0)
        out.truncate()
        writer.writerow([_cell(row.get(column)) for column in names])
        return out.getvalue()

    keys = ctx.citation_keys
    rows = [ctx.piece("csv", r, functools.partial(line, r, keys[r.id]), keys[r.id]) for r in ctx.records]
    out.seek(0)
    out.truncate()
    writer.writerow(names)
    return out.getvalue() + "".join(rows)


def atlas_json(ctx: SiteContext) -> str:
    settings = ctx.settings
    keys = ctx.citation_keys
    left_out = {f.id for f in ctx.config.fields if not f.download}

    def line(record: Record, key: str) -> str:
        item: dict[str, Any] = {"id": record.id, "citation_key": key}
        page = routes.site_address(settings, routes.paper(record.id))
        if page:
            item["page_url"] = page
        item.update((k, v) for k, v in record.data.items() if k not in left_out)
        return json.dumps(item, ensure_ascii=False, default=str)

    records = [ctx.piece("json", r, functools.partial(line, r, keys[r.id]), keys[r.id]) for r in ctx.records]
    head = {
        "title": settings.site_name,
        "version": __version__,
        "data_date": citations.data_date(ctx.records),
        "url": settings.site_url,
        "count": len(records),
    }
    # One record a line: readable, diffable, and written by json's fast encoder (indent= uses the slow one).
    lines = ",\n".join(records)
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "records": [\n' + lines + "\n]}\n"


def _csl(ctx: SiteContext, record: Record, key: str) -> str:
    return ctx.piece("csl", record, lambda: json.dumps(citations.csl_item(record, key), ensure_ascii=False), key)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


# ----- the builder


def build(ctx: SiteContext) -> dict[str, Content]:
    """Every atlas-wide download, the Downloads page and the script of the Copy BibTeX button."""
    records = ctx.records
    keys = ctx.citation_keys
    makers = {
        "atlas.json": lambda: atlas_json(ctx),
        "atlas.csv": lambda: atlas_csv(ctx),
        "atlas.bib": lambda: "\n".join(ctx.bibtex(r) for r in records),
        "atlas.ris": lambda: "\n".join(ctx.ris(r) for r in records),
        "atlas-csl.json": lambda: "[\n" + ",\n".join(_csl(ctx, r, keys[r.id]) for r in records) + "\n]\n",
    }
    files: dict[str, Content] = {}
    sizes = {}
    for name, make in makers.items():
        # One at a time: with a deferring context each is packed before the next is made.
        content = make()
        sizes[name] = len(content.encode("utf-8"))
        files[routes.download(name)] = ctx.kept(content)
        del content
    descriptions = {
        "atlas.json": "JSON: every field of every record, with the atlas version and data date",
        "atlas.csv": "CSV (spreadsheets): one row per paper, lists joined with “; ”",
        "atlas.bib": "BibTeX (UTF-8): for LaTeX, JabRef, Zotero, Mendeley",
        "atlas.ris": "RIS: for EndNote, Zotero, Mendeley, RefWorks",
        "atlas-csl.json": "CSL-JSON: for Pandoc, Zotero and other CSL processors",
    }
    table = [(name, descriptions[name], len(records), _size(sizes[name])) for name in ATLAS_FILES]
    cite = ctx.atlas_citation
    settings = ctx.settings
    cff_url = (
        url(routes.repository_file_url(settings, citations.CITATION_FILE))
        if routes.repository_file_url(settings, citations.CITATION_FILE) and (settings.root / citations.CITATION_FILE).is_file()
        else ""
    )
    files[routes.DOWNLOADS] = ctx.render(
        "downloads.md.j2",
        routes.DOWNLOADS,
        files=table,
        total=len(records),
        cite=cite,
        cite_bibtex=Markup("<pre><code>" + html.escape(cite.bibtex().rstrip("\n"), quote=False) + "</code></pre>"),  # noqa: S704
        cff_url=cff_url,
    )
    files[routes.CITE_SCRIPT] = resources.files("litatlas.site").joinpath("assets/litatlas-cite.js").read_text(encoding="utf-8")
    return files
