"""A checkout of a SQLite engine's pool kept between uses, as aiosqlite's connection.

The group commit and ``Database.read_rows`` run plain SQL on a connection's thread, one hop a
batch or a read. Checking the connection out of SQLAlchemy's pool and back in around each one
(an ``AsyncConnection``, a greenlet, the pool's events) cost more than the hop: at one request
at a time, about a fifth of an update's CPU. Kept, it is checked out once; it goes back to the
pool when someone else needs it (``SQLiteWriter.lent``), when a use failed, or at shutdown.
"""

from typing import cast

import aiosqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


class KeptConnection:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._driver: aiosqlite.Connection | None = None

    @property
    def held(self) -> bool:
        return self._driver is not None

    async def get(self) -> aiosqlite.Connection:
        """The kept connection, checked out of the pool first if it is not held."""
        if self._driver is None:
            connection = await self._engine.connect()
            try:
                raw = await connection.get_raw_connection()
            except BaseException:
                await connection.close()
                raise
            self._connection = connection
            self._driver = cast(aiosqlite.Connection, raw.driver_connection)
        return self._driver

    async def release(self) -> None:
        """Back to the pool, if held; the next ``get`` checks out again."""
        connection, self._connection, self._driver = self._connection, None, None
        if connection is not None:
            await connection.close()
