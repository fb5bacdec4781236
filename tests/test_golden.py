"""Golden render tests: the fixture atlas in tests/golden/input renders to the committed Markdown in tests/golden/expected.

After an intended change to the pages, regenerate the goldens and review the diff before committing it:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
from pathlib import Path

import pytest

from litatlas.load.atlas import load_atlas
from litatlas.model.atlas import Atlas
from litatlas.model.settings import Settings
from litatlas.site import routes
from litatlas.site.build import render_pages

GOLDEN = Path(__file__).parent / "golden"
INPUT = GOLDEN / "input"
EXPECTED = GOLDEN / "expected"
TODAY = dt.date(2026, 6, 1)
MARKUP_RECORD = "omega-2020-markup-looking-text"

# A chosen subset of the generated pages: enough to pin every template without pinning every facet value.
PAGES = [
    "index.md",
    "topics/tumour-promotion.md",
    f"papers/{MARKUP_RECORD}.md",
    "papers/alpha-2007-stroma-breast-metastasis.md",
    "browse/molecules/tgf-beta1.md",
    "browse/all.md",
]
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def golden_settings(root: Path = INPUT) -> Settings:
    return Settings(
        root=root,
        records_dir=root / "records",
        config_path=root / "records" / "atlas.yml",
        docs_dir=root / "docs",
        repo_url="https://github.com/example/golden-atlas",
        edit_branch="main",
        site_name="Golden Atlas",
    )


def load_golden_atlas() -> Atlas:
    atlas, problems = load_atlas(golden_settings(), today=TODAY)
    assert problems == [], "the golden fixture records must be valid:\n" + "\n".join(map(str, problems))
    assert atlas is not None
    return atlas


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_pages(load_golden_atlas())


def _golden_path(page: str) -> Path:
    return EXPECTED / page


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_golden(pages: dict[str, str], page: str) -> None:
    assert page in pages, f"{page} was not generated; generated: {sorted(pages)}"
    golden = _golden_path(page)
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(pages[page], encoding="utf-8", newline="\n")
    assert golden.is_file(), f"no golden file {golden}; run UPDATE_GOLDEN=1 pytest tests/test_golden.py"
    assert pages[page] == golden.read_text(encoding="utf-8"), (
        f"{page} differs from {golden.relative_to(GOLDEN.parent.parent)}; if the change is intended, "
        "run UPDATE_GOLDEN=1 pytest tests/test_golden.py and review the diff"
    )


def test_no_stale_goldens() -> None:
    """Every committed golden is still checked (a renamed page must not leave an orphan behind)."""
    committed = sorted(p.relative_to(EXPECTED).as_posix() for p in EXPECTED.rglob("*.md"))
    assert committed == sorted(PAGES)


# The goldens are what reviewers read: they must themselves show that record text arrives inert.
UNSAFE_IN_GOLDEN = [
    "<script>",
    "</script>",
    "<img",
    "<b>",
    "<i>",
    "](javascript",
    "javascript:",
    "{{",
    "{%",
    "onerror=",
    'onclick="',
]
# Raw HTML the templates themselves write (badge, citation block, tables and lists of links); record text never
# adds another element.
TEMPLATE_TAGS = {"span", "div", "button", "details", "summary", "pre", "code", "script"}
TEMPLATE_TAGS |= {"p", "em", "a", "ul", "li", "table", "thead", "tbody", "tr", "th", "td"}
# Every link a template writes: an optional class, then an address with no quote or angle bracket in it.
ANCHOR = re.compile(r'<a(?: class="[a-z -]+")? href="[^"<>]+"(?: aria-label="[^"<>]*")?>')
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
PRE = re.compile(r"<pre\b[^>]*><code>(.*?)</code></pre>", re.S)


@pytest.mark.parametrize("page", PAGES)
def test_goldens_show_record_text_escaped(page: str) -> None:
    text = _golden_path(page).read_text(encoding="utf-8")
    # Structured data is JSON in a script element: valid JSON with no character that could end the element.
    for data in JSON_LD.findall(text):
        json.loads(data)
        assert not set(data) & set("<>&"), data
    # Preformatted blocks (BibTeX) hold HTML-escaped text that Markdown leaves alone.
    for block in PRE.findall(text):
        assert not set(block) & set("<>"), block
    prose = PRE.sub("", JSON_LD.sub("", text))
    for needle in UNSAFE_IN_GOLDEN:
        assert needle not in prose, f"{page} contains raw {needle!r}"
    tags = {tag.lower() for tag in re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", text)}
    assert tags <= TEMPLATE_TAGS, f"{page}: unexpected HTML elements {tags - TEMPLATE_TAGS}"
    for tag in re.findall(r"<a\b[^>]*>", prose):
        assert ANCHOR.fullmatch(tag), f"{page}: unexpected link {tag}"


def test_markup_record_text_is_shown_as_escaped_characters(pages: dict[str, str]) -> None:
    paper = pages[f"papers/{MARKUP_RECORD}.md"]
    title = paper.splitlines()[0]
    assert title.startswith("# &#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#42;stars&#42;")
    assert "&#91;link&#93;(javascript&#58;x) &#123;&#123; 7&#42;7 &#125;&#125;" in title
    # Findings that look like a heading, a table row or a numbered list stay list items of text.
    assert "<li>&#35; heading</li>\n" in paper
    assert "<li>&#124; pipe &#124; table &#124;</li>\n" in paper
    assert "<li>&#49;. numbered &#38; &#60;em&#62;emphasised&#60;/em&#62;" in paper
    # The publisher URL is percent-encoded, then escaped for the attribute it lands in.
    assert '<a class="la-id-link" href="https://example.org/paper?a=1&amp;b=%282%29&amp;c=%5Bx%5D">Publisher page</a>' in paper


def test_identifier_links_and_their_own_paragraph(pages: dict[str, str]) -> None:
    paper = pages["papers/alpha-2007-stroma-breast-metastasis.md"]
    links = re.search(r"\n(<p><a class=\"la-id-link\".*)\n", paper)
    assert links is not None
    assert links.group(1) == (
        '<p><a class="la-id-link" href="https://doi.org/10.5555/golden.alpha">DOI &#49;&#48;.5555/golden.alpha</a>'
        ' · <a class="la-id-link" href="https://pubmed.ncbi.nlm.nih.gov/90000001/">PubMed 90000001</a>'
        ' · <a class="la-id-link" href="https://pmc.ncbi.nlm.nih.gov/articles/PMC9000001/">PMC PMC9000001</a></p>'
    )
    # The reason a paper has neither identifier is its own paragraph, after the links.
    markup_paper = pages[f"papers/{MARKUP_RECORD}.md"]
    assert re.search(r">Publisher page</a></p>\n<p><em>No DOI or PMID:</em> A made-up paper", markup_paper)


def test_every_record_has_a_paper_page_and_pages_link_to_existing_pages(pages: dict[str, str]) -> None:
    atlas = load_golden_atlas()
    assert {f"papers/{r.id}.md" for r in atlas.records} <= set(pages)
    docs = {p.relative_to(INPUT / "docs").as_posix() for p in (INPUT / "docs").rglob("*.md")}
    checked = 0
    for page, text in pages.items():
        if not page.endswith(".md"):
            continue
        for target in re.findall(r"\]\(([^)\s]+\.md)(?:#[^)]*)?\)", text):
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
            assert resolved in pages or resolved in docs, f"{page} links to missing page {target}"
        # Raw HTML links carry the URL the page will have; it must be the URL of a generated page or file.
        base = "/site/" + routes.page_url(page)
        for address in re.findall(r'<a\b[^>]*\bhref="([^"#]+)(?:#[^"]*)?"', text):
            if "://" in address or address.startswith(("mailto:", "?")):
                continue
            url = posixpath.normpath(posixpath.join(posixpath.dirname(base), address.split("?")[0]))
            resolved = url.removeprefix("/site/").removeprefix("/site")
            candidates = {resolved, f"{resolved}.md", f"{resolved}/index.md".lstrip("/")}
            assert candidates & (set(pages) | docs), f"{page} links to missing page {address}"
            checked += 1
    assert checked > 100
