"""Property tests: any string in any text field of a record renders without an exception and without raw HTML.

The paper page is rendered by the generator and converted by Python-Markdown with the site's extensions
(the same steps `mkdocs build` takes); the HTML must be made of the same elements, attributes and classes as
the page of an ordinary record, link only to relative or http(s) targets, and show the text itself.
"""

from __future__ import annotations

import datetime as dt

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitekit
from htmlscan import Page, flat, scan
from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.model.record import Record
from litatlas.site.context import SiteContext as Renderer
from litatlas.site.pages.papers import paper_page

BASE_ID = "karnoub-2007-msc-ccl5-breast-metastasis"
TEXT_FIELDS = ["title", "journal", "summary", "notes", "ratio", "no_identifier_reason", "volume", "issue", "pages"]
LIST_FIELDS = ["authors", "findings", "molecules", "curators"]
EXTENSIONS = ["attr_list", "tables", "toc", "admonition"]
# What a record can hold once the validator has run: no control or invisible characters (they are refused).
PRINTABLE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), max_size=200)
MARKUP_PIECES = [*"<>&\"'`*_[]()!#|{}:\\-+=~^$%", "1.", "\n", "    ", "<script>", "</p>", "javascript:", "{{", "{%", "{:"]
MARKUP_PIECES += ["&#60;", "&lt;", "-->", "<!--", "]]>", "a", "b", " "]
HTMLISH = st.lists(st.sampled_from(MARKUP_PIECES), max_size=40).map("".join)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    atlas, _problems = load_atlas(load_settings(sitekit.ROOT), today=dt.date.today())
    assert atlas is not None
    return Renderer(atlas)


@pytest.fixture(scope="module")
def base(renderer: Renderer) -> Record:
    return next(record for record in renderer.records if record.id == BASE_ID)


def render(renderer: Renderer, record: Record) -> Page:
    text = paper_page(renderer, record)
    return scan(markdown.markdown(text, extensions=EXTENSIONS))


@pytest.fixture(scope="module")
def clean(renderer: Renderer, base: Record) -> Page:
    with_all = dict(base.data, ratio="1:1", notes="Plain notes.", no_identifier_reason="Plain reason text.")
    return render(renderer, Record(base.id, base.path, with_all, base.line, base.lines))


def _with(base: Record, field: str, value: str) -> Record:
    data = dict(base.data)
    data[field] = [value] if field in LIST_FIELDS else value
    return Record(base.id, base.path, data, base.line, base.lines)


def _check_inert(page: Page, clean: Page) -> None:
    assert page.pairs() <= clean.pairs(), page.pairs() - clean.pairs()
    assert page.classes() <= clean.classes(), page.classes() - clean.classes()
    for _tag, _name, value, _attrs in page.urls():
        assert value.split(":", 1)[0].lower() in ("http", "https") or ":" not in value.split("/", 1)[0], value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(TEXT_FIELDS + LIST_FIELDS), value=st.one_of(st.text(max_size=200), HTMLISH))
def test_any_string_renders_without_markup(renderer: Renderer, base: Record, clean: Page, field: str, value: str) -> None:
    _check_inert(render(renderer, _with(base, field, value)), clean)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(PRINTABLE, HTMLISH))
def test_title_and_summary_show_as_written(renderer: Renderer, base: Record, clean: Page, value: str) -> None:
    shown = flat(value)
    page = render(renderer, _with(_with(base, "title", value), "summary", value))
    _check_inert(page, clean)
    assert flat(page.h1) == shown
    assert shown in page.text
