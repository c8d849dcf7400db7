"""The SQLite group commit: jobs share transactions, fail alone, keep their order."""

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import event

from app.core.db import Database
from app.core.sqlite_writer import SQLiteWriter


@pytest.fixture
async def writer(db: Database) -> AsyncIterator[SQLiteWriter]:
    if db.sqlite_writer is None:
        pytest.skip("the group commit is SQLite's write path")
    await db.sqlite_writer.run(lambda c: c.execute("CREATE TABLE notes (n INTEGER NOT NULL UNIQUE)"))
    yield db.sqlite_writer


def note(n: int) -> Callable[[sqlite3.Connection], int]:
    def job(connection: sqlite3.Connection) -> int:
        connection.execute("INSERT INTO notes (n) VALUES (?)", (n,))
        return n

    return job


def fail_after(n: int) -> Callable[[sqlite3.Connection], None]:
    def job(connection: sqlite3.Connection) -> None:
        connection.execute("INSERT INTO notes (n) VALUES (?)", (n,))
        raise LookupError(f"job {n} gives up")

    return job


def notes(connection: sqlite3.Connection) -> list[int]:
    return [n for (n,) in connection.execute("SELECT n FROM notes ORDER BY rowid")]


async def test_jobs_queued_while_a_batch_runs_commit_together_in_the_next(writer: SQLiteWriter) -> None:
    batches = writer.batches

    results = await asyncio.gather(*(writer.run(note(n)) for n in range(50)))

    assert results == list(range(50))
    assert writer.batches - batches <= 2
    assert await writer.run(notes) == list(range(50))


async def test_a_job_that_raises_is_rolled_back_alone_and_its_caller_gets_the_error(
    writer: SQLiteWriter,
) -> None:
    results = await asyncio.gather(
        writer.run(note(1)), writer.run(fail_after(2)), writer.run(note(3)), return_exceptions=True
    )

    assert results[0] == 1
    assert isinstance(results[1], LookupError)
    assert results[2] == 3
    assert await writer.run(notes) == [1, 3]


async def test_a_database_error_in_one_job_leaves_the_others_committed(writer: SQLiteWriter) -> None:
    results = await asyncio.gather(
        writer.run(note(1)), writer.run(note(1)), writer.run(note(2)), return_exceptions=True
    )

    assert isinstance(results[1], sqlite3.IntegrityError)
    assert await writer.run(notes) == [1, 2]


async def test_jobs_run_in_the_order_they_were_queued(writer: SQLiteWriter) -> None:
    order = [7, 3, 9, 1, 5]

    await asyncio.gather(*(writer.run(note(n)) for n in order))

    assert await writer.run(notes) == order


async def test_a_batch_whose_commit_fails_fails_every_job_in_it_and_writes_nothing(
    writer: SQLiteWriter,
) -> None:
    await writer.run(
        lambda c: c.execute(
            "CREATE TABLE pending (n INTEGER REFERENCES notes (n) DEFERRABLE INITIALLY DEFERRED)"
        )
    )

    def dangling(connection: sqlite3.Connection) -> None:
        connection.execute("INSERT INTO pending (n) VALUES (404)")  # checked only at COMMIT

    results = await asyncio.gather(
        writer.run(note(1)), writer.run(dangling), writer.run(note(2)), return_exceptions=True
    )

    assert [type(result) for result in results] == [sqlite3.IntegrityError] * 3
    assert await writer.run(notes) == []
    assert await writer.run(note(3)) == 3  # the connection is usable again


async def test_the_orm_writer_and_the_group_commit_take_turns_on_one_connection(
    db: Database, writer: SQLiteWriter
) -> None:
    async def orm_note(n: int) -> None:
        async with db.write() as session:
            connection = await session.connection()
            await connection.exec_driver_sql(f"INSERT INTO notes (n) VALUES ({n})")

    await asyncio.gather(*(orm_note(n) if n % 2 else writer.run(note(n)) for n in range(20)))

    assert sorted(await writer.run(notes)) == list(range(20))


