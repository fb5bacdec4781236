"""What's new: records by the date they were added, and Atom 1.0 feeds of new records for the whole atlas
and for each headline topic. The XML is built with xml.etree, which escapes every value."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from itertools import groupby
from urllib.parse import urlsplit

from litatlas import __version__
from litatlas.model.record import Record
from litatlas.model.text import xml_text
from litatlas.site import routes
from litatlas.site.citations import citation_text, data_date
from litatlas.site.context import Content, SiteContext

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 50  # entries per feed: feed readers poll often, so a feed stays small at any atlas size
NEW_PAGE_LIMIT = 200  # papers listed on the What's new page (same bound as a browse page)
_EPOCH = "1970-01-01"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def newest_first(records: list[Record]) -> list[Record]:
    """The order of the home page's "Newest additions": by `added`, newest first."""
    return sorted(records, key=lambda rec: (str(rec.added), rec.id), reverse=True)


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


def entry_id(ctx: SiteContext, record: Record) -> str:
    """A permanent id: tag:HOST,ADDED:PATH/ID from site_url, else a urn naming the site and the record."""
    settings = ctx.settings
    host = urlsplit(settings.site_url).hostname if settings.site_url else None
    added = str(record.added)
    if host and _DATE.match(added):
        path = urlsplit(settings.site_url).path.strip("/")
        return f"tag:{host},{added}:{path + '/' if path else ''}{record.id}"
    return f"urn:litatlas:{_urn_part(settings.site_name)}:{record.id}"


def _link(ctx: SiteContext, from_path: str, target: str) -> str:
    """Absolute address with site_url; otherwise relative to the feed (Atom resolves it against the feed's URL)."""
    return routes.site_address(ctx.settings, target) or routes.relative_url(from_path, target, ctx.settings.use_directory_urls)


def atom_feed(ctx: SiteContext, path: str, title: str, records: list[Record], subtitle: str = "") -> str:
    """An Atom 1.0 document for the newest `records`."""
    settings = ctx.settings
    entries = newest_first(records)[:FEED_LIMIT]
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    self_url = routes.site_address(settings, path)
    ET.SubElement(feed, "id").text = self_url or f"urn:litatlas:{_urn_part(settings.site_name)}:feed:{_urn_part(path)}"
    ET.SubElement(feed, "title").text = xml_text(title)
    if subtitle:
        ET.SubElement(feed, "subtitle").text = xml_text(subtitle)
    newest = str(entries[0].added) if entries else data_date(ctx.records)
    ET.SubElement(feed, "updated").text = _timestamp(newest)
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": self_url or path.rsplit("/", 1)[-1]})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": _link(ctx, path, routes.NEW)})
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = xml_text(", ".join(ctx.atlas_citation.authors) or "litatlas contributors")
    ET.SubElement(feed, "generator", {"version": __version__}).text = "litatlas"
    headline_of = ctx.config.headline_of
    for record in entries:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = entry_id(ctx, record)
        ET.SubElement(entry, "title").text = xml_text(record.title)
        stamp = _timestamp(str(record.added))
        ET.SubElement(entry, "published").text = stamp
        ET.SubElement(entry, "updated").text = stamp
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": _link(ctx, path, routes.paper(record.id))})
        topics = {headline_of[s].id: headline_of[s] for s in record.list("topics") if s in headline_of}
        for topic in topics.values():
            ET.SubElement(entry, "category", {"term": topic.id, "label": xml_text(topic.label)})
        summary = ET.SubElement(entry, "summary", {"type": "text"})
        summary.text = xml_text(f"{citation_text(record)} {record.get('summary', '')}")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def build(ctx: SiteContext) -> dict[str, Content]:
    """The What's new page and the Atom feeds."""
    site = ctx.settings.site_name or ctx.config.title or "Atlas"
    files: dict[str, Content] = {
        routes.feed(): atom_feed(ctx, routes.feed(), f"{site}: new papers", ctx.records, "Papers newly added to the atlas.")
    }
    topic_feeds = []
    for topic in ctx.config.topics:
        path = routes.feed(topic.id)
        files[path] = atom_feed(ctx, path, f"{site}: {topic.label}", ctx.by_headline.get(topic.id, []), topic.description)
        topic_feeds.append((topic, path))
    ordered = newest_first(ctx.records)
    shown = ordered[:NEW_PAGE_LIMIT]
    groups = [
        (date, "added-" + (date if _DATE.match(date) else "unknown"), _date_label(date), list(recs))
        for date, recs in groupby(shown, key=lambda rec: str(rec.added))
    ]
    files[routes.NEW] = ctx.render(
        "new.md.j2",
        routes.NEW,
        groups=groups,
        shown=len(shown),
        total=len(ordered),
        topic_feeds=topic_feeds,
        atlas_feed=routes.feed(),
    )
    return files
