"""What's new and the Atom feeds: valid Atom 1.0 (xml.etree and feedparser), newest first, per topic."""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest

from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.model.atlas import Atlas
from litatlas.model.record import Record
from litatlas.site import routes
from litatlas.site.context import SiteContext
from litatlas.site.pages import feeds, home

ROOT = Path(__file__).resolve().parents[1]
ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://litatlas.github.io/msc-cancer-atlas/"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@functools.lru_cache(maxsize=1)
def bundled() -> Atlas:
    atlas, _problems = load_atlas(load_settings(ROOT))
    assert atlas is not None and atlas.records
    return atlas


@functools.lru_cache(maxsize=1)
def built() -> dict[str, str]:
    return feeds.build(SiteContext(bundled()))


def made(n: int, added: str, **data: object) -> Record:
    base = {"title": f"Made paper {n}", "authors": [f"Maker{n} AB"], "journal": "J Made", "year": 2020, "pmid": str(31000000 + n)}
    base.update(
        {"type": "research-article", "effect": "promotes", "topics": ["growth"], "summary": f"Summary of made paper {n}."}
    )
    base.update({"added": added, **data})
    return Record(f"made-2020-paper-{n}", f"made-2020-paper-{n}.yml", base)


def atlas_with(records: list[Record], **settings: object) -> Atlas:
    atlas = bundled()
    return Atlas(replace(atlas.settings, **settings), atlas.config, records, atlas.intros)


def check_atom(text: str) -> ET.Element:
    """The RFC 4287 musts a validator checks first, read with the standard library's XML parser."""
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert RFC3339.match(root.findtext(f"{ATOM}updated") or "")
    assert [link.get("rel") for link in root.findall(f"{ATOM}link")].count("self") == 1
    assert root.find(f"{ATOM}author/{ATOM}name") is not None  # entries carry no author of their own
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert RFC3339.match(entry.findtext(f"{ATOM}updated") or "")
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert entry.find(f"{ATOM}summary").get("type") == "text"
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(set(ids)), "entry ids are unique"
    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(ids)
    return root


def test_atlas_feed_is_valid_atom_with_the_newest_records() -> None:
    text = built()[routes.ATLAS_FEED]
    root = check_atom(text)
    newest = feeds.newest_first(bundled().records)[: feeds.FEED_LIMIT]
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [r.title for r in newest]
    assert root.findtext(f"{ATOM}id") == SITE + "feeds/atlas.xml"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == SITE + "feeds/atlas.xml"
    assert root.findtext(f"{ATOM}updated") == max(r.added for r in bundled().records) + "T00:00:00Z"
    for entry, rec in zip(entries, newest):
        assert entry.findtext(f"{ATOM}id") == f"tag:litatlas.github.io,{rec.added}:msc-cancer-atlas/{rec.id}"
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{SITE}papers/{rec.id}/"
        assert entry.findtext(f"{ATOM}updated") == f"{rec.added}T00:00:00Z"
        assert rec["summary"].split()[0] in (entry.findtext(f"{ATOM}summary") or "")


@pytest.mark.parametrize("topic", [t.id for t in load_atlas(load_settings(ROOT))[0].config.topics])
def test_each_headline_topic_has_a_valid_feed_of_its_records(topic: str) -> None:
    renderer = SiteContext(bundled())
    root = check_atom(built()[routes.feed(topic)])
    expected = feeds.newest_first(renderer.by_headline[topic])[: feeds.FEED_LIMIT]
    hrefs = [e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in root.findall(f"{ATOM}entry")]
    assert hrefs == [f"{SITE}papers/{r.id}/" for r in expected]
    for entry in root.findall(f"{ATOM}entry"):
        assert topic in [c.get("term") for c in entry.findall(f"{ATOM}category")]


