"""An appended line is stored and logged the same whichever write path took it.

On SQLite the append is plain SQL in a group commit, elsewhere the ORM: the
rows must read back through the ORM exactly as the events logged them.
"""

from sqlmodel import col, select

from app.calls.events import snapshot
from app.calls.models import CallEvent, LiveCall, LiveTranscript, SentimentAnalysis
from app.core.db import Database
from tests.factories import Api


async def logged(db: Database, call_id: str) -> tuple[LiveCall, list[CallEvent]]:
    async with db.read() as session:
        call = (await session.exec(select(LiveCall).where(LiveCall.call_id == call_id))).one()
        events = (
            await session.exec(
                select(CallEvent).where(CallEvent.live_call_id == call.id).order_by(col(CallEvent.seq))
            )
        ).all()
    return call, list(events)


async def test_the_logged_line_and_sentiment_equal_the_stored_rows(api: Api, db: Database) -> None:
    api.start_call("c")
    api.add_line("c", text="Great, thanks", speaker="CUSTOMER", sentiment="POSITIVE", confidence=0.75)

    call, events = await logged(db, "c")
    async with db.read() as session:
        line = (await session.exec(select(LiveTranscript))).one()
        sentiment = (await session.exec(select(SentimentAnalysis))).one()

    added, rolled = events[-2:]
    assert (added.type, rolled.type) == ("TRANSCRIPT_ADDED", "SENTIMENT_UPDATED")
    assert added.payload == {"transcript": snapshot(line)}
    assert rolled.payload == {"sentiment": snapshot(sentiment)}
    assert (call.last_sequence, call.transcript_count, call.current_speaker) == (rolled.seq, 1, "customer")
    assert call.updated_at == line.created_at == sentiment.last_positive_moment
    assert added.created_at.tzinfo is not None


async def test_a_replaced_interim_line_is_logged_as_stored(api: Api, db: Database) -> None:
    api.start_call("c")
    api.add_line("c", text="I think", isFinal=False, segmentId="s1")
    api.add_line("c", text="I think so", isFinal=True, segmentId="s1")

    _, events = await logged(db, "c")
    async with db.read() as session:
        line = (await session.exec(select(LiveTranscript))).one()

    assert events[-1].type == "TRANSCRIPT_UPDATED"
    assert events[-1].payload == {"transcript": snapshot(line)}
    assert (line.order, line.text, line.is_final) == (0, "I think so", True)


async def test_a_failed_append_leaves_no_row_and_no_event(api: Api, db: Database) -> None:
    api.start_call("c")
    api.add_line("c", text="final", segmentId="s1")
    before = await state(db, "c")

    error = api.error(
        'mutation { addTranscriptEntry(callId: "c", timestamp: "1", speaker: AGENT, text: "again",'
        ' isFinal: false, segmentId: "s1") { order } }'
    )

    assert error["extensions"]["code"] == "CONFLICT"
    assert await state(db, "c") == before


async def state(db: Database, call_id: str) -> list[dict[str, object]]:
    call, events = await logged(db, call_id)
    async with db.read() as session:
        lines = (await session.exec(select(LiveTranscript))).all()
    return [snapshot(row) for row in (call, *events, *lines)]
