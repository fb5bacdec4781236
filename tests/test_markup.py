"""litatlas.model.text: record text is inert in the Markdown and HTML it lands in; links are only ever http(s).

The property tests render the golden fixture atlas with arbitrary text in one record's title, summary and
findings, convert every page with the `markdown` library and the extensions of mkdocs.yml, and check that
the HTML has exactly the elements and attributes the templates emit, whatever the text.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from litatlas.model import text as markup
from litatlas.model.atlas import Atlas
from litatlas.model.record import Record
from litatlas.site import context as render
from litatlas.site.build import render_pages
from test_golden import load_golden_atlas

ROOT = Path(__file__).resolve().parents[1]
FUZZED_ID = "alpha-2007-stroma-breast-metastasis"

# ----- text()


@pytest.mark.parametrize("char", list("\\`*_{}[]<>#|!&\"'~^=$:"))
def test_text_turns_every_markup_character_into_a_reference(char: str) -> None:
    assert markup.md(f"a{char}b") == f"a&#{ord(char)};b"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<script>alert(1)</script>", "&#60;script&#62;alert(1)&#60;/script&#62;"),
        ("[link](javascript:x)", "&#91;link&#93;(javascript&#58;x)"),
        ("{{ 7*7 }}", "&#123;&#123; 7&#42;7 &#125;&#125;"),
        ("{% raw %}", "&#123;% raw %&#125;"),
        ("a | b", "a &#124; b"),
        ("# heading", "&#35; heading"),
        ("*stars*", "&#42;stars&#42;"),
        ("&amp;", "&#38;amp;"),
        ("{: .cls }", "&#123;&#58; .cls &#125;"),
        ("TGF-β1 and IFN-γ", "TGF-β1 and IFN-γ"),
        ("plain text, with commas (and parentheses).", "plain text, with commas (and parentheses)."),
    ],
)
def test_text_escapes_markup(raw: str, expected: str) -> None:
    assert markup.md(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("- item", "&#45; item"),
        ("+ item", "&#43; item"),
        ("1. item", "&#49;. item"),
        ("12) item", "&#49;&#50;) item"),
        (". dot", "&#46; dot"),
        ("2007 was a year", "2007 was a year"),
        ("a - b", "a - b"),
    ],
)
def test_text_neutralises_block_syntax_at_the_start(raw: str, expected: str) -> None:
    assert markup.md(raw) == expected


def test_text_drops_control_characters() -> None:
    # Markdown deletes STX/ETX before parsing: left in, they would turn '\x03--' into a list item or rule.
    assert markup.md("\x03--") == "&#45;-"
    assert markup.md("\x02- item") == "&#45; item"
    assert markup.md("a\x00b\x07c\x7fd\x9fe") == "abcde"


def test_text_makes_one_line() -> None:
    assert markup.md("  first\nsecond\r\n\tthird  \n\n# fourth ") == "first second third &#35; fourth"


def test_text_returns_markup_and_keeps_markup_as_is() -> None:
    escaped = markup.md("<b>")
    assert isinstance(escaped, Markup)
    assert markup.md(escaped) is escaped
    assert markup.md(Markup("<b>ok</b>")) == "<b>ok</b>"
    assert markup.md(2007) == "2007"


def test_finalize_prints_none_as_nothing_and_escapes_the_rest() -> None:
    assert markup.finalize(None) == ""
    assert markup.finalize("<i>") == "&#60;i&#62;"


def test_link_escapes_the_label_only() -> None:
    assert markup.md_link("a [b] *c*", "../papers/x.md") == "[a &#91;b&#93; &#42;c&#42;](../papers/x.md)"


# ----- url() and identifier links


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "DATA:text/html,<script>",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "//example.org/x",
        "example.org",
        "",
        " https://example.org/",
    ],
)
def test_url_refuses_anything_but_http_and_https(address: str) -> None:
    with pytest.raises(ValueError, match="only http and https"):
        markup.url(address)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("https://example.org/a/b?x=1&y=2#top", "https://example.org/a/b?x=1&y=2#top"),
        ("http://example.org/", "http://example.org/"),
        ("HTTPS://EXAMPLE.ORG/", "HTTPS://EXAMPLE.ORG/"),
        ("https://example.org/a b", "https://example.org/a%20b"),
        ('https://example.org/"onmouseover=x', "https://example.org/%22onmouseover=x"),
        ("https://example.org/(x)<y>'z'`\\", "https://example.org/%28x%29%3Cy%3E%27z%27%60%5C"),
        ("https://example.org/ü", "https://example.org/%C3%BC"),
    ],
)
def test_url_percent_encodes_what_could_end_a_link_or_attribute(address: str, expected: str) -> None:
    assert markup.url(address) == expected


@given(rest=st.text(max_size=80))
def test_url_output_never_breaks_out_of_a_markdown_link_or_html_attribute(rest: str) -> None:
    address = markup.url("https://" + rest)
    assert address.startswith("https://")
    assert not re.search(r"[\s()<>\"'`\\\[\]{}|^]", address), address
    assert address.isascii()


def test_identifier_urls() -> None:
    assert markup.doi_url("10.1038/nature06188") == "https://doi.org/10.1038/nature06188"
    assert (
        markup.doi_url("10.1002/(SICI)1097-4644(199603)60:3<374::AID-JCB9>3.0.CO;2-O")
        == "https://doi.org/10.1002/%28SICI%291097-4644%28199603%2960:3%3C374::AID-JCB9%3E3.0.CO;2-O"
    )
    assert markup.pubmed_url("17914389") == "https://pubmed.ncbi.nlm.nih.gov/17914389/"
    assert markup.pmc_url("PMC1234567") == "https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/"
    assert markup.pubmed_url("1/../../x") == "https://pubmed.ncbi.nlm.nih.gov/1%2F..%2F..%2Fx/"


# ----- slug()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CCL5", "ccl5"),
        ("TGF-β1", "tgf-beta1"),
        ("IFN-γ", "ifn-gamma"),
        ("NF-κB", "nf-kappab"),
        ("IL-6", "il-6"),
        ("PI3K/Akt", "pi3k-akt"),
        ("  Wnt  signalling ", "wnt-signalling"),
        ("<b>IL-6</b>", "b-il-6-b"),
        ("Müller", "muller"),
        ("../../etc/passwd", "etc-passwd"),
    ],
)
def test_slug(value: str, expected: str) -> None:
    assert markup.slug(value) == expected


def test_slug_of_text_without_latin_letters_is_still_a_name() -> None:
    assert markup.slug("日本") == "term-65e5-672c"
    assert markup.slug("日本") != markup.slug("中国")


@given(value=st.text(min_size=1, max_size=60))
def test_slug_is_always_a_safe_file_name(value: str) -> None:
    slug = markup.slug(value)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug), slug
    assert ".." not in slug and "/" not in slug


# ----- any record text renders to inert HTML


def _markdown_extensions() -> tuple[list[str], dict[str, Any]]:
    """The markdown_extensions of the repository's mkdocs.yml, as the markdown library takes them."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict):
            ((name, options),) = entry.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(entry)
    return names, configs