async def test_what_jobs_hand_on_after_commit_is_handed_on_in_queue_order_before_callers_resume(
    writer: SQLiteWriter,
) -> None:
    handed: list[int] = []
    seen_on_return: dict[int, list[int]] = {}

    async def publish(n: int) -> None:
        await asyncio.sleep(0)  # a publish that yields must not let a later job's overtake it
        handed.append(n)

    async def write(n: int) -> None:
        await writer.run(note(n), then=publish)
        seen_on_return[n] = list(handed)

    await asyncio.gather(*(write(n) for n in range(10)))

    assert handed == list(range(10))
    assert all(n in seen for n, seen in seen_on_return.items())


async def test_a_failing_after_commit_step_does_not_fail_the_committed_write(writer: SQLiteWriter) -> None:
    async def broken(_: int) -> None:
        raise ConnectionError("pub/sub is down")

    assert await writer.run(note(1), then=broken) == 1
    assert await writer.run(notes) == [1]


def _checkouts(db: Database) -> list[object]:
    """Every checkout of the writer engine's pool from now on."""
    seen: list[object] = []
    event.listen(db.writer.sync_engine.pool, "checkout", lambda *_: seen.append(None))
    return seen


async def _orm_note(db: Database, n: int) -> None:
    async with db.write() as session:
        connection = await session.connection()
        await connection.exec_driver_sql(f"INSERT INTO notes (n) VALUES ({n})")


async def test_batches_one_after_another_keep_one_checkout_of_the_connection(
    db: Database, writer: SQLiteWriter
) -> None:
    await writer.run(note(0))
    checkouts = _checkouts(db)

    for n in range(1, 6):
        await writer.run(note(n))

    assert checkouts == []
    assert await writer.run(notes) == list(range(6))


async def test_an_orm_write_gets_the_connection_the_group_commit_keeps(
    db: Database, writer: SQLiteWriter
) -> None:
    await writer.run(note(1))

    await asyncio.wait_for(_orm_note(db, 2), 5)
    await writer.run(note(3))

    assert await writer.run(notes) == [1, 2, 3]


async def test_an_after_commit_step_may_write_through_the_orm(db: Database, writer: SQLiteWriter) -> None:
    async def then(_: int) -> None:
        await _orm_note(db, 2)

    await asyncio.wait_for(writer.run(note(1), then=then), 5)

    assert await writer.run(notes) == [1, 2]


async def test_an_orm_write_waiting_while_batches_run_gets_its_turn(
    db: Database, writer: SQLiteWriter
) -> None:
    async def many(start: int) -> None:
        for n in range(start, start + 20):
            await writer.run(note(n))

    await asyncio.wait_for(asyncio.gather(many(0), many(100), _orm_note(db, 50), _orm_note(db, 51)), 10)

    assert sorted(await writer.run(notes)) == [*range(20), 50, 51, *range(100, 120)]


async def test_the_jobs_of_one_batch_share_its_memo_and_the_next_batch_starts_empty(
    writer: SQLiteWriter,
) -> None:
    def remember(connection: sqlite3.Connection) -> int:
        writer.memo["reads"] = writer.memo.get("reads", 0) + 1
        return int(writer.memo["reads"])

    together = await asyncio.gather(*(writer.run(remember) for _ in range(5)))
    later = await writer.run(remember)

    assert sorted(together) == [1, 2, 3, 4, 5]
    assert later == 1


async def test_a_job_rolled_back_empties_the_memo_for_the_jobs_after_it(writer: SQLiteWriter) -> None:
    def remember(connection: sqlite3.Connection) -> None:
        writer.memo["read"] = "what only the failing job's change made true"

    def fail(connection: sqlite3.Connection) -> None:
        writer.memo["read"] = "what only the failing job's change made true"
        raise LookupError("rolled back")

    def look(connection: sqlite3.Connection) -> object:
        return writer.memo.get("read")

    results = await asyncio.gather(
        writer.run(remember), writer.run(fail), writer.run(look), return_exceptions=True
    )

    assert isinstance(results[1], LookupError)
    assert results[2] is None
