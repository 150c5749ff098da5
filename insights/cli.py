"""Command line: ``python -m insights <command> ...``.

Each command is a module in :mod:`insights.commands` with ``add_arguments(parser)`` and ``run(args) -> int``;
the first line of its docstring is its help. A module's underscores are hyphens on the command line
(``export_parquet.py`` is ``python -m insights export-parquet``).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

import insights.commands as commands_pkg


def _commands() -> dict[str, object]:
    found = {}
    for info in sorted(pkgutil.iter_modules(commands_pkg.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            found[info.name.replace("_", "-")] = importlib.import_module(f"insights.commands.{info.name}")
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m insights",
                                     description="Clueboard: customer insights from your spreadsheets.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in _commands().items():
        doc = (module.__doc__ or name).strip().splitlines()[0]
        p = sub.add_parser(name, help=doc, description=(module.__doc__ or doc).strip())
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    return int(args._run(args) or 0)