EXTENSIONS, EXTENSION_CONFIGS = _markdown_extensions()


_MARKDOWN = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def to_html(text: str) -> str:
    return _MARKDOWN.reset().convert(text)


class _Structure(HTMLParser):
    """The elements of an HTML page, each with its attribute names, and every link target."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: Counter[tuple[str, tuple[str, ...]]] = Counter()
        self.hrefs: list[str] = []
        self.h1: list[str] = []
        self._in_h1 = False
        self._in_permalink = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements[(tag, tuple(sorted(name for name, _ in attrs)))] += 1
        self.hrefs.extend(value or "" for name, value in attrs if name in ("href", "src"))
        if tag == "h1":
            self._in_h1 = True
        if tag == "a" and ("class", "headerlink") in attrs:
            self._in_permalink = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False
        if tag == "a":
            self._in_permalink = False

    def handle_data(self, data: str) -> None:
        if self._in_h1 and not self._in_permalink:
            self.h1.append(data)


def structure(page: str) -> _Structure:
    parser = _Structure()
    parser.feed(to_html(page))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return load_golden_atlas()


@pytest.fixture(scope="module", autouse=True)
def compile_templates_once() -> Iterator[None]:
    """Share one Jinja environment between renders: compiling the templates is most of a small render's time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "_environment", functools.lru_cache(maxsize=1)(render._environment))
        yield


def with_text(atlas: Atlas, title: str, summary: str, finding: str) -> Atlas:
    """The atlas with one record's title, summary and first finding replaced (validation is deliberately bypassed)."""
    records = []
    for record in atlas.records:
        if record.id == FUZZED_ID:
            data = {**record.data, "title": title, "summary": summary, "findings": [finding, "A second, plain finding."]}
            record = Record(record.id, record.path, data, record.line, record.lines)
        records.append(record)
    return dataclasses.replace(atlas, records=records)


@dataclasses.dataclass(repr=False)
class Baseline:
    """The Markdown pages when the record's text is plain, and the HTML structure of each."""

    pages: dict[str, str]
    structure: dict[str, _Structure]

    def __repr__(self) -> str:  # keeps failure reports short
        return f"<baseline of {len(self.pages)} pages>"


@pytest.fixture(scope="module")
def baseline(atlas: Atlas) -> Baseline:
    pages = render_pages(with_text(atlas, "Plain title", "Plain summary.", "Plain finding."))
    return Baseline(pages, {path: structure(text) for path, text in pages.items() if path.endswith(".md")})


