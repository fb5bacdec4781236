"""MEDLINE/.nbib parser: every field of real PubMed records, and FILE:LINE errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from litatlas.contrib.importing import ImportFailed, detect_format, parse_file, parse_text
from litatlas.contrib.importing.reference import type_from_pubmed

FIXTURES = Path(__file__).parent / "fixtures"
NBIB = FIXTURES / "karnoub-mishra-loebinger.nbib"

Fields = dict[str, object]
Bibliographic = Callable[[object], Fields]
ParseError = Callable[..., ImportFailed]


@pytest.fixture
def three_papers(karnoub_fields: Fields, mishra_fields: Fields, loebinger_fields: Fields) -> list[Fields]:
    """Every bibliographic field of the three records of NBIB, in file order."""
    return [karnoub_fields, mishra_fields, loebinger_fields]


def test_three_records_with_every_field(bibliographic: Bibliographic, three_papers: list[Fields]) -> None:
    refs = parse_file(NBIB)
    assert [bibliographic(r) for r in refs] == three_papers
    assert [r.source_line for r in refs] == [1, 29, 68]
    assert all(r.source_path == str(NBIB) for r in refs)
    assert not any(r.retracted for r in refs)


def test_detected_by_extension_and_by_content() -> None:
    text = NBIB.read_text(encoding="utf-8")
    assert detect_format("citations.nbib", text) == "medline"
    # PubMed's 'Save' as 'PubMed format' gives a .txt file.
    assert detect_format("pubmed-mesenchyma-set.txt", text) == "medline"


def test_full_author_names_when_au_is_missing(mishra_fields: Fields) -> None:
    text = "".join(line for line in NBIB.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith("AU  - "))
    refs = parse_text("x.nbib", text)
    assert refs[1].authors == mishra_fields["authors"]  # from FAU 'Mishra, Pravin J' and so on


def test_crlf_line_ends(bibliographic: Bibliographic, three_papers: list[Fields]) -> None:
    text = NBIB.read_text(encoding="utf-8").replace("\n", "\r\n")
    assert [bibliographic(r) for r in parse_text("x.nbib", text)] == three_papers


def test_malformed_line_gives_file_and_line(parse_error: ParseError) -> None:
    lines = NBIB.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(4, "this line is not a MEDLINE field\n")
    failure = parse_error("broken.nbib", "".join(lines))
    assert (failure.path, failure.line) == ("broken.nbib", 5)
    assert str(failure).startswith("broken.nbib:5: expected a MEDLINE field")


def test_continuation_outside_a_record(parse_error: ParseError) -> None:
    assert parse_error("x.nbib", "\n      metastasis.\nPMID- 17914389\n").line == 2


def test_record_without_title_points_at_its_first_line(parse_error: ParseError) -> None:
    failure = parse_error("x.nbib", "PMID- 17914389\nDP  - 2007 Oct 4\n\nPMID- 18519693\nDP  - 2008 Jun 1\n")
    assert failure.line == 1
    assert "PMID 17914389" in failure.message and "TI" in failure.message


def test_record_without_date(parse_error: ParseError) -> None:
    failure = parse_error("x.nbib", "PMID- 17914389\nTI  - Mesenchymal stem cells within tumour stroma\n")
    assert failure.line == 1 and "DP" in failure.message


def test_empty_file(parse_error: ParseError) -> None:
    assert parse_error("empty.nbib", "\n\n").line == 1


def test_retracted_publication_is_flagged() -> None:
    text = NBIB.read_text(encoding="utf-8").replace("PT  - Review", "PT  - Review\nPT  - Retracted Publication")
    assert [r.retracted for r in parse_text("x.nbib", text)] == [False, False, True]


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (["Journal Article"], "research-article"),
        (["Journal Article", "Review"], "review"),
        (["Journal Article", "Systematic Review"], "review"),
        (["Clinical Trial, Phase I", "Journal Article"], "clinical-trial"),
        (["Journal Article", "Clinical Trial Protocol"], "trial-protocol"),
        (["Congress"], "conference-abstract"),
        (["Editorial"], None),
    ],
)
def test_publication_types(types: list[str], expected: str | None) -> None:
    assert type_from_pubmed(types) == expected
