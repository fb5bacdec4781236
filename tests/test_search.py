"""The compact search index: pages that list papers are excluded, each paper is added once (issue 7)."""

from __future__ import annotations

import json
from pathlib import Path

from litatlas.search import add_to_index, exclude_from_search, mark_tables


def _index(path: Path, docs: list[dict]) -> Path:
    path.write_text(json.dumps({"config": {"lang": ["en"]}, "docs": docs}), encoding="utf-8")
    return path


def test_front_matter_is_added_only_to_pages_that_list_papers() -> None:
    pages = {
        "papers/a.md": "# A\n",
        "browse/all.md": "# All\n",
        "evidence/index.md": "---\ntitle: Map\n---\n# Map\n",
        "new/index.md": "---\nsearch:\n  boost: 2\n---\n# New\n",
        "topics/t.md": "# T\n",
        "index.md": "# Home\n",
        "papers/a.bib": "@article{a}",
    }
    out = exclude_from_search(dict(pages))
    assert out["papers/a.md"] == "---\nsearch:\n  exclude: true\n---\n# A\n"
    assert out["evidence/index.md"] == "---\nsearch:\n  exclude: true\ntitle: Map\n---\n# Map\n"
    assert out["new/index.md"] == pages["new/index.md"]  # a page that sets search itself decides
    for same in ("topics/t.md", "index.md", "papers/a.bib"):
        assert out[same] == pages[same]


def test_paper_entries_replace_old_ones(tmp_path: Path) -> None:
    index = _index(
        tmp_path / "i.json", [{"location": "", "title": "Home", "text": ""}, {"location": "papers/a/#x", "title": "", "text": ""}]
    )
    entry = {"location": "papers/a/", "title": "A", "text": "<p>Smith J (2020)</p>"}
    docs = add_to_index(index, [entry])
    assert docs == [{"location": "", "title": "Home", "text": ""}, entry]
    assert json.loads(index.read_text())["docs"] == docs
    assert add_to_index(tmp_path / "missing.json", [entry]) is None


def test_incremental_rebuild_carries_entries_of_pages_not_rebuilt(tmp_path: Path) -> None:
    previous = [
        {"location": "", "title": "Home", "text": "old"},
        {"location": "methods/", "title": "Methods", "text": "kept"},
        {"location": "gone/", "title": "Gone", "text": "page removed"},
        {"location": "papers/a/", "title": "A", "text": "old"},
    ]
    # What the search plugin writes after a dirty rebuild of the home page only (its own merge may drop entries).
    index = _index(tmp_path / "i.json", [{"location": "", "title": "Home", "text": "new"}])
    entry = {"location": "papers/a/", "title": "A", "text": "new"}
    docs = add_to_index(index, [entry], (previous, {""}, {"", "methods/", "papers/a/"}))
    assert docs == [
        {"location": "methods/", "title": "Methods", "text": "kept"},
        {"location": "", "title": "Home", "text": "new"},
        entry,
    ]


def test_topic_tables_are_marked_other_pages_untouched() -> None:
    html = "<p>Intro</p><table><tr><td>x</td></tr></table>"
    assert mark_tables("topics/t.md", html) == '<p>Intro</p><table data-search-exclude="true"><tr><td>x</td></tr></table>'
    assert mark_tables("methods.md", html) == html