# Text that must show on the page, never act: a sample of what the property below draws at random.
MARKUP_SAMPLES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:x">x</a>',
    "[link](javascript:alert(1))",
    "![img](https://example.org/x.png)",
    "<https://example.org>",
    "{{ 7*7 }} {% if x %}y{% endif %}",
    "| a | b |\n| --- | --- |\n| c | d |",
    "# heading\n\n## another",
    "*stars* **bold** _under_ `code`",
    "x {: onclick='alert(1)' } y",
    "{ #id .class onclick=x }",
    "!!! note\n    admonition",
    "    indented code",
    "---",
    "1. one\n2. two",
    "&lt;script&gt; &#60; &amp;",
    "[^1]: footnote",
    "[ref]: javascript:alert(1)",
    "\\*escaped\\*",
    "<!-- comment -->",
    "<div markdown=1>*x*</div>",
    "\x02wzxhzdk:0\x03",
    "\u202eevil\u202c",
    "\x03--",
    "\x02- item \x03",
]


# Facet value pages share one table template with browse/all.md: checking that page covers them.
_FACET_VALUE_PAGE = re.compile(r"^browse/[^/]+/[^/]+\.md$")


def _visible(text: str) -> str:
    """Text as a reader sees it: whitespace collapsed, control characters (which Markdown drops) removed."""
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Cc" or c.isspace()).split())


def _check_inert(atlas: Atlas, baseline: Baseline, title: str, summary: str, finding: str, *, every_page: bool = True) -> None:
    pages = render_pages(with_text(atlas, title, summary, finding))
    assert set(pages) == set(baseline.pages)
    allowed_hrefs = {href for page in baseline.structure.values() for href in page.hrefs}
    changed = [path for path, text in pages.items() if path.endswith(".md") and text != baseline.pages[path]]
    assert f"papers/{FUZZED_ID}.md" in changed and "browse/all.md" in changed
    for path in changed:
        if not every_page and _FACET_VALUE_PAGE.match(path):
            continue
        found = structure(pages[path])
        assert found.elements == baseline.structure[path].elements, f"{path}: elements differ from the template's"
        for href in found.hrefs:
            # Heading permalinks point at ids that toc derives from the (escaped) heading text.
            assert href in allowed_hrefs or href.startswith("#"), f"{path}: unexpected link {href!r}"
    # The title reaches the reader as the same text.
    paper = structure(pages[f"papers/{FUZZED_ID}.md"])
    assert _visible("".join(paper.h1)) == _visible(title)


@pytest.mark.parametrize("start", range(0, len(MARKUP_SAMPLES), 3))
def test_markup_looking_text_stays_text(atlas: Atlas, baseline: Baseline, start: int) -> None:
    title, summary, finding = (MARKUP_SAMPLES[(start + i) % len(MARKUP_SAMPLES)] for i in range(3))
    _check_inert(atlas, baseline, f"Title {title} end", summary, finding)


def _shows_something(text: str) -> bool:
    """At least one character a reader would see (an empty paragraph is left out of the page, as it should be)."""
    return any(unicodedata.category(c)[0] not in "CZ" for c in text)


_TEXT = st.text(min_size=1, max_size=120).filter(_shows_something)
# Text assembled from pieces of Markdown, HTML, attribute-list and template syntax, and single characters.
_PIECES = [
    "<script>",
    "</script>",
    "<b>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:x'>",
    "</a>",
    "<!--",
    "-->",
    "[x](javascript:y)",
    "[x]",
    "(https://example.org)",
    "![i](https://example.org/i.png)",
    "<https://example.org>",
    "{: .c onclick=x }",
    "{ #id }",
    "{{",
    "}}",
    "{%",
    "%}",
    "*",
    "**",
    "_",
    "`",
    "~~",
    "# ",
    "## ",
    "\n",
    "\n\n",
    "|",
    " | ",
    "- ",
    "1. ",
    "> ",
    "---",
    "!!! note",
    "    ",
    "\t",
    "\\",
    "&amp;",
    "&#60;",
    "&",
    ";",
    ":",
    "=",
    "'",
    '"',
    " ",
    "a",
    "x",
    "javascript:",
    "data:",
    "\x02",
    "\x03",
    "é",
    "β",
    "\u202e",
]
_MARKUP_HEAVY = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=25).map("".join).filter(_shows_something)
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.one_of(_TEXT, _MARKUP_HEAVY), summary=st.one_of(_TEXT, _MARKUP_HEAVY), finding=st.one_of(_TEXT, _MARKUP_HEAVY))
def test_any_text_renders_without_html_of_its_own(
    atlas: Atlas, baseline: Baseline, title: str, summary: str, finding: str
) -> None:
    _check_inert(atlas, baseline, title, summary, finding, every_page=False)


def test_html_unescape_round_trip_of_escaped_text() -> None:
    for sample in MARKUP_SAMPLES:
        assert html.unescape(str(markup.md(sample))) == _visible(sample)
