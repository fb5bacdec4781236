"""Command line: `litatlas validate | build | stats | schema | init` and the contributor and curator commands."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from litatlas import __version__
from litatlas.contrib import linkcheck, scaffold, screening, status
from litatlas.contrib.commands import add_contrib_subcommands
from litatlas.contrib.stats import compute, format_table
from litatlas.load.atlas import load_atlas
from litatlas.load.configfile import load_config
from litatlas.load.project import load_settings
from litatlas.load.schema import SCHEMA_FILE, schema_text
from litatlas.model.atlas import Atlas
from litatlas.model.errors import LitatlasError
from litatlas.model.problems import Problem, errors, format_problems
from litatlas.model.settings import Settings
from litatlas.publish.disk import THEME_DIR, check_output_dir, write_pages
from litatlas.publish.searchrules import exclude_from_search
from litatlas.site.build import render_site
from litatlas.site.context import Links


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="litatlas", description="Build a curated literature atlas from YAML paper records.")
    parser.add_argument("--version", action="version", version=f"litatlas {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser("validate", help="check the configuration and records: every problem as path:line: field: message")
    validate.add_argument("paths", nargs="*", type=Path, help="record files or folders (default: all records)")
    validate.add_argument(
        "--format",
        choices=("text", "github", "json"),
        default=None,
        help="output format (default: github when GITHUB_ACTIONS=true, else text)",
    )
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.set_defaults(handler=cmd_validate)

    build = sub.add_parser("build", help="write every generated Markdown page (with the hand-written docs) to a folder")
    build.add_argument("--out", type=Path, required=True, help="output folder (must not be docs/ or records/)")
    build.set_defaults(handler=cmd_build)

    stats = sub.add_parser("stats", help="count records per topic, verdict, browse field and year")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.set_defaults(handler=cmd_stats)

    schema = sub.add_parser("schema", help=f"write the records' JSON Schema for editors ({SCHEMA_FILE}) from the configuration")
    schema.add_argument("--check", action="store_true", help="only check that the committed schema is current (exit 1 if not)")
    schema.add_argument("--stdout", action="store_true", help="print the schema instead of writing it")
    schema.set_defaults(handler=cmd_schema)

    links = sub.add_parser("links", help="check that each record's DOI resolves and each PMID has a PubMed page (network)")
    linkcheck.add_arguments(links)
    links.set_defaults(handler=linkcheck.run)

    init = sub.add_parser("init", help="start a new atlas in a new folder (never overwrites one)")
    scaffold.add_arguments(init)
    init.set_defaults(handler=scaffold.run, needs_project=False)

    add_contrib_subcommands(sub)
    screening.add_subcommands(sub)
    status.add_subcommand(sub)
    return parser


def _schema_problem(settings: Settings) -> Problem | None:
    """A warning when the committed editor schema no longer matches the configuration."""
    config, _ = load_config(settings.config_path, settings.display(settings.config_path))
    path = settings.root / SCHEMA_FILE
    if config is None:
        return None
    # An atlas without the file simply offers editors no schema; one with a stale file misleads them.
    if not path.is_file() or path.read_text(encoding="utf-8") == schema_text(config):
        return None
    config_name = settings.display(settings.config_path)
    return Problem(SCHEMA_FILE, 1, "schema", f"the editors' schema is older than {config_name}: run `litatlas schema`", "warning")


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    files = [p if p.is_absolute() else Path.cwd() / p for p in args.paths] or None
    missing = [p for p in files or [] if not p.exists()]
    if missing:
        for path in missing:
            print(f"{path}:1: file: no such file or folder", file=sys.stderr)
        return 1
    atlas, problems = load_atlas(settings, files)
    stale = _schema_problem(settings) if files is None else None
    if stale is not None:
        problems.append(stale)
    checked = len({p.path for p in problems if p.path != SCHEMA_FILE} | {r.path for r in atlas.records}) if atlas else 0
    print(format_problems(problems, fmt, checked))
    failing = problems if args.strict else errors(problems)
    return 1 if failing else 0


def _load_clean(settings: Settings) -> Atlas | None:
    atlas, problems = load_atlas(settings)
    if errors(problems) or atlas is None:
        print(format_problems(problems, "text", len({p.path for p in problems})), file=sys.stderr)
        print("fix the problems above, then try again", file=sys.stderr)
        return None
    for problem in problems:
        print(problem, file=sys.stderr)
    return atlas


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    check_output_dir(out, [settings.docs_dir, settings.records_dir, settings.root])
    atlas = _load_clean(settings)
    if atlas is None:
        return 1
    # Front matter keeps the pages that list papers out of the search index, as the MkDocs plugin does.
    links = Links()
    pages = exclude_from_search(render_site(atlas, links=links))  # type: ignore[arg-type] - not deferred: text
    write_pages(pages, out, settings.docs_dir)
    print(f"wrote {len(pages)} generated pages (and the hand-written docs) to {out}")
    docs = {p.relative_to(settings.docs_dir).as_posix() for p in settings.docs_dir.rglob("*") if p.is_file()}
    broken = links.broken(set(pages) | docs)
    if broken:
        print("\n".join(broken), file=sys.stderr)
        return 1
    print(f"to build them without the plugin, set theme.custom_dir to {THEME_DIR}")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    atlas = _load_clean(settings)
    if atlas is None:
        return 1
    counts = compute(atlas)
    if args.format == "json":
        print(json.dumps({section: dict(rows) for section, rows in counts.items()}, indent=2, ensure_ascii=False))
    else:
        print(format_table(counts), end="")
    return 0


def cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    config, problems = load_config(settings.config_path, settings.display(settings.config_path))
    if config is None:
        print(format_problems(problems, "text", 1, summary="fix the configuration, then write the schema again"), file=sys.stderr)
        return 1
    text = schema_text(config)
    path = settings.root / SCHEMA_FILE
    if args.stdout:
        print(text, end="")
        return 0
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if args.check:
        if current == text:
            print(f"{SCHEMA_FILE} is current")
            return 0
        print(f"{SCHEMA_FILE}:1: schema: does not match {settings.display(settings.config_path)}; run `litatlas schema`")
        return 1
    if current == text:
        print(f"{SCHEMA_FILE} is already current")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE} from {settings.display(settings.config_path)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if getattr(args, "needs_project", True):
            return int(args.handler(args, load_settings(Path.cwd())))
        return int(args.handler(args))
    except LitatlasError as exc:
        print(f"litatlas: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
