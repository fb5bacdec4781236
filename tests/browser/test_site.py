"""What a reader does in a real browser: load the home page, search, read a paper, switch to dark mode, use a phone.

Screenshots of every page checked go to test-artifacts/ (uploaded by CI).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from browsing import PHONE, Tab, new_tab

import sitekit
from litatlas.publish.pagefind import PARTS_FILE, read_fragments

pytestmark = pytest.mark.browser

PAPER = "papers/karnoub-2007-msc-ccl5-breast-metastasis/"
PAPER_TITLE = "Mesenchymal stem cells within tumour stroma promote breast cancer metastasis"
TOPIC = "topics/tumour-promotion/"
SITE_URL = "https://litatlas.github.io/msc-cancer-atlas/"


def test_home_page_loads_without_console_errors(tab: Tab) -> None:
    page = tab.open()
    assert "MSC & Cancer Atlas" in page.title()
    assert page.locator("article h1").first.is_visible()
    assert page.locator(f"a[href*='{PAPER}'], a[href*='topics/']").count() > 0
    tab.screenshot("home")
    assert tab.errors == []
    assert tab.dialogs == []
    assert tab.unexpected_outside() == [], "the site called a host it is not known to need"


def _wait_for_results(page: Any, query: str) -> None:
    """Wait for the result list of the whole query (results for a prefix such as "Ka" may show first)."""
    page.wait_for_function(
        "q => { const item = document.querySelector('.md-search-result__item');"
        " return item !== null && item.parentElement.getAttribute('data-la-query') === q; }",
        arg=query,
    )


def _search(tab: Tab, query: str) -> list[str]:
    """Type a query the way a reader does (fill() starts no search) and return every result link."""
    page = tab.open()
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=20)
    _wait_for_results(page, query)
    # Material renders results in pages as the list scrolls: scroll until no more appear.
    links = page.locator(".md-search-result__item > a")
    count = -1
    while links.count() != count:
        count = links.count()
        page.locator(".md-search__scrollwrap").evaluate("element => { element.scrollTop = element.scrollHeight; }")
        page.wait_for_timeout(250)
    return [link.get_attribute("href") or "" for link in links.all()]


SEARCHES = pytest.mark.parametrize("query", ["CCL5", "Karnoub"], ids=["molecule", "author-surname"])


@SEARCHES
def test_search_results_lead_to_the_paper(tab: Tab, query: str) -> None:
    results = _search(tab, query)
    tab.screenshot(f"search-{query.lower()}", full_page=False)
    assert results, f"no result for {query!r}"
    if not any(PAPER in href for href in results):
        # The paper is one click further: the best result (a browse page listing it) links to it.
        tab.page.goto(results[0])
        assert tab.page.locator(f"article a[href*='{PAPER}']").count() > 0, f"{results[0]} does not link to {PAPER}"
    assert tab.errors == []


@SEARCHES
def test_search_ranks_the_paper_page_in_the_top_five(tab: Tab, query: str) -> None:
    results = _search(tab, query)
    assert any(PAPER in href for href in results[:5]), f"{query!r}: {results[:5]}"


def _type_query(page: Any, query: str) -> None:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.press_sequentially(query, delay=20)
    _wait_for_results(page, query)


@SEARCHES
def test_search_shows_the_paper_first_and_its_link_opens_it(tab: Tab, query: str) -> None:
    page = tab.open()
    _type_query(page, query)
    first = page.locator(".md-search-result__item > a").first
    assert PAPER in (first.get_attribute("href") or ""), page.inner_text(".md-search-result__list")
    assert first.locator("h1").inner_text() == PAPER_TITLE
    assert page.locator(".md-search-result__item").first.locator("mark").count() > 0, "the matched words are highlighted"
    meta = page.inner_text(".md-search-result__meta")
    assert meta.endswith(("results", "result")) and meta.split()[0].isdigit(), meta
    first.click()
    page.wait_for_url(f"**/{PAPER}")
    assert page.locator("article h1").first.inner_text().startswith(PAPER_TITLE)
    assert not page.locator("#__search").is_checked(), "the search closes when a result is opened"
    assert tab.errors == []


def test_search_keys_slash_focuses_escape_closes(tab: Tab) -> None:
    page = tab.open()
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    assert page.locator("#__search").is_checked()
    box.press_sequentially("CCL5", delay=20)
    page.wait_for_selector(".md-search-result__item")
    assert page.locator(".md-search__output").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    assert not page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.wait_for_function("getComputedStyle(document.querySelector('.md-search__output')).opacity === '0'")
    page.keyboard.press("s")  # the other key Material uses
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    assert tab.errors == []


def test_search_arrow_keys_and_enter_open_a_result(tab: Tab) -> None:
    page = tab.open()
    _type_query(page, "Karnoub")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == page.locator(".md-search-result__item > a").first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{PAPER}")
    assert tab.errors == []


def test_search_says_when_nothing_matches(tab: Tab) -> None:
    page = tab.open()
    box = page.locator("input.md-search__input")
    box.click()
    # Pagefind matches near spellings of most Latin letter and digit strings: a word in another script does not.
    box.press_sequentially("ꙮꙮꙮ", delay=20)
    page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.trim() === 'No results'")
    assert page.locator(".md-search-result__item").count() == 0


# Material re-runs every inline <script> of a page reached by instant navigation as JavaScript, the paper
# pages' JSON-LD too, which throws this (harmlessly: JSON is no valid statement). Not the search box's.
JSON_LD_RERUN = "Failed to execute 'replaceWith' on 'Element': Unexpected token ':'"


def test_search_works_after_an_instant_navigation(tab: Tab) -> None:
    # Material navigates instantly only to pages in sitemap.xml, whose URLs carry site_url's host: served
    # here from 127.0.0.1, the sitemap is given this server's address, as on the real host.
    def sitemap(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace(SITE_URL, tab.base))

    tab.page.route("**/sitemap.xml", sitemap)
    page = tab.open()
    page.evaluate("window.__sameDocument = true")
    page.locator(f".md-tabs a[href*='{TOPIC}'], .md-nav a[href*='{TOPIC}']").first.click()
    page.wait_for_url(f"**/{TOPIC}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__sameDocument") is True, "Material's instant navigation did not load the page"
    _type_query(page, "CCL5")
    first = page.locator(".md-search-result__item > a").first
    assert PAPER in (first.get_attribute("href") or "")
    first.click()
    page.wait_for_url(f"**/{PAPER}")
    assert page.evaluate("window.__sameDocument") is True
    _type_query(page, "Karnoub")  # again, on the page reached by instant navigation from a result
    assert PAPER in (page.locator(".md-search-result__item > a").first.get_attribute("href") or "")
    assert [error for error in tab.errors if JSON_LD_RERUN not in error] == []


def test_paper_page_shows_citation_and_doi_link(tab: Tab) -> None:
    page = tab.open(PAPER)
    assert page.locator("article h1").first.inner_text().startswith(PAPER_TITLE)
    citation = page.locator(".la-citation")
    assert "Karnoub AE" in citation.inner_text()
    assert "Nature. 2007;449(7162):557-563." in citation.inner_text()
    doi = page.locator("a.la-id-link[href='https://doi.org/10.1038/nature06188']")
    assert doi.is_visible()
    assert "10.1038/nature06188" in doi.inner_text()
    tab.screenshot("paper")
    assert tab.errors == []


def _background(page: Any) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_dark_mode_toggle_switches_and_is_remembered(tab: Tab) -> None:
    page = tab.open()
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    light = _background(page)
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert _background(page) != light
    tab.screenshot("home-dark", full_page=False)
    page.goto(tab.base + PAPER)  # the choice is kept across pages
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    assert _background(page) == light
    assert tab.errors == []


@pytest.mark.parametrize("path", ["", TOPIC, PAPER, "browse/all/"], ids=["home", "topic", "paper", "all-papers"])
def test_no_horizontal_scroll_on_a_phone(browser: Any, site_url: str, path: str) -> None:
    tab = new_tab(browser, site_url, viewport=PHONE)
    try:
        page = tab.open(path)
        widths = page.evaluate("({page: document.documentElement.scrollWidth, viewport: window.innerWidth})")
        tab.screenshot("phone-" + (path.strip("/").replace("/", "-") or "home"))
        assert widths["page"] <= widths["viewport"], f"{path or 'home'} scrolls sideways at 375 px: {widths}"
        assert tab.errors == []
    finally:
        tab.page.context.close()


def test_search_merges_every_part_of_an_index_split_in_parts(browser: Any) -> None:
    """A big atlas's papers are indexed in parts (bundles inside the main one); the search box searches them all."""
    serve_root = sitekit.site_in_parts(40)
    bundle = serve_root / sitekit.base_path().strip("/") / "pagefind"
    parts = json.loads((bundle / PARTS_FILE).read_text(encoding="utf-8"))["parts"]
    assert len(parts) == 4, "155 papers in parts of 40"
    with sitekit.serve(serve_root) as url:
        tab = new_tab(browser, url)
        try:
            for part in parts:
                paper = read_fragments(bundle / part)[0]
                assert paper["url"].startswith("/papers/")
                page = tab.open()
                _type_query(page, paper["meta"]["title"])
                hrefs = [a.get_attribute("href") or "" for a in page.locator(".md-search-result__item > a").all()]
                assert any(href.endswith(paper["url"]) for href in hrefs[:10]), (part, paper["url"], hrefs[:10])
            assert tab.errors == []
        finally:
            tab.page.context.close()
