"""Transcript lines: ordered appends, interim lines replaced in place, rolling sentiment.

The mutation the pipeline sends most, several times a second per call; on
SQLite it runs in the group commit (``app.calls.writes``). The request's own
rules are in ``transcript_line``.
"""

from app.calls.enums import EventType
from app.calls.events import Transaction, snapshot
from app.calls.idempotency import remember, replayed
from app.calls.lifecycle import ensure_open
from app.calls.line_redaction import finish_split_card, redacted
from app.calls.locks import lock_call, one_for_call
from app.calls.models import LiveTranscript, SentimentAnalysis
from app.calls.transcript_line import OPERATION, Line, record_label
from app.core.sqltypes import utcnow


async def add_transcript_entry(tx: Transaction, *, line: Line) -> LiveTranscript:
    """Append a line in order; final lines with a sentiment roll the call's sentiment.

    With ``segment_id``, a line whose segment is already on the call replaces
    that interim line in place (same order): speech-to-text engines send
    interim guesses, then the final text of the same segment. After the call
    ended only final lines are accepted: finals often arrive just after hang-up.
    The text is redacted under the call's policy before anything is written.
    """
    line.validate()
    call = await lock_call(tx, line.call_id)
    assert call.id is not None
    line = await redacted(tx, call, line)
    if line.idempotency_key is not None:
        done = await replayed(tx, call, line.idempotency_key, OPERATION, line.arguments())
        if done is not None:
            entry = await tx.store.one(LiveTranscript, id=done)
            assert entry is not None
            return entry
    if not line.is_final:
        ensure_open(call, "an interim transcript line")
    now = utcnow()
    entry = None
    if line.segment_id is not None:
        entry = await tx.store.one(LiveTranscript, live_call_id=call.id, segment_id=line.segment_id)
    if entry is not None:
        line.check_replaces(entry)
    stored = await finish_split_card(tx, call, line, entry)
    if entry is not None:
        stored.fill(entry, call, now)
        kind = EventType.TRANSCRIPT_UPDATED
    else:
        entry = stored.new_entry(call, now)
        stored.fill(entry, call, now)
        await tx.store.insert(entry)
        kind = EventType.TRANSCRIPT_ADDED
    assert entry.id is not None
    if line.idempotency_key is not None:
        remember(tx, call, line.idempotency_key, OPERATION, line.arguments(), entry.id)
    tx.record(call, kind, {"transcript": snapshot(entry)})
    if line.sentiment is not None and line.rolls_sentiment:
        row = await one_for_call(tx, SentimentAnalysis, call)
        record_label(row, line.sentiment, now)
        tx.record(call, EventType.SENTIMENT_UPDATED, {"sentiment": snapshot(row)})
    return entry
