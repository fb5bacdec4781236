"""Pages that list papers stay bounded however many records there are (issue 7), checked on 1,200 synthetic records."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.site import routes
from litatlas.site.build import render_pages
from litatlas.site.pages import evidence
from litatlas.site.pages.browse import ROWS_PER_PAGE
from litatlas.site.pages.topics import TOPIC_SECTION_ROWS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402

N = 1200
ROW = re.compile(r'^<tr><td style="text-align: right;">\d+</td><td>\d{4}</td>', re.MULTILINE)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    dest = tmp_path_factory.mktemp("bounded") / "project"
    dest.mkdir()
    for name in ("mkdocs.yml", "docs"):
        src = ROOT / name
        shutil.copytree(src, dest / name) if src.is_dir() else shutil.copy2(src, dest / name)
    (dest / "records").mkdir()
    shutil.copy2(ROOT / "records" / "atlas.yml", dest / "records" / "atlas.yml")
    synthetic.write_records(dest / "records", synthetic.generate(N, ROOT / "records" / "atlas.yml"))
    atlas, problems = load_atlas(load_settings(dest))
    assert atlas is not None and not problems
    return render_pages(atlas)


def test_list_pages_are_paginated(pages: dict[str, str]) -> None:
    all_pages = sorted(p for p in pages if re.fullmatch(r"browse/all(-page-\d+)?\.md", p))
    assert len(all_pages) == -(-N // ROWS_PER_PAGE)
    rows = [len(ROW.findall(pages[p])) for p in all_pages]
    assert sum(rows) == N and max(rows) == ROWS_PER_PAGE
    for path, text in pages.items():
        if path.startswith("browse/") and path.endswith(".md"):
            assert len(ROW.findall(text)) <= ROWS_PER_PAGE, path


def test_topic_sections_show_the_newest_papers_only(pages: dict[str, str]) -> None:
    for path in (p for p in pages if p.startswith("topics/")):
        sections = pages[path].split("\n### ")[1:]
        assert sections, path
        assert max(len(ROW.findall(s)) for s in sections) == TOPIC_SECTION_ROWS, path


def test_the_conflicts_page_shows_a_fixed_number_of_papers_per_side(pages: dict[str, str]) -> None:
    text = pages[routes.CONFLICTS]
    by_cancer, by_molecule = text.split("\n## By molecule")
    for part, limit in (
        (by_cancer, evidence.CONFLICT_PAPERS_PER_SIDE),
        (by_molecule, evidence.CONFLICT_LIST_PAPERS_PER_SIDE),
    ):
        sides = re.findall(r'<ul class="la-papers">(.*?)</ul>', part)
        assert sides
        counts = [side.count("<li>") for side in sides]
        assert max(counts) == limit  # at 1,200 records the busiest sides are full, and cut at the limit
        assert "All " in part and f"(newest {limit} shown)" in part
    molecules = re.findall(r"^### ", by_molecule, re.MULTILINE)
    assert len(molecules) == evidence.CONFLICT_LIST_LIMIT
    # Bounded by the vocabulary, not by the records: 27 cancer types and 12 molecules at most.
    assert len(text.encode("utf-8")) < 600_000
