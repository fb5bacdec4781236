"""MEDLINE/.nbib parser: every field of real PubMed records, and FILE:LINE errors."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from litatlas.importing import ImportFailed, detect_format, parse_file, parse_text
from litatlas.importing.reference import type_from_pubmed

FIXTURES = Path(__file__).parent / "fixtures"
NBIB = FIXTURES / "karnoub-mishra-loebinger.nbib"

KARNOUB = {
    "title": "Mesenchymal stem cells within tumour stroma promote breast cancer metastasis",
    "authors": [
        "Karnoub AE",
        "Dash AB",
        "Vo AP",
        "Sullivan A",
        "Brooks MW",
        "Bell GW",
        "Richardson AL",
        "Polyak K",
        "Tubo R",
        "Weinberg RA",
    ],
    "authors_incomplete": False,
    "journal": "Nature",
    "year": 2007,
    "volume": "449",
    "issue": "7162",
    "pages": "557-563",
    "doi": "10.1038/nature06188",
    "pmid": "17914389",
    "pmcid": None,
    "type": "research-article",
}
MISHRA = {
    "title": "Carcinoma Associated Fibroblast Like Differentiation of Human Mesenchymal Stem Cells",
    "authors": [
        "Mishra PJ",
        "Mishra PJ",
        "Humeniuk R",
        "Medina DJ",
        "Alexe G",
        "Mesirov JP",
        "Ganesan S",
        "Glod JW",
        "Banerjee D",
    ],
    "authors_incomplete": False,
    "journal": "Cancer Res",
    "year": 2008,
    "volume": "68",
    "issue": "11",
    "pages": "4331-4339",
    "doi": "10.1158/0008-5472.CAN-08-0943",
    "pmid": "18519693",
    "pmcid": "PMC2725025",
    "type": "research-article",
}
LOEBINGER = {
    "title": "Stem cells as vectors for antitumour therapy",
    "authors": ["Loebinger MR", "Janes SM"],
    "authors_incomplete": False,
    "journal": "Thorax",
    "year": 2010,
    "volume": "65",
    "issue": "4",
    "pages": "362-369",
    "doi": "10.1136/thx.2009.128025",
    "pmid": "20388765",
    "pmcid": "PMC3401681",
    "type": "review",
}


def bibliographic(ref: object) -> dict[str, object]:
    data = asdict(ref)  # type: ignore[call-overload]
    return {key: data[key] for key in KARNOUB}


def test_three_records_with_every_field() -> None:
    refs = parse_file(NBIB)
    assert [bibliographic(r) for r in refs] == [KARNOUB, MISHRA, LOEBINGER]
    assert [r.source_line for r in refs] == [1, 29, 68]
    assert all(r.source_path == str(NBIB) for r in refs)
    assert not any(r.retracted for r in refs)


def test_detected_by_extension_and_by_content() -> None:
    text = NBIB.read_text(encoding="utf-8")
    assert detect_format("citations.nbib", text) == "medline"
    # PubMed's 'Save' as 'PubMed format' gives a .txt file.
    assert detect_format("pubmed-mesenchyma-set.txt", text) == "medline"


def test_full_author_names_when_au_is_missing() -> None:
    text = "".join(line for line in NBIB.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith("AU  - "))
    refs = parse_text("x.nbib", text)
    assert refs[1].authors == MISHRA["authors"]  # from FAU 'Mishra, Pravin J' and so on


def test_crlf_line_ends() -> None:
    text = NBIB.read_text(encoding="utf-8").replace("\n", "\r\n")
    assert [bibliographic(r) for r in parse_text("x.nbib", text)] == [KARNOUB, MISHRA, LOEBINGER]


def test_malformed_line_gives_file_and_line() -> None:
    lines = NBIB.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(4, "this line is not a MEDLINE field\n")
    with pytest.raises(ImportFailed) as failure:
        parse_text("broken.nbib", "".join(lines))
    assert (failure.value.path, failure.value.line) == ("broken.nbib", 5)
    assert str(failure.value).startswith("broken.nbib:5: expected a MEDLINE field")


def test_continuation_outside_a_record() -> None:
    with pytest.raises(ImportFailed) as failure:
        parse_text("x.nbib", "\n      metastasis.\nPMID- 17914389\n")
    assert failure.value.line == 2


def test_record_without_title_points_at_its_first_line() -> None:
    text = "PMID- 17914389\nDP  - 2007 Oct 4\n\nPMID- 18519693\nDP  - 2008 Jun 1\n"
    with pytest.raises(ImportFailed) as failure:
        parse_text("x.nbib", text)
    assert failure.value.line == 1
    assert "PMID 17914389" in failure.value.message and "TI" in failure.value.message


def test_record_without_date() -> None:
    with pytest.raises(ImportFailed) as failure:
        parse_text("x.nbib", "PMID- 17914389\nTI  - Mesenchymal stem cells within tumour stroma\n")
    assert failure.value.line == 1 and "DP" in failure.value.message


def test_empty_file() -> None:
    with pytest.raises(ImportFailed) as failure:
        parse_text("empty.nbib", "\n\n")
    assert failure.value.line == 1


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
