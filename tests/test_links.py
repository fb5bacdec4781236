"""Every internal link and anchor of the built site resolves, raw-HTML links included.

`mkdocs build --strict` checks links written in Markdown, not <a>/<img> written as raw HTML by templates and
feature modules. LinkChecker follows every link of the served pages (internal only: external links are checked
by the weekly workflow); anchors (#fragment) are checked here against the ids of the built pages, which is
the same check as LinkChecker's AnchorCheck plugin at a fraction of its time (it downloads a page once per anchor).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

import sitekit
from htmlscan import scan

CONFIG = """\
[checking]
threads=8
maxrequestspersecond=500
timeout=30
[filtering]
checkextern=0
"""


def test_internal_links_resolve(tmp_path: Path) -> None:
    linkchecker = Path(sys.executable).with_name("linkchecker")
    if not linkchecker.exists():
        pytest.skip("LinkChecker is not installed (pip install linkchecker)")
    config = tmp_path / "linkcheckerrc"
    config.write_text(CONFIG, encoding="utf-8")
    config.chmod(0o644)
    tmp_path.chmod(0o755)  # LinkChecker run as root drops to `nobody`, who must read the configuration
    with sitekit.serve(sitekit.real_site()) as url:
        result = subprocess.run(
            [str(linkchecker), "--no-status", "--no-warnings", "--config", str(config), "--output", "text", url],
            capture_output=True,
            text=True,
            timeout=900,
        )
    report = result.stdout + result.stderr
    assert result.returncode == 0, "broken internal links:\n" + report[-6000:]
    assert " 0 errors found" in report, report[-3000:]


def test_internal_anchors_resolve() -> None:
    serve_root = sitekit.real_site()
    base = "http://site" + sitekit.base_path()
    pages = {path: scan(path) for path in sitekit.html_pages(serve_root)}
    ids = {
        path: {e.attrs[key] for e in page.elements for key in ("id", "name") if key in e.attrs} for path, page in pages.items()
    }
    broken, checked = [], 0
    for path, page in pages.items():
        here = "http://site/" + path.relative_to(serve_root).as_posix()
        for tag, name, value, _attrs in page.urls():
            if name != "href" or "#" not in value:
                continue
            target, fragment = urldefrag(urljoin(here, value))
            if not fragment or not target.startswith(base):
                continue
            file = serve_root / unquote(urlparse(target).path).lstrip("/")
            if file.is_dir() or target.endswith("/"):
                file = file / "index.html"
            if file not in ids:
                continue  # a missing page is LinkChecker's finding
            checked += 1
            if unquote(fragment) not in ids[file]:
                broken.append(f"{path.relative_to(serve_root)}: <{tag} {name}={value!r}>: no id {fragment!r}")
    assert not broken, "\n".join(broken[:50])
    assert checked > 100, f"only {checked} anchors found: is the site built?"
