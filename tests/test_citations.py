"""Citation formats of single records, each read back by an independent parser.

BibTeX: bibtexparser 2 (failed_blocks must stay empty) and pybtex, and pylatexenc to turn the LaTeX back into
text; RIS: rispy; COinS: the standard library's HTML and URL parsers; JSON-LD: json, after Python-Markdown
has rendered the paper page the way MkDocs does.
"""

from __future__ import annotations

import functools
import html
import html.parser
import json
import logging
from pathlib import Path
from urllib.parse import parse_qs

import bibtexparser
import markdown
import pytest
import rispy
from bibtexparser import middlewares
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.model.atlas import Atlas
from litatlas.model.record import Record
from litatlas.site import citations
from litatlas.site.context import SiteContext
from litatlas.site.pages.papers import paper_page

ROOT = Path(__file__).resolve().parents[1]
KARNOUB = "karnoub-2007-msc-ccl5-breast-metastasis"
# Python-Markdown with the extensions mkdocs.yml turns on: what MkDocs does to a generated page.
MD_EXTENSIONS = ["attr_list", "tables", "toc", "admonition"]

# bibtexparser logs every failed block at ERROR level: the tests look at failed_blocks instead.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def _latex_decoder() -> LatexNodes2Text:
    """pylatexenc's LaTeX-to-text, taught the three text-mode commands it does not know."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "litatlas-test",
        prepend=True,
        macros=[MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"), MacroTextSpec("textasciicircum", "^")],
    )
    return LatexNodes2Text(latex_context=context)


LATEX = _latex_decoder()


@functools.lru_cache(maxsize=1)
def bundled() -> Atlas:
    atlas, _problems = load_atlas(load_settings(ROOT))
    assert atlas is not None and atlas.records
    return atlas


def record(record_id: str = KARNOUB) -> Record:
    return next(r for r in bundled().records if r.id == record_id)


def make_record(**data: object) -> Record:
    base = {"title": "A title", "year": 2020, "type": "research-article", "effect": "promotes", "topics": ["growth"]}
    base.update({"summary": "A summary that is long enough.", "added": "2026-01-01"})
    base.update(data)
    return Record(str(data.get("id", "made-2020-record")), "made-2020-record.yml", base)


def parse_bibtex(text: str) -> tuple[bibtexparser.Library, object]:
    library = bibtexparser.parse_string(text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
    assert library.failed_blocks == [], text
    return library, parse_string(text, "bibtex")


def pages_of(value: str) -> str:
    return value.replace("--", "-")


def initials(given: str) -> str:
    return given.replace(".", "").replace(" ", "")


# ----- keys


def test_keys_are_readable_and_unique_across_the_atlas() -> None:
    keys = citations.citation_keys(bundled().records)
    assert keys[KARNOUB] == "karnoub2007mesenchymal"
    assert len(set(keys.values())) == len(keys) == len(bundled().records)
    for key in keys.values():
        assert key.isascii() and key.isalnum() and key == key.lower(), key


def test_a_later_look_alike_never_changes_an_older_key() -> None:
    old = make_record(id="smith-2010-a", authors=["Smith J"], title="Mesenchymal cells", added="2026-01-01", year=2010)
    new = make_record(id="aaa-smith-2010-b", authors=["Smith K"], title="Mesenchymal stroma", added="2026-02-01", year=2010)
    newer = make_record(id="aaa-smith-2010-c", authors=["Smith L"], title="The mesenchymal niche", added="2026-03-01", year=2010)
    assert citations.citation_keys([old]) == {"smith-2010-a": "smith2010mesenchymal"}
    keys = citations.citation_keys([newer, new, old])
    assert keys == {
        "smith-2010-a": "smith2010mesenchymal",
        "aaa-smith-2010-b": "smith2010mesenchymalb",
        "aaa-smith-2010-c": "smith2010mesenchymalc",
    }


def test_keys_fold_accents_particles_and_missing_authors() -> None:
    assert (
        citations.base_key(make_record(authors=["Dührsen L"], title="Preclinical analysis", year=2019))
        == "duhrsen2019preclinical"
    )
    assert citations.base_key(make_record(authors=["von Einem JC"], title="The treatment", year=2017)) == "voneinem2017treatment"
    assert citations.base_key(make_record(id="hong-2014-x", title="β-catenin and MSCs", year=2014)) == "hong2014beta"
    long_key = citations.base_key(
        make_record(authors=["<script>window.x</script>Evil AB"], title="</title><script>alert(1)</script>")
    )
    assert len(long_key) <= 2 * citations.KEY_PART_MAX + 4 and long_key.isalnum()


# ----- names


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Karnoub AE", citations.Name(family="Karnoub", initials="AE")),
        ("von Einem JC", citations.Name(family="von Einem", initials="JC")),
        ("Hall RR 3rd", citations.Name(family="Hall", initials="RR", suffix="3rd")),
        ("Abdel aziz MT", citations.Name(family="Abdel aziz", initials="MT")),
        ("TREAT-ME1 Study Group", citations.Name(literal="TREAT-ME1 Study Group")),
        ("Shah K", citations.Name(family="Shah", initials="K")),
    ],
)
def test_pubmed_names_split_into_parts(author: str, expected: citations.Name) -> None:
    assert citations.parse_name(author) == expected


# ----- BibTeX of every bundled record


@pytest.mark.parametrize("rec", bundled().records, ids=lambda r: r.id)
def test_bibtex_of_every_record_parses_and_matches(rec: Record) -> None:
    key = citations.citation_keys(bundled().records)[rec.id]
    text = citations.bibtex(rec, key)
    library, pybtex_data = parse_bibtex(text)
    assert [e.key for e in library.entries] == [key] and list(pybtex_data.entries) == [key]
    fields = {f.key: f.value for f in library.entries[0].fields}
    theirs = pybtex_data.entries[key]
    assert LATEX.latex_to_text(fields["title"]) == citations.one_line(rec.title)
    assert theirs.fields["title"] == fields["title"]
    assert fields["year"] == str(rec.year)
    if rec.get("journal"):
        assert library.entries[0].entry_type == "article"
        assert LATEX.latex_to_text(fields["journal"]) == rec["journal"]
    for bib_field, record_field in (
        ("volume", "volume"),
        ("number", "issue"),
        ("doi", "doi"),
        ("pmid", "pmid"),
        ("pmcid", "pmcid"),
    ):
        assert fields.get(bib_field) == rec.get(record_field), bib_field
    if rec.get("pages"):
        assert pages_of(fields["pages"]) == rec["pages"]
    authors = [citations.parse_name(a) for a in rec.list("authors")]
    people = theirs.persons.get("author", [])
    parsed = fields.get("author", [])
    extra = 1 if rec.get("authors_incomplete") else 0
    assert len(people) == len(parsed) == len(authors) + extra
    for name, person, parts in zip(authors, people, parsed):
        if name.literal:
            assert parts.last == ["{" + name.literal + "}"]
            continue
        assert " ".join(person.prelast_names + person.last_names) == name.family
        assert " ".join(parts.von + parts.last) == name.family
        assert initials(" ".join(person.first_names + person.middle_names)) == initials(" ".join(parts.first)) == name.initials
        assert " ".join(person.lineage_names) == " ".join(parts.jr) == name.suffix
    if extra:
        assert str(people[-1]) == "others"


def test_bibtex_protects_capitals_of_acronyms_only() -> None:
    text = citations.bibtex_title("Stem Cell-Based carriers of IL-12 and mRNA in MSCs")
    assert text == "Stem Cell-Based carriers of {IL-12} and {mRNA} in {MSCs}"


def test_bibtex_keeps_tex_ligatures_apart() -> None:
    assert citations.bibtex_escape("a--b ``q'' ?`") == "a-{}-b `{}`q'{}' ?{}`"


# ----- the property: any title gives BibTeX that both parsers read back to the same text

_TRICKY = st.sampled_from(
    ["\\", "{", "}", "%", "&", "$", "#", "_", "~", "^", "@", ",", "=", '"', "\x85", "\u2028", "--", "``", "''"]
)


@settings(max_examples=300, deadline=None)
@given(title=st.one_of(st.text(), st.lists(st.one_of(_TRICKY, st.text(max_size=3))).map("".join)))
@example(title="ends in a backslash\\")
@example(title="{unbalanced")
@example(title="closing} brace")
@example(title="50% of 100% & $5 #1 a_b ~x ^y")
@example(title="next line\x85here")
@example(title="x\n@article{evil,\n title={a}}")
def test_any_title_gives_bibtex_both_parsers_accept_with_the_same_text(title: str) -> None:
    rec = make_record(title=title, journal=title, authors=["Karnoub AE", title or "x"])
    text = citations.bibtex(rec, "made2020title")
    library, pybtex_data = parse_bibtex(text)
    assert len(library.entries) == 1 and list(pybtex_data.entries) == ["made2020title"]
    ours = library.entries[0].fields_dict["title"].value
    theirs = pybtex_data.entries["made2020title"].fields["title"]
    assert ours == theirs
    assert LATEX.latex_to_text(ours) == citations.one_line(title)
    assert len(pybtex_data.entries["made2020title"].persons["author"]) == (2 if citations.one_line(title or "x") else 1)


# ----- RIS


@pytest.mark.parametrize("rec", bundled().records, ids=lambda r: r.id)
def test_ris_of_every_record_parses_and_matches(rec: Record) -> None:
    text = citations.ris(rec)
    assert text.startswith("TY  - ") and text.endswith("ER  - \n")
    [entry] = rispy.loads(text)
    assert entry["type_of_reference"] == ("JOUR" if rec.get("journal") else "GEN")
    assert entry["title"] == rec.title
    assert entry["year"] == str(rec.year)
    assert entry.get("journal_name") == rec.get("journal")
    assert entry.get("volume") == rec.get("volume")
    assert entry.get("number") == rec.get("issue")
    assert entry.get("doi") == rec.get("doi")
    assert entry.get("accession_number") == rec.get("pmid")
    assert entry.get("authors", []) == [citations.ris_name(citations.parse_name(a)) for a in rec.list("authors")]
    if rec.get("pages"):
        first, last = entry["start_page"], entry.get("end_page")
        assert (f"{first}-{last}" if last else first) == rec["pages"]
    assert entry.get("urls", []) == ([citations.primary_url(rec)] if citations.primary_url(rec) else [])


def test_ris_values_stay_on_one_line() -> None:
    rec = make_record(title="Line one\nTY  - JOUR\r\nER  - \x85end", journal="J\nX")
    [entry] = rispy.loads(citations.ris(rec))
    assert entry["title"] == "Line one TY - JOUR ER - end"


# ----- COinS


class _SpanReader(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.spans: list[dict[str, str | None]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "span" and ("class", "Z3988") in attrs:
            self.spans.append(dict(attrs))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def read_html(text: str) -> _SpanReader:
    reader = _SpanReader()
    reader.feed(text)
    reader.close()
    return reader


def test_coins_span_holds_an_openurl_context_object() -> None:
    rec = record()
    [span] = read_html(citations.coins_span(rec)).spans
    query = parse_qs(span["title"] or "", keep_blank_values=True)
    assert query["ctx_ver"] == ["Z39.88-2004"]
    assert query["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
    assert query["rft.atitle"] == [rec.title]
    assert query["rft.jtitle"] == ["Nature"]
    assert query["rft.date"] == ["2007"]
    assert query["rft.spage"] == ["557"] and query["rft.epage"] == ["563"]
    assert query["rft.aulast"] == ["Karnoub"]
    assert len(query["rft.au"]) == len(rec.list("authors"))
    assert set(query["rft_id"]) == {"info:doi/10.1038/nature06188", "info:pmid/17914389"}


def test_coins_of_hostile_text_stays_one_attribute() -> None:
    title = '"><script>alert(1)</script>&amp; 100% \x85'
    [span] = read_html(citations.coins_span(make_record(title=title, doi='10.1234/"><b>'))).spans
    assert parse_qs(span["title"] or "")["rft.atitle"] == [citations.one_line(title)]
    attribute = citations.coins_span(make_record(title=title)).split('title="', 1)[1].split('"', 1)[0]
    assert not set('<>"') & set(attribute)


# ----- JSON-LD


def test_script_json_cannot_end_its_script_element() -> None:
    data = {"t": "</script><!-- <script> & \u2028 \u2029 ]]>"}
    text = citations.script_json(data)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == data


@pytest.mark.parametrize(
    "data",
    [
        {"t": "{{ config }} {% raw %}", "n": [{"x": "}"}, {"y": "<b>"}]},
        {"only": "{"},
        {"only": "}"},
        {"k{": ["{}", "a & b"]},
        [{"a": "plain"}, {"b": {"c": "</script>"}}],
        {"plain": "no special characters", "nested": {"list": ["x", "y"]}},
    ],
)
def test_script_json_escapes_braces_inside_strings_only(data: object) -> None:
    text = citations.script_json(data)
    assert json.loads(text) == data
    assert not set("<>&") & set(text)
    # Every brace left in the text is JSON's own: one pair per object.
    objects = text.count("{")
    assert objects == text.count("}") == json.dumps(data).count("{") - sum(s.count("{") for s in _strings(data))


def _strings(data: object) -> list[str]:
    if isinstance(data, dict):
        return [*data.keys(), *(s for v in data.values() for s in _strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [data] if isinstance(data, str) else []


@functools.lru_cache(maxsize=1)
def bundled_context() -> SiteContext:
    return SiteContext(bundled())


def _paper_html(rec: Record, atlas: Atlas | None = None) -> str:
    page = paper_page(SiteContext(atlas) if atlas else bundled_context(), rec)
    return markdown.markdown(page, extensions=MD_EXTENSIONS)


def _json_ld(page_html: str) -> dict:
    scripts = [text for attrs, text in read_html(page_html).scripts if attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    return json.loads(scripts[0])


def _periodical(container: dict) -> dict:
    while container.get("@type") != "Periodical":
        container = container["isPartOf"]
    return container


def test_paper_page_json_ld_describes_a_webpage_about_the_article() -> None:
    rec = record()
    data = _json_ld(_paper_html(rec))
    assert data["@context"] == "https://schema.org" and data["@type"] == "WebPage"
    assert data["url"] == f"https://litatlas.github.io/msc-cancer-atlas/papers/{KARNOUB}/"
    article = data["about"]
    assert article["@type"] == "ScholarlyArticle"
    assert article["headline"] == rec.title
    assert article["datePublished"] == "2007"
    assert _periodical(article["isPartOf"])["name"] == "Nature"
    assert {(i["propertyID"], i["value"]) for i in article["identifier"]} == {
        ("DOI", "10.1038/nature06188"),
        ("PMID", "17914389"),
    }
    assert "https://doi.org/10.1038/nature06188" in article["sameAs"]
    assert [a["familyName"] for a in article["author"]][:2] == ["Karnoub", "Dash"]


@pytest.mark.parametrize("rec", bundled().records, ids=lambda r: r.id)
def test_every_paper_page_has_json_ld_and_coins_with_its_identifiers(rec: Record) -> None:
    page_html = _paper_html(rec)
    article = _json_ld(page_html)["about"]
    identifiers = {i["propertyID"]: i["value"] for i in article.get("identifier", [])}
    assert identifiers.get("DOI") == rec.get("doi")
    assert identifiers.get("PMID") == rec.get("pmid")
    assert article["headline"] == citations.one_line(rec.title)
    [span] = read_html(page_html).spans
    assert parse_qs(span["title"] or "")["rft.atitle"] == [citations.one_line(rec.title)]


def test_hostile_record_text_stays_data_in_the_paper_page() -> None:
    atlas = bundled()
    evil = make_record(
        id="evil-2020-record",
        title='</script><script>alert("t")</script> MSCs & <b>tumours</b>',
        authors=['<img src=x onerror="alert(1)"> AB'],
        journal="</div><script>alert(2)</script>",
        doi='10.1234/"><script>alert(3)</script>',
        pmid="31000099",
    )
    hostile = Atlas(atlas.settings, atlas.config, [*atlas.records, evil], atlas.intros)
    page_html = _paper_html(evil, hostile)
    reader = read_html(page_html)
    assert [attrs.get("type") for attrs, _text in reader.scripts] == ["application/ld+json"]
    data = _json_ld(page_html)
    assert data["about"]["headline"] == evil.title
    assert data["about"]["identifier"][0]["value"] == evil["doi"]
    assert "<img" not in page_html.split('<div class="la-cite">', 1)[1].split("</div>", 1)[0]


def test_copy_button_and_bibtex_block_on_the_paper_page() -> None:
    rec = record()
    page = paper_page(bundled_context(), rec)
    assert (
        '<button type="button" class="md-button la-copy" data-la-copy="bibtex" style="display: none">Copy BibTeX</button>' in page
    )
    assert f'<a href="../{KARNOUB}.bib">BibTeX (.bib)</a>' in page and f'<a href="../{KARNOUB}.ris">RIS (.ris)</a>' in page
    block = page.split('<details class="la-bibtex"><summary>BibTeX</summary><pre><code>', 1)[1].split("</code></pre>", 1)[0]
    assert html.unescape(block) + "\n" == citations.bibtex(rec, "karnoub2007mesenchymal")
