"""What's new: records by the date they were added, and Atom 1.0 feeds of new records for the whole atlas
and for each headline topic. The XML is built with xml.etree, which escapes every value."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from itertools import groupby
from urllib.parse import urlsplit

from litatlas import __version__
from litatlas.citations import one_line
from litatlas.exports import atlas_citation, data_date, site_address
from litatlas.records import Record
from litatlas.render import Renderer, citation_text

ATOM_NS = "http://www.w3.org/2005/Atom"
NEW_PAGE = "new/index.md"
ATLAS_FEED = "feeds/atlas.xml"
FEED_LIMIT = 50  # entries per feed: feed readers poll often, so a feed stays small at any atlas size
NEW_PAGE_LIMIT = 200  # papers listed on the What's new page (same bound as a browse page)
_EPOCH = "1970-01-01"
# Characters XML 1.0 cannot hold at all (ElementTree would write them and produce a broken document).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def newest_first(records: list[Record]) -> list[Record]:
    """The order of the home page's "Newest additions": by `added`, newest first."""
    return sorted(records, key=lambda rec: (str(rec.added), rec.id), reverse=True)


def feed_path(topic_id: str | None = None) -> str:
    return ATLAS_FEED if topic_id is None else f"feeds/{topic_id}.xml"


def _text(value: object) -> str:
    return _NOT_XML.sub("", one_line(value))


def _timestamp(date: str) -> str:
    """'2026-11-27' -> '2026-11-27T00:00:00Z' (RFC 3339, as Atom wants)."""
    day = date if _DATE.match(date) else _EPOCH
    return f"{day}T00:00:00Z"


def _date_label(date: str) -> str:
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        return date or "unknown date"
    return f"{day.day} {day:%B %Y}"


def _urn_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-").lower() or "atlas"


def entry_id(renderer: Renderer, record: Record) -> str:
    """A permanent id: tag:HOST,ADDED:PATH/ID from site_url, else a urn naming the site and the record."""
    settings = renderer.atlas.settings
    host = urlsplit(settings.site_url).hostname if settings.site_url else None
    added = str(record.added)
    if host and _DATE.match(added):
        path = urlsplit(settings.site_url).path.strip("/")
        return f"tag:{host},{added}:{path + '/' if path else ''}{record.id}"
    return f"urn:litatlas:{_urn_part(settings.site_name)}:{record.id}"


def _link(renderer: Renderer, from_path: str, target: str) -> str:
    """Absolute address with site_url; otherwise relative to the feed (Atom resolves it against the feed's URL)."""
    settings = renderer.atlas.settings
    absolute = site_address(settings, target)
    if absolute:
        return absolute
    rel = renderer.rel(from_path, target)
    if rel.endswith(".md"):
        stem = rel[: -len(".md")]
        if stem == "index" or stem.endswith("/index"):
            rel = stem[: -len("index")] or "./"
        else:
            rel = stem + "/" if settings.use_directory_urls else stem + ".html"
    return rel


def atom_feed(renderer: Renderer, path: str, title: str, records: list[Record], subtitle: str = "") -> str:
    """An Atom 1.0 document for the newest `records`."""
    settings = renderer.atlas.settings
    entries = newest_first(records)[:FEED_LIMIT]
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    self_url = site_address(settings, path)
    ET.SubElement(feed, "id").text = self_url or f"urn:litatlas:{_urn_part(settings.site_name)}:feed:{_urn_part(path)}"
    ET.SubElement(feed, "title").text = _text(title)
    if subtitle:
        ET.SubElement(feed, "subtitle").text = _text(subtitle)
    newest = str(entries[0].added) if entries else data_date(renderer.records)
    ET.SubElement(feed, "updated").text = _timestamp(newest)
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": self_url or path.rsplit("/", 1)[-1]})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": _link(renderer, path, NEW_PAGE)})
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = _text(", ".join(atlas_citation(renderer).authors) or "litatlas contributors")
    ET.SubElement(feed, "generator", {"version": __version__}).text = "litatlas"
    headline_of = renderer.vocabulary.headline_of
    for record in entries:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = entry_id(renderer, record)
        ET.SubElement(entry, "title").text = _text(record.title)
        stamp = _timestamp(str(record.added))
        ET.SubElement(entry, "published").text = stamp
        ET.SubElement(entry, "updated").text = stamp
        ET.SubElement(
            entry, "link", {"rel": "alternate", "type": "text/html", "href": _link(renderer, path, renderer.paper_path(record))}
        )
        topics = {headline_of[s].id: headline_of[s] for s in record.list("topics") if s in headline_of}
        for topic in topics.values():
            ET.SubElement(entry, "category", {"term": topic.id, "label": _text(topic.label)})
        summary = ET.SubElement(entry, "summary", {"type": "text"})
        summary.text = _text(f"{citation_text(record)} {record.get('summary', '')}")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def build(renderer: Renderer) -> dict[str, str]:
    """The What's new page and the Atom feeds."""
    site = renderer.atlas.settings.site_name or "Atlas"
    files = {
        feed_path(): atom_feed(renderer, feed_path(), f"{site}: new papers", renderer.records, "Papers newly added to the atlas.")
    }
    topic_feeds = []
    for topic in renderer.vocabulary.topics:
        path = feed_path(topic.id)
        files[path] = atom_feed(
            renderer, path, f"{site}: {topic.label}", renderer.by_headline.get(topic.id, []), topic.description
        )
        topic_feeds.append((topic, path))
    ordered = newest_first(renderer.records)
    shown = ordered[:NEW_PAGE_LIMIT]
    groups = [
        (date, "added-" + (date if _DATE.match(date) else "unknown"), _date_label(date), list(recs))
        for date, recs in groupby(shown, key=lambda rec: str(rec.added))
    ]
    files[NEW_PAGE] = renderer._render(  # noqa: SLF001 - the renderer's own template context
        "new.md.j2",
        NEW_PAGE,
        groups=groups,
        shown=len(shown),
        total=len(ordered),
        topic_feeds=topic_feeds,
        atlas_feed=feed_path(),
    )
    return files
