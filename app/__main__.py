"""Command line: ``python -m app serve``, ``migrate``, ``export-schema``, ``retention`` and ``simulate``."""

import argparse
import asyncio
import logging
import math
from pathlib import Path

import uvicorn

from app.core.config import Settings
from app.core.migrations import ROOT, upgrade
from app.ops.logs import configure_logging, log_config
from app.simulator import cli as simulator

SCHEMA_FILE = ROOT / "schema.graphql"


def main(argv: list[str] | None = None, settings: Settings | None = None) -> None:
    settings = settings or Settings()
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
    simulate = commands.add_parser("simulate", help="play scripted calls against a running server")
    simulator.add_arguments(simulate, settings)
    retention = commands.add_parser(
        "retention", help="remove the live records of calls ended longer ago than their retention period"
    )
    retention.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    args = parser.parse_args(argv)

    if args.command == "retention":
        from app.calls.retention import run_once

        print(asyncio.run(run_once(settings, dry_run=args.dry_run)).summary())
        return

    if args.command == "simulate":
        raise SystemExit(simulator.run(args, settings))

    if args.command == "export-schema":
        from app.graphql.schema import sdl

        args.output.write_text(sdl())
        print(f"wrote {args.output}")
        return

    configure_logging(settings)
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
            log_config=log_config(settings),
            access_log=False,  # app.ops.request_context logs each request, with its request id
            timeout_graceful_shutdown=math.ceil(settings.shutdown_timeout),
        )


if __name__ == "__main__":
    main()
