"""The store contract: what every mutation may rely on, held by both stores.

Each test runs once over the SQLite group commit's store and once over the ORM
store (the ORM on the same SQLite file here; on PostgreSQL in the scaled leg),
through the one write path, so the two stores cannot drift apart.
"""

from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import pytest

from app.call_hooks import AppCallHooks
from app.calls import defaults, lifecycle
from app.calls.enums import EventType
from app.calls.events import Transaction, replay
from app.calls.models import CallPhase, LiveCall, LiveTranscript
from app.calls.writes import WritePath
from app.campaigns.models import Campaign
from app.core.config import Settings
from app.core.db import Database
from app.core.pubsub import PubSub
from app.core.scope import EVERY_CAMPAIGN
from app.core.store import Duplicate, OrmStore
from app.redaction.redact import DEFAULT_POLICY
from app.rules import counters
from tests.factories import call_args

Change = Callable[[Transaction], Coroutine[Any, Any, Any]]


@pytest.fixture(params=["group commit", "orm"])
async def db(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[Database]:
    group = request.param == "group commit"
    if group and not settings.is_sqlite:
        pytest.skip("the group commit is SQLite's")
    database = Database(settings.model_copy(update={"sqlite_group_commit": group}))
    assert (database.sqlite_writer is not None) is group
    yield database
    await database.dispose()


@pytest.fixture
async def run(db: Database, pubsub: PubSub) -> Callable[[Change], Coroutine[Any, Any, Any]]:
    async def run(change: Change) -> Any:
        return await WritePath(db, pubsub, AppCallHooks(DEFAULT_POLICY)).run(EVERY_CAMPAIGN, change)

    return run


async def _start(tx: Transaction, call_id: str = "c") -> LiveCall:
    args = call_args(call_id)
    return await lifecycle.start_live_call(
        tx,
        call_id=call_id,
        agent_name=args["agentName"],
        customer_name=args["customerName"],
        customer_phone=args["customerPhone"],
        campaign_name=args["campaignName"],
        session_id=args["sessionId"],
        campaign_id="camp",
    )


async def _stored(db: Database, model: type[Any], **where: Any) -> Any:
    async with db.read() as session:
        return await OrmStore(session).one(model, **where)


async def test_a_change_to_a_row_a_write_read_is_stored(run: Any, db: Database) -> None:
    await run(_start)

    async def change(tx: Transaction) -> None:
        call = await tx.store.one(LiveCall, call_id="c")
        call.agent_gain = 73.5
        call.current_phase = "Pitch"

    await run(change)

    stored = await _stored(db, LiveCall, call_id="c")
    assert (stored.agent_gain, stored.current_phase, stored.customer_gain) == (73.5, "Pitch", 50)


async def test_one_is_none_when_nothing_matches_and_none_matches_null(run: Any) -> None:
    await run(_start)

    async def find(tx: Transaction) -> tuple[Any, Any, Any]:
        return (
            await tx.store.one(LiveCall, call_id="nobody"),
            await tx.store.one(LiveCall, call_id="c", end_time=None),
            await tx.store.one(LiveCall, call_id="c", sip_endpoint="sip:x"),
        )

    missing, open_call, other = await run(find)

    assert missing is None and other is None
    assert open_call is not None and open_call.call_id == "c"


async def test_a_row_read_twice_in_a_write_is_one_object(run: Any) -> None:
    await run(_start)

    async def twice(tx: Transaction) -> bool:
        first = await tx.store.one(LiveCall, call_id="c")
        first.duration = 12
        again = await tx.store.one(LiveCall, lock=True, call_id="c")
        return first is again and again.duration == 12

    assert await run(twice) is True


async def test_a_broken_unique_key_is_duplicate_and_the_write_stores_nothing(run: Any, db: Database) -> None:
    call = await run(_start)

    async def insert_again(tx: Transaction) -> None:
        await _start(tx, "d")
        copy = LiveCall.model_validate({**call.model_dump(), "id": None})
        await tx.store.insert(copy)

    with pytest.raises(Duplicate):
        await run(insert_again)

    assert call.id is not None
    assert await _stored(db, LiveCall, call_id="d") is None  # the failed write left nothing


async def test_rows_come_in_the_order_asked_for(run: Any) -> None:
    await run(_start)

    async def phases(tx: Transaction) -> list[str]:
        call = await tx.store.one(LiveCall, call_id="c")
        return [row.phase for row in await tx.store.all(CallPhase, order_by="order", live_call_id=call.id)]

    assert await run(phases) == list(defaults.PHASES)


async def test_counts_include_what_the_write_changed_before(run: Any) -> None:
    await run(_start)

    async def count(tx: Transaction) -> dict[Any, int]:
        call = await tx.store.one(LiveCall, call_id="c")
        now = datetime.now(UTC)
        for order, speaker in enumerate(("agent", "customer", "agent")):
            line = LiveTranscript(
                live_call_id=call.id, order=order, timestamp="0", speaker=speaker, text="t", is_final=True,
                created_at=now,
            )  # fmt: skip
            await tx.store.insert(line)
        line.speaker = "customer"
        return await tx.store.count_by(LiveTranscript, "speaker", live_call_id=call.id)

    assert await run(count) == {"agent": 1, "customer": 2}


async def test_a_new_json_value_is_stored_and_one_changed_in_place_is_not(run: Any, db: Database) -> None:
    async def create(tx: Transaction) -> None:
        await tx.store.insert(
            Campaign(id="camp", name="n", objectives=["a"], cost_per_minute=1, created_at=datetime.now(UTC))
        )

    async def replace(tx: Transaction) -> None:
        campaign = await tx.store.one(Campaign, id="camp")
        campaign.objectives = [*campaign.objectives, "b"]

    async def append_in_place(tx: Transaction) -> None:
        campaign = await tx.store.one(Campaign, id="camp")
        campaign.objectives.append("c")

    await run(create)
    await run(replace)
    await run(append_in_place)

    assert (await _stored(db, Campaign, id="camp")).objectives == ["a", "b"]


async def test_values_read_back_as_they_were_written(run: Any, db: Database) -> None:
    moment = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)

    async def set_values(tx: Transaction) -> None:
        call = await _start(tx)
        call.recording_start_time = moment
        call.is_recording = True
        call.duration = 0.1 + 0.2
        call.sip_endpoint = None

    async def read(tx: Transaction) -> LiveCall:
        return await tx.store.one(LiveCall, call_id="c")

    await run(set_values)
    through_store = await run(read)
    through_orm = await _stored(db, LiveCall, call_id="c")

    for row in (through_store, through_orm):
        assert row.recording_start_time == moment and row.recording_start_time.tzinfo is not None
        assert (row.is_recording, row.duration, row.sip_endpoint) == (True, 0.1 + 0.2, None)
    assert through_store.model_dump() == through_orm.model_dump()