def test_feeds_are_newest_first_and_bounded() -> None:
    records = [made(n, f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}") for n in range(feeds.FEED_LIMIT + 20)]
    files = feeds.build(SiteContext(atlas_with(records)))
    root = check_atom(files[routes.ATLAS_FEED])
    updated = [e.findtext(f"{ATOM}updated") for e in root.findall(f"{ATOM}entry")]
    assert len(updated) == feeds.FEED_LIMIT
    assert updated == sorted(updated, reverse=True)
    assert root.findtext(f"{ATOM}updated") == updated[0]


def test_hostile_text_stays_text_in_the_feed() -> None:
    title = 'A <b>bold</b> & "quoted" ]]> title\x85with a next-line \x07bell'
    rec = made(1, "2026-03-01", title=title, summary="<script>alert(1)</script> & more text here.")
    text = feeds.build(SiteContext(atlas_with([rec])))[routes.ATLAS_FEED]
    root = check_atom(text)
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == 'A <b>bold</b> & "quoted" ]]> title with a next-line bell'
    assert "<script>alert(1)</script> & more text here." in entry.findtext(f"{ATOM}summary")
    assert feedparser.parse(text).entries[0].title == 'A <b>bold</b> & "quoted" ]]> title with a next-line bell'


def test_without_site_url_ids_are_urns_and_links_relative() -> None:
    files = feeds.build(SiteContext(atlas_with([made(1, "2026-03-01")], site_url="")))
    root = check_atom(files[routes.ATLAS_FEED])
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == "urn:litatlas:msc-cancer-atlas:made-2020-paper-1"
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == "../papers/made-2020-paper-1/"
    assert root.findtext(f"{ATOM}id").startswith("urn:litatlas:")


def test_empty_topic_feed_is_still_valid() -> None:
    files = feeds.build(SiteContext(atlas_with([made(1, "2026-03-01")])))
    root = check_atom(files[routes.feed("delivery-vectors")])
    assert root.findall(f"{ATOM}entry") == []
    assert root.findtext(f"{ATOM}updated") == "2026-03-01T00:00:00Z"


# ----- the What's new page


def test_whats_new_groups_records_by_added_date_newest_first() -> None:
    records = [made(1, "2026-01-05"), made(2, "2026-03-01"), made(3, "2026-01-05"), made(4, "2025-12-31")]
    page = feeds.build(SiteContext(atlas_with(records)))[routes.NEW]
    headings = re.findall(r"^## Added (.+) \{ #(added-[\d-]+) \}$", page, flags=re.M)
    assert headings == [
        ("1 March 2026", "added-2026-03-01"),
        ("5 January 2026", "added-2026-01-05"),
        ("31 December 2025", "added-2025-12-31"),
    ]
    order = re.findall(r'href="\.\./papers/(made-2020-paper-\d)/"', page)
    assert order == ["made-2020-paper-2", "made-2020-paper-3", "made-2020-paper-1", "made-2020-paper-4"]
    assert "[Atom feed of the whole atlas](../feeds/atlas.xml)" in page
    assert "[Tumour promotion](../feeds/tumour-promotion.xml)" in page


def test_whats_new_lists_every_bundled_record_once_and_starts_with_the_home_page_five() -> None:
    renderer = SiteContext(bundled())
    page = built()[routes.NEW]
    listed = re.findall(r'href="\.\./papers/([a-z0-9-]+)/"', page)
    assert sorted(listed) == sorted(r.id for r in bundled().records)
    home_page = home.build(renderer)[routes.HOME]
    newest_on_home = re.findall(r"\(papers/([a-z0-9-]+)\.md\)", home_page.split("## Newest additions", 1)[1])
    assert listed[:5] == newest_on_home[:5]
    assert "[What&#39;s new](new/index.md)" in home_page and "(feeds/atlas.xml)" in home_page


def test_whats_new_is_bounded_for_big_atlases() -> None:
    records = [made(n, "2026-01-01") for n in range(feeds.NEW_PAGE_LIMIT + 5)]
    page = feeds.build(SiteContext(atlas_with(records)))[routes.NEW]
    assert len(re.findall(r'href="\.\./papers/', page)) == feeds.NEW_PAGE_LIMIT
    assert f"(of {feeds.NEW_PAGE_LIMIT + 5}: [all papers](../browse/all.md))" in page


def test_settings_read_site_url_from_mkdocs_yml() -> None:
    assert load_settings(ROOT).site_url == SITE
