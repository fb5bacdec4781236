"""A small search index: each paper once, with only the fields readers search (issue 7).

Material's search plugin indexes every section of every page. For an atlas that means each paper many
times over (its page, in every browse table, on its topic pages) and the whole paper page (citation,
BibTeX, classification, related papers): about 6 KB per paper, so 60 MB at 10,000 papers, which the
browser must download and index before the first result shows.

Instead, the generated pages that list or show papers are excluded from Material's search (the plugin
sets `search: exclude` in their metadata; `litatlas build --out` writes it as front matter, so a bare
MkDocs build of the written Markdown indexes exactly the same pages), the paper tables of topic pages
are marked `data-search-exclude`, and after the build the plugin adds one entry per paper to the
index: title, authors and year, summary, molecules. That is about 600 bytes per paper.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any, Callable, Iterable

from litatlas.records import Record

# Docs-relative folders whose pages list or show records: excluded from Material's search (see above).
EXCLUDED_FOLDERS = ("papers/", "browse/", "new/", "evidence/")
# Generated pages that stay in the index for their prose, but whose tables list papers.
TABLES_EXCLUDED = ("topics/",)
FRONT_MATTER = "---\nsearch:\n  exclude: true\n---\n"
AUTHORS_SHOWN = 10


def excluded(path: str) -> bool:
    return path.endswith(".md") and path.startswith(EXCLUDED_FOLDERS)


def exclude_from_search(pages: dict[str, str]) -> dict[str, str]:
    """Add `search: exclude` front matter to the generated pages that list or show records (in place)."""
    for path, text in pages.items():
        if not excluded(path):
            continue
        if text.startswith("---\n"):
            if "\nsearch:" not in text[3 : text.find("\n---", 3) + 1]:  # a page that sets search itself decides
                pages[path] = "---\nsearch:\n  exclude: true\n" + text[4:]
        else:
            pages[path] = FRONT_MATTER + text
    return pages


def paper_entry(record: Record, location: str) -> dict[str, Any]:
    """One search entry for a paper: title; authors and year; summary; molecules."""
    authors = record.list("authors")
    names = ", ".join(authors[:AUTHORS_SHOWN]) + (" et al." if len(authors) > AUTHORS_SHOWN else "")
    byline = f"{names} ({record.year})" if names else str(record.year)
    text = f"<p>{escape(byline, quote=False)}</p><p>{escape(str(record.get('summary') or ''), quote=False)}</p>"
    molecules = record.list("molecules")
    if molecules:
        text += f"<p>{escape(', '.join(molecules), quote=False)}</p>"
    return {"location": location, "title": escape(record.title, quote=False), "text": text}


def paper_entries(records: Iterable[Record], location_of: Callable[[Record], str | None]) -> list[dict[str, Any]]:
    entries = []
    for record in records:
        location = location_of(record)
        if location is not None:
            entries.append(paper_entry(record, location))
    return entries


def add_to_index(
    index_path: Path, entries: list[dict[str, Any]], carried: tuple[list[dict[str, Any]], set[str], set[str]] | None = None
) -> list[dict[str, Any]] | None:
    """Put the paper entries into a Material (or MkDocs) search_index.json; returns the entries written.

    `carried` is for an incremental (`mkdocs serve --dirty`) rebuild, where the search plugin only saw
    the rebuilt pages: (the index of the previous build, the locations of the pages rebuilt now, the
    locations of every page). Entries of pages not rebuilt are carried over from the previous index.
    None when there is no index (search disabled).
    """
    if not index_path.is_file():
        return None
    data = json.loads(index_path.read_text(encoding="utf-8"))
    docs = data.get("docs") if isinstance(data, dict) else None
    if not isinstance(docs, list):
        return None
    if carried is not None:
        previous, rebuilt, pages = carried
        kept = [doc for doc in previous if _page(doc) not in rebuilt and _page(doc) in pages]
        docs = kept + [doc for doc in docs if _page(doc) in rebuilt]
    known = {entry["location"] for entry in entries}
    data["docs"] = [doc for doc in docs if _page(doc) not in known] + entries
    index_path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return data["docs"]


def _page(doc: dict[str, Any]) -> str:
    return str(doc.get("location", "")).split("#", 1)[0]


def mark_tables(path: str, html: str) -> str:
    """Keep the tables (lists of papers) of a topic page out of the search index; its prose stays in."""
    if not path.startswith(TABLES_EXCLUDED):
        return html
    return html.replace("<table>", '<table data-search-exclude="true">')
