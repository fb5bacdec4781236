"""The benchmark's synthetic records (benchmarks/synthetic.py) are valid records that render; no timings here."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.publish.pagefind import paper_record
from litatlas.publish.searchrules import exclude_from_search
from litatlas.site.build import render_pages

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402

N = 30


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("bench") / "project"
    dest.mkdir()
    for name in ("mkdocs.yml", "docs"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)
    (dest / "records").mkdir()
    shutil.copy2(ROOT / "records" / "atlas.yml", dest / "records" / "atlas.yml")
    synthetic.write_records(dest / "records", synthetic.generate(N, ROOT / "records" / "atlas.yml"))
    return dest


def test_generation_is_deterministic() -> None:
    vocabulary = ROOT / "records" / "atlas.yml"
    assert synthetic.generate(5, vocabulary) == synthetic.generate(5, vocabulary)
    assert synthetic.generate(5, vocabulary, seed=1) != synthetic.generate(5, vocabulary, seed=2)


def test_synthetic_records_validate_clean(project: Path) -> None:
    atlas, problems = load_atlas(load_settings(project))
    assert problems == [], "\n".join(map(str, problems))
    assert atlas is not None and len(atlas.records) == N


def test_synthetic_records_render(project: Path) -> None:
    atlas, _ = load_atlas(load_settings(project))
    pages = render_pages(atlas)
    papers = [path for path in pages if path.startswith("papers/") and path.endswith(".md")]
    assert len(papers) == N
    assert "browse/all.md" in pages
    for record in atlas.records:
        assert record.title.split()[0] in pages[f"papers/{record.id}.md"]


def test_search_front_matter_and_paper_entries(project: Path) -> None:
    atlas, _ = load_atlas(load_settings(project))
    pages = exclude_from_search(render_pages(atlas))
    assert pages["browse/all.md"].startswith("---\nsearch:\n  exclude: true\n---\n")
    assert not pages["index.md"].startswith("---")
    record = atlas.records[0]
    entry = paper_record(record, f"papers/{record.id}/", atlas.config)
    assert entry["url"] == f"/papers/{record.id}/"
    assert record.list("authors")[0] in entry["content"]
    assert len(entry["content"]) < 1500
