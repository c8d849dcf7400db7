"""Transcript lines: ordered appends, interim lines replaced in place, rolling sentiment.

The mutation the pipeline sends most, several times a second per call; on
SQLite it runs in the group commit (``app.calls.writes``). The request's own
rules are in ``new_transcript_entry``.
"""

from app.calls.enums import EventType
from app.calls.events import Transaction, snapshot
from app.calls.idempotency import remember, replayed
from app.calls.line_redaction import finish_split_card, redacted, withheld
from app.calls.locks import lock_call, one_for_call
from app.calls.models import LiveTranscript, SentimentAnalysis
from app.calls.new_transcript_entry import OPERATION, NewTranscriptEntry, record_label
from app.calls.transitions import ensure_open
from app.core.sqltypes import utcnow


async def add_transcript_entry(tx: Transaction, *, request: NewTranscriptEntry) -> LiveTranscript:
    """Append a line in order; final lines with a sentiment roll the call's sentiment.

    With ``segment_id``, a line whose segment is already on the call replaces
    that interim line in place (same order): speech-to-text engines send
    interim guesses, then the final text of the same segment. After the call
    ended only final lines are accepted: finals often arrive just after hang-up.
    The text is redacted under the call's policy before anything is written.
    """
    request.validate()
    call = await lock_call(tx, request.call_id)
    assert call.id is not None
    request = await redacted(tx, call, request)
    if request.idempotency_key is not None:
        done = await replayed(tx, call, request.idempotency_key, OPERATION, request.arguments())
        if done is not None:
            row = await tx.store.one(LiveTranscript, id=done)
            assert row is not None
            return row
    if not request.is_final:
        ensure_open(call, "an interim transcript line")
    now = utcnow()
    row = None
    if request.segment_id is not None:
        row = await tx.store.one(LiveTranscript, live_call_id=call.id, segment_id=request.segment_id)
    if row is not None:
        request.check_replaces(row)
    stored = await finish_split_card(tx, call, request, row) if call.paused_at is None else withheld(request)
    if row is not None:
        stored.fill(row, call, now)
        kind = EventType.TRANSCRIPT_UPDATED
    else:
        row = stored.new_row(tx.store, call, now)
        stored.fill(row, call, now)
        await tx.store.insert(row)
        kind = EventType.TRANSCRIPT_ADDED
    assert row.id is not None
    if request.idempotency_key is not None:
        remember(tx, call, request.idempotency_key, OPERATION, request.arguments(), row.id)
    tx.record(call, kind, {"transcript": snapshot(row)})
    if request.sentiment is not None and request.rolls_sentiment:
        analysis = await one_for_call(tx, SentimentAnalysis, call)
        record_label(analysis, request.sentiment, now)
        tx.record(call, EventType.SENTIMENT_UPDATED, {"sentiment": snapshot(analysis)})
    return row