async def test_a_new_row_takes_the_models_defaults_and_changes_before_its_insert_are_stored(
    run: Any, db: Database
) -> None:
    async def add_line(tx: Transaction) -> LiveTranscript:
        call = await _start(tx)
        assert call.id is not None
        row = tx.store.new(
            LiveTranscript, live_call_id=call.id, timestamp="00:01", speaker="agent", text="Hi", order=0
        )
        assert (row.id, row.sentiment, row.segment_id) == (None, None, None)
        row.is_final = True
        row.created_at = datetime(2026, 12, 1, tzinfo=UTC)
        return await tx.store.insert(row)

    added = await run(add_line)

    stored = await _stored(db, LiveTranscript, id=added.id)
    assert (stored.text, stored.is_final, stored.sentiment) == ("Hi", True, None)
    assert stored.created_at == datetime(2026, 12, 1, tzinfo=UTC)


async def test_a_change_after_an_insert_is_stored(run: Any, db: Database) -> None:
    async def add_then_change(tx: Transaction) -> LiveTranscript:
        call = await _start(tx)
        assert call.id is not None
        row = tx.store.new(
            LiveTranscript,
            live_call_id=call.id,
            timestamp="00:01",
            speaker="agent",
            text="Hi",
            order=0,
            is_final=False,
            created_at=datetime(2026, 12, 1, tzinfo=UTC),
        )
        await tx.store.insert(row)
        row.text = "Hi there"
        return row

    added = await run(add_then_change)

    assert (await _stored(db, LiveTranscript, id=added.id)).text == "Hi there"


async def test_added_event_rows_are_stored_in_order(run: Any, db: Database) -> None:
    async def events(tx: Transaction) -> None:
        call = await _start(tx)
        for n in range(3):
            tx.record(call, EventType.PROGRESS_UPDATED, {"n": n})

    await run(events)

    async with db.read() as session:
        call = await OrmStore(session).one(LiveCall, call_id="c")
        logged = await replay(session, call, after=0)
    assert [(event.seq, event.payload.get("n")) for event in logged] == [(1, None), (2, 0), (3, 1), (4, 2)]


async def test_a_write_that_fails_stores_and_publishes_nothing(
    run: Any, db: Database, pubsub: PubSub
) -> None:
    await run(_start)

    async def fail(tx: Transaction) -> None:
        call = await tx.store.one(LiveCall, call_id="c")
        call.agent_gain = 1
        tx.record(call, EventType.PROGRESS_UPDATED, {})
        raise ValueError("boom")

    async with pubsub.subscribe("call:c") as feed:
        with pytest.raises(ValueError, match="boom"):
            await run(fail)
        assert feed.drain() == []

    stored = await _stored(db, LiveCall, call_id="c")
    assert (stored.agent_gain, stored.last_sequence) == (50, 1)


async def test_a_counter_read_once_per_transaction_is_read_again_after_it_moves(run: Any) -> None:
    async def change(tx: Transaction) -> tuple[int, int, int, int]:
        first = await counters.value(tx.store, "contract", once=True)
        tx.store.memo[(counters.Counter, "contract")] = 41  # as if read earlier in the transaction
        kept = await counters.value(tx.store, "contract", once=True)
        moved = await counters.advance(tx.store, "contract")
        after = await counters.value(tx.store, "contract", once=True)
        return first, kept, moved, after

    assert await run(change) == (0, 41, 1, 1)
    assert await run(change) == (1, 41, 2, 2)  # the next transaction reads the stored value afresh
