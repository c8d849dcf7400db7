"""Command line: ``python -m app serve`` and ``python -m app migrate``."""

import argparse
import logging
from pathlib import Path

import uvicorn

from app.core.config import Settings
from app.core.migrations import ROOT, upgrade

SCHEMA_FILE = ROOT / "schema.graphql"


def main(argv: list[str] | None = None) -> None:
    settings = Settings()
    parser = argparse.ArgumentParser(prog="python -m app", description="Live Call Monitor API")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="apply pending migrations, then serve the API")
    serve.add_argument("--host", default=settings.host)
    serve.add_argument("--port", type=int, default=settings.port)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
    commands.add_parser("migrate", help="apply pending database migrations and exit")
    export = commands.add_parser("export-schema", help="write the GraphQL schema (SDL) to a file")
    export.add_argument("--output", type=Path, default=SCHEMA_FILE)
    args = parser.parse_args(argv)

    if args.command == "export-schema":
        from app.graphql.schema import sdl

        args.output.write_text(sdl())
        print(f"wrote {args.output}")
        return

    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    if args.command == "migrate" or not args.no_migrate:
        upgrade(settings)
        logging.getLogger("app").info("database is at the latest migration")
    if args.command == "serve":
        uvicorn.run(
            "app.main:app",
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=settings.log_level,
        )


if __name__ == "__main__":
    main()
