"""axe-core on the home page, a topic page, a paper page and the browse pages, light and dark: nothing serious or critical.

axe-core comes from npm at the exact version in package.json (its rules change between releases) and is
injected into the page. Material's stock theme fails checks that the theme overrides fix: the search dialog and
the progress bar have no accessible name (litatlas/publish/theme/partials/litatlas-search.html, progress.html); the teal header and
tabs, the footer, search-result counts and highlights, and outlined buttons on the dark scheme are below 4.5:1
contrast, and links in running text differ from it by colour only (docs/assets/atlas.css).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from browsing import Tab, new_tab

import sitekit

pytestmark = pytest.mark.browser

AXE = sitekit.ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = json.loads((sitekit.ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
PAGES = [
    "",
    "topics/tumour-promotion/",
    "papers/karnoub-2007-msc-ccl5-breast-metastasis/",
    "browse/",
    "browse/all/",
    "browse/molecules/",
    "browse/molecules/ccl5/",
    "browse/cancer-types/breast/",
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        message = "axe-core is not installed: run `npm ci` (Node.js)"
        if os.environ.get("CI") == "true" or os.environ.get("LITATLAS_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def serious_violations(tab: Tab, axe_source: str) -> list[str]:
    page = tab.page
    page.add_script_tag(content=axe_source)
    version = page.evaluate("axe.version")
    assert version == AXE_VERSION, f"axe-core {version} injected, package.json pins {AXE_VERSION}"
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    found = []
    for violation in violations:
        if violation["impact"] in ("serious", "critical"):
            targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
            found.append(
                f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): {violation['help']} at {targets}"
            )
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/").replace("/", "-") or "home" for p in PAGES])
def test_no_serious_accessibility_violations(browser: Any, site_url: str, axe_source: str, path: str, scheme: str) -> None:
    tab = new_tab(browser, site_url, color_scheme=scheme)
    try:
        tab.open(path)
        assert serious_violations(tab, axe_source) == []
    finally:
        tab.page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_dialog_with_results_is_accessible(browser: Any, site_url: str, axe_source: str, scheme: str) -> None:
    tab = new_tab(browser, site_url, color_scheme=scheme)
    try:
        _check_search(tab, axe_source)
    finally:
        tab.page.context.close()


def _check_search(tab: Tab, axe_source: str) -> None:
    page = tab.open()
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("CCL5", delay=20)
    page.wait_for_selector(".md-search-result__item")
    dialog = page.locator("[data-la-search][role='dialog']")
    assert dialog.get_attribute("aria-label"), "the search dialog needs an accessible name"
    assert serious_violations(tab, axe_source) == []
