#!/usr/bin/env python3
"""litatlas benchmark (`make bench`): speed, size and memory at 100 to 10,000 synthetic records, as ratios.

For every size N it generates schema-valid records (benchmarks/synthetic.py, fixed seed) into a throw-away
project (a copy of mkdocs.yml, docs/ and records/atlas.yml; nothing is written into the
repository) and measures:

* load + validate, and render, in this process (median of several runs; wall and CPU time);
* the full `mkdocs build` with the litatlas plugin, against two builds measured in the same run (runs
  alternating, so a slow phase of the machine hits all alike; median of several runs; peak RSS of the mkdocs
  process and of the Pagefind binary apart):
  - the reference: MkDocs with the same configuration (theme, overrides, Markdown extensions, navigation)
    building as many minimal pages (a heading and a sentence each, pages outside the navigation declared so);
  - the bare build: the same Markdown, written by `litatlas build --out`, built without the plugin;
* the size of site/, the search index (bytes per record), and the HTML of paper, topic and browse pages;
* in headless Chromium (Debian /usr/bin/chromium through Playwright; skipped when missing): the time from
  opening the home page to the first search result, and the time to apply a facet filter on "All papers";
* under `mkdocs serve --dirty` at 2,000 and 10,000 records: the server's start, and the time from saving a
  change until the pages that show it are served and the rebuild has finished: an edit to a record's summary,
  a record added, that record deleted;

and for the bundled atlas, the edit-to-preview latency with and without --dirty.

It prints the tables and writes every figure to bench-results/bench.json (gitignored).

    python benchmarks/bench.py                     # N = 100, 1,000, 3,000, 10,000; serve at 2,000, 10,000
    python benchmarks/bench.py --quick             # N = 100, 1,000 with fewer runs (a few minutes)
    python benchmarks/bench.py --sizes 100,2000 --no-browser --no-serve
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gc
import http.server
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402 - the sibling module

from litatlas.load.project import read_config  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT_PARTS = ("mkdocs.yml", "docs", "CONTRIBUTING.md")
PAPER_LINK = re.compile(r"\[([^\]]+)\]\((?:\.\./)*papers/[^)\s]+\.md(?:#[^)]*)?\)")
SEED = 20260
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
# Builds are timed as on a fresh clone: without litatlas' record cache (the in-process figures show both).
BUILD_ENV = {**ENV, "LITATLAS_CACHE": "off"}

TARGETS = {
    "ours_share_of_full_build": 0.10,
    "ours_seconds_10000": 2.0,
    "full_over_bare": 1.15,
    "paper_html_bytes": 40_000,
    "search_bytes_per_record": 700,
    "first_search_result_s_1000": 0.5,
    "first_search_result_s_10000": 1.5,
    "facet_filter_ms_10000": 100,
    "edit_to_preview_s": 1.5,
    "peak_rss_mb_10000": 500,
}

# Runs a command and reports its wall time, CPU time and peak RSS (the only child, so RUSAGE_CHILDREN is its own).
_MEASURE = r"""
import json, resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
with open(out + ".log", "w") as log:
    start = time.perf_counter()
    code = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
scale = 1 if sys.platform == "darwin" else 1024
with open(out, "w") as handle:
    json.dump({"code": code, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "maxrss": usage.ru_maxrss * scale}, handle)
"""


# Runs `mkdocs build` in this interpreter and records its own peak RSS apart from its children's (the Pagefind
# binaries). A child's ru_maxrss starts from the parent's RSS at the moment it was spawned (fork and exec carry
# the high-water mark over), so a binary started late in a big build would seem as big as MkDocs: each child's
# own high-water mark (VmHWM, reset by exec) is read from /proc every 50 ms instead, where there is a /proc.
_SPLIT_RSS = r"""
import contextlib, json, os, resource, runpy, sys, threading, time
out = sys.argv[1]
sys.argv = ["mkdocs", *sys.argv[2:]]
peak = {"children": 0}
def hwm(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:")), 0)
    except OSError:
        return 0
def children():
    pids = []
    for task in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError), open(f"/proc/self/task/{task}/children") as listed:  # a thread that ended
            pids += listed.read().split()
    return pids
def watch():
    while True:
        for pid in children():
            peak["children"] = max(peak["children"], hwm(pid))
        time.sleep(0.05)
proc = os.path.isdir("/proc/self/task")
if proc:
    threading.Thread(target=watch, daemon=True).start()
code = 0
try:
    runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (1 if exc.code else 0)
