"""A newcomer's path: MEDLINE file -> `litatlas import` -> curated fields -> validate -> site -> no duplicate."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import sitekit
from litatlas.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
MODEL = "karnoub-2007-msc-ccl5-breast-metastasis.yml"
CREATED = "karnoub-2007-msc-tumour-stroma-promote-breast.yml"
BIBLIOGRAPHIC = ("title", "authors", "journal", "year", "volume", "issue", "pages", "doi", "pmid", "type")


@pytest.fixture
def atlas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A new, empty atlas on the real configuration, theme and vocabulary; and the model record's text.

    Empty, so that the test follows one paper and does not depend on the state of the other records;
    the configuration loses only its hand-written nav, whose pages are not copied.
    """
    project = tmp_path / "project"
    (project / "records").mkdir(parents=True)
    (project / "docs").mkdir()
    config = (sitekit.ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(re.sub(r"^nav:\n(?:(?:[ \t].*)?\n)*", "", config, flags=re.M), encoding="utf-8")
    shutil.copy2(sitekit.ROOT / "records" / "atlas.yml", project / "records" / "atlas.yml")
    (project / "docs" / "index.md").write_text("# MSC & Cancer Atlas\n", encoding="utf-8")
    monkeypatch.chdir(project)
    return project, (sitekit.ROOT / "records" / MODEL).read_text(encoding="utf-8")


def _karnoub_nbib(tmp_path: Path) -> Path:
    """The first record of the MEDLINE fixture: a .nbib as PubMed's Cite button saves it."""
    text = (FIXTURES / "karnoub-mishra-loebinger.nbib").read_text(encoding="utf-8")
    nbib = tmp_path / "pubmed-17914389.nbib"
    nbib.write_text(text.split("\n\n")[0] + "\n", encoding="utf-8")
    return nbib


def _fill_curated_fields(skeleton: str, model: str) -> str:
    """What the newcomer does by hand: keep the imported part, write the curated part (here: the team's)."""
    imported = skeleton.split("# ---- Curated fields")[0].rstrip("\n")
    curated = model[model.index("\neffect:") :]
    return imported + "\n" + curated


@pytest.mark.slow
def test_newcomer_path(
    atlas: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    project, model_text = atlas
    nbib = _karnoub_nbib(tmp_path)

    # 1. Import the MEDLINE file: one record with every bibliographic field of the paper.
    assert main(["import", str(nbib)]) == 0
    out = capsys.readouterr().out
    created = project / "records" / CREATED
    assert f"created {Path('records') / CREATED}" in out
    skeleton = created.read_text(encoding="utf-8")
    data = yaml.safe_load(skeleton)
    model = yaml.safe_load(model_text)
    assert {k: data.get(k) for k in BIBLIOGRAPHIC} == {k: model.get(k) for k in BIBLIOGRAPHIC}
    assert skeleton.splitlines()[0] == model_text.splitlines()[0]  # the schema line

    # 2. The skeleton alone is not yet a record: validation names the missing curated fields.
    assert main(["validate", "--format", "text"]) == 1
    report = capsys.readouterr().out
    assert f"records/{CREATED}:" in report and "effect" in report

    # 3. Curated fields filled in: validation is clean.
    created.write_text(_fill_curated_fields(skeleton, model_text), encoding="utf-8")
    assert main(["validate", "--format", "text"]) == 0, capsys.readouterr().out
    capsys.readouterr()

    # 4. Importing the same file again is refused as a duplicate and changes nothing.
    before = snapshot(project)
    assert main(["import", str(nbib)]) == 1
    err = capsys.readouterr().err
    assert f"is already in {Path('records') / CREATED} (same DOI 10.1038/nature06188)" in err
    assert snapshot(project) == before

    # 5. The site builds (mkdocs build --strict), and the paper's page shows its citation.
    serve_root = sitekit.build(project, prefix="litatlas-newcomer-site-")
    page = serve_root / sitekit.base_path(project).strip("/") / "papers" / CREATED.removesuffix(".yml") / "index.html"
    html = page.read_text(encoding="utf-8")
    for fact in (
        "Mesenchymal stem cells within tumour stroma promote breast cancer metastasis",
        "Karnoub AE",
        "Nature",
        "2007",
        "449",
        "557",
        "10.1038/nature06188",
        "17914389",
    ):
        assert fact in html, fact
