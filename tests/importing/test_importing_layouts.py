"""Intake of what people paste: every PubMed page layout and the RIS tags real exports use.

Each fixture holds the bibliographic facts of a real MSC-cancer paper (as confirmed in the shared
shelf of papers); abstracts and long lists are replaced by placeholders such as '[abstract text not
stored]'. The layouts:

- pubmed-page-send-to.txt: the legacy page ('Send to' / 'Choose Destination', destination list open);
- pubmed-page-current-affiliations.txt: the current page in a wide window: sidebar and page
  navigation first, split citation, full author names with affiliation numbers, 'Affiliation' list,
  'PMID:' / 'PMCID:' / 'DOI:' lines, then the sections on other papers;
- pubmed-page-title-first.txt: the current page in a narrow window with 'Show details' open: title
  and short citation first, the full citation after them;
- pubmed-page-reader-view.txt and pubmed-page-reader-view-header.txt: Firefox's reader view, as
  Readability 0.6.0 renders the current page's markup: the journal button is dropped, the byline holds
  the authors (only the first one when the list is long), and what remains of the header depends on
  the page (only the short citation, or the journal-less citation with the identifiers);
- ris-an-pmid.ris: EndNote (PMID in AN, 'DP  - NLM') and a search tool writing 'AN  - PMID:...';
- ris-c2-m1-pmid.ris: EndNote (PMCID in C2), a tool writing 'M1  - PMID: ...' and 'C2  - PMCID: ...',
  and Scopus (the PMID as a bare number in C2, the document type in M3).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from litatlas.contrib.importing import ImportFailed, detect_format, parse_file, parse_text, read_text

FIXTURES = Path(__file__).parent / "fixtures"

Fields = dict[str, object]
Bibliographic = Callable[[object], Fields]
Expected = Callable[..., Fields]
ParseError = Callable[..., ImportFailed]
Cli = Callable[..., tuple[int, str, str]]

# Ren 2012 (Cell Stem Cell) and Escobar 2015 (Oncotarget), every field as PubMed gives it.
_REN: Fields = {
    "title": "CCR2-dependent recruitment of macrophages by tumor-educated mesenchymal stromal cells promotes "
    "tumor development and is mimicked by TNFα",
    "authors": [
        "Ren G",
        "Zhao X",
        "Wang Y",
        "Zhang X",
        "Chen X",
        "Xu C",
        "Yuan ZR",
        "Roberts AI",
        "Zhang L",
        "Zheng B",
        "Wen T",
        "Han Y",
        "Rabson AB",
        "Tischfield JA",
        "Shao C",
        "Shi Y",
    ],
    "authors_incomplete": False,
    "journal": "Cell Stem Cell",
    "year": 2012,
    "volume": "11",
    "issue": "6",
    "pages": "812-824",
    "doi": "10.1016/j.stem.2012.08.013",
    "pmid": "23168163",
    "pmcid": "PMC3518598",
    "type": "research-article",
}
_ESCOBAR: Fields = {
    "title": "IL-1β produced by aggressive breast cancer cells is one of the factors that dictate their "
    "interactions with mesenchymal stem cells through chemokine production",
    "authors": [
        "Escobar P",
        "Bouclier C",
        "Serret J",
        "Bièche I",
        "Brigitte M",
        "Caicedo A",
        "Sanchez E",
        "Vacher S",
        "Vignais ML",
        "Bourin P",
        "Geneviève D",
        "Molina F",
        "Jorgensen C",
        "Lazennec G",
    ],
    "authors_incomplete": False,
    "journal": "Oncotarget",
    "year": 2015,
    "volume": "6",
    "issue": "30",
    "pages": "29034-29047",
    "doi": "10.18632/oncotarget.4732",
    "pmid": "26362269",
    "pmcid": "PMC4745709",
    "type": "research-article",
}
ESCOBAR_KEYWORDS = ["breast", "cancer", "mesenchymal stem cells", "IL-1beta", "chemokines"]


@pytest.fixture
def ren_fields() -> Fields:
    return copy.deepcopy(_REN)


@pytest.fixture
def escobar_fields() -> Fields:
    return copy.deepcopy(_ESCOBAR)


@pytest.fixture
def layouts(
    karnoub_fields: Fields, loebinger_fields: Fields, ren_fields: Fields, escobar_fields: Fields, expected: Expected
) -> dict[str, list[Fields]]:
    """Fixture file -> the bibliographic fields of each reference it holds, exactly what the input says."""
    return {
        # The legacy page names no publication type.
        "pubmed-page-send-to.txt": [karnoub_fields | {"type": None}],
        # The current page lists the types only under 'Publication types' (not copied here).
        "pubmed-page-current-affiliations.txt": [ren_fields | {"type": None}],
        "pubmed-page-title-first.txt": [escobar_fields | {"type": None}],
        "pubmed-page-reader-view-header.txt": [escobar_fields | {"type": None}],
        # What reader view kept of this page: the title, the byline and the short citation.
        "pubmed-page-reader-view.txt": [
            expected(
                title=loebinger_fields["title"],
                authors=loebinger_fields["authors"],
                journal="Thorax",
                year=2010,
            )
        ],
        # 'TY  - JOUR' and nothing more specific: an article.
        "ris-an-pmid.ris": [karnoub_fields, loebinger_fields | {"type": "research-article"}],
        # Scopus gives no PMCID, and 'M3  - Review'.
        "ris-c2-m1-pmid.ris": [ren_fields, escobar_fields, loebinger_fields | {"pmcid": None}],
    }


# ------------------------------------------------------------------------------------- PubMed pages


@pytest.mark.parametrize(
    ("name", "source_line", "keywords"),
    [
        ("pubmed-page-send-to.txt", 15, []),
        ("pubmed-page-current-affiliations.txt", 34, []),
        ("pubmed-page-title-first.txt", 15, ESCOBAR_KEYWORDS),
        ("pubmed-page-reader-view-header.txt", 6, ESCOBAR_KEYWORDS),
        ("pubmed-page-reader-view.txt", 6, []),
    ],
)
def test_pubmed_page_layouts(
    name: str, source_line: int, keywords: list[str], layouts: dict[str, list[Fields]], bibliographic: Bibliographic
) -> None:
    path = FIXTURES / name
    assert detect_format(path, read_text(path)) == "pubmed-page"
    (ref,) = parse_file(path)
    assert [bibliographic(ref)] == layouts[name]
    assert ref.keywords == keywords
    # The reference starts at the citation line (or, in reader view, the short citation).
    assert ref.source_line == source_line


def test_other_papers_on_the_page_are_left_out() -> None:
    # The reader view's only full citation and PMID belong to a similar article (Karnoub 2007).
    (ref,) = parse_file(FIXTURES / "pubmed-page-reader-view.txt")
    assert ref.pmid is None and ref.doi is None and ref.volume is None
    assert "Karnoub AE" not in ref.authors


KARNOUB_AUTHORS = "Karnoub AE, Dash AB, Vo AP, Sullivan A, Brooks MW, Bell GW, Richardson AL, Polyak K, Tubo R, Weinberg RA."
KARNOUB_CITATION = "Nature. 2007 Oct 4;449(7162):557-63. doi: 10.1038/nature06188."
KARNOUB_TITLE = "Mesenchymal stem cells within tumour stroma promote breast cancer metastasis."


@pytest.mark.parametrize(
    "text",
    [
        # A search result or clipboard entry: title, then authors, citation and PMID on one line.
        f"Cite\nShare\n{KARNOUB_TITLE}\n{KARNOUB_AUTHORS} {KARNOUB_CITATION} PMID: 17914389\n[abstract text not stored]\n",
        # The same entry copied with its parts on lines of their own.
        f"{KARNOUB_TITLE}\n{KARNOUB_AUTHORS}\n{KARNOUB_CITATION}\nPMID: 17914389\n",
        # The 'Cite' dialog's NLM text: authors, title, citation, PMID on one line.
        f"{KARNOUB_AUTHORS} {KARNOUB_TITLE} {KARNOUB_CITATION} PMID: 17914389.\n",
    ],
    ids=["search-result", "search-result-lines", "cite-dialog"],
)
def test_title_before_the_citation_line(text: str, bibliographic: Bibliographic, karnoub_fields: Fields) -> None:
    assert detect_format("page.txt", text) == "pubmed-page"
    (ref,) = parse_text("page.txt", text)
    assert bibliographic(ref) == karnoub_fields | {"type": None}


@pytest.mark.parametrize(
    "author_line",
    [
        "Antoine E Karnoub 1 , Ajeeta B Dash 2",  # the current page: affiliation numbers after a space
        "Antoine E Karnoub 1 2 , Ajeeta B Dash 2 *",
        "Antoine E Karnoub¹, Ajeeta B Dash²",  # superscript digits
        "Antoine E Karnoub¹ ²†, Ajeeta B Dash²",
        "Karnoub AE1, Dash AB2.",  # the legacy page: numbers glued to the initials
        "Karnoub AE1,2, Dash AB2.",
    ],
)
def test_author_footnote_marks_are_stripped(author_line: str) -> None:
    text = (
        f"Nature\n. 2007 Oct 4;449(7162):557-63.\n doi: 10.1038/nature06188.\n{KARNOUB_TITLE}\n"
        f"{author_line}\nAffiliations\nexpand\nPMID: 17914389\n"
    )
    (ref,) = parse_text("page.txt", text)
    assert ref.authors == ["Karnoub AE", "Dash AB"]
    assert ref.title == KARNOUB_TITLE.rstrip(".") and ref.pmid == "17914389"


def test_narrow_page_with_details_closed(bibliographic: Bibliographic, expected: Expected) -> None:
    # The narrow page as it opens: 'Show details' closed, so only the short citation is there.
    page = (FIXTURES / "pubmed-page-title-first.txt").read_text(encoding="utf-8")
    text = page.split("Hide details")[0] + "Show details\nDisplay options\nFull-text links\nCite\nAbstract\n"
    assert detect_format("narrow.txt", text) == "pubmed-page"
    (ref,) = parse_text("narrow.txt", text)
    assert bibliographic(ref) == expected(
        title=_ESCOBAR["title"], authors=["Escobar P"], authors_incomplete=True, journal="Oncotarget", year=2015
    )
    assert ref.source_line == 11


def test_reader_view_byline_with_the_first_author_only(bibliographic: Bibliographic, expected: Expected) -> None:
    # Readability takes the first author as the byline when the whole list is too long for one, and
    # the page's short citation says 'et al.': the record is marked as listing only some authors.
    text = (
        "pubmed.ncbi.nlm.nih.gov\n"
        "Carcinoma Associated Fibroblast Like Differentiation of Human Mesenchymal Stem Cells - PubMed\n"
        "Pravin J Mishra 1 ,\n2–3 minutes\nFilters applied. Clear all\n"
        "Carcinoma Associated Fibroblast Like Differentiation of Human Mesenchymal Stem Cells\n"
        "Pravin J Mishra et al. Cancer Res. 2008 Jun 1.\nFree PMC article\nAbstract\n[abstract text not stored]\n"
    )
    assert detect_format("reader.txt", text) == "pubmed-page"
    (ref,) = parse_text("reader.txt", text)
    assert bibliographic(ref) == expected(
        title="Carcinoma Associated Fibroblast Like Differentiation of Human Mesenchymal Stem Cells",
        authors=["Mishra PJ"],
        authors_incomplete=True,
        journal="Cancer Res",
        year=2008,
    )


# ----------------------------------------------------------------------------- what is truly missing


def _without(name: str, line_text: str) -> str:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert f"\n{line_text}\n" in text
    return text.replace(f"\n{line_text}\n", "\n", 1)


@pytest.mark.parametrize(
    ("name", "title", "line"),
    [
        ("pubmed-page-title-first.txt", _ESCOBAR["title"], 14),
        ("pubmed-page-current-affiliations.txt", _REN["title"], 34),
        ("pubmed-page-send-to.txt", KARNOUB_TITLE, 15),
    ],
)
def test_page_without_title_names_the_citation_line(
    name: str, title: object, line: int, tmp_path: Path, project: Path, cli: Cli
) -> None:
    page = tmp_path / name
    page.write_text(_without(name, str(title)), encoding="utf-8")
    code, out, err = cli("import", "--dry-run", str(page))
    assert code == 1 and out == ""
    assert f"{page}:{line}: no title found before or after the citation line\n" in err


def test_reader_view_without_any_citation_is_refused(parse_error: ParseError) -> None:
    # Readability kept only the abstract of this page: no journal, no year, no identifier.
    text = (
        "pubmed.ncbi.nlm.nih.gov\n"
        f"{_ESCOBAR['title']} - PubMed\n"
        "Pauline Escobar 1 ,\n2–3 minutes\nAbstract\n[abstract text not stored]\n"
        "Keywords: breast; cancer; mesenchymal stem cells; IL-1beta; chemokines.\n"
    )
    failure = parse_error("reader.txt", text)
    assert failure.line == 1
    assert "no PubMed citation line found" in failure.message and "reader view" in failure.message


# ------------------------------------------------------------------------------------------------ RIS


@pytest.mark.parametrize(("name", "source_lines"), [("ris-an-pmid.ris", [1, 30]), ("ris-c2-m1-pmid.ris", [1, 38, 72])])
def test_ris_identifier_tags(
    name: str, source_lines: list[int], layouts: dict[str, list[Fields]], bibliographic: Bibliographic
) -> None:
    path = FIXTURES / name
    refs = parse_file(path)
    assert [bibliographic(r) for r in refs] == layouts[name]
    assert [r.source_line for r in refs] == source_lines
    assert detect_format("export.txt", read_text(path)) == "ris"


RIS_HEAD = "TY  - JOUR\nTI  - Mesenchymal stem cells within tumour stroma promote breast cancer metastasis\nPY  - 2007\n"


@pytest.mark.parametrize(
    ("tags", "pmid", "pmcid"),
    [
        ("AN  - 17914389\n", "17914389", None),  # no database named: EndNote's PubMed record
        ("AN  - 17914389\nDB  - PubMed\n", "17914389", None),
        ("AN  - 17914389\nDP  - NLM\n", "17914389", None),
        ("AN  - PMID: 17914389\n", "17914389", None),
        ("AN  - MEDLINE:17914389\nDB  - Web of Science\n", "17914389", None),  # Web of Science, MEDLINE record
        ("N1  - PMID: 17914389\n", "17914389", None),  # Zotero
        ("C1  - PMID: 17914389\nC2  - PMC2725025\n", "17914389", "PMC2725025"),
        ("M1  - PMID:17914389\n", "17914389", None),
        ("U1  - PMID: 17914389\nM2  - PMCID: PMC2725025\n", "17914389", "PMC2725025"),
        ("UR  - https://pubmed.ncbi.nlm.nih.gov/17914389/\n", "17914389", None),
        ("UR  - https://www.ncbi.nlm.nih.gov/pmc/articles/PMC2725025/\n", None, "PMC2725025"),
        # Placeholder accession numbers of other databases (not real records): never a PMID.
        ("AN  - WOS:000000000000000\nDB  - Web of Science\n", None, None),
        ("AN  - 000000000\nDB  - CINAHL\n", None, None),
        ("AN  - 2-s2.0-00000000000\nDB  - Scopus\n", None, None),
        # EndNote writes the issue number into M1; a bare C2 number is a PMID only in Scopus exports.
        ("M1  - 7162\n", None, None),
        ("C2  - 17914389\n", None, None),
        ("C2  - 17914389\nDB  - Scopus\n", "17914389", None),
    ],
)
def test_ris_pmid_and_pmcid_tags(tags: str, pmid: str | None, pmcid: str | None) -> None:
    (ref,) = parse_text("export.ris", RIS_HEAD + tags + "ER  - \n")
    assert (ref.pmid, ref.pmcid) == (pmid, pmcid)


@pytest.mark.parametrize(
    ("tags", "kind"),
    [
        ("", "research-article"),
        ("M3  - Journal Article\n", "research-article"),
        ("M3  - Review\n", "review"),
        ("M3  - Journal Article\nM3  - Review\n", "review"),
        ("M3  - Article\nDB  - Scopus\n", "research-article"),
    ],
)
def test_ris_publication_type_from_m3(tags: str, kind: str) -> None:
    (ref,) = parse_text("export.ris", RIS_HEAD + tags + "ER  - \n")
    assert ref.type == kind


# --------------------------------------------------------------------------------- into the skeleton


def _records(out: str) -> list[Fields]:
    """The records a dry run prints, loaded as YAML."""
    body = out.split("\ndry run:")[0]
    chunks = [c for c in body.split("would create ") if c.strip()]
    return [yaml.safe_load(chunk.split(":\n", 1)[1]) for chunk in chunks]


def _as_skeleton(fields: Fields) -> Fields:
    """What a skeleton holds of the fields: those the input gave; authors_incomplete only when true."""
    return {k: v for k, v in fields.items() if v not in (None, [], False)}


@pytest.mark.parametrize(
    "name",
    [
        "pubmed-page-send-to.txt",
        "pubmed-page-current-affiliations.txt",
        "pubmed-page-title-first.txt",
        "pubmed-page-reader-view-header.txt",
        "pubmed-page-reader-view.txt",
        "ris-an-pmid.ris",
        "ris-c2-m1-pmid.ris",
    ],
)
def test_import_writes_every_field_into_the_skeleton(
    name: str, project: Path, cli: Cli, layouts: dict[str, list[Fields]], snapshot: Callable[[Path], dict[str, bytes]]
) -> None:
    before = snapshot(project)
    # Each fixture alone: some papers appear in more than one of them.
    code, out, err = cli("import", "--dry-run", str(FIXTURES / name))
    assert code == 0, err
    records = _records(out)
    assert [{k: v for k, v in r.items() if k != "added"} for r in records] == [_as_skeleton(f) for f in layouts[name]]
    assert snapshot(project) == before
