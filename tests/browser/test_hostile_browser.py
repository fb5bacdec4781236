"""Pages built from the inert hostile records (tests/hostile/), loaded in chromium: no script from a record runs.

Every payload in the corpus sets window.__pwned or calls alert(); the page records dialogs and every request
that leaves 127.0.0.1 (an injected image from evil.example would be one).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import PHONE, Tab, new_tab

import sitekit

pytestmark = pytest.mark.browser

INERT = [entry for entry in sitekit.hostile_manifest() if entry["expect"] == "inert"]
INERT_FILES = tuple(sitekit.HOSTILE / entry["file"] for entry in INERT)
LISTINGS = ["", "browse/all/", "browse/molecules/", "topics/tumour-promotion/", "topics/tumour-inhibition/"]
SEARCHES = ["tricks", "pwned", "alert", "script", "Click me", "{{", "Longtitle"]


@pytest.fixture(scope="module")
def hostile_url(browser: Any) -> Iterator[str]:
    with sitekit.serve(sitekit.site_with_records(INERT_FILES)) as url:
        yield url


@pytest.fixture
def hostile_tab(browser: Any, hostile_url: str) -> Iterator[Tab]:
    opened = new_tab(browser, hostile_url)
    yield opened
    opened.page.context.close()


def assert_nothing_ran(tab: Tab) -> None:
    page = tab.page
    page.wait_for_timeout(200)  # let onerror/onload handlers of anything injected fire
    assert page.evaluate("typeof window.__pwned") == "undefined", f"a record's script ran: {page.evaluate('window.__pwned')}"
    assert tab.dialogs == []
    assert tab.unexpected_outside() == []
    assert tab.errors == [], "console errors (an injected <img> or <script> would log one)"


@pytest.mark.parametrize("path", [f"papers/{Path(e['file']).stem}/" for e in INERT], ids=[Path(e["file"]).stem for e in INERT])
def test_hostile_paper_pages_run_no_record_script(hostile_tab: Tab, path: str) -> None:
    page = hostile_tab.open(path)
    for link in page.locator("article a").all()[:40]:
        link.hover()  # onmouseover payloads, had any survived
    hostile_tab.screenshot("hostile-" + path.strip("/").replace("/", "-"), full_page=False)
    assert_nothing_ran(hostile_tab)


@pytest.mark.parametrize("path", LISTINGS, ids=[p.strip("/").replace("/", "-") or "home" for p in LISTINGS])
def test_pages_listing_hostile_records_run_no_record_script(hostile_tab: Tab, path: str) -> None:
    hostile_tab.open(path)
    assert_nothing_ran(hostile_tab)


def test_searching_hostile_text_runs_no_record_script(hostile_tab: Tab) -> None:
    page = hostile_tab.open()
    box = page.locator("input.md-search__input")
    for query in SEARCHES:
        box.click()
        box.fill("")
        box.press_sequentially(query, delay=10)
        page.wait_for_timeout(400)
        if query == "tricks":  # the hostile records' text is in the results, rendered by litatlas-search.js
            page.wait_for_selector(".md-search-result__item")
    hostile_tab.screenshot("hostile-search", full_page=False)
    assert_nothing_ran(hostile_tab)


def test_search_results_show_a_hostile_payload_as_text(hostile_tab: Tab) -> None:
    page = hostile_tab.open()
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("pwned", delay=10)
    page.wait_for_selector(".md-search-result__item")
    results = page.locator(".md-search-result__list")
    titles = [title.inner_text() for title in results.locator("h1").all()]
    assert any("<script>" in title and "__pwned" in title for title in titles), titles
    excerpts = " ".join(p.inner_text() for p in results.locator("p").all())
    assert "<script>" in excerpts or "onerror=" in excerpts, excerpts
    # Only the elements the search box makes: nothing from a record became an element.
    made = results.evaluate(
        "list => Array.from(list.querySelectorAll('*'), e => e.tagName.toLowerCase())"
        ".filter(t => !['li', 'a', 'article', 'div', 'h1', 'p', 'mark'].includes(t))"
    )
    assert made == []
    assert results.locator("mark").count() > 0
    for link in results.locator("a").all()[:10]:
        link.hover()
    hostile_tab.screenshot("hostile-search-payload", full_page=False)
    assert_nothing_ran(hostile_tab)


def test_long_record_does_not_widen_the_page_on_a_phone(browser: Any, hostile_url: str) -> None:
    tab = new_tab(browser, hostile_url, viewport=PHONE)
    try:
        page = tab.open("papers/hostile-2020-long-strings/")
        widths = page.evaluate("({page: document.documentElement.scrollWidth, viewport: window.innerWidth})")
        tab.screenshot("hostile-phone-long-strings")
        assert widths["page"] <= widths["viewport"], widths
    finally:
        tab.page.context.close()
