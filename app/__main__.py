"""Command line: serve, migrate, token, export-schema, retention and simulate (see --help)."""

import argparse
import asyncio
import logging
import math
from pathlib import Path

import uvicorn

from app.adapters.uvicorn import header_timeout_protocol, ws_protocol
from app.auth.roles import Role
from app.auth.tokens import Authenticator
from app.core.config import Settings
from app.core.migrations import ROOT, upgrade
from app.ops.logs import configure_logging, log_config
from app.simulator import cli as simulator

SCHEMA_FILE = ROOT / "schema.graphql"


def print_tokens(settings: Settings, args: argparse.Namespace) -> None:
    """Tokens signed with this server's key: the local development secret unless one is set."""
    authenticator = Authenticator.from_settings(settings.model_copy(update={"auth_disabled": False}))
    roles = [Role(args.role)] if args.role else list(Role)
    for role in roles:
        subject = args.subject or f"{role.value}-dev"
        signed = authenticator.mint(
            role=role,
            subject=subject,
            name=args.name,
            campaigns=args.campaign,
            ttl_seconds=int(args.ttl_hours * 3600),
        )
        print(signed if args.role else f"{role.value}: {signed}")


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
    retention = commands.add_parser(
        "retention", help="remove the live records of calls ended longer ago than their retention period"
    )
    retention.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    token = commands.add_parser("token", help="print signed bearer tokens (all roles unless --role)")
    token.add_argument("--role", choices=[role.value for role in Role])
    token.add_argument("--subject", help="the token's sub claim (default: <role>-dev)")
    token.add_argument("--name", help="the token's display name (default: the subject)")
    token.add_argument("--campaign", action="append", help="limit the token to a campaign (repeatable)")
    token.add_argument("--ttl-hours", type=float, default=8)
    simulate = commands.add_parser("simulate", help="play scripted calls against a running server")
    simulator.add_arguments(simulate, settings)
    args = parser.parse_args(argv)

    if args.command == "simulate":
        raise SystemExit(simulator.run(args, settings))

    if args.command == "token":
        print_tokens(settings, args)
        return

    if args.command == "retention":
        from app.retention import run_once

        print(asyncio.run(run_once(settings, dry_run=args.dry_run)).summary())
        return

    if args.command == "export-schema":
        from app.graphql.schema import sdl

        args.output.write_text(sdl())
        print(f"wrote {args.output}")
        return

    if args.command == "serve":
        from app.graphql.trusted_documents import ManifestError, load_manifest

        try:  # here, for one clear line instead of a traceback from every worker
            if settings.trusted_documents is not None:
                load_manifest(settings.trusted_documents)
        except ManifestError as error:
            raise SystemExit(f"cannot serve: {error}") from None

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
            http=header_timeout_protocol(settings.header_timeout),
            ws_max_size=settings.max_body_bytes,
            ws=ws_protocol(settings.ws_implementation),
            ws_per_message_deflate=settings.ws_compression,
        )


if __name__ == "__main__":
    main()
