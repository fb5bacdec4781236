"""End to end: `mkdocs build --strict` and `mkdocs serve` of the repository's own site, on temporary copies.

Marked slow: each test runs MkDocs in a subprocess (`pytest -m "not slow"` skips them).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from litatlas.publish.pagefind import read_fragments

ROOT = Path(__file__).resolve().parents[1]
# What the site is built from; the root's CONTRIBUTING.md becomes the Contribute page when it exists.
PROJECT_PARTS = ("mkdocs.yml", "docs", "records", "schema", "CONTRIBUTING.md")
KARNOUB = "karnoub-2007-msc-ccl5-breast-metastasis"
TOPICS = ["tumour-promotion", "tumour-inhibition", "delivery-vectors", "tropism-homing", "reviews-trials"]
BROWSE = ["cancer-types", "molecules", "msc-sources", "years", "all"]
BUILD_TIMEOUT = 300

pytestmark = pytest.mark.slow


def copy_project(dest: Path, parts: tuple[str, ...] = PROJECT_PARTS) -> Path:
    dest.mkdir(parents=True)
    for name in parts:
        source = ROOT / name
        if not source.exists() and name != "mkdocs.yml":
            continue
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dest / name)
    return dest


def mkdocs_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(project / "mkdocs.yml"),
            "--site-dir",
            str(site),
        ],
        cwd=project,
        env=mkdocs_env(),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder with a hash of its content."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class _NavLinks(HTMLParser):
    """The link targets inside the page's <nav> elements (Material's tabs and primary navigation)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav":
            self.depth += 1
        elif tag == "a" and self.depth:
            self.links.extend(value or "" for name, value in attrs if name == "href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.depth:
            self.depth -= 1


def nav_links(html: str) -> list[str]:
    parser = _NavLinks()
    parser.feed(html)
    return parser.links


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]]:
    base = tmp_path_factory.mktemp("e2e-build")
    project = copy_project(base / "project")
    before = snapshot(project)
    site = base / "site"
    result = mkdocs_build(project, site)
    return project, site, before, result


def test_build_strict_succeeds(built_site: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]]) -> None:
    _, _, _, result = built_site
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_build_writes_nothing_into_the_project(
    built_site: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]],
) -> None:
    project, _, before, _ = built_site
    after = snapshot(project)
    # Only the record cache (its own git-ignored folder) is new; nothing else was added, changed or removed.
    cache = {path for path in after if path.startswith(".litatlas_cache/")}
    assert cache == {".litatlas_cache/records.json", ".litatlas_cache/.gitignore"}
    assert {path: digest for path, digest in after.items() if path not in cache} == before
    assert any(path.startswith("docs/") for path in after) and any(path.startswith("records/") for path in after)


def test_built_site_has_topic_paper_and_browse_pages(
    built_site: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]],
) -> None:
    _, site, _, result = built_site
    assert result.returncode == 0, result.stdout + result.stderr
    for topic in TOPICS:
        page = site / "topics" / topic / "index.html"
        assert page.is_file(), f"missing topic page {topic}"
        assert "Papers by sub-topic" in page.read_text(encoding="utf-8")
    for name in BROWSE:
        assert (site / "browse" / name / "index.html").is_file(), f"missing browse page {name}"
    assert (site / "browse" / "molecules" / "ccl5" / "index.html").is_file()
    paper = (site / "papers" / KARNOUB / "index.html").read_text(encoding="utf-8")
    assert 'href="https://doi.org/10.1038/nature06188"' in paper
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/17914389/"' in paper
    assert "CCL5" in paper


def test_paper_pages_stay_out_of_the_navigation(
    built_site: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]],
) -> None:
    _, site, _, result = built_site
    assert result.returncode == 0, result.stdout + result.stderr
    for page in (site / "index.html", site / "papers" / KARNOUB / "index.html"):
        links = nav_links(page.read_text(encoding="utf-8"))
        assert any("topics/tumour-promotion/" in link for link in links), "the navigation was not found"
        assert any(link.endswith("browse/") for link in links)
        assert not [link for link in links if "papers/" in link], f"paper pages in the navigation of {page}"
        # navigation.prune: sections other than the current one are one link, not all their pages (page size).
        assert not [link for link in links if "browse/cancer-types/" in link], f"unpruned navigation in {page}"


def test_pagefind_index_holds_papers_and_prose_not_listings(
    built_site: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]],
) -> None:
    _, site, _, result = built_site
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (site / "search" / "search_index.json").exists(), "Material's search plugin is off"
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert (site / "assets" / "litatlas-search.js").is_file()
    fragments = {fragment["url"]: fragment for fragment in read_fragments(site / "pagefind")}
    karnoub = fragments[f"/papers/{KARNOUB}/"]
    assert "CCL5" in karnoub["content"] and "Karnoub AE" in karnoub["content"]
    papers = [url for url in fragments if url.startswith("/papers/")]
    assert len(papers) == len(list((site / "papers").glob("*/index.html")))
    assert "/" in fragments and "/methods/" in fragments and "/topics/tumour-promotion/" in fragments
    listed = [url for url in fragments if url.startswith(("/browse/", "/new/", "/evidence/"))]
    assert listed == [], "pages that only list papers stay out of the index"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "data-la-search" in home and "litatlas-search.js" in home, "the header's search box"


BROKEN_RECORD = """\
# yaml-language-server: $schema=../scripts/litatlas/schema/record.schema.json
title: A broken record for the end-to-end test
year: 2010
doi: 10.5555/e2e.broken
type: research-article
effect: promotes
topics: [growth]
cancer_types: [brest]
summary: A record with a misspelt cancer type, which must stop a strict build.
added: 2026-01-01
"""


