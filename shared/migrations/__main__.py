"""`python -m shared.migrations`: the migrations of the service databases, for deploys and developers.

    upgrade  SERVICE [--database-url URL]   bring a database to the heads (what `python -m services.SERVICE migrate` does)
    diff     SERVICE [--database-url URL]   what the models still differ from the database; exit 1 when anything
    heads    SERVICE                        the revisions this code needs
    revision BRANCH -m MESSAGE [--database-url URL]
                                            write the next migration of BRANCH (`chain` or a service) by
                                            autogenerate, against a scratch SQLite database unless a URL is given

Without --database-url, a service's database is the one its settings name (e.g. TRIAGE_DATABASE_URL).
How to add a migration: docs/migrations.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from shared.migrations import runner
from shared.migrations.commands import diff, migrate, revision, settings_of
from shared.migrations.layout import CHAIN, SERVICES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.migrations", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("upgrade", "diff", "heads"):
        sub = commands.add_parser(name)
        sub.add_argument("service", choices=SERVICES)
        if name != "heads":
            sub.add_argument("--database-url")
    sub = commands.add_parser("revision")
    sub.add_argument("branch", choices=(CHAIN, *SERVICES))
    sub.add_argument("-m", "--message", required=True)
    sub.add_argument("--database-url")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("shared.migrations").setLevel(logging.INFO)
    if args.command == "heads":
        print(" ".join(sorted(runner.head_revisions(args.service))))
        return 0
    if args.command == "revision":
        asyncio.run(revision(args.branch, args.message, args.database_url))
        return 0
    url = args.database_url or settings_of(args.service).database_url
    if args.command == "upgrade":
        asyncio.run(migrate(args.service, url))
        return 0
    return asyncio.run(diff(args.service, url))


if __name__ == "__main__":
    sys.exit(main())
