"""Build the atlas with `mkdocs build --strict` and serve it on 127.0.0.1, for browser, link and hostile-record tests.

Builds are cached per process (one build of the real site serves every test module that needs it) and their
folders are removed when the test run ends. The server serves the site under the path of `site_url`
(/msc-cancer-atlas/), like GitHub Pages and `mkdocs serve`, so absolute and relative links both work.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = ROOT / "tests" / "hostile"
NOT_COPIED = {".git", ".venv", "node_modules", "site", "test-artifacts", "tests", "benchmarks", "bench-results", "build"}
NOT_COPIED |= {".pytest_cache", ".ruff_cache", ".hypothesis", ".github"}

_workdirs: list[Path] = []


def _workdir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    # LinkChecker drops privileges to `nobody` when run as root: everything served must be world-readable.
    path.chmod(0o755)
    _workdirs.append(path)
    return path


@atexit.register
def _cleanup() -> None:
    for path in _workdirs:
        shutil.rmtree(path, ignore_errors=True)


def base_path(project: Path = ROOT) -> str:
    """'/msc-cancer-atlas/': the path part of site_url, where the site is served."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    site_url = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("site_url:")), "/")
    path = urlparse(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


def copy_project(dest: Path, extra_records: Iterable[Path] = ()) -> Path:
    """A copy of the project (everything a build may read: config, docs, records, overrides, root files such as
    CITATION.cff), without the tests, virtualenv and caches; plus extra record files."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = NOT_COPIED if Path(folder) == ROOT else set()
        return {n for n in names if n in top or n == "__pycache__" or n.endswith(".egg-info")}

    shutil.copytree(ROOT, dest, ignore=ignore)
    for record in extra_records:
        shutil.copy2(record, dest / "records" / record.name)
    return dest


def build(project: Path, prefix: str = "litatlas-site-") -> Path:
    """`mkdocs build --strict` of `project` into a fresh folder laid out for serving; fails the test with the log."""
    serve_root = _workdir(prefix)
    site = serve_root / base_path(project).strip("/")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        problems = [line for line in result.stderr.splitlines() if line.startswith(("WARNING", "ERROR", "Aborted", "Error"))]
        pytest.fail(
            "mkdocs build --strict failed:\n" + "\n".join(problems[-40:] or result.stderr.splitlines()[-40:]), pytrace=False
        )
    for folder, _dirs, files in os.walk(serve_root):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return serve_root


@functools.cache
def real_site() -> Path:
    """The project's own site, built once per test run; returns the folder to serve (the site is in base_path())."""
    project = copy_project(_workdir("litatlas-project-") / "project")
    return build(project)


@functools.cache
def site_with_records(records: tuple[Path, ...]) -> Path:
    """The project's site with extra record files added (e.g. the hostile corpus), built once per test run."""
    project = copy_project(_workdir("litatlas-project-") / "project", records)
    return build(project, prefix="litatlas-site-extra-")


@functools.cache
def site_in_parts(part_size: int) -> Path:
    """The project's site with its search index split into parts of `part_size` papers (as a big atlas's is)."""
    project = copy_project(_workdir("litatlas-project-") / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - litatlas:\n" in text
    config.write_text(text.replace("  - litatlas:\n", f"  - litatlas:\n      search_part_size: {part_size}\n"), encoding="utf-8")
    return build(project, prefix="litatlas-site-parts-")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        pass

    def end_headers(self) -> None:
        # LinkChecker waits 0.1-0.6 s between requests to a host unless the host answers with this header;
        # then it uses its `maxrequestspersecond` setting (our own server on 127.0.0.1 can take it).
        self.send_header("LinkChecker", "local test server")
        super().end_headers()


@contextlib.contextmanager
def serve(serve_root: Path, project: Path = ROOT) -> Iterator[str]:
    """Serve a built site (http.server) on 127.0.0.1 at a free port; yields the site's base URL."""
    handler = functools.partial(_QuietHandler, directory=str(serve_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{base_path(project)}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def hostile_manifest() -> list[dict]:
    """tests/hostile/manifest.yml: every hostile record and whether it must be refused or rendered inert."""
    return yaml.safe_load((HOSTILE / "manifest.yml").read_text(encoding="utf-8"))["records"]


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))
