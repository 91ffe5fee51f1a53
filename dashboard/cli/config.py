"""`ecg config`: every plain setting's value and where it came from (the environment,
secrets.toml or its default), secrets shown only as set or not; `--markdown` prints the
table of docs/configuration.md."""

from __future__ import annotations

import os


def add_parsers(sub) -> None:
    p = sub.add_parser("config", help="show the settings in force and where each comes from")
    p.add_argument(
        "--markdown", action="store_true", help="print the settings table of the documentation"
    )
    p.set_defaults(handler=cmd_config)


def cmd_config(args, settings) -> int:
    from dashboard.settings import described, markdown_table, secrets_file

    if args.markdown:
        print(markdown_table(), end="")
        return 0
    rows = described(secrets_file(), os.environ)
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        print(f"{name:<{width}}  {value}  ({source})")
    return 0
