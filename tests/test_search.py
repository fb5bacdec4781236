"""Pages that list papers stay out of the search index; topic pages keep their prose, not their tables (issue 7)."""

from __future__ import annotations

from litatlas.publish.searchrules import exclude_from_search, mark_tables


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


def test_topic_tables_are_marked_other_pages_untouched() -> None:
    html = "<p>Intro</p><table><tr><td>x</td></tr></table>"
    assert mark_tables("topics/t.md", html) == '<p>Intro</p><table data-search-exclude="true"><tr><td>x</td></tr></table>'
    assert mark_tables("methods.md", html) == html
