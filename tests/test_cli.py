"""The command line: exit codes, path:line messages and generated output."""

from __future__ import annotations

from pathlib import Path

import pytest

from litatlas.cli import main
from litatlas.site.context import SiteContext

BROKEN = """\
# yaml-language-server: $schema=../scripts/litatlas/schema/record.schema.json
title: A broken record
year: 2030
type: research-article
effect: promotes
topics: [metastasis, tumor-growth]
cancer_types: brest
summary: Short but long enough summary text.
added: 2026-01-01
"""


def test_validate_bundled_records_is_clean(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines[:-1] if ": warning: " not in line] == []
    assert "error" not in lines[-1]


def test_strict_validation_fails_on_warnings(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = project_copy / "records" / "karnoub-2007-msc-ccl5-breast-metastasis.yml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("10.1038/nature06188", "10.1371/journal.pone.0000001"), encoding="utf-8"
    )
    assert main(["validate", str(record)]) == 0
    assert main(["validate", "--strict", str(record)]) == 1
    out = capsys.readouterr().out
    assert (
        "records/karnoub-2007-msc-ccl5-breast-metastasis.yml:19: doi: warning: PLOS articles are normally in PubMed Central"
        in out
    )


def test_validate_reports_every_problem_with_path_and_line(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project_copy / "records" / "broken-2030-record.yml").write_text(BROKEN, encoding="utf-8")
    assert main(["validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "records/broken-2030-record.yml:3: year: 2030 is outside 1900-" in "\n".join(out)
    assert any(line.startswith("records/broken-2030-record.yml:6: topics[1]: unknown") for line in out)
    assert any(
        line.startswith("records/broken-2030-record.yml:7: cancer_types: unknown cancer type 'brest'; did you mean 'breast'")
        for line in out
    )
    assert any("needs a doi or a pmid" in line for line in out)
    assert out[-1].startswith("4 errors in 1 file")


def test_build_writes_pages_outside_docs_and_records(project_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = sorted(p.relative_to(project_copy) for p in project_copy.rglob("*"))
    assert main(["build", "--out", str(out)]) == 0
    after = sorted(p.relative_to(project_copy) for p in project_copy.rglob("*"))
    # The only new files are the record cache's (a folder of its own, ignored by git); nothing else changed.
    assert [p for p in after if p.parts[0] != ".litatlas_cache"] == before
    assert {p.as_posix() for p in after if p not in before} <= {
        ".litatlas_cache",
        ".litatlas_cache/records.json",
        ".litatlas_cache/.gitignore",
    }
    paper = (out / "papers" / "karnoub-2007-msc-ccl5-breast-metastasis.md").read_text(encoding="utf-8")
    assert 'href="https://doi.org/10.1038/nature06188"' in paper
    assert (out / "topics" / "tumour-promotion.md").is_file()
    assert (out / "browse" / "molecules" / "ccl5.md").is_file()


def test_build_fails_on_a_raw_html_link_to_a_missing_page(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Raw HTML links are not checked by MkDocs: the CLI checks them against the pages it wrote and docs/."""
    monkeypatch.setattr(SiteContext, "paper_path", lambda self, record: "papers/gone.md")
    assert main(["build", "--out", str(tmp_path / "out")]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if ": warning: " not in line]
    assert len(err) == 1 and err[0].endswith(": links to papers/gone.md, which is not a page of the site"), err


@pytest.mark.parametrize("target", ["docs", "records", "docs/sub", "."])
def test_build_refuses_to_write_into_protected_folders(
    project_copy: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--out", target]) == 2
    assert "refusing to write" in capsys.readouterr().err


def test_stats_counts_topics(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "Headline topics" in out and "Tumour promotion" in out


def test_outside_a_project_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 2
    assert "no mkdocs.yml" in capsys.readouterr().err