scale = 1 if sys.platform == "darwin" else 1024
kids = peak["children"] if proc else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
with open(out, "w") as handle:
    json.dump({"self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale, "children": kids}, handle)
sys.exit(code)
"""


# ----------------------------------------------------------------------------- helpers


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "ram_bytes": mem,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": load,
    }


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("litatlas", "mkdocs", "mkdocs-material", "markdown", "jinja2", "jsonschema", "pyyaml", "playwright"):
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    found["libyaml"] = str(getattr(yaml, "__with_libyaml__", False))
    return found


def dir_size(folder: Path) -> tuple[int, int]:
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            count += 1
    return total, count


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_command(cmd: list[str], cwd: Path, scratch: Path) -> dict[str, Any]:
    result = scratch / f"measure-{time.monotonic_ns()}.json"
    subprocess.run([sys.executable, "-c", _MEASURE, str(result), *cmd], cwd=cwd, env=BUILD_ENV, check=True)
    data = json.loads(result.read_text())
    output = Path(str(result) + ".log").read_text(encoding="utf-8", errors="replace")
    data["warnings"] = sum(1 for line in output.splitlines() if "WARNING" in line)
    if data["code"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}:\n{output[-3000:]}")
    return data


# ----------------------------------------------------------------------------- projects


def make_project(dest: Path, records: list[tuple[str, dict[str, Any]]] | None) -> Path:
    """A copy of the site configuration; `records` None copies the bundled records instead of generating."""
    dest.mkdir(parents=True)
    for name in PROJECT_PARTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    records_dir = dest / "records"
    if records is None:
        shutil.copytree(ROOT / "records", records_dir)
    else:
        records_dir.mkdir()
        shutil.copy2(ROOT / "records" / "atlas.yml", records_dir / "atlas.yml")
        synthetic.write_records(records_dir, records)
        # The hand-written pages cite bundled papers that a synthetic atlas does not have: their links become
        # plain text, so a build does not spend its time warning about them.
        for page in (dest / "docs").rglob("*.md"):
            text = page.read_text(encoding="utf-8")
            page.write_text(PAPER_LINK.sub(r"\1", text), encoding="utf-8")
    return dest


def reference_config(project: Path, docs_out: Path, dest: Path) -> Path:
    """The reference build: as many minimal pages as the atlas has, with the same configuration.

    Every Markdown page `litatlas build --out` wrote becomes a heading and a sentence at the same path; the
    configuration is the atlas's own (theme, theme overrides, Markdown extensions, navigation) without the
    litatlas plugin, and the pages outside the navigation are declared so (`not_in_nav`), as the plugin does.
    """
    from litatlas.publish.disk import THEME_DIR

    docs = dest / "docs"
    for page in docs_out.rglob("*.md"):
        target = docs / page.relative_to(docs_out)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"# Page {page.stem}\n\nA minimal page.\n", encoding="utf-8")
    config = read_config(project / "mkdocs.yml")
    overrides: dict[str, Any] = {
        "INHERIT": str(project / "mkdocs.yml"),
        "docs_dir": str(docs),
        "plugins": _without_litatlas(config.get("plugins") or []),
        "not_in_nav": "/*",
    }
    if not (config.get("theme") or {}).get("custom_dir"):
        overrides["theme"] = {"custom_dir": str(THEME_DIR)}  # the overrides the plugin adds to the theme
    path = dest / "mkdocs-reference.yml"
    path.write_text(yaml.safe_dump(overrides, sort_keys=False), encoding="utf-8")
    return path


def _without_litatlas(plugins: Any) -> Any:
    if isinstance(plugins, dict):
        return {k: v for k, v in plugins.items() if k != "litatlas"}
    return [p for p in plugins if p != "litatlas" and not (isinstance(p, dict) and "litatlas" in p)]


def bare_config(project: Path, docs_out: Path) -> Path:
    """mkdocs-bare.yml: the same configuration without the litatlas plugin, reading the written Markdown."""
    config = read_config(project / "mkdocs.yml")
    kept = _without_litatlas(config.get("plugins") or [])
    path = project / "mkdocs-bare.yml"
    text = yaml.safe_dump({"INHERIT": "mkdocs.yml", "docs_dir": str(docs_out), "plugins": kept}, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- in-process phases


def in_process(project: Path, runs: int) -> dict[str, Any]:
    from litatlas.load.atlas import load_atlas
    from litatlas.load.project import load_settings
    from litatlas.load.recordcache import CACHE_FOLDER
    from litatlas.model.problems import errors
    from litatlas.site.build import render_pages

    settings = load_settings(project)
    load_wall, load_cpu, render_wall, render_cpu = [], [], [], []
    files = size = 0
    problems: list[Any] = []
    for run in range(runs):
        gc.collect()
        if run == 0:
            # The first run starts without the record cache (a fresh clone); the others find it filled.
            shutil.rmtree(project / CACHE_FOLDER, ignore_errors=True)
        wall, cpu = time.perf_counter(), time.process_time()
        atlas, problems = load_atlas(settings)
        load_wall.append(time.perf_counter() - wall)
        load_cpu.append(time.process_time() - cpu)
        if atlas is None or errors(problems):
            raise RuntimeError(f"synthetic records do not validate: {[str(p) for p in problems[:5]]}")
        wall, cpu = time.perf_counter(), time.process_time()
        pages = render_pages(atlas)
        render_wall.append(time.perf_counter() - wall)
        render_cpu.append(time.process_time() - cpu)
        files, size = len(pages), sum(len(v.encode("utf-8")) for v in pages.values())
        del atlas, pages
    warm = load_wall[1:] or load_wall
    return {
        # The pipeline's figure is the cold one: what a build on a fresh clone (CI, GitHub Pages) pays.
        "load_validate_s": load_wall[0],
        "load_validate_cpu_s": load_cpu[0],
        "load_validate_first_s": load_wall[0],
        "load_validate_warm_s": median(warm),
        "load_validate_warm_cpu_s": median(load_cpu[1:] or load_cpu),
        "render_s": median(render_wall),
        "render_cpu_s": median(render_cpu),
        "render_first_s": render_wall[0],
        "problems": len(problems),
        "generated_files": files,
        "generated_bytes": size,
        "runs": runs,
    }


# ----------------------------------------------------------------------------- builds


def builds(project: Path, runs: int, scratch: Path, bare_too: bool = True) -> dict[str, Any]:
    docs_out = project.parent / f"{project.name}-generated-docs"  # litatlas refuses to write inside the project
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "litatlas", "build", "--out", str(docs_out)],
        cwd=project,
        env=ENV,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    export_s = time.perf_counter() - start
    bare = bare_config(project, docs_out)
    reference_dir = project.parent / f"{project.name}-reference"
    reference_dir.mkdir(exist_ok=True)
    reference = reference_config(project, docs_out, reference_dir)
    full_runs, bare_runs, reference_runs = [], [], []
    mkdocs = [sys.executable, "-m", "mkdocs", "build"]
    split: list[dict[str, int]] = []
    for run in range(runs):  # alternate, so that a slow phase of the machine hits all alike
        split_file = scratch / f"split-rss-{run}.json"
        full = [sys.executable, "-c", _SPLIT_RSS, str(split_file), "build", "-f", "mkdocs.yml", "-d", str(project / "site")]
        full_runs.append(measure_command(full, project, scratch))
        split.append(json.loads(split_file.read_text()))
        site = str(reference_dir / "site")
        reference_runs.append(measure_command([*mkdocs, "-f", str(reference), "-d", site], reference_dir, scratch))
        if bare_too:
            bare_runs.append(measure_command([*mkdocs, "-f", bare.name, "-d", str(project / "site-bare")], project, scratch))
    shutil.rmtree(reference_dir, ignore_errors=True)
    reference_wall = median([r["wall"] for r in reference_runs])
    full_wall = median([r["wall"] for r in full_runs])
    bare_wall = median([r["wall"] for r in bare_runs])
    full_cpu = median([r["cpu"] for r in full_runs])
    bare_cpu = median([r["cpu"] for r in bare_runs])
    return {
        "reference_pages": sum(1 for _ in docs_out.rglob("*.md")),
        "reference_build_s": reference_wall,
        "reference_build_runs_s": [r["wall"] for r in reference_runs],
        "reference_build_cpu_s": median([r["cpu"] for r in reference_runs]),
        "full_over_reference": full_wall / reference_wall if reference_wall else None,
        "litatlas_build_out_s": export_s,
        "full_build_s": full_wall,
        "full_build_cpu_s": full_cpu,
        "full_build_runs_s": [r["wall"] for r in full_runs],
        "bare_build_s": bare_wall,
        "bare_build_cpu_s": bare_cpu,
        "bare_build_runs_s": [r["wall"] for r in bare_runs],
        "full_over_bare": full_wall / bare_wall if bare_wall and full_wall else None,
        "full_over_bare_cpu": full_cpu / bare_cpu if bare_cpu and full_cpu else None,
        "peak_rss_full_mb": max(r["maxrss"] for r in full_runs) / 2**20,
        "peak_rss_bare_mb": max((r["maxrss"] for r in bare_runs), default=0) / 2**20 or None,
        "peak_rss_full_mkdocs_mb": max(r["self"] for r in split) / 2**20,
        "peak_rss_full_pagefind_mb": max(r["children"] for r in split) / 2**20,
        "build_warnings": full_runs[0]["warnings"],
        "bare_build_warnings": bare_runs[0]["warnings"] if bare_runs else None,
    }


def _size_of(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


def site_figures(site: Path, n: int) -> dict[str, Any]:
    total, count = dir_size(site)
    # The Pagefind index proper (what queries search: word chunks, metadata, entry file) and, apart, its
    # fragments (each page's stored text, fetched only for the results shown). Program files not counted.
    from litatlas.publish.pagefind import bundles

    index_bytes, fragments = 0, []
    for bundle in bundles(site / "pagefind"):  # the main bundle and its parts, if the atlas is indexed in parts
        index_bytes += sum(p.stat().st_size for p in (bundle / "index").glob("*") if p.is_file())
        index_bytes += sum(p.stat().st_size for p in bundle.glob("*.pf_meta")) + _size_of(bundle / "pagefind-entry.json")
        fragments += [p.stat().st_size for p in (bundle / "fragment").glob("*") if p.is_file()]
    entries = len(fragments)
    papers = sorted(p.stat().st_size for p in (site / "papers").glob("*/index.html"))
    topics = sorted(p.stat().st_size for p in (site / "topics").glob("*/index.html"))
    browse = sorted(p.stat().st_size for p in (site / "browse").rglob("index.html"))
    html_total = sum(p.stat().st_size for p in site.rglob("*.html"))
    return {
        "site_bytes": total,
        "site_files": count,
        "html_bytes": html_total,
        "search_index_bytes": index_bytes,
        "search_index_entries": entries,
        "search_bytes_per_record": index_bytes / n if n else None,
        "search_fragment_bytes": sum(fragments),
        "search_fragment_bytes_per_record": sum(fragments) / n if n else None,
        "paper_html_median_bytes": median(papers),
        "paper_html_max_bytes": papers[-1] if papers else None,
        "topic_html_max_bytes": topics[-1] if topics else None,
        "topic_html_median_bytes": median(topics),
        "browse_html_max_bytes": browse[-1] if browse else None,
        "pages_html": len(papers) + len(topics) + len(browse),
    }


# ----------------------------------------------------------------------------- browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def static_server(folder: Path):  # noqa: ANN201
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


_FILTER_JS = r"""
async () => {
  const form = document.querySelector('[data-la-filter], form.la-filter');
  if (!form) return {available: false};
  const selects = Array.from(form.querySelectorAll('select'));
  let select = null, value = null;
  for (const s of selects) {
    const options = Array.from(s.options).filter(o => o.value);
    if (options.length) { select = s; value = options[0].value; break; }
  }
  if (!select) return {available: false};
  const rows = () => document.querySelectorAll('[data-la-results] tbody tr').length;
  const before = rows();
  const frame = () => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
  await frame();
  const t0 = performance.now();
  select.value = value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
  await frame();
  const elapsed = performance.now() - t0;
  return {available: true, ms: elapsed, field: select.name, value: value, rows_before: before, rows_after: rows()};
}
"""


_FIRST_RESULT_JS = """
() => {
  const item = document.querySelector('.md-search-result__item');
  return item && item.getClientRects().length > 0 && getComputedStyle(item).visibility !== 'hidden' ? performance.now() : false;
}
"""


def browser_figures(site: Path, n: int, runs: int, query: str) -> dict[str, Any]:
    if not CHROMIUM.exists():
        return {"skipped": f"{CHROMIUM} not found"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "python playwright not installed"}
    search_s: list[float] = []
    search_wall_s: list[float] = []  # the same, timed from this process (includes Playwright's round trips)
    filter_ms: list[float] = []
    notes: dict[str, Any] = {}
    with static_server(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})  # empty cache every run
                page = context.new_page()
                start = time.perf_counter()
                page.goto(base, wait_until="domcontentloaded")
                # The header's search box (litatlas-search.js over the Pagefind index). The query goes in as one
                # input event (as pasted): typed key by key, Playwright's round trips (~80 ms a key here) would
                # be timed too, and results for the first letters would count as "the first result".
                page.click("input.md-search__input")
                page.keyboard.insert_text(query)
                # performance.now() counts from the navigation start of the home page: read it in the
                # animation frame where the first result is visible.
                shown_ms = page.wait_for_function(_FIRST_RESULT_JS, polling="raf", timeout=120_000).json_value()
                search_s.append(shown_ms / 1000)
                search_wall_s.append(time.perf_counter() - start)
                notes["search_results_text"] = page.inner_text(".md-search-result__meta")
                context.close()
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(base + "browse/all/", wait_until="load")
                try:
                    page.wait_for_selector("[data-la-filter], form.la-filter", timeout=30_000)
                except Exception:  # noqa: BLE001 - no filter UI on this site
                    notes["filter"] = "not available (no [data-la-filter] or form.la-filter on All papers)"
                    context.close()
                    break
                result = page.evaluate(_FILTER_JS)
                context.close()
                if not result.get("available"):
                    notes["filter"] = "not available (filter form has no facet with values)"
                    break
                filter_ms.append(result["ms"])
                notes["filter"] = {k: v for k, v in result.items() if k != "ms"}
        finally:
            browser.close()
    return {
        "first_search_result_s": median(search_s),
        "first_search_result_runs_s": search_s,
        "first_search_result_wall_runs_s": search_wall_s,
        "search_query": query,
        "facet_filter_ms": median(filter_ms),
        "facet_filter_runs_ms": filter_ms,
        **notes,
    }


# ----------------------------------------------------------------------------- serve


class _Server:
    """`mkdocs serve` of a project in its own process group, its log in a file."""

    def __init__(self, project: Path, log_file: Path, dirty: bool) -> None:
        self.port = free_port()
        site_url = str(read_config(project / "mkdocs.yml").get("site_url") or "")
        self.base = f"http://127.0.0.1:{self.port}{(urllib.parse.urlsplit(site_url).path or '/').rstrip('/')}/"
        self.log_file = log_file
        self.command = [
            "mkdocs",
            "serve",
            "--dev-addr",
            f"127.0.0.1:{self.port}",
            "--livereload",
            *(["--dirty"] if dirty else []),
        ]
        with log_file.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", *self.command],
                cwd=project,
                env={**ENV, "PYTHONUNBUFFERED": "1"},  # log lines reach the file as they are written
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")

    def builds(self) -> int:
        """How many rebuilds have finished: the server tells the browsers to reload once one is written."""
        return self.log().count("Reloading browsers")

    def wait(self, ready: Any, what: str, timeout: float = 600) -> float:
        start = time.perf_counter()
        while not ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"mkdocs serve stopped while waiting for {what}:\n{self.log_file.read_text()[-2000:]}")
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"timed out waiting for {what}")
            time.sleep(0.02)
        return time.perf_counter() - start

    def stop(self) -> list[float]:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        return [
            float(line.rsplit(" in ", 1)[1].split()[0])
            for line in self.log_file.read_text(errors="replace").splitlines()
            if "Documentation built in" in line
        ]


def serve_latency(project: Path, scratch: Path, edits: int, dirty: bool, structural: bool) -> dict[str, Any]:
    """Edit-to-preview under `mkdocs serve` (with --dirty: incremental rebuilds).

    Each change counts until the pages that show it serve it and the rebuild has finished (every page it
    touched written): an edit to a record's summary (its paper page); with `structural`, a record added (its
    paper page, "All papers" and its topic page list it) and that record deleted (they no longer do).
    """
    from litatlas.load.configfile import load_config

    records = sorted(p for p in (project / "records").glob("*.yml") if p.name != "atlas.yml")
    chosen = next((p for p in records if p.stem.startswith("karnoub-2007")), records[len(records) // 2])
    config, _ = load_config(project / "records" / "atlas.yml", "records/atlas.yml")
    server = _Server(project, scratch / f"serve-{project.name}{'-dirty' if dirty else ''}.log", dirty)
    paper_url = f"{server.base}papers/{chosen.stem}/"
    original = chosen.read_text(encoding="utf-8")
    data = yaml.load(original, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader
    figures: dict[str, Any] = {"command": " ".join(server.command), "records": len(records)}
    try:
        figures["start_s"] = server.wait(lambda: _fetch(paper_url) is not None, "the first build")
        # The search index is written after the first build, in the background; a reader edits a record only
        # later, so the edits start once it is written.
        # (Without --dirty the index is written before the build ends.)
        written = "Pagefind search index written" if dirty else "Pagefind search index"
        figures["first_index_s"] = server.wait(lambda: written in server.log(), "the index")
        time.sleep(1.0)
        latencies: list[float] = []
        for k in range(edits):
            token = f"Benchedit{k}x{os.getpid()}"
            text = yaml.safe_dump({**data, "summary": f"{token} {data['summary']}"}, sort_keys=False, allow_unicode=True)
            before = server.builds()
            start = time.perf_counter()
            chosen.write_text(text, encoding="utf-8")
            server.wait(lambda: server.builds() > before and token in (_fetch(paper_url) or ""), "the edit")  # noqa: B023
            latencies.append(time.perf_counter() - start)
            time.sleep(0.5)
        chosen.write_text(original, encoding="utf-8")
        figures["edit_to_preview_s"] = median(latencies)
        figures["edit_to_preview_runs_s"] = latencies
        if structural:
            server.wait(lambda: token not in (_fetch(paper_url) or token), "the edit to be undone")
            time.sleep(0.5)
            figures.update(_add_and_delete(server, project, data, config))
    finally:
        chosen.write_text(original, encoding="utf-8")
        built = server.stop()
    figures["rebuild_s"] = median(built[1:]) if len(built) > 1 else None
    figures["rebuilds_s"] = built[1:]
    return figures


def _add_and_delete(server: _Server, project: Path, data: dict[str, Any], config: Any) -> dict[str, float]:
    token = f"Benchadded{os.getpid()}"
    added = {**data, "title": f"{token} a record added while the preview runs", "year": dt.date.today().year}
    added.pop("pmid", None)
    added["doi"] = f"10.5555/{token.lower()}"
    sub = next(s for s in added.get("topics", []) if s in config.headline_of)
    pages = [
        f"{server.base}papers/zz-{token.lower()}/",
        f"{server.base}browse/all/",
        f"{server.base}topics/{config.headline_of[sub].id}/",
    ]
    path = project / "records" / f"zz-{token.lower()}.yml"
    before = server.builds()
    start = time.perf_counter()
    path.write_text(yaml.safe_dump(added, sort_keys=False, allow_unicode=True), encoding="utf-8")
    server.wait(lambda: server.builds() > before and all(token in (_fetch(u) or "") for u in pages), "the added record")
    add_s = time.perf_counter() - start
    time.sleep(1.0)
    before = server.builds()
    start = time.perf_counter()
    path.unlink()
    server.wait(lambda: server.builds() > before and not any(token in (_fetch(u) or "") for u in pages), "the deleted record")
    return {"add_to_preview_s": add_s, "delete_to_preview_s": time.perf_counter() - start}


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our local server
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


# ----------------------------------------------------------------------------- report


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if kind == "s":
        return f"{value:.2f} s"
    if kind == "ms":
        return f"{value:.0f} ms"
    if kind == "x":
        return f"{value:.2f}x"
    if kind == "%":
        return f"{100 * value:.1f} %"
    if kind == "MB":
        return f"{value:.0f} MB"
    if kind == "B":
        if value >= 10 * 2**20:
            return f"{value / 2**20:.0f} MB"
        if value >= 10 * 2**10:
            return f"{value / 2**10:.0f} KB"
        return f"{value:.0f} B"
    return str(value)


ROWS = [
    ("Load + validate (cold: no record cache)", "load_validate_s", "s", ""),
    ("Load + validate (warm record cache)", "load_validate_warm_s", "s", ""),
    ("Render", "render_s", "s", ""),
    ("Load + validate + render (cold)", "ours_s", "s", "<= 2 s at 10,000"),
    ("  share of full build", "ours_share", "%", "<= 10 %"),
    ("Load + validate + render (warm)", "ours_warm_s", "s", "<= 2 s at 10,000"),
    ("Full mkdocs build", "full_build_s", "s", ""),
    ("Reference build (as many minimal pages, same configuration)", "reference_build_s", "s", ""),
    ("Full / reference (wall)", "full_over_reference", "x", "<= 3x at 3,000 and 10,000"),
    ("Bare mkdocs build", "bare_build_s", "s", ""),
    ("Full / bare (wall)", "full_over_bare", "x", "<= 1.15x"),
    ("Full / bare (CPU)", "full_over_bare_cpu", "x", "<= 1.15x"),
    ("Peak RSS, full build (largest process)", "peak_rss_full_mb", "MB", ""),
    ("  the mkdocs process", "peak_rss_full_mkdocs_mb", "MB", "<= 500 MB at 10,000"),
    ("  the Pagefind binary", "peak_rss_full_pagefind_mb", "MB", "<= 500 MB at 10,000"),
    ("Peak RSS, bare build", "peak_rss_bare_mb", "MB", ""),
    ("site/ size", "site_bytes", "B", ""),
    ("Search index (Pagefind: words, metadata)", "search_index_bytes", "B", ""),
    ("  per record", "search_bytes_per_record", "B", "<= 700 B"),
    ("Search fragments (text of results shown)", "search_fragment_bytes", "B", ""),
    ("  per record", "search_fragment_bytes_per_record", "B", ""),
    ("Paper page HTML (median)", "paper_html_median_bytes", "B", "<= 40 KB, flat in N"),
    ("Paper page HTML (max)", "paper_html_max_bytes", "B", ""),
    ("Topic page HTML (max)", "topic_html_max_bytes", "B", "bounded"),
    ("Browse page HTML (max)", "browse_html_max_bytes", "B", "bounded"),
    ("First search result", "first_search_result_s", "s", "<= 0.5 s at 1,000; <= 1.5 s at 10,000"),
    ("Facet filter on All papers", "facet_filter_ms", "ms", "<= 100 ms at 10,000"),
]


SERVE_ROWS = [
    ("`make serve`: server start (first build served)", "start_s", "s", "<= the full build at 10,000"),
    ("  edit a summary -> its page served", "edit_to_preview_s", "s", "<= 1.5 s at 2,000; <= 3 s at 10,000"),
    ("  add a record -> paper, All papers, topic page", "add_to_preview_s", "s", "<= 1.5 s at 2,000; <= 3 s at 10,000"),
    ("  delete it -> gone from them", "delete_to_preview_s", "s", "<= 1.5 s at 2,000; <= 3 s at 10,000"),
]


def table(results: dict[str, Any]) -> str:
    sizes = [n for n, figures in results["sizes"].items() if "full_build_s" in figures or "load_validate_s" in figures]
    served = [n for n, figures in results["sizes"].items() if figures.get("serve")]
    main = _table(results, sizes, ROWS, lambda figures: figures)
    if not served:
        return main
    return main + "\n\n" + _table(results, served, SERVE_ROWS, lambda figures: figures.get("serve") or {})


def _table(results: dict[str, Any], sizes: list[str], rows: list[tuple[str, str, str, str]], source: Any) -> str:
    header = ["Measure", *(f"N = {int(n):,}" for n in sizes), "Target"]
    lines = []
    for label, key, kind, target in rows:
        cells = []
        for n in sizes:
            figures = source(results["sizes"][n])
            value = figures.get(key)
            if value is None and key == "facet_filter_ms" and isinstance(figures.get("filter"), str):
                value = "not available"
            cells.append(_fmt(value, kind))
        lines.append([label, *cells, target])
    for key, label in (("serve", "`make serve`, incremental"), ("serve_full_rebuild", "full rebuild")):
        serve = results.get(key) or {}
        if rows is ROWS and serve.get("edit_to_preview_s") is not None:
            lines.append(
                [
                    f"Edit-to-preview, bundled atlas ({serve['records']} records), {label}",
                    _fmt(serve["edit_to_preview_s"], "s"),
                    *[""] * (len(sizes) - 1),
                    "<= 1.5 s",
                ]
            )
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|")
    for row in lines:
        out.append(
            "| " + " | ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))) + " |"
        )
    return "\n".join(out)


# ----------------------------------------------------------------------------- main


def runs_for(n: int, quick: bool, override: int | None) -> int:
    if override:
        return override
    if quick:
        return 2
    return 1 if n >= 10_000 else 2 if n >= 3_000 else 3 if n >= 1_000 else 5


def bench_size(n: int, args: argparse.Namespace, scratch: Path, vocabulary: Path) -> dict[str, Any]:
    runs = runs_for(n, args.quick, args.runs)
    log(f"N={n:,}: generating records")
    records = synthetic.generate(n, vocabulary, SEED)
    project = make_project(scratch / f"project-{n}", records)
    molecules: dict[str, int] = {}
    for _, record in records:
        for molecule in record.get("molecules", []):
            molecules[molecule] = molecules.get(molecule, 0) + 1
    del records
    figures: dict[str, Any] = {"records": n}
    log(f"N={n:,}: load, validate and render in process ({runs} runs)")
    figures.update(in_process(project, runs + 1))
    log(f"N={n:,}: full and bare mkdocs builds ({runs} runs each)")
    figures.update(builds(project, runs, scratch))
    figures["ours_s"] = figures["load_validate_s"] + figures["render_s"]
    figures["ours_share"] = figures["ours_s"] / figures["full_build_s"]
    figures["ours_warm_s"] = figures["load_validate_warm_s"] + figures["render_s"]
    figures.update(site_figures(project / "site", n))
    if not args.no_browser:
        log(f"N={n:,}: headless Chromium")
        # A molecule that about 1 paper in 50 names: a query with a handful of results at every size.
        # (one search token: Material splits queries on spaces and hyphens).
        words = {m: c for m, c in molecules.items() if m.isascii() and m.isalnum()}
        query = min(words, key=lambda m: (abs(words[m] - max(2, n // 50)), m)) if words else "mesenchymal"
        try:
            figures.update(browser_figures(project / "site", n, 3 if n >= 10_000 or args.quick else 5, query))
        except Exception as exc:  # noqa: BLE001 - a browser problem must not lose the other figures
            figures["browser_error"] = f"{type(exc).__name__}: {exc}"[:500]
    if n in args.serve_sizes:
        shutil.rmtree(project / "site", ignore_errors=True)
        figures["serve"] = _serve(project, scratch, args)
    if not args.keep:
        shutil.rmtree(project, ignore_errors=True)
        shutil.rmtree(project.parent / f"{project.name}-generated-docs", ignore_errors=True)
    return figures


def _serve(project: Path, scratch: Path, args: argparse.Namespace) -> dict[str, Any]:
    log(f"{project.name}: edit, add and delete under `mkdocs serve --dirty`")
    try:
        return serve_latency(project, scratch, 3 if args.quick else 5, dirty=True, structural=True)
    except Exception as exc:  # noqa: BLE001 - report, keep the other figures
        return {"error": f"{type(exc).__name__}: {exc}"[:1000]}


def serve_only(n: int, args: argparse.Namespace, scratch: Path, vocabulary: Path) -> dict[str, Any]:
    """A size measured under `mkdocs serve` only (2,000 records: the preview target's size)."""
    log(f"N={n:,}: generating records")
    project = make_project(scratch / f"project-{n}", synthetic.generate(n, vocabulary, SEED))
    figures = {"records": n, "serve": _serve(project, scratch, args)}
    if not args.keep:
        shutil.rmtree(project, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated record counts (default 100,1000,3000,10000)")
    parser.add_argument("--serve-sizes", help="record counts measured under mkdocs serve (default 2000,10000)")
    parser.add_argument("--quick", action="store_true", help="N = 100 and 1,000 only, 2 runs each, fewer serve edits")
    parser.add_argument(
        "--runs", type=int, help="builds per size (default 5, 3, 2, 1 at 100, 1,000, 3,000, 10,000; +1 in process)"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the headless Chromium measures")
    parser.add_argument("--no-serve", action="store_true", help="skip the edit-to-preview measure")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects (their path is printed)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results" / "bench.json", help="where to write the figures")
    args = parser.parse_args(argv)
    sizes = _numbers(args.sizes) or ([100, 1000] if args.quick else [100, 1000, 3000, 10_000])
    args.serve_sizes = [] if args.no_serve else _numbers(args.serve_sizes) if args.serve_sizes else [2000, 10_000]

    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "seed": SEED,
        "targets": TARGETS,
        "sizes": {},
    }
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="litatlas-bench-"))
    if args.keep:
        log(f"projects are kept in {scratch}")
    try:
        vocabulary = ROOT / "records" / "atlas.yml"
        for n in sorted({*sizes, *args.serve_sizes}):
            measure = bench_size if n in sizes else serve_only
            results["sizes"][str(n)] = measure(n, args, scratch, vocabulary)
            _write(args.json, results)
        if not args.no_serve:
            log("edit-to-preview under mkdocs serve (bundled atlas)")
            for key, dirty in (("serve", True), ("serve_full_rebuild", False)):
                try:
                    bundled = make_project(scratch / f"serve-bundled{'-dirty' if dirty else ''}", None)
                    results[key] = serve_latency(bundled, scratch, 3 if args.quick else 5, dirty, structural=False)
                except Exception as exc:  # noqa: BLE001 - report, keep the other figures
                    results[key] = {"error": f"{type(exc).__name__}: {exc}"[:1000]}
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    results["total_s"] = time.perf_counter() - started
    results["machine"]["load_average_at_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    _write(args.json, results)
    m = results["machine"]
    print(
        f"\nlitatlas benchmark, {dt.date.today()}: {m['nproc']} x {m['cpu']}, "
        f"{m['ram_bytes'] / 2**30:.1f} GiB RAM, Python {m['python']}"
    )
    print(table(results))
    for key in ("serve", "serve_full_rebuild"):
        if (results.get(key) or {}).get("error"):
            print(f"edit-to-preview ({key}): {results[key]['error']}")
    for n, figures in results["sizes"].items():
        for key in ("browser_error", "skipped"):
            if figures.get(key):
                print(f"N={n}: browser: {figures[key]}")
        if (figures.get("serve") or {}).get("error"):
            print(f"N={n}: mkdocs serve: {figures['serve']['error']}")
    print(f"\nfigures: {args.json} (total {results['total_s'] / 60:.1f} min)")
    return 0


def _numbers(text: str | None) -> list[int]:
    return [int(s.replace(",", "").replace("_", "")) for s in text.split(",")] if text else []


def _write(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
