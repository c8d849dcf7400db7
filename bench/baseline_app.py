"""The write-throughput baseline: a bare Starlette endpoint doing one raw INSERT into SQLite.

It takes the request bodies the API gets (benchmark 6 sends other mutations too) and
stores the line with one aiosqlite INSERT in its own transaction, on a file
with the API's pragmas (WAL, synchronous=NORMAL). No GraphQL, no ORM, no
events: the floor under what any write endpoint on this stack can cost.
Served by uvicorn exactly like the API (``bench.servers.reference_server``).
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    async with aiosqlite.connect(os.environ.get("BASELINE_DATABASE", "baseline.db")) as db:
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute(
            "CREATE TABLE IF NOT EXISTS lines "
            "(id INTEGER PRIMARY KEY, call_id TEXT, text TEXT, created_at REAL)"
        )
        await db.commit()
        app.state.db = db
        yield


async def insert(request: Request) -> JSONResponse:
    variables = (await request.json())["variables"]
    db: aiosqlite.Connection = request.app.state.db
    cursor = await db.execute(
        "INSERT INTO lines (call_id, text, created_at) VALUES (?, ?, julianday('now'))",
        (variables["callId"], variables.get("text", "")),
    )
    await db.commit()
    return JSONResponse({"data": {"id": cursor.lastrowid}})


app = Starlette(routes=[Route("/graphql", insert, methods=["POST"])], lifespan=lifespan)
