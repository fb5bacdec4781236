"""Every path and URL of the site: generated pages, data files, links between pages and to the repository."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import urlencode

from litatlas.model.config import AtlasConfig, Field
from litatlas.model.settings import Settings

HOME = "index.md"
CONTRIBUTE = "contribute.md"
METHODS = "methods.md"
ALL_PAPERS = "browse/all.md"
BROWSE_HOME = "browse/index.md"
YEARS = "years"  # browse folder of papers by year
EVIDENCE_MAP = "evidence/index.md"
CONFLICTS = "evidence/conflicts.md"
NEW = "new/index.md"
DOWNLOADS = "downloads/index.md"
RETRACTED = "evidence/retracted.md"
ATLAS_FEED = "feeds/atlas.xml"
FILTER_INDEX = "assets/atlas-index.json"
FILTER_SCRIPT = "assets/atlas-filter.js"
FEATURE_STYLE = "assets/atlas-features.css"
CITE_SCRIPT = "assets/litatlas-cite.js"
SEARCH_SCRIPT = "assets/litatlas-search.js"
CITATION_FILE = "CITATION.cff"
# Filter parameters that every atlas has, after the fields' own: years, free text and sorting.
EXTRA_PARAMS = ("from", "to", "text", "sort", "order")


def paper(record_id: str) -> str:
    return f"papers/{record_id}.md"


def paper_file(record_id: str, extension: str) -> str:
    """A paper's own download: 'bib' or 'ris'."""
    return f"papers/{record_id}.{extension}"


def topic(topic_id: str, subtopic_id: str = "") -> str:
    return f"topics/{topic_id}.md" + (f"#{subtopic_id}" if subtopic_id else "")


def feed(topic_id: str | None = None) -> str:
    return ATLAS_FEED if topic_id is None else f"feeds/{topic_id}.xml"


def download(name: str) -> str:
    return f"downloads/{name}"


def page_suffix(number: int) -> str:
    return "" if number == 1 else f"-page-{number}"


def browse(field: Field | None, key: str | None = None, page: int = 1) -> str:
    """A browse page: the index of a field's values, or one value's papers (field None: years)."""
    folder = field.slug if field is not None else YEARS
    if key is None:
        return f"browse/{folder}.md"
    return f"browse/{folder}/{field.key(key) if field is not None else key}{page_suffix(page)}.md"


@lru_cache(maxsize=1 << 16)
def relative(target: str, base: str) -> str:
    """posixpath.relpath(target, base) for normalised docs-relative paths, without its filesystem calls."""
    if target.startswith("/") or base.startswith("/") or "." in (target[:1], base[:1]) or "/." in target + base:
        return posixpath.relpath(target, base or ".")
    parts, base_parts = target.split("/"), base.split("/") if base else []
    common = 0
    for a, b in zip(parts, base_parts):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base_parts) - common) + parts[common:]) or "."


def rel(here: str, target: str) -> str:
    """Relative Markdown link from page `here` to page `target` (both docs-relative .md paths, target may have #anchor)."""
    target_path, _, anchor = target.partition("#")
    path = relative(target_path, posixpath.dirname(here)) if target_path else ""
    return path + (f"#{anchor}" if anchor else "")


