"""Command line: `litatlas validate | build | stats` (and the contributor commands)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from litatlas import __version__
from litatlas.atlas import load_atlas
from litatlas.export import UnsafeOutput, check_output_dir, write_pages
from litatlas.problems import errors, format_problems
from litatlas.project import ProjectNotFound, Settings, load_settings
from litatlas.render import render_pages
from litatlas.search import exclude_from_search
from litatlas.stats import compute, format_table


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="litatlas", description="Build a curated literature atlas from YAML paper records.")
    parser.add_argument("--version", action="version", version=f"litatlas {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser("validate", help="check records and report every problem as path:line: field: message")
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

    stats = sub.add_parser("stats", help="count records per topic, effect, cancer type and year")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.set_defaults(handler=cmd_stats)

    try:
        from litatlas.commands_contrib import add_contrib_subcommands
    except ImportError:  # contributor commands are optional extras of the package
        pass
    else:
        add_contrib_subcommands(sub)
    return parser


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    files = [p if p.is_absolute() else Path.cwd() / p for p in args.paths] or None
    missing = [p for p in files or [] if not p.exists()]
    if missing:
        for path in missing:
            print(f"{path}:1: file: no such file or folder", file=sys.stderr)
        return 1
    atlas, problems = load_atlas(settings, files)
    checked = len({p.path for p in problems} | {r.path for r in atlas.records}) if atlas else 0
    print(format_problems(problems, fmt, checked))
    failing = problems if args.strict else errors(problems)
    return 1 if failing else 0


def _load_clean(settings: Settings):  # noqa: ANN202 - returns Atlas or None
    atlas, problems = load_atlas(settings)
    if errors(problems) or atlas is None:
        print(format_problems(problems, "text", len({p.path for p in problems})), file=sys.stderr)
        print("fix the records above, then build again", file=sys.stderr)
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
    pages = exclude_from_search(render_pages(atlas))
    write_pages(pages, out, settings.docs_dir)
    print(f"wrote {len(pages)} generated pages (and the hand-written docs) to {out}")
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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(Path.cwd())
        return int(args.handler(args, settings))
    except (ProjectNotFound, UnsafeOutput) as exc:
        print(f"litatlas: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