def test_broken_record_fails_the_strict_build_with_path_and_line(tmp_path: Path) -> None:
    # A small copy (the vocabulary, one good record and the broken one) keeps this build quick.
    project = small_project(tmp_path / "project")
    (project / "records" / "broken-2010-e2e-record.yml").write_text(BROKEN_RECORD, encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output
    assert re.search(
        r"records/broken-2010-e2e-record\.yml:8: cancer_types(\[0\])?: unknown cancer type 'brest'; did you mean 'breast'", output
    ), output


# ----- live preview


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never send 127.0.0.1 through a proxy


def fetch(url: str) -> tuple[int, str]:
    try:
        with _OPENER.open(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, ""


def wait_for(condition: Callable[[], bool], timeout: float, what: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if server.poll() is not None:
            pytest.fail(
                f"mkdocs serve exited with {server.returncode} while waiting for {what}:\n{log.read_text(errors='replace')[-3000:]}"
            )
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}:\n{log.read_text(errors='replace')[-3000:]}")


def small_project(dest: Path, records: tuple[str, ...] = (KARNOUB,)) -> Path:
    """A copy of the project with the vocabulary and only a few records: builds in a fraction of the time."""
    project = copy_project(dest, ("mkdocs.yml", "docs", "CONTRIBUTING.md"))
    (project / "records").mkdir()
    shutil.copy2(ROOT / "records" / "atlas.yml", project / "records" / "atlas.yml")
    for record_id in records:
        shutil.copy2(ROOT / "records" / f"{record_id}.yml", project / "records" / f"{record_id}.yml")
    return project


@pytest.mark.parametrize("dirty", [False, True], ids=["serve", "serve-dirty"])
def test_serve_refreshes_a_paper_page_when_its_record_changes(tmp_path: Path, dirty: bool) -> None:
    # Not --strict, so the hand-written pages' links to papers left out of this small copy do not matter.
    project = small_project(tmp_path / "project")
    port = free_port()
    base = f"http://127.0.0.1:{port}/msc-cancer-atlas/"  # site_url's path
    paper_url = f"{base}papers/{KARNOUB}/"
    log = tmp_path / "serve.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "--dev-addr",
                f"127.0.0.1:{port}",
                "--config-file",
                str(project / "mkdocs.yml"),
                *(["--dirty"] if dirty else []),  # what `make serve` runs: only changed pages are rebuilt
            ],
            cwd=project,
            env=mkdocs_env(),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: fetch(base)[0] == 200, BUILD_TIMEOUT, "the first build", server, log)
        status, page = fetch(paper_url)
        assert status == 200
        assert "CCL5" in page
        marker = f"Live preview marker {port}"
        assert marker not in page
        # Under serve the index is written in the background once the pages are served.
        wait_for(lambda: '"page_count"' in fetch(base + "pagefind/pagefind-entry.json")[1], 30, "the index", server, log)
        entry = fetch(base + "pagefind/pagefind-entry.json")[1]

        record = project / "records" / f"{KARNOUB}.yml"
        text = record.read_text(encoding="utf-8")
        edited, count = re.subn(r"(?m)^summary: >-\n(?:  .*\n)+", f"summary: {marker}, an edited summary of this paper.\n", text)
        assert count == 1, "the record's summary was not found"
        record.write_text(edited, encoding="utf-8")

        wait_for(lambda: marker in fetch(paper_url)[1], 30, "the edited summary on the served page", server, log)
        # The search index is made again from the changed record (its hash is in the entry file), and still
        # holds every page, also those a dirty rebuild did not convert again.
        wait_for(lambda: fetch(base + "pagefind/pagefind-entry.json")[1] not in ("", entry), 30, "a new index", server, log)
        pages_before = re.search(r'"page_count":(\d+)', entry)
        pages_after = re.search(r'"page_count":(\d+)', fetch(base + "pagefind/pagefind-entry.json")[1])
        assert pages_before and pages_after and pages_after.group(1) == pages_before.group(1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def _article(page: Path) -> list[str]:
    """A page's article, its lines without blank ones, raw HTML markers and the edit button (the plugin points it at
    the record, or drops it on list pages; a plain build points it at the written Markdown). The plugin also marks
    topic tables for its search index, which a plain build does not make."""
    html = page.read_text(encoding="utf-8").replace(' data-search-exclude="true"', "")
    article = re.sub(r'<a [^>]*rel="edit">.*?</a>', "", html[html.index("<article") : html.index("</article>")], flags=re.S)
    return [
        line for line in article.splitlines() if line.strip() and line.strip() not in ("<!-- la:html -->", "<!-- /la:html -->")
    ]


def test_plain_mkdocs_builds_the_written_markdown_into_the_same_pages(
    built_site: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    """`litatlas build --out`, then MkDocs without the plugin (--strict): the articles readers get are the same."""
    project, site, _, _ = built_site
    out = tmp_path / "out"
    written = subprocess.run(
        [sys.executable, "-m", "litatlas", "build", "--out", str(out)],
        cwd=project,
        env=mkdocs_env(),
        capture_output=True,
        text=True,
    )
    assert written.returncode == 0, written.stdout + written.stderr
    plain = tmp_path / "plain.yml"
    plain.write_text(f"INHERIT: {project / 'mkdocs.yml'}\ndocs_dir: {out}\nplugins: []\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(plain), "-d", str(tmp_path / "site")],
        cwd=project,
        env=mkdocs_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for page in (f"papers/{KARNOUB}/index.html", "browse/all/index.html", "topics/tumour-promotion/index.html"):
        assert _article(tmp_path / "site" / page) == _article(site / page), page
