"""`litatlas import` and `litatlas new`: files written, duplicates and bad files refused, nothing overwritten."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
NBIB = FIXTURES / "karnoub-mishra-loebinger.nbib"

Cli = Callable[..., tuple[int, str, str]]
Snapshot = Callable[[Path], dict[str, bytes]]
Files = Callable[[Path], list[str]]
Fields = dict[str, object]
AsRecord = Callable[[Fields, object], Fields]

KARNOUB_FILE = "karnoub-2007-msc-tumour-stroma-promote-breast.yml"
MISHRA_FILE = "mishra-2008-carcinoma-associated-fibroblast-like-differentiation.yml"
LOEBINGER_FILE = "loebinger-2010-stem-cells-vectors-antitumour-therapy.yml"


def test_import_creates_one_record_per_reference(project: Path, cli: Cli, record_files: Files) -> None:
    code, out, err = cli("import", str(NBIB))
    assert code == 0, err
    assert record_files(project) == sorted([KARNOUB_FILE, MISHRA_FILE, LOEBINGER_FILE])
    for name in (KARNOUB_FILE, MISHRA_FILE, LOEBINGER_FILE):
        assert f"created {Path('records') / name}" in out
    data = yaml.safe_load((project / "records" / MISHRA_FILE).read_text(encoding="utf-8"))
    assert data["doi"] == "10.1158/0008-5472.CAN-08-0943" and data["pmid"] == "18519693"


def test_every_format_imports(project: Path, cli: Cli, record_files: Files) -> None:
    files = ["duhrsen-voneinem-spaeth.bib", "mishra2008-new-layout.txt", "loebinger-karnoub.json"]
    code, out, err = cli("import", *(str(FIXTURES / f) for f in files))
    assert code == 0, err
    assert len(record_files(project)) == 6
    code, out, err = cli("import", str(FIXTURES / "mishra-tsujimura.ris"), "--skip-duplicates")
    assert code == 0, err
    assert "tsujimura-2019" in out and "same DOI 10.1158/0008-5472.CAN-08-0943" in err


def test_bad_file_writes_nothing_and_names_the_line(project: Path, cli: Cli, tmp_path: Path, snapshot: Snapshot) -> None:
    bad = tmp_path / "bad.nbib"
    lines = NBIB.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[30] = "garbage in the middle\n"
    bad.write_text("".join(lines), encoding="utf-8")
    bad_bib = tmp_path / "bad.bib"
    bad_bib.write_text(
        "@article{a,\n  title = {A title},\n  year = 2019\n\n@article{b, title={B}, year=2019}\n", encoding="utf-8"
    )
    before = snapshot(project)
    code, out, err = cli("import", str(FIXTURES / "loebinger-karnoub.json"), str(bad), str(bad_bib))
    assert code == 1
    assert f"{bad}:31: expected a MEDLINE field" in err
    assert f"{bad_bib}:1: BibTeX block could not be parsed" in err
    assert "nothing written" in err and out == ""
    assert snapshot(project) == before


def test_duplicate_of_existing_record_is_refused(project: Path, cli: Cli, snapshot: Snapshot) -> None:
    shutil.copy(REPO / "records" / "karnoub-2007-msc-ccl5-breast-metastasis.yml", project / "records")
    before = snapshot(project)
    code, out, err = cli("import", str(NBIB))
    assert code == 1
    assert (
        f"{NBIB}:1: Karnoub AE 2007 'Mesenchymal stem cells within tumour stroma promote breast cancer "
        f"metastasis' is already in {Path('records') / 'karnoub-2007-msc-ccl5-breast-metastasis.yml'} "
        "(same DOI 10.1038/nature06188)"
    ) in err
    assert "nothing written" in err
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("doi", "10.1038/NATURE06188", "same DOI"),  # DOIs compare case-insensitively
        ("pmid", "17914389", "same PMID"),
        ("title", "MESENCHYMAL STEM-CELLS within tumour stroma, promote breast cancer metastasis!", "same title"),
    ],
)
def test_duplicate_by_each_identifier(project: Path, cli: Cli, field: str, value: str, reason: str, snapshot: Snapshot) -> None:
    record = {"title": "Another title entirely", field: value}
    (project / "records" / "existing.yml").write_text(yaml.safe_dump(record), encoding="utf-8")
    before = snapshot(project)
    code, _, err = cli("import", str(NBIB))
    assert code == 1
    assert f"is already in {Path('records') / 'existing.yml'} ({reason}" in err
    assert snapshot(project) == before


def test_duplicates_within_one_batch_are_refused(project: Path, cli: Cli, snapshot: Snapshot) -> None:
    json_file = FIXTURES / "loebinger-karnoub.json"
    before = snapshot(project)
    code, _, err = cli("import", str(NBIB), str(json_file))
    assert code == 1
    assert f"{json_file}:2: Loebinger MR 2010" in err
    assert f"is already in {NBIB}:68 (earlier in this batch) (same DOI 10.1136/thx.2009.128025)" in err
    assert snapshot(project) == before


def test_importing_twice_is_refused_and_changes_nothing(project: Path, cli: Cli, snapshot: Snapshot) -> None:
    assert cli("import", str(NBIB))[0] == 0
    before = snapshot(project)
    code, out, err = cli("import", str(NBIB))
    assert code == 1 and out == ""
    assert err.count("is already in") == 3
    assert snapshot(project) == before


def test_dry_run_writes_nothing(project: Path, cli: Cli, snapshot: Snapshot) -> None:
    before = snapshot(project)
    code, out, err = cli("import", "--dry-run", str(NBIB))
    assert code == 0, err
    assert f"would create {Path('records') / KARNOUB_FILE}:" in out
    assert "title: Mesenchymal stem cells within tumour stroma promote breast cancer metastasis" in out
    assert "dry run: 3 record(s) not written" in out
    assert snapshot(project) == before


def test_name_clash_with_another_paper_gets_a_suffix(project: Path, cli: Cli) -> None:
    other = project / "records" / KARNOUB_FILE
    other.write_text("title: A different paper by the same first author\n", encoding="utf-8")
    code, out, _ = cli("import", str(NBIB))
    assert code == 0
    assert other.read_text(encoding="utf-8") == "title: A different paper by the same first author\n"
    assert (project / "records" / KARNOUB_FILE.replace(".yml", "-2.yml")).is_file()


def test_retracted_paper_is_refused(project: Path, cli: Cli, tmp_path: Path, snapshot: Snapshot) -> None:
    retracted = tmp_path / "retracted.nbib"
    retracted.write_text(
        NBIB.read_text(encoding="utf-8").replace("PT  - Review", "PT  - Retracted Publication"), encoding="utf-8"
    )
    before = snapshot(project)
    code, _, err = cli("import", str(retracted))
    assert code == 1 and f"{retracted}:68: Loebinger MR 2010" in err and "retracted" in err
    assert snapshot(project) == before


def test_outside_a_project(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("import", str(NBIB))
    assert code == 2 and "mkdocs.yml" in err


def test_runs_from_a_subfolder(project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, record_files: Files) -> None:
    (project / "docs").mkdir()
    monkeypatch.chdir(project / "docs")
    code, out, _ = cli("import", str(FIXTURES / "hong2014-new-layout.txt"))
    assert code == 0
    assert record_files(project) == ["anonymous-2014-msc-cancer-friends-enemies.yml"]
    assert f"created {Path('..') / 'records' / 'anonymous-2014-msc-cancer-friends-enemies.yml'}" in out


# --------------------------------------------------------------------------------------------- new

NEW_OPTIONS = [
    "--title",
    "Stem cells as vectors for antitumour therapy",
    "--author",
    "Loebinger MR",
    "--author",
    "Janes SM",
    "--journal",
    "Thorax",
    "--year",
    "2010",
    "--volume",
    "65",
    "--issue",
    "4",
    "--pages",
    "362-369",
    "--doi",
    "https://doi.org/10.1136/thx.2009.128025",
    "--pmid",
    "20388765",
    "--pmcid",
    "PMC3401681",
    "--type",
    "review",
]


def test_new_without_input(project: Path, cli: Cli, loebinger_fields: Fields, as_record: AsRecord) -> None:
    code, out, err = cli("new", "--no-input", *NEW_OPTIONS)
    assert code == 0, err
    path = project / "records" / LOEBINGER_FILE
    assert f"created {Path('records') / LOEBINGER_FILE}" in out
    assert yaml.safe_load(path.read_text(encoding="utf-8")) | {"added": None} == as_record(loebinger_fields, None)


def test_new_refuses_to_overwrite(project: Path, cli: Cli) -> None:
    path = project / "records" / "loebinger-review.yml"
    path.write_text("title: kept as it is\n", encoding="utf-8")
    code, _, err = cli("new", "--no-input", "--id", "loebinger-review", "--title", "A different title here", "--year", "2010")
    assert code == 1 and "already exists" in err
    assert path.read_text(encoding="utf-8") == "title: kept as it is\n"


def test_new_refuses_a_known_paper(project: Path, cli: Cli, snapshot: Snapshot) -> None:
    shutil.copy(REPO / "records" / "karnoub-2007-msc-ccl5-breast-metastasis.yml", project / "records")
    before = snapshot(project)
    code, _, err = cli("new", "--no-input", "--title", "Some title", "--year", "2007", "--pmid", "17914389")
    assert code == 1
    assert (
        f"litatlas new: anonymous 2007 'Some title' is already in {Path('records') / 'karnoub-2007-msc-ccl5-breast-metastasis.yml'} (same PMID 17914389)"
        in err
    )
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--year", "2010"], "title is required"),
        (["--title", "A title here"], "four-digit year"),
        (["--title", "A title here", "--year", "2010", "--pmid", "PMC3401681"], "PMID must be digits"),
        (["--title", "A title here", "--year", "2010", "--type", "letter"], "type must be one of"),
        (["--title", "A title here", "--year", "2010", "--doi", "thx.2009.128025"], "DOI must look like"),
        (["--title", "A title here", "--year", "2010", "--id", "Bad Name"], "record id must be"),
    ],
)
def test_new_rejects_bad_options(project: Path, cli: Cli, options: list[str], words: str, record_files: Files) -> None:
    code, _, err = cli("new", "--no-input", *options)
    assert code == 2 and words in err
    assert record_files(project) == []


def test_new_asks_for_missing_fields(project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, record_files: Files) -> None:
    answers = iter(
        [
            "Mesenchymal stem cells within tumour stroma promote breast cancer metastasis",  # title
            "Karnoub AE; Dash AB; Vo AP",  # authors
            "Nature",
            "2007",
            "449",
            "7162",
            "557-563",
            "10.1038/nature06188",
            "17914389",
            "",  # ... pmcid
            "research-article",  # type
            "karnoub-2007-msc-ccl5-breast-metastasis",  # file name instead of the proposal
        ]
    )
    prompts: list[str] = []

    def fake_input(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", fake_input)
    code, out, err = cli("new")
    assert code == 0, err
    assert prompts[0] == "Title (required): "
    assert prompts[-1] == "File name [karnoub-2007-msc-tumour-stroma-promote-breast.yml]: "
    assert record_files(project) == ["karnoub-2007-msc-ccl5-breast-metastasis.yml"]
    data = yaml.safe_load((project / "records" / "karnoub-2007-msc-ccl5-breast-metastasis.yml").read_text("utf-8"))
    assert data["authors"] == ["Karnoub AE", "Dash AB", "Vo AP"] and "pmcid" not in data


def test_new_without_a_terminal(project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", closed)
    code, _, err = cli("new")
    assert code == 2 and "--no-input" in err