def page_url(path: str, directory_urls: bool = True) -> str:
    """Site-relative URL of a docs-relative page path, as MkDocs writes it ('browse/all.md' -> 'browse/all/')."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(here: str, target: str, directory_urls: bool = True) -> str:
    """Relative URL from page `here` to page `target` (docs-relative .md paths), for raw HTML links."""
    target_path, _, anchor = target.partition("#")
    here_url = page_url(here, directory_urls)
    folder = here_url.rstrip("/") if here_url.endswith("/") else posixpath.dirname(here_url)
    target_url = page_url(target_path, directory_urls) if target_path else here_url
    link = posixpath.relpath(target_url.rstrip("/") or ".", folder or ".")
    if link == ".":
        link = "./"
    elif target_url.endswith("/") or not target_url:
        link += "/"
    return link + (f"#{anchor}" if anchor else "")


def link_origin(here: str, target: str, directory_urls: bool = True) -> str | int:
    """What `href(here, target)` depends on besides the target: pages with the same origin link it alike.

    From a page outside the target's top folder the link only climbs to the root (every paper page links a
    browse page as ../../browse/...), so the folder's depth is enough; otherwise the folder itself.
    """
    here_url = page_url(here, directory_urls)
    folder = here_url.rstrip("/") if here_url.endswith("/") else posixpath.dirname(here_url)
    if not folder:
        return 0
    if folder.partition("/")[0] != page_url(target.partition("#")[0], directory_urls).partition("/")[0]:
        return folder.count("/") + 1
    return folder


def relative_url(here: str, target: str, directory_urls: bool = True) -> str:
    """A Markdown link target turned into the URL it becomes (feeds resolve links against their own address)."""
    link = rel(here, target)
    if not link.endswith(".md"):
        return link
    stem = link[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")] or "./"
    return stem + "/" if directory_urls else stem + ".html"


def site_address(settings: Settings, path: str) -> str:
    """Absolute URL of a generated file or page ('' when the site has no site_url)."""
    if not settings.site_url:
        return ""
    return settings.site_url.rstrip("/") + "/" + page_url(path, settings.use_directory_urls)


class Filters:
    """The filter URL scheme of "All papers": one parameter per filterable field, then years, text and sorting.

    Every value is a term id (or a free-list value's slug), so links stay valid when labels change.
    """

    def __init__(self, config: AtlasConfig, directory_urls: bool = True) -> None:
        self.by_field = {f.id: f.filter for f in config.filter_fields}
        self.params = tuple(self.by_field.values())
        self.order = {name: i for i, name in enumerate((*self.params, *EXTRA_PARAMS))}
        self.directory_urls = directory_urls

    def query(self, **filters: str | int) -> str:
        """'?finding=supports&population=adults' from field ids or parameter names; empty values are left out."""
        pairs = []
        for name, value in filters.items():
            param = self.by_field.get(name, name)
            if param not in self.order:
                raise ValueError(f"unknown filter {name!r}")
            if value not in ("", None):
                pairs.append((param, str(value)))
        pairs.sort(key=lambda pair: self.order[pair[0]])
        return "?" + urlencode(pairs) if pairs else ""

    def href(self, here: str, **filters: str | int) -> str:
        """Link from page `here` to "All papers" filtered as given (raw HTML: escape it before use)."""
        return href(here, ALL_PAPERS, self.directory_urls) + self.query(**filters)

    def can_filter(self, field_id: str) -> bool:
        return field_id in self.by_field


# ----- the repository: edit and view links, the correction form


def record_source_url(settings: Settings, filename: str, *, edit: bool = False) -> str:
    """GitHub address of a record file, to view or to edit it."""
    if not settings.repo_url.startswith(("https://", "http://")):
        return ""
    verb = "edit" if edit else "blob"
    return f"{settings.repo_url.rstrip('/')}/{verb}/{settings.edit_branch}/{settings.records_rel}/{filename}"


def correction_url(settings: Settings, record_id: str) -> str:
    """The "Report a correction" issue form of the repository, prefilled with the record id."""
    if not settings.repo_url.startswith("https://github.com/"):
        return ""
    query = urlencode({"template": "correction.yml", "record": record_id, "title": f"Correction: {record_id}"})
    return f"{settings.repo_url.rstrip('/')}/issues/new?{query}"


def docs_edit_url(settings: Settings, path: str) -> str:
    """Where a hand-written page is edited (its file under docs/)."""
    if not settings.repo_url or not settings.edit_uri:
        return ""
    return settings.repo_url.rstrip("/") + "/" + settings.edit_uri.strip("/") + "/" + path


def repository_file_url(settings: Settings, path: str) -> str:
    """GitHub address of a file at the repository's root, such as CITATION.cff."""
    if not settings.repo_url.startswith("https://"):
        return ""
    return f"{settings.repo_url.rstrip('/')}/blob/{settings.edit_branch}/{path}"
