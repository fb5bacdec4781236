"""RIS, BibTeX, CSL-JSON and PubMed-page parsers: every field of real references, and FILE:LINE errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from litatlas.contrib.importing import ImportFailed, detect_format, parse_file, parse_text, read_text

FIXTURES = Path(__file__).parent / "fixtures"
HONG_TITLE = "Mesenchymal stem cells and cancer: friends or enemies?"
HONG_KEYWORDS = ["Gene therapy", "Immune surveillance", "Mesenchymal stem cells", "Prodrug", "Tropism", "Tumor microenvironments"]

Fields = dict[str, object]
Bibliographic = Callable[[object], Fields]
ParseError = Callable[..., ImportFailed]
Expected = Callable[..., Fields]


# ---------------------------------------------------------------------------------------------- RIS


def test_ris_every_field(bibliographic: Bibliographic, expected: Expected, mishra_fields: Fields) -> None:
    path = FIXTURES / "mishra-tsujimura.ris"
    refs = parse_file(path)
    assert [bibliographic(r) for r in refs] == [
        mishra_fields | {"journal": "Cancer Research"},
        expected(
            title="Cell-based interferon gene therapy using proliferation-controllable, interferon-releasing "
            "mesenchymal stem cells",
            authors=["Tsujimura M", "Kusamori K", "Katsumi H", "Sakane T", "Yamamoto A", "Nishikawa M"],
            journal="Scientific Reports",
            year=2019,
            volume="9",
            pages="18869",
            doi="10.1038/s41598-019-55269-6",
            pmid="31827180",
            pmcid="PMC6906518",
            type="research-article",
        ),
    ]
    assert [r.source_line for r in refs] == [1, 26]
    assert detect_format("export.txt", read_text(path)) == "ris"


# -------------------------------------------------------------------------------------------- errors

# (file name, text, line of the error, words of the message): RIS, then BibTeX, then CSL-JSON.
PARSE_ERRORS = [
    ("bad.ris", "TY  - JOUR\nTI  - A title\nPY  - 2008\n", 1, "not closed"),
    ("bad.ris", "TY  - JOUR\nTI  - A title\nPY  - 2008\nTY  - JOUR\nER  - \n", 1, "not closed"),
    ("bad.ris", "Provider: a tool\nTY  - JOUR\nER  - \n", 1, "outside a RIS record"),
    ("bad.ris", "TY  - JOUR\nTI - A title\nER  - \n", 2, "malformed RIS tag"),
    ("bad.ris", "TY  - JOUR\nPY  - 2008\nER  - \n", 1, "no title"),
    ("bad.ris", "TY  - JOUR\nTI  - A title\nER  - \n", 1, "no publication year"),
    ("bad.ris", "\n\n", 1, "no RIS records"),
    # A missing closing brace: bibtexparser keeps it in failed_blocks instead of raising.
    (
        "bad.bib",
        "@article{a,\n  title = {Ok},\n  year = 2019\n}\n\n@article{b,\n  title = {unclosed,\n  year = 2019\n\n"
        "@article{c, title = {C}, year = 2019}\n",
        6,
        "could not be parsed",
    ),
    ("bad.bib", "@article{a, title = {A}, year = 2019}\n@article{a, title = {B}, year = 2019}\n", 2, "Duplicate entry key"),
    ("bad.bib", "@article{a, title = {A}, title = {B}, year = 2019}\n", 1, "Duplicate field"),
    ("bad.bib", "@article{a,\n  year = 2019\n}\n", 1, "has no title"),
    ("bad.bib", "@article{a,\n  title = {A title}\n}\n", 1, "has no year"),
    ("bad.bib", "nothing here\n", 1, "no BibTeX entries"),
    ("bad.json", '[\n  {"title": "A", "issued": {"date-parts": [[2010]]}},\n  {"title": "B",\n}\n]\n', 4, "invalid JSON"),
    ("bad.json", '[\n  {"title": "A", "issued": {"date-parts": [[2010]]}},\n  "just text"\n]\n', 3, "not an object"),
    ("bad.json", '[\n  {"issued": {"date-parts": [[2010]]}}\n]\n', 2, "no title"),
    ("bad.json", '[\n  {"title": "A title"}\n]\n', 2, "no publication year"),
    ("bad.json", "[]", 1, "no CSL-JSON items"),
]


@pytest.mark.parametrize(("name", "text", "line", "words"), PARSE_ERRORS)
def test_parse_errors(parse_error: ParseError, name: str, text: str, line: int, words: str) -> None:
    failure = parse_error(name, text)
    assert failure.line == line
    assert words in failure.message


# ------------------------------------------------------------------------------------------- BibTeX


def test_bibtex_every_field_with_latex_decoded(bibliographic: Bibliographic, expected: Expected) -> None:
    refs = parse_file(FIXTURES / "duhrsen-voneinem-spaeth.bib")
    assert [bibliographic(r) for r in refs] == [
        expected(
            title="Preclinical analysis of human mesenchymal stem cells: tumor tropism and therapeutic "
            "efficiency of local HSV-TK suicide gene therapy in glioblastoma",
            authors=[
                "Dührsen L",
                "Hartfuß S",
                "Hirsch D",
                "Geiger S",
                "Maire CL",
                "Sedlacik J",
                "Guenther C",
                "Westphal M",
                "Lamszus K",
                "Hermann FG",
                "Schmidt NO",
            ],
            journal="Oncotarget",
            year=2019,
            volume="10",
            pages="6049-6061",
            doi="10.18632/oncotarget.27071",
            type="research-article",
        ),
        expected(
            title="Treatment of advanced gastrointestinal cancer with genetically modified autologous "
            "mesenchymal stem cells - TREAT-ME-1 - a phase I, first in human, first in class trial",
            authors=[
                "von Einem JC",
                "Peter S",
                "Günther C",
                "Volk HD",
                "Grütz G",
                "Salat C",
                "Stötzer O",
                "Nelson PJ",
                "Michl M",
                "Modest DP",
                "Holch JW",
                "Angele M",
                "Bruns C",
                "Niess H",
                "Heinemann V",
            ],
            journal="Oncotarget",
            year=2017,
            volume="8",
            issue="46",
            pages="80156-80166",
            doi="10.18632/oncotarget.20964",
            pmid="29113291",
            type="research-article",
        ),
        expected(
            title="Mesenchymal Stem Cell Transition to Tumor-Associated Fibroblasts Contributes to "
            "Fibrovascular Network Expansion and Tumor Progression",
            authors=["Spaeth EL", "Dembinski JL", "Sasser AK", "Watson K", "Klopp A", "Hall B"],
            authors_incomplete=True,  # 'and others'
            journal="PLoS One",
            year=2009,
            volume="4",
            issue="4",
            pages="e4992",
            doi="10.1371/journal.pone.0004992",
            pmcid="PMC2661372",
            type="research-article",
        ),
    ]
    assert [r.source_line for r in refs] == [2, 15, 30]


def test_bibtex_biblatex_fields_and_pubmed_eprint(bibliographic: Bibliographic, loebinger_fields: Fields) -> None:
    text = (
        "@article{loebinger2010,\n  author = {Loebinger, M. R. and Janes, S. M.},\n"
        "  title = {Stem cells as vectors for antitumour therapy},\n  journaltitle = {Thorax},\n"
        "  date = {2010},\n  volume = {65},\n  issue = {4},\n  pages = {362--369},\n"
        "  doi = {https://doi.org/10.1136/thx.2009.128025},\n  eprinttype = {pubmed},\n  eprint = {20388765},\n}\n"
    )
    (ref,) = parse_text("x.bib", text)
    # No PMCID in the entry, and no publication type: an article.
    assert bibliographic(ref) == loebinger_fields | {"pmcid": None, "type": "research-article"}


# ----------------------------------------------------------------------------------------- CSL-JSON


def test_csl_json_every_field(bibliographic: Bibliographic, loebinger_fields: Fields, karnoub_fields: Fields) -> None:
    path = FIXTURES / "loebinger-karnoub.json"
    refs = parse_file(path)
    # CSL-JSON's 'article-journal' says nothing of a review: both are articles.
    assert [bibliographic(r) for r in refs] == [loebinger_fields | {"type": "research-article"}, karnoub_fields]
    assert [r.source_line for r in refs] == [2, 20]
    assert detect_format("items.txt", read_text(path)) == "csl-json"


def test_csl_json_single_object_and_literal_names() -> None:
    item = {
        "type": "article-journal",
        "title": "Stem cells as vectors for antitumour therapy",
        "author": [{"literal": "Michael R Loebinger"}],
        "issued": {"raw": "2010"},
    }
    (ref,) = parse_text("one.json", json.dumps(item))
    assert ref.authors == ["Loebinger MR"] and ref.year == 2010


# ------------------------------------------------------------------------------------- PubMed pages


@pytest.mark.parametrize(
    ("name", "page_fields", "source_line"),
    [
        # The old page (the shared example) names no authors, no PMID and no publication type: those stay empty.
        ("hong2014-old-layout.txt", {}, 4),
        # The new page names the PMID and the type; its reference starts where the journal line starts.
        ("hong2014-new-layout.txt", {"pmid": "24512984", "type": "review"}, 8),
    ],
)
def test_pubmed_page_hong(
    name: str, page_fields: Fields, source_line: int, bibliographic: Bibliographic, expected: Expected
) -> None:
    path = FIXTURES / name
    assert detect_format(path, read_text(path)) == "pubmed-page"
    (ref,) = parse_file(path)
    assert bibliographic(ref) == expected(
        title=HONG_TITLE,
        journal="Mutat Res",
        year=2014,
        volume="768",
        pages="98-106",
        doi="10.1016/j.mrfmmm.2014.01.006",
        **page_fields,
    )
    assert ref.keywords == HONG_KEYWORDS
    assert ref.source_line == source_line


@pytest.mark.parametrize("name", ["mishra2008-new-layout.txt", "mishra2008-old-layout.txt"])
def test_pubmed_page_with_authors(name: str, bibliographic: Bibliographic, mishra_fields: Fields) -> None:
    (ref,) = parse_file(FIXTURES / name)
    # The page names no publication type: that stays empty.
    assert bibliographic(ref) == mishra_fields | {"type": None}
    assert ref.keywords == []


def test_pubmed_page_without_citation_line(parse_error: ParseError) -> None:
    failure = parse_error("page.txt", f"{HONG_TITLE}\nAuthor information\n", "pubmed-page")
    assert failure.line == 1 and "citation line" in failure.message


def test_pubmed_page_without_title(parse_error: ParseError) -> None:
    text = "Send to\nMutat Res. 2014 Oct;768:98-106. doi: 10.1016/j.mrfmmm.2014.01.006.\n\nAuthor information\n"
    failure = parse_error("page.txt", text)
    assert failure.line == 2 and "no title" in failure.message


# -------------------------------------------------------------------------------------- detection


def test_unknown_format_and_unreadable_bytes(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as failure:
        detect_format("notes.txt", "Some notes about a paper\nwith nothing to import\n")
    assert failure.value.line == 1 and "--format" in failure.value.message
    latin1 = tmp_path / "latin1.ris"
    latin1.write_bytes(b"TY  - JOUR\nTI  - D\xfchrsen\nER  - \n")
    with pytest.raises(ImportFailed) as failure:
        parse_file(latin1)
    assert failure.value.line == 2 and "UTF-8" in failure.value.message
