"""Transcript lines: ordered appends, interim lines replaced in place, rolling sentiment.

On SQLite the append runs as plain SQL in a group commit
(``transcripts_sqlite``): it is the mutation the pipeline sends most, several
times a second per call. Elsewhere it runs through the ORM below. Both follow
the rules in ``transcript_line``.
"""

from functools import partial

from sqlmodel import select

from app.calls import transcripts_sqlite
from app.calls.enums import EventType
from app.calls.events import Transaction, publish, snapshot, write_transaction
from app.calls.idempotency import remember, replayed
from app.calls.lifecycle import ensure_open
from app.calls.locks import lock_call, one_for_call
from app.calls.models import LiveCall, LiveTranscript, SentimentAnalysis
from app.calls.transcript_line import OPERATION, Line, record_label
from app.core.db import Database
from app.core.pubsub import PubSub
from app.core.scope import Scope
from app.core.sqltypes import utcnow


async def add_transcript_entry(db: Database, pubsub: PubSub, line: Line, scope: Scope) -> LiveTranscript:
    """Append a line in order; final lines with a sentiment roll the call's sentiment.

    With ``segment_id``, a line whose segment is already on the call replaces
    that interim line in place (same order): speech-to-text engines send
    interim guesses, then the final text of the same segment. After the call
    ended only final lines are accepted: finals often arrive just after hang-up.
    """
    line.validate()
    if db.sqlite_writer is not None:
        appended = await db.sqlite_writer.run(
            partial(transcripts_sqlite.append, line, scope), then=lambda done: publish(pubsub, done.events)
        )
        return appended.entry
    async with write_transaction(db, pubsub, scope) as tx:
        return await _append(tx, line)


async def _append(tx: Transaction, line: Line) -> LiveTranscript:
    call = await lock_call(tx, line.call_id)
    assert call.id is not None
    if line.idempotency_key is not None:
        done = await replayed(tx, call, line.idempotency_key, OPERATION, line.arguments())
        if done is not None:
            return await tx.session.get_one(LiveTranscript, done)
    if not line.is_final:
        ensure_open(call, "an interim transcript line")
    now = utcnow()
    entry = await _segment(tx, call, line.segment_id) if line.segment_id is not None else None
    if entry is not None:
        line.check_replaces(entry)
        kind = EventType.TRANSCRIPT_UPDATED
    else:
        entry = line.new_entry(call, now)
        tx.session.add(entry)
        kind = EventType.TRANSCRIPT_ADDED
    line.fill(entry, call, now)
    await tx.session.flush()
    assert entry.id is not None
    if line.idempotency_key is not None:
        remember(tx, call, line.idempotency_key, OPERATION, line.arguments(), entry.id)
    tx.record(call, kind, {"transcript": snapshot(entry)})
    if line.sentiment is not None and line.rolls_sentiment:
        row = await one_for_call(tx, SentimentAnalysis, call)
        record_label(row, line.sentiment, now)
        tx.record(call, EventType.SENTIMENT_UPDATED, {"sentiment": snapshot(row)})
    return entry


async def _segment(tx: Transaction, call: LiveCall, segment_id: str) -> LiveTranscript | None:
    query = select(LiveTranscript).where(
        LiveTranscript.live_call_id == call.id, LiveTranscript.segment_id == segment_id
    )
    return (await tx.session.exec(query)).first()
