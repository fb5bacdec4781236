"""Faceted filtering in a real browser: filters, sorting, the URL state, the evidence map's links, and no-JS readers.

The site is built with `mkdocs build --strict` and served on 127.0.0.1 under its base path. Until mkdocs.yml
lists the filter script and styles (see /work/notes/issue5b-mkdocs.txt), a copy of the project with those lines
is built instead. Expected numbers are counted here from the YAML records.
"""

from __future__ import annotations

import json
import statistics
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from browsing import Tab, new_tab

import sitekit

pytestmark = pytest.mark.browser

ALL = "browse/all/"
SCRIPT = "assets/atlas-filter.js"
STYLE = "assets/atlas-features.css"
ROWS = "table[data-la-results] tbody tr"
STATUS = ".la-filter__status"


def _with_feature_lines(text: str) -> str:
    if STYLE not in text:
        text = text.replace("extra_css:\n", f"extra_css:\n  - {STYLE}\n", 1)
    if SCRIPT not in text:
        if "extra_javascript:\n" in text:
            text = text.replace("extra_javascript:\n", f"extra_javascript:\n  - {SCRIPT}\n", 1)
        else:
            text += f"\nextra_javascript:\n  - {SCRIPT}\n"
    return text


@pytest.fixture(scope="module")
def filter_url(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    config = (sitekit.ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if _with_feature_lines(config) == config:
        serve_root = sitekit.real_site()
        project = sitekit.ROOT
    else:
        project = sitekit.copy_project(tmp_path_factory.mktemp("filtering") / "project")
        (project / "mkdocs.yml").write_text(_with_feature_lines(config), encoding="utf-8")
        serve_root = sitekit.build(project, prefix="litatlas-filter-site-")
    with sitekit.serve(serve_root, project) as url:
        yield url


@pytest.fixture
def ftab(browser: Any, filter_url: str) -> Iterator[Tab]:
    opened = new_tab(browser, filter_url)
    yield opened
    opened.page.context.close()


@pytest.fixture(scope="module")
def records() -> list[dict]:
    found = []
    for path in sorted((sitekit.ROOT / "records").glob("*.yml")):
        if path.name == "atlas.yml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in ("cancer_types", "topics"):
            value = data.get(key) or []
            data[key] = value if isinstance(value, list) else [value]
        found.append(data)
    return found


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def open_filtered(tab: Tab, path: str) -> Any:
    page = tab.open(path)
    page.wait_for_selector(".la-filter", timeout=15000)
    return page


def wait_for_query(page: Any, part: str) -> None:
    """The address is updated a moment after the table (one history write per pause, not per key)."""
    page.wait_for_function("(part) => location.search.includes(part)", arg=part, timeout=5000)


def column(page: Any, n: int) -> list[str]:
    return page.locator(f"{ROWS} td:nth-child({n})").all_inner_texts()


def render_all(page: Any, count: int) -> None:
    """Rows come 30 at a time as the reader scrolls: scroll until all `count` are in the table."""
    until = f"() => {{ window.scrollTo(0, document.body.scrollHeight); return document.querySelectorAll('{ROWS}').length === {count}; }}"
    page.wait_for_function(until, polling=200)
    page.evaluate("window.scrollTo(0, 0)")


def test_all_papers_filters_combine_and_count(ftab: Tab, records: list[dict]) -> None:
    page = open_filtered(ftab, ALL)
    total = len(records)
    assert page.inner_text(STATUS) == f"{total} papers"
    assert min(total, 30) <= page.locator(ROWS).count() <= total, "the first rows at once, more as the reader scrolls"
    # Scrolling down, as a reader does, brings the rest.
    render_all(page, total)
    assert page.locator("article table:not([data-la-results])").first.is_hidden(), "the static table makes way"
    assert page.locator("label[for$='-cancer']").inner_text() == "Cancer type", "every filter has a label"

    page.select_option("select[name=cancer]", "breast")
    breast = [r for r in records if "breast" in r["cancer_types"]]
    assert page.inner_text(STATUS) == f"{len(breast)} of {total} papers"
    wait_for_query(page, "cancer=breast")

    page.select_option("select[name=effect]", "promotes")
    both = [r for r in breast if r["effect"] == "promotes"]
    assert page.inner_text(STATUS) == f"{len(both)} of {total} papers"
    assert page.locator(ROWS).count() == len(both)
    assert all("Breast cancer" in text for text in column(page, 5))
    assert all("Promotes" in text for text in column(page, 4)), "the title cell carries the effect badge"
    wait_for_query(page, "?effect=promotes&cancer=breast")
    assert page.url.endswith("?effect=promotes&cancer=breast")
    # Options show how many papers each value would leave, given the other filters.
    option = page.locator("select[name=effect] option[value=inhibits]").inner_text()
    assert option == f"Inhibits ({sum(r['effect'] == 'inhibits' for r in breast)})"

    page.fill("input[name=from]", "2010")
    recent = [r for r in both if r["year"] >= 2010]
    assert page.inner_text(STATUS) == f"{len(recent)} of {total} papers"
    assert all(int(year) >= 2010 for year in column(page, 2))

    page.fill("input[name=text]", "ccl5")
    wait_for_query(page, "from=2010&text=ccl5")
    page.click(".la-filter button[type=reset]")
    page.wait_for_function(f"document.querySelector('{STATUS}').textContent === '{total} papers'")
    page.wait_for_function("location.search === ''")
    ftab.screenshot("filtering-all-papers")
    assert ftab.errors == []


def test_sort_by_any_column(ftab: Tab, records: list[dict]) -> None:
    page = open_filtered(ftab, ALL + "?cancer=breast")
    breast = sum("breast" in r["cancer_types"] for r in records)
    page.click("th[data-sort-key=title] button")
    render_all(page, breast)
    titles = column(page, 4)
    assert titles == sorted(titles, key=fold)
    assert page.locator("th[data-sort-key=title]").get_attribute("aria-sort") == "ascending"
    wait_for_query(page, "cancer=breast&sort=title")
    page.click("th[data-sort-key=title] button")
    render_all(page, breast)
    assert column(page, 4) == sorted(titles, key=fold, reverse=True)
    wait_for_query(page, "sort=title&order=desc")
    page.click("th[data-sort-key=author] button")
    render_all(page, breast)
    authors = column(page, 3)
    assert authors == sorted(authors, key=lambda a: (a == "", fold(a))), "empty cells last"
    for key in ("n", "year", "cancer_types", "msc_source", "models", "molecules"):
        page.click(f"th[data-sort-key={key}] button")
        wait_for_query(page, f"sort={key}")
    assert ftab.errors == []


def test_filter_state_is_restored_from_the_url(ftab: Tab, records: list[dict]) -> None:
    page = open_filtered(ftab, ALL + "?cancer=breast&effect=inhibits&sort=year&order=asc")
    expected = [r for r in records if "breast" in r["cancer_types"] and r["effect"] == "inhibits"]
    assert page.input_value("select[name=cancer]") == "breast"
    assert page.input_value("select[name=effect]") == "inhibits"
    assert page.inner_text(STATUS) == f"{len(expected)} of {len(records)} papers"
    years = [int(y) for y in column(page, 2)]
    assert years == sorted(years) and len(years) == len(expected)
    assert page.locator("th[data-sort-key=year]").get_attribute("aria-sort") == "ascending"
    page.reload()
    page.wait_for_selector(".la-filter")
    assert page.inner_text(STATUS) == f"{len(expected)} of {len(records)} papers"
    assert ftab.errors == []


def test_evidence_map_number_opens_the_filtered_list(ftab: Tab, records: list[dict]) -> None:
    page = ftab.open("evidence/")
    headers = page.locator("#la-matrix-cancer-types-effect-table thead th").all_inner_texts()
    row = page.locator("#la-matrix-cancer-types-effect-table tbody tr", has=page.locator("th", has_text="Breast cancer")).first
    cell = row.locator("td").nth(headers.index("Promotes") - 1)
    count = int(cell.inner_text())
    assert count == sum("breast" in r["cancer_types"] and r["effect"] == "promotes" for r in records)
    cell.locator("a").click()  # Material's instant navigation loads the page without a reload
    page.wait_for_url("**/browse/all/?effect=promotes&cancer=breast")
    page.wait_for_selector(".la-filter")
    assert page.locator(ROWS).count() == count
    assert page.inner_text(STATUS) == f"{count} of {len(records)} papers"
    page.go_back()
    page.wait_for_url("**/evidence/")
    assert ftab.errors == []


def test_topic_page_filters_its_tables_in_place(ftab: Tab, records: list[dict]) -> None:
    page = open_filtered(ftab, "topics/tumour-promotion/?cancer=breast")
    tables = page.locator("article table:has(a[href*='/papers/'])")
    assert tables.count() > 1
    visible = page.locator("article table tbody tr:not([hidden])")
    for text in visible.locator("td:nth-child(5)").all_inner_texts():
        assert "Breast cancer" in text
    assert page.locator("article table tbody tr[hidden]").count() > 0
    page.select_option("select[name=cancer]", "")
    assert page.locator("article table tbody tr[hidden]").count() == 0
    assert ftab.errors == []


def test_without_javascript_the_paginated_tables_stay(browser: Any, filter_url: str, records: list[dict]) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(filter_url + ALL + "?cancer=breast")
        assert page.locator(".la-filter").count() == 0
        assert page.locator("article table tbody tr").count() == min(len(records), 200)
        page.goto(filter_url + "evidence/")
        assert page.locator("#la-matrix-cancer-types-effect-table caption").is_visible()
        assert page.locator("#la-chart-years svg[role=img]").is_visible()
        page.locator("#la-matrix-cancer-types-effect-table tbody th a").first.click()
        assert "/browse/cancer-types/" in page.url
    finally:
        context.close()


def test_facet_filter_updates_within_100_ms_at_10000_rows(ftab: Tab, filter_url: str) -> None:
    """Issue 7's target, with a synthetic 10,000-row index served in place of the real one."""
    page = ftab.page
    real = json.loads(page.request.get(filter_url + "assets/atlas-index.json").text())
    rows = [list(real["rows"][i % len(real["rows"])]) for i in range(10_000)]
    for i, row in enumerate(rows):
        row[0] = f"{row[0]}-{i}"
        row[-1] = f"papers/{row[0]}/"
    big = json.dumps({**real, "rows": rows})
    page.route("**/assets/atlas-index.json", lambda route: route.fulfill(body=big, content_type="application/json"))
    open_filtered(ftab, ALL)
    assert page.inner_text(STATUS) == "10000 papers"
    timings = []
    for value in ("breast", "melanoma", "", "breast", "ovarian", ""):
        timings.append(
            page.evaluate(
                """(value) => {
                    const select = document.querySelector('select[name=cancer]');
                    const t0 = performance.now();
                    select.value = value;
                    select.dispatchEvent(new Event('change', {bubbles: true}));
                    return performance.now() - t0;
                }""",
                value,
            )
        )
    assert page.locator(ROWS).count() <= 100, "rows are rendered in chunks"
    assert statistics.median(timings) < 100, timings
    first = page.locator(ROWS).count()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function(f"document.querySelectorAll('{ROWS}').length > {first}")
    assert ftab.errors == []
