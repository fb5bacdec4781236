"""Which pages the search index leaves out: pages that list papers, and the paper tables of topic pages.

The search index is Pagefind's (litatlas.publish.pagefind): each paper enters once, as a custom record made
from its data (title, authors, journal and year, summary, the searched fields), and the prose pages
(home, topic introductions, methods...) as their article. The generated pages that list or show papers
(paper pages, browse, What's new, evidence) stay out: the plugin sets `search: exclude` in their metadata,
and `litatlas build --out` writes it as front matter, so a bare MkDocs build of the written Markdown with
Material's `search` plugin indexes the same pages. The paper tables of topic pages are marked
`data-search-exclude`, which both Material's search and our Pagefind index skip.
"""

from __future__ import annotations

# Docs-relative folders whose pages list or show records: excluded from Material's search (see above).
EXCLUDED_FOLDERS = ("papers/", "browse/", "new/", "evidence/")
# Generated pages that stay in the index for their prose, but whose tables list papers.
TABLES_EXCLUDED = ("topics/",)
FRONT_MATTER = "---\nsearch:\n  exclude: true\n---\n"


def excluded(path: str) -> bool:
    return path.endswith(".md") and path.startswith(EXCLUDED_FOLDERS)


def exclude_from_search(pages: dict[str, str]) -> dict[str, str]:
    """Add `search: exclude` front matter to the generated pages that list or show records (in place)."""
    for path, text in pages.items():
        if not excluded(path):
            continue
        if text.startswith("---\n"):
            if "\nsearch:" not in text[3 : text.find("\n---", 3) + 1]:  # a page that sets search itself decides
                pages[path] = "---\nsearch:\n  exclude: true\n" + text[4:]
        else:
            pages[path] = FRONT_MATTER + text
    return pages


def mark_tables(path: str, html: str) -> str:
    """Keep the tables (lists of papers) of a topic page out of the search index; its prose stays in."""
    if not path.startswith(TABLES_EXCLUDED):
        return html
    return html.replace("<table>", '<table data-search-exclude="true">')
